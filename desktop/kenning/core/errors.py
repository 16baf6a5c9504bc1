"""Kenning's error tree: every error carries a short message for the user and a next step."""

from __future__ import annotations


class KenningError(Exception):
    """Base of every error Kenning reports to a person."""

    next_step: str = ""

    def __init__(self, message: str, next_step: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if next_step is not None:
            self.next_step = next_step

    def __str__(self) -> str:
        return self.message


class FileProblem(KenningError):
    """A single file could not be indexed; recorded against the file, never fatal to a run."""

    status: str = "error"
    transient: bool = False  # may go away by itself: retried on every sync, not only when the file changes

    def __init__(self, message: str, next_step: str | None = None, *, transient: bool = False) -> None:
        super().__init__(message, next_step)
        self.transient = transient


class FileSkipped(FileProblem):
    """The file is deliberately not indexed (empty, binary, too large, no text, unsupported)."""

    status = "skipped"


class FileUnreadable(FileProblem):
    """The file exists but could not be read or parsed (corrupt, encrypted, permissions, vanished)."""

    status = "error"


class IndexProblem(KenningError):
    """Base for problems with the index itself."""


class IndexIncompatible(IndexProblem):
    next_step = "Run `kenning index --reembed PATH` to rebuild it with the current model."


class IndexCorrupt(IndexProblem):
    next_step = "Rebuild the index from your files: `kenning index --rebuild PATH`."


class EmbeddingModelUnavailable(KenningError):
    next_step = "Check the `embedding.model` setting: it must name an installed model or a local folder."


class UsageError(KenningError):
    """Bad command-line usage; exit code 2."""
