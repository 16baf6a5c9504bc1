"""Kenning's settings: one typed, versioned schema with a default and a description per field.

Stored as TOML in the platform's config dir; `settings_file` reads it into these types, checking
every value at the door, and writes it back.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from kenning.core.hosts import DEFAULT_HOST

SCHEMA_VERSION = 1

# How the embedding model runs: auto takes what calibration measured fastest among those that agree.
EMBEDDING_ENGINES = ("auto", "fp32", "bf16", "fp16", "openvino", "openvino-f32")

DEFAULT_IGNORE = (
    ".*",  # hidden files and folders, .git included
    "node_modules",
    "__pycache__",
    "~$*",  # Office lock files
    "*.swp",
    "*.swo",
    "*~",
    ".~lock*",  # LibreOffice lock files
    "*.tmp",
    "*.part",
    "*.crdownload",
)


def _describe(default: Any, text: str) -> Any:
    if isinstance(default, (list, tuple, dict)):
        return field(default_factory=lambda: type(default)(default), metadata={"help": text})
    return field(default=default, metadata={"help": text})


@dataclass
class IndexSettings:
    ignore: list[str] = _describe(list(DEFAULT_IGNORE), "Glob patterns of file and folder names to skip.")
    max_file_mb: float = _describe(50.0, "Files larger than this (MB) are skipped with a reason.")
    follow_symlinks: bool = _describe(False, "Follow symbolic links to folders (loops are detected).")
    commit_chunks: int = _describe(
        256, "Chunks embedded between two commits: an interrupted run keeps every commit it made."
    )
    auto_swap_when_no_worse: bool = _describe(
        True,
        "After a rebuild, with a test set chosen in the Evaluate tab: switch to the new index by itself "
        "when no figure got worse (otherwise Kenning shows both runs and asks).",
    )


@dataclass
class WatchSettings:
    debounce_s: float = _describe(
        0.6,
        "Quiet time (s) after the last change before a batch is indexed: one save, one update. Above "
        "0.5 s, watchdog's wait for the other half of a move, so a move into a new folder stays a rename.",
    )
    max_delay_s: float = _describe(
        5.0, "Longest a change waits (s) while a folder keeps changing (a copy or checkout in progress)."
    )
    max_batch_files: int = _describe(500, "Most paths handled in one batch; the rest follow in the next.")
    polling: str = _describe(
        "auto",
        "auto: poll network and removable drives, where change events do not arrive; always; never.",
    )
    poll_interval_s: float = _describe(5.0, "Seconds between scans of a polled folder.")
    root_check_s: float = _describe(2.0, "Seconds between checks that each watched folder is still there.")
    worker: str = _describe(
        "process",
        "process: files are read and embedded in a separate indexing process, so the window never "
        "stutters (more memory: the model is loaded twice); thread: inside the app's own process. "
        "Used from the next start.",
    )


@dataclass
class ChunkSettings:
    target_tokens: int = _describe(200, "Target chunk size in embedding-model tokens.")
    overlap_tokens: int = _describe(32, "Tokens shared by neighbouring chunks, so no sentence is cut off.")


@dataclass
class EmbeddingSettings:
    model: str = _describe(
        "all-MiniLM-L6-v2", "Embedding model: a known name, an installed name, or a folder."
    )
    device: str = _describe("auto", "auto, cpu, cuda or mps.")
    batch_size: int = _describe(16, "Chunks embedded per batch (16 keeps peak memory under 1.5 GB).")
    threads: int = _describe(0, "CPU threads for embedding; 0 lets the library decide.")
    engine: str = _describe(
        "auto",
        "How the model runs: auto uses the fastest engine measured on this machine whose vectors agree "
        "with standard fp32; or force fp32, bf16 (CPUs with native bf16), fp16 (GPU), openvino (bf16 "
        "where native) or openvino-f32.",
    )
    provider: str = _describe(
        "local",
        "local: the model above runs on this computer; ollama: the Ollama server embeds "
        "(its model below). Changing it re-embeds every document.",
    )
    ollama_model: str = _describe(
        "nomic-embed-text", "Ollama embedding model, used when the provider is ollama."
    )

    @property
    def model_id(self) -> str:
        """What the index records as the model its vectors come from."""
        return f"ollama:{self.ollama_model.strip()}" if self.provider == "ollama" else self.model


@dataclass
class SearchSettings:
    k: int = _describe(10, "Passages returned by a search.")
    candidates: int = _describe(
        50, "Candidates each retriever (vector, full text) contributes before fusion."
    )
    rrf_k: int = _describe(60, "Reciprocal-rank-fusion constant: larger flattens the rank curve.")


@dataclass
class OllamaSettings:
    host: str = _describe(
        DEFAULT_HOST, "Ollama's address; the OLLAMA_HOST environment variable overrides it."
    )
    model: str = _describe("", "Chat model used to answer (an installed Ollama model name).")
    num_gpu: str | int = _describe("auto", "auto lets Ollama use the GPU; 0 runs on the CPU only.")
    num_ctx: int = _describe(4096, "Context window in tokens; larger needs more memory.")
    temperature: float = _describe(0.1, "Sampling temperature: low keeps answers close to the sources.")
    keep_alive: str = _describe("5m", "How long Ollama keeps the model loaded after an answer.")
    connect_timeout_s: float = _describe(3.0, "Seconds to wait for Ollama to accept a connection.")
    first_token_timeout_s: float = _describe(
        60.0, "Seconds to wait for the first token (covers model load and reading the prompt)."
    )
    use_system_proxy: bool = _describe(
        False,
        "Reach a remote Ollama through the system proxy (HTTP_PROXY etc.); "
        "Ollama on this computer is always reached directly.",
    )
    ca_bundle: str = _describe(
        "",
        "PEM file of the certificate authority a remote Ollama's HTTPS certificate comes from; "
        "empty trusts the system's certificates.",
    )
    remote_watts: float = _describe(
        300.0,
        "Power the remote Ollama server draws while it answers (W), for the energy cost of an answer "
        "computed there; answers from Ollama on this computer use the CPU/GPU power under Answer.",
    )


@dataclass
class AnswerSettings:
    k: int = _describe(8, "Passages retrieved for an answer (the prompt keeps as many as fit).")
    answer_tokens: int = _describe(512, "Tokens kept free in the model's context for the answer.")
    cpu_watts: float = _describe(25.0, "Power the computer draws while the model runs on the CPU (W).")
    gpu_watts: float = _describe(60.0, "Power drawn while the model runs on the GPU (W).")
    usd_per_kwh: float = _describe(0.30, "Electricity price per kWh, for the local cost of an answer.")
    reference_model: str = _describe("", "Cloud model to compare costs with (from reference_prices.toml).")
    log_questions: bool = _describe(False, "Write questions and answers to the log file.")
    flagged_passages: str = _describe(
        "exclude",
        "Passages that look written to instruct the model (found when indexing): 'exclude' keeps them "
        "out of the prompt, 'warn' sends them like any other passage (their flags are still shown).",
    )


@dataclass
class ServiceSettings:
    enabled: bool = _describe(
        False,
        "Serve your documents to other tools while the desktop app runs: the OpenAI-style API and MCP "
        "on 127.0.0.1 at the port below, with an access token (Settings › Service).",
    )
    host: str = _describe(
        "127.0.0.1", "Address to listen on; any other than this computer needs an access token."
    )
    port: int = _describe(8765, "Port of the service (http://127.0.0.1:PORT/v1 and /mcp).")
    mcp: bool = _describe(False, "Also serve MCP over HTTP at /mcp (needs an access token).")


@dataclass
class OcrSettings:
    enabled: bool = _describe(
        True, "Read scanned PDF pages and images (PNG, JPEG, TIFF) with OCR, after the other files."
    )
    languages: str = _describe(
        "eng", 'Languages of the scans, joined by "+" (Tesseract language packs, e.g. "eng+deu").'
    )
    engine: str = _describe("auto", "auto (Tesseract when installed, else RapidOCR), tesseract or rapidocr.")


@dataclass
class SharingSettings:
    index_uri: str = _describe(
        "",
        "Where your index lives: empty for the data folder, or s3://bucket/prefix on an S3-compatible "
        "store (s3+ddb://bucket/prefix?ddbTableName=T for commits through DynamoDB).",
    )
    read_only: bool = _describe(
        False, "Attach the index at index_uri as a reader: search it, never write (one publisher writes)."
    )
    endpoint: str = _describe("", "Object store URL (MinIO, a NAS); empty: AWS_ENDPOINT_URL or AWS S3.")
    region: str = _describe("", "Object store region; empty: AWS_REGION, else us-east-1.")
    access_key_id: str = _describe(
        "", "Access key id; its secret is kept in the keyring (empty: AWS_ACCESS_KEY_ID and the secret key)."
    )
    refresh_s: float = _describe(
        10.0, "Seconds a reader may lag behind the publisher: how often it checks for a new version."
    )
    connect_timeout_s: float = _describe(3.0, "Seconds to wait for the object store to accept a connection.")


def apply_env(settings: OllamaSettings, environ: Mapping[str, str] | None = None) -> OllamaSettings:
    """The settings with OLLAMA_HOST applied; call where settings are loaded, not in the client."""
    env = os.environ if environ is None else environ
    host = env.get("OLLAMA_HOST", "").strip()
    return replace(settings, host=host) if host else settings


@dataclass
class SummarySettings:
    background: bool = _describe(
        False,
        "After indexing, summarise each document with the chat model and index the summary as one more "
        "passage, so broad questions find whole documents. Off by default: it runs the model once per "
        "document (a laptop on battery pays for it).",
    )


@dataclass
class Settings:
    version: int = SCHEMA_VERSION
    index: IndexSettings = field(default_factory=IndexSettings)
    watch: WatchSettings = field(default_factory=WatchSettings)
    chunking: ChunkSettings = field(default_factory=ChunkSettings)
    embedding: EmbeddingSettings = field(default_factory=EmbeddingSettings)
    search: SearchSettings = field(default_factory=SearchSettings)
    ollama: OllamaSettings = field(default_factory=OllamaSettings)
    answer: AnswerSettings = field(default_factory=AnswerSettings)
    service: ServiceSettings = field(default_factory=ServiceSettings)
    ocr: OcrSettings = field(default_factory=OcrSettings)
    summaries: SummarySettings = field(default_factory=SummarySettings)
    sharing: SharingSettings = field(default_factory=SharingSettings)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)
