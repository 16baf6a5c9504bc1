"""Checks a whole Settings before it is saved: each problem names its field and says what is allowed."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from kenning.core.hosts import InvalidHost, normalize_host
from kenning.core.settings import EMBEDDING_ENGINES, Settings

DEVICES = ("auto", "cpu", "cuda", "mps")
FLAGGED_PASSAGES = ("exclude", "warn")
_DURATION = re.compile(r"^-?\d+(\.\d+)?(ns|us|µs|ms|s|m|h)?$")  # Ollama's keep_alive: "5m", "1h", "-1", "0"


Need = Callable[[bool, str, str, str], None]  # need(ok, section, field, message)


@dataclass(frozen=True)
class Problem:
    section: str  # the Settings attribute, e.g. "ollama"
    field: str
    message: str


def settings_problems(settings: Settings, *, reference_models: Iterable[str] | None = None) -> list[Problem]:
    """Every value that would not work; empty when the settings can be saved."""
    found: list[Problem] = []

    def need(ok: bool, section: str, name: str, message: str) -> None:
        if not ok:
            found.append(Problem(section, name, message))

    s = settings
    need(s.index.max_file_mb > 0, "index", "max_file_mb", "The largest file size must be above 0 MB.")
    need(all(p.strip() for p in s.index.ignore), "index", "ignore", "Ignore patterns cannot be blank lines.")
    need(
        isinstance(s.index.auto_swap_when_no_worse, bool),
        "index",
        "auto_swap_when_no_worse",
        "Switching after a rebuild is true or false.",
    )
    need(s.chunking.target_tokens >= 16, "chunking", "target_tokens", "Chunks need at least 16 tokens.")
    need(
        0 <= s.chunking.overlap_tokens < s.chunking.target_tokens,
        "chunking",
        "overlap_tokens",
        f"The overlap must be smaller than the chunk size ({s.chunking.target_tokens} tokens).",
    )
    need(bool(s.embedding.model.strip()), "embedding", "model", "Name an embedding model or a model folder.")
    device = s.embedding.device.strip().lower()
    need(
        device in DEVICES or re.fullmatch(r"cuda:\d+", device) is not None,
        "embedding",
        "device",
        "The device must be auto, cpu, cuda (or cuda:N) or mps.",
    )
    need(
        s.embedding.engine in EMBEDDING_ENGINES,
        "embedding",
        "engine",
        "The engine must be " + ", ".join(EMBEDDING_ENGINES[:-1]) + " or " + EMBEDDING_ENGINES[-1] + ".",
    )
    need(s.embedding.batch_size >= 1, "embedding", "batch_size", "The batch size must be at least 1.")
    need(s.watch.worker in ("process", "thread"), "watch", "worker", "The worker must be process or thread.")
    need(s.search.k >= 1, "search", "k", "A search must return at least 1 passage.")
    need(
        s.search.candidates >= s.search.k,
        "search",
        "candidates",
        f"Candidates must be at least the passages returned ({s.search.k}).",
    )
    need(s.search.rrf_k >= 1, "search", "rrf_k", "The fusion constant must be at least 1.")
    need(
        s.embedding.provider in ("local", "ollama"),
        "embedding",
        "provider",
        "The embedding provider must be local or ollama.",
    )
    need(
        s.embedding.provider != "ollama" or bool(s.embedding.ollama_model.strip()),
        "embedding",
        "ollama_model",
        "Name the Ollama embedding model, like nomic-embed-text.",
    )
    _check_ollama(s, need)
    need(s.answer.k >= 1, "answer", "k", "An answer needs at least 1 passage.")
    need(
        16 <= s.answer.answer_tokens < s.ollama.num_ctx,
        "answer",
        "answer_tokens",
        f"Answer tokens must be between 16 and the context size ({s.ollama.num_ctx}).",
    )
    need(
        s.answer.cpu_watts >= 0 and s.answer.gpu_watts >= 0,
        "answer",
        "cpu_watts",
        "Power cannot be negative.",
    )
    need(
        s.answer.flagged_passages in FLAGGED_PASSAGES,
        "answer",
        "flagged_passages",
        f"Flagged passages are handled by one of: {', '.join(FLAGGED_PASSAGES)}.",
    )
    need(s.answer.usd_per_kwh >= 0, "answer", "usd_per_kwh", "The electricity price cannot be negative.")
    need(1 <= s.service.port <= 65535, "service", "port", "The port must be between 1 and 65535.")
    need(bool(s.service.host.strip()), "service", "host", "Give an address to listen on, like 127.0.0.1.")
    _check_ocr(s, need)
    need(s.sharing.refresh_s >= 0, "sharing", "refresh_s", "The refresh interval cannot be negative.")
    uri = s.sharing.index_uri.strip()
    need(
        not uri or "://" not in uri or uri.startswith(("s3://", "s3+ddb://")),
        "sharing",
        "index_uri",
        "The index address must be a folder, s3://bucket/prefix or s3+ddb://bucket/prefix?ddbTableName=T.",
    )
    if reference_models is not None and s.answer.reference_model:
        known = set(reference_models)
        need(
            s.answer.reference_model in known,
            "answer",
            "reference_model",
            f'"{s.answer.reference_model}" is not in the reference price table.',
        )
    return found


OCR_ENGINES = ("auto", "tesseract", "rapidocr")


def _check_ocr(s: Settings, need: Need) -> None:
    need(
        s.ocr.engine.strip().lower() in OCR_ENGINES,
        "ocr",
        "engine",
        "The OCR engine must be auto, tesseract or rapidocr.",
    )
    need(
        re.fullmatch(r"[A-Za-z_]+(\+[A-Za-z_]+)*", s.ocr.languages.strip()) is not None,
        "ocr",
        "languages",
        'Name Tesseract languages joined by "+", like eng or eng+deu.',
    )


def _check_ollama(s: Settings, need: Need) -> None:
    o = s.ollama
    try:
        normalize_host(o.host)
        host_ok = True
    except InvalidHost:
        host_ok = False
    need(host_ok, "ollama", "host", f'"{o.host}" is not an address; use a URL like http://127.0.0.1:11434.')
    gpu = str(o.num_gpu).strip().lower()
    need(
        gpu in ("auto", "cpu") or gpu.isdigit(),
        "ollama",
        "num_gpu",
        "GPU must be auto, cpu, or a layer count.",
    )
    need(o.num_ctx >= 512, "ollama", "num_ctx", "The context size must be at least 512 tokens.")
    need(0 <= o.temperature <= 2, "ollama", "temperature", "The temperature must be between 0 and 2.")
    need(
        bool(_DURATION.match(o.keep_alive.strip())),
        "ollama",
        "keep_alive",
        'Keep alive is a duration like "5m", "1h" or "-1".',
    )
    need(o.connect_timeout_s > 0, "ollama", "connect_timeout_s", "The connect timeout must be above 0 s.")
    need(
        o.first_token_timeout_s > 0,
        "ollama",
        "first_token_timeout_s",
        "The first-token timeout must be above 0 s.",
    )
    need(o.remote_watts >= 0, "ollama", "remote_watts", "Power cannot be negative.")
    bundle = o.ca_bundle.strip()
    need(
        not bundle or Path(bundle).expanduser().is_file(),
        "ollama",
        "ca_bundle",
        f"The CA bundle {bundle} does not exist; give the path of a PEM file, or leave it empty.",
    )
