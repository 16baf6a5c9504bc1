"""The vocabulary shared by every layer: plain frozen dataclasses, standard library only."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class FileStatus(StrEnum):
    INDEXED = "indexed"
    SKIPPED = "skipped"  # deliberately not indexed: empty, binary, too large, no text
    ERROR = "error"  # could not be read: corrupt, encrypted, unreadable, vanished
    UNSUPPORTED = "unsupported"  # a type no loader reads (photos, archives): skipped quietly, not a problem
    PENDING = "pending"  # being written; left behind only by a crash, and redone by the next sync


@dataclass(frozen=True)
class Block:
    """A run of text from one place in a document: a PDF page or a section under one heading path.

    ``start`` is the offset of ``text`` inside ``Document.text`` (blocks joined by a blank line),
    so chunk offsets can be mapped back to the passage a viewer highlights.
    """

    text: str
    page: int | None = None  # 1-based physical page, PDFs only
    section: tuple[str, ...] = ()  # heading path, outermost first
    start: int = 0


BLOCK_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Document:
    """What a loader extracts from one file."""

    path: str
    title: str
    loader: str
    blocks: tuple[Block, ...]
    pages: int | None = None
    notes: tuple[str, ...] = ()  # what was left out and why (a capped sheet, a skipped attachment)
    # Characters of text a reader cannot see (hidden Word runs, display:none, invisible PDF text)
    # that the loader left out: hidden text is a classic carrier of instructions aimed at the model.
    hidden_chars: int = 0

    @property
    def text(self) -> str:
        return BLOCK_SEPARATOR.join(b.text for b in self.blocks)


# (text, page, section path): what a loader collects before the blocks get their offsets.
Part = tuple[str, int | None, tuple[str, ...]]


def make_blocks(parts: list[Part]) -> tuple[Block, ...]:
    """Build blocks with their ``start`` offsets filled in, dropping empty text."""
    blocks: list[Block] = []
    offset = 0
    for text, page, section in parts:
        if not text.strip():
            continue
        blocks.append(Block(text=text, page=page, section=section, start=offset))
        offset += len(text) + len(BLOCK_SEPARATOR)
    return tuple(blocks)


@dataclass(frozen=True)
class Chunk:
    """A passage small enough to embed, with everything needed to cite it."""

    path: str
    ordinal: int
    text: str
    page: int | None
    section: tuple[str, ...]
    start: int
    end: int
    context: str  # "title > section" prefix used for embedding and full-text search

    @property
    def search_text(self) -> str:
        return f"{self.context}\n{self.text}" if self.context else self.text


@dataclass(frozen=True)
class FileRecord:
    path: str
    root: str
    size: int
    mtime_ns: int
    sha256: str
    status: FileStatus
    error: str = ""
    loader: str = ""
    pages: int = 0
    chunks: int = 0
    indexed_at: float = 0.0
    embed_model: str = ""
    retry: bool = False  # a passing problem (permissions, file in use): try again on the next sync


@dataclass(frozen=True)
class Flag:
    """Why a passage looks addressed to the model rather than the reader (found at indexing)."""

    reason: str  # e.g. "instruction to the model", "chat template marker"
    span: str  # the text that matched, shortened to one line


OWN_INDEX = "own"  # the index name hits from the user's own index carry (others: attached indexes)


@dataclass(frozen=True)
class Hit:
    """One search result."""

    rank: int
    path: str
    page: int | None
    section: tuple[str, ...]
    text: str
    score: float
    start: int
    end: int
    chunk_id: str = ""
    vector_score: float | None = None  # cosine similarity, when the vector side found it
    text_score: float | None = None  # BM25 score, when the full-text side found it
    vector_rank: int | None = None
    text_rank: int | None = None
    flags: tuple[Flag, ...] = ()  # what the injection scan found in this passage; empty when clean
    index: str = ""  # which index it came from: "own", or an attached index's name


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: tuple[Hit, ...]
    timings_ms: dict[str, float] = field(default_factory=dict)


# ---- indexing events: what `Indexer.sync` yields --------------------------------------------


class Outcome(StrEnum):
    INDEXED = "indexed"
    UNCHANGED = "unchanged"
    RENAMED = "renamed"
    REMOVED = "removed"
    SKIPPED = "skipped"
    UNSUPPORTED = "unsupported"
    ERROR = "error"


@dataclass(frozen=True)
class FileIssue:
    path: str
    reason: str


@dataclass(frozen=True)
class SyncStarted:
    roots: tuple[str, ...]
    files_total: int  # files found on disk
    to_process: int  # of those, new or changed since the last sync


@dataclass(frozen=True)
class FileDone:
    path: str
    outcome: Outcome
    reason: str = ""
    chunks: int = 0
    done: int = 0  # files processed so far (unchanged ones excluded)
    total: int = 0
    renamed_from: str = ""
    phase: str = ""  # "ocr" while scans are read, after the other files (done/total count scans)


@dataclass
class SyncReport:
    roots: tuple[str, ...]
    files_seen: int = 0
    indexed: int = 0
    unchanged: int = 0
    removed: int = 0
    renamed: int = 0
    skipped: list[FileIssue] = field(default_factory=list)
    errors: list[FileIssue] = field(default_factory=list)
    skipped_unsupported: int = 0  # files of a type no loader reads: counted, not listed as problems
    chunks_added: int = 0  # chunks written for new or changed files
    chunks_embedded: int = 0  # of those, how many needed the model
    chunks_reused: int = 0  # of those, how many reused a stored vector
    seconds: float = 0.0
    embed_seconds: float = 0.0  # encoding only: the model's one-time load is in model_load_seconds
    model_load_seconds: float = 0.0
    optimizations: int = 0  # Store.optimize() calls, the ones made during a long sync included
    flags_scanned: int = 0  # chunks of an older index scanned for injected instructions, once
    flags_found: int = 0  # of those, how many were flagged
    cancelled: bool = False

    @property
    def files_per_s(self) -> float:
        processed = self.indexed + self.renamed + self.removed + len(self.errors) + len(self.skipped)
        processed += self.skipped_unsupported
        return processed / self.seconds if self.seconds > 0 else 0.0

    @property
    def chunks_per_s(self) -> float:
        return self.chunks_added / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class SyncFinished:
    report: SyncReport


# ---- watching events: what `FolderWatcher.run` yields (besides the indexer's own events) -------


@dataclass(frozen=True)
class Watching:
    """The start-up reconciliation is done; changes are now followed live."""

    roots: tuple[str, ...]  # online and watched
    polled: tuple[str, ...] = ()  # of those, the ones scanned on a timer (no native events there)


@dataclass(frozen=True)
class BatchDone:
    """One batch of changes reached the index."""

    at: str  # ISO 8601 time the batch finished
    indexed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    renamed: tuple[tuple[str, str], ...] = ()  # (from, to)
    errors: tuple[FileIssue, ...] = ()
    skipped: tuple[FileIssue, ...] = ()
    seconds: float = 0.0

    @property
    def files(self) -> int:
        lists = (self.indexed, self.removed, self.renamed, self.errors, self.skipped)
        return sum(len(items) for items in lists)


@dataclass(frozen=True)
class WatchStatus:
    queue_length: int  # changed paths waiting
    files_per_s: float  # recent indexing rate (0 before the first batch)
    eta_s: float | None  # time to empty the queue at that rate; None when unknown
    offline: tuple[str, ...] = ()
    paused: tuple[str, ...] = ()


@dataclass(frozen=True)
class RootOffline:
    """A watched folder vanished (unmounted, renamed): its files stay in the index until it returns."""

    root: str
    reason: str


@dataclass(frozen=True)
class RootOnline:
    """A watched folder is back (or was added); what changed meanwhile has been reconciled."""

    root: str


@dataclass(frozen=True)
class SyncPaused:
    """The watcher could not write to the index (another process holds it, a disk error): it keeps
    the work and tries again in `retry_in_s` seconds, or at once when asked."""

    reason: str
    retry_in_s: float


@dataclass(frozen=True)
class SyncResumed:
    """The work that paused the watcher went through: it is following changes again."""
