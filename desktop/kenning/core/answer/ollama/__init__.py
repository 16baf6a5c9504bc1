"""The Ollama chat client: `request` builds requests (pure), `client` talks HTTP, `errors` and
`types` name what comes back."""
