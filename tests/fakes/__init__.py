"""Test servers that speak Ollama's HTTP protocol: a scripted fake and one backed by a real small model."""
