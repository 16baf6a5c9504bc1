"""Plain text and source code: the decoded file as one block, with no sections."""

from __future__ import annotations

from kenning.core.domain.documents import Document, make_blocks
from kenning.core.errors import FileSkipped
from kenning.core.ingest.loaders.decoding import decode_text, title_from_path

NO_TEXT_REASON = "no text (only whitespace)"


class TextLoader:
    """Loads prose, logs, data and source files; their text is indexed verbatim."""

    name: str = "text"
    suffixes: tuple[str, ...] = (
        # prose and markup read as text
        ".txt", ".text", ".log", ".rst", ".adoc", ".asciidoc", ".org", ".tex",
        # data and configuration
        ".json", ".jsonl", ".ndjson", ".yaml", ".yml", ".toml", ".ini", ".cfg", ".conf",
        ".properties", ".env", ".xml",
        # source code
        ".py", ".pyi", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".java", ".kt", ".kts", ".scala",
        ".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".hh", ".cs", ".go", ".rs", ".rb", ".php", ".pl", ".pm",
        ".lua", ".r", ".jl", ".swift", ".m", ".dart", ".hs", ".ml", ".ex", ".exs", ".erl", ".clj",
        ".sh", ".bash", ".zsh", ".fish", ".ps1", ".bat", ".cmd", ".sql", ".css", ".scss", ".less",
        ".vue", ".svelte", ".gradle", ".cmake", ".mk", ".make", ".diff", ".patch", ".proto", ".graphql",
    )  # fmt: skip

    def sniff(self, head: bytes) -> bool:
        # Plain text has no signature; the registry picks this loader by suffix only.
        return False

    def load(self, path: str, data: bytes) -> Document:
        text = decode_text(data)
        if not text.strip():
            raise FileSkipped(NO_TEXT_REASON)
        return Document(
            path=path,
            title=title_from_path(path),
            loader=self.name,
            blocks=make_blocks([(text, None, ())]),
        )
