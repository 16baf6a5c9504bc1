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


class FileUnsupported(FileSkipped):
    """No loader reads this type of file (a photo, an archive): skipped quietly, not a problem."""

    status = "unsupported"


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


class IndexUnreadable(IndexProblem):
    """The operating system refused access to the index folder: nothing is wrong with the index."""

    next_step = "Give your user read and write access to the index folder (or choose another `--data-dir`)."


class IndexLocked(IndexProblem):
    """Another program holds the index's files; waiting is the fix, rebuilding would not be."""

    next_step = "Close the other Kenning window or command using this index, then try again."


class IndexTooNew(IndexProblem):
    """A newer Kenning wrote this index; this version must not touch it."""

    next_step = "Update Kenning to the version that built this index (your documents are not affected)."


class DiskFull(KenningError):
    """A write failed for lack of space (or a file-size or quota limit): the data written so far is kept."""

    next_step = "Free some disk space (or raise the quota), then try again: finished work is kept."


class StorageUnavailable(KenningError):
    """A file Kenning keeps (index, conversations, traces) could not be written or read."""

    next_step = "Check that the data folder exists and that your user may write to it."


# errno values and the words Lance and SQLite put in their messages (they rarely carry an errno).
_FULL_ERRNOS = {28, 27, 122}  # ENOSPC, EFBIG, EDQUOT
_DENIED_ERRNOS = {1, 13, 30}  # EPERM, EACCES, EROFS
_LOCKED_ERRNOS = {11, 16}  # EAGAIN/EWOULDBLOCK, EBUSY
_FULL_WORDS = (
    "no space left",
    "disk is full",
    "file too large",
    "quota exceeded",
    "os error 28",
    "os error 27",
)
_DENIED_WORDS = (
    "permission denied",
    "read-only file system",
    "readonly database",
    "os error 13",
    "os error 30",
)
_LOCKED_WORDS = ("database is locked", "resource temporarily unavailable", "being used by another process")


def storage_fault(exc: BaseException) -> str | None:
    """'full', 'denied' or 'locked' when `exc` is that kind of file-system fault, else None."""
    number = getattr(exc, "errno", None) if isinstance(exc, OSError) else None
    sqlite_name = str(getattr(exc, "sqlite_errorname", ""))
    text = str(exc).lower()
    if number in _FULL_ERRNOS or sqlite_name == "SQLITE_FULL" or any(w in text for w in _FULL_WORDS):
        return "full"
    if (
        isinstance(exc, PermissionError)
        or number in _DENIED_ERRNOS
        or sqlite_name.startswith(("SQLITE_READONLY", "SQLITE_PERM"))
        or any(w in text for w in _DENIED_WORDS)
    ):
        return "denied"
    if (
        number in _LOCKED_ERRNOS
        or getattr(exc, "winerror", None) in (32, 33)  # sharing or lock violation
        or sqlite_name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))
        or any(w in text for w in _LOCKED_WORDS)
    ):
        return "locked"
    return None


def storage_error(exc: BaseException, what: str) -> KenningError | None:
    """The KenningError for a file-system fault while writing or reading `what`, or None if it is not one."""
    fault = storage_fault(exc)
    if fault == "full":
        return DiskFull(f"The disk is full: Kenning could not save {what}.")
    if fault == "denied":
        return StorageUnavailable(f"Kenning is not allowed to write {what} (permission denied).")
    if fault == "locked":
        return StorageUnavailable(
            f"{what[0].upper()}{what[1:]} is locked by another program.",
            "Close the other Kenning window or command, then try again.",
        )
    return None


class SharedIndexProblem(IndexProblem):
    """An index on object storage (or attached from elsewhere) cannot be used as asked."""

    next_step = "Check the `sharing` settings (endpoint, region, access key) and that the store is up."


class SharedIndexUnreachable(SharedIndexProblem):
    """The object store did not answer: a network or endpoint problem, not a damaged index."""


class SharedIndexDenied(SharedIndexProblem):
    next_step = (
        "Check the access key in the `sharing` settings and its secret in the keyring (or AWS_* variables)."
    )


class SharedIndexMissing(SharedIndexProblem):
    next_step = "Check the address, or ask the publisher to run `kenning publish --to URI` first."


class SharedIndexUnsafe(SharedIndexProblem):
    """The store would let two writers overwrite each other's commits silently."""

    next_step = (
        "Use a store that honours conditional writes (If-None-Match), or an external commit store: "
        "s3+ddb://bucket/prefix?ddbTableName=TABLE. Readers may still attach it read-only."
    )


class SharedIndexReadOnly(SharedIndexProblem):
    next_step = "Only the publisher updates a shared index; index your own folders into your own index."
