"""Builds the core's parts from settings and a data dir, each only when first needed.

Opening a workspace is cheap: nothing imports torch or sentence-transformers until a text
actually has to be embedded, so an unchanged re-index or a status query stays fast.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kenning import paths
from kenning.core.domain.documents import OWN_INDEX
from kenning.core.domain.file_health import HealthRow
from kenning.core.domain.json_shapes import status_json
from kenning.core.index.attached import Attached, load_attached, open_attached
from kenning.core.index.embedder import Embedder
from kenning.core.index.embedding_engines import OPENVINO_ENGINES
from kenning.core.index.embedding_models import ModelLocation, locate_model
from kenning.core.index.engine_choice import (
    Calibration,
    calibration_file,
    current_calibration,
    machine_fingerprint,
    resolve_engine,
)
from kenning.core.index.indexer import Indexer
from kenning.core.index.location import Credentials, IndexLocation, location_for
from kenning.core.index.store import Store
from kenning.core.index.swap import recover_swap
from kenning.core.ingest.chunker import Chunker
from kenning.core.ingest.ocr.runner import OcrRunner
from kenning.core.ingest.ocr.word_boxes import WordBoxStore
from kenning.core.ingest.token_counter import TokenCounter, token_counter_for
from kenning.core.ingest.walker import IgnoreRules
from kenning.core.observe.trace_store import TraceStore
from kenning.core.search.multi_index import MultiIndexRetriever
from kenning.core.search.retriever import Retriever
from kenning.core.secrets import SecretStore
from kenning.core.settings import Settings

if TYPE_CHECKING:  # answering pulls in the Ollama client: imported only when a question is asked
    from kenning.core.answer.answerer import Answerer
    from kenning.core.answer.ollama.client import OllamaClient
    from kenning.core.answer.whole_document import WholeDocument
    from kenning.core.index.shared_info import SharedIndexInfo
    from kenning.core.index.snapshot import Published
    from kenning.core.observe.trace_store import TraceStore


@dataclass
class Workspace:
    data_dir: Path
    settings: Settings = field(default_factory=Settings)
    # The app hands one store to every workspace it opens, so a secret kept in memory only (no
    # keyring) outlives a workspace replaced after a settings change.
    secrets: SecretStore = field(default_factory=SecretStore)

    @cached_property
    def model_location(self) -> ModelLocation:
        return locate_model(self.settings.embedding.model)

    @property
    def build_id(self) -> str:
        """What the vectors depend on: the embedding model and the chunking (see core/reindex.py)."""
        c = self.settings.chunking
        return f"{self.settings.embedding.model_id}|chunks={c.target_tokens}/{c.overlap_tokens}"

    @cached_property
    def object_store_credentials(self) -> Credentials:
        """Endpoint, region and keys for object stores: settings and keyring first, then AWS_*."""
        from kenning.core.secrets import object_store_secret_name

        s = self.settings.sharing
        secret = self.secrets.get(object_store_secret_name(s.access_key_id)) if s.access_key_id else None
        given = Credentials(
            endpoint=s.endpoint,
            region=s.region,
            access_key_id=s.access_key_id,
            secret_access_key=secret or "",
            connect_timeout_s=s.connect_timeout_s,
        )
        return given.filled_from()

    @property
    def index_location(self) -> IndexLocation:
        """The user's own index: the data dir's folder, or `sharing.index_uri`."""
        uri = self.settings.sharing.index_uri.strip()
        if not uri:
            return IndexLocation(str(paths.index_dir(self.data_dir)))
        return location_for(uri, self.object_store_credentials)

    @cached_property
    def store(self) -> Store:
        recover_swap(paths.index_dir(self.data_dir))  # a crash mid-swap must not lose the index
        location = self.index_location
        # A remote index keeps its local state (writer lock, sync manifest) in the data dir.
        local = location.local_path or paths.index_dir(self.data_dir)
        return Store(
            local,
            build_id=self.build_id,
            location=location,
            read_only=self.settings.sharing.read_only,
            refresh_s=self.settings.sharing.refresh_s,
        )

    @property
    def attached(self) -> list[Attached]:
        return load_attached(paths.attached_file(self.data_dir))

    @cached_property
    def attached_stores(self) -> list[tuple[Attached, Store]]:
        """The shared indexes attached beside the own one, each read-only."""
        refresh = self.settings.sharing.refresh_s
        credentials = self.object_store_credentials
        return [(e, open_attached(e, self.data_dir, credentials, refresh)) for e in self.attached]

    @cached_property
    def embedder(self) -> Embedder:
        e = self.settings.embedding
        if e.provider == "ollama":
            from kenning.core.index.ollama_embedder import OllamaEmbedder
            from kenning.core.secrets import token_secret_name

            host = self.settings.ollama.host
            token = self.secrets.get(token_secret_name(host))
            return OllamaEmbedder(
                self.model_location,
                self.settings.ollama,
                e.ollama_model,
                token=token,
                batch_size=e.batch_size,
            )
        engine = self._local_engine()
        return Embedder(
            self.model_location,
            device=e.device,
            batch_size=e.batch_size,
            threads=e.threads,
            engine=engine,
            cache_dir=paths.models_dir(self.data_dir),
        )

    def _local_engine(self) -> str:
        e = self.settings.embedding
        return resolve_engine(e.engine, calibration_file(self.data_dir), self._fingerprint())

    def _fingerprint(self) -> dict[str, str]:
        return machine_fingerprint(self.model_location.model_id, self.settings.embedding.device)

    def engine_calibration(self) -> Calibration | None:
        """The calibration that applies to this machine and these libraries, if one was measured."""
        return current_calibration(calibration_file(self.data_dir), self._fingerprint())

    def calibrate_engine(self, cancel: threading.Event | None = None, passages: int = 256) -> Calibration:
        """Measure every embedding engine on passages from the index (or the bundled samples), save
        the result and, with engine = auto, switch the embedder to the choice."""
        from kenning.core.index.calibration_run import (
            calibrate_and_save,
            passages_from_folder,
            passages_from_index,
        )

        texts = passages_from_index(self.store, passages)
        if len(texts) < min(64, passages):  # a nearly empty index says little: use the samples too
            texts += passages_from_folder(paths.resources_dir() / "sample-docs", self.chunker, passages)
        texts = texts[:passages]
        e = self.settings.embedding
        calibration = calibrate_and_save(
            calibration_file(self.data_dir),
            self.model_location,
            texts,
            device_setting=e.device,
            batch_size=e.batch_size,
            cancel=cancel,
            cache_dir=paths.models_dir(self.data_dir),
        )
        self.use_calibration(calibration)
        return calibration

    def use_calibration(self, calibration: Calibration) -> None:
        """With engine = auto, switch an embedder already built to the calibration's choice (one
        built later reads the saved choice itself)."""
        if self.settings.embedding.engine == "auto" and self.has_embedder:
            self.embedder.use_engine(calibration.chosen)

    @cached_property
    def embeds_without_torch(self) -> bool:
        """The embedder runs on OpenVINO: loading it costs ~230 MB and no torch import, little enough
        to load at start even where another process indexes (measured in bench_ui_heartbeat). Read
        without building the embedder (files only: ask it off the UI thread first)."""
        if self.settings.embedding.provider != "local":
            return False
        engine = self.embedder.engine if self.has_embedder else self._local_engine()
        return engine in OPENVINO_ENGINES

    @property
    def has_embedder(self) -> bool:
        """The embedder was built already (handing it on saves loading the model again)."""
        return "embedder" in self.__dict__

    @cached_property
    def token_counter(self) -> TokenCounter:
        return token_counter_for(self.model_location.folder)

    @cached_property
    def chunker(self) -> Chunker:
        c = self.settings.chunking
        return Chunker(self.token_counter, target_tokens=c.target_tokens, overlap_tokens=c.overlap_tokens)

    @cached_property
    def indexer(self) -> Indexer:
        return self.indexer_for(self.store)

    def indexer_for(self, store: Store) -> Indexer:
        """An indexer with these settings writing to `store` (the live index, or one being rebuilt)."""
        s = self.settings.index
        rules = IgnoreRules(s.ignore, excluded_dirs=[self.data_dir])
        return Indexer(
            store,
            self.embedder,
            self.chunker,
            rules=rules,
            max_file_bytes=int(s.max_file_mb * 1_000_000),
            follow_symlinks=s.follow_symlinks,
            batch_chunks=s.commit_chunks,
            ocr=self.ocr_runner,
        )

    @cached_property
    def ocr_runner(self) -> OcrRunner | None:
        """Reads scans when OCR is on; None leaves scans with the text they have."""
        o = self.settings.ocr
        if not o.enabled:
            return None
        return OcrRunner(WordBoxStore(paths.ocr_dir(self.data_dir)), engine=o.engine, languages=o.languages)

    @cached_property
    def retriever(self) -> Retriever:
        """Searches the own index and every attached one (hits say which)."""
        s = self.settings.search
        own = Retriever(self.store, self.embedder, candidates=s.candidates, rrf_k=s.rrf_k, name=OWN_INDEX)
        others = [
            Retriever(store, self.embedder, candidates=s.candidates, rrf_k=s.rrf_k, name=entry.name)
            for entry, store in self.attached_stores
        ]
        return MultiIndexRetriever(own, others) if others else own

    @cached_property
    def ollama(self) -> OllamaClient:
        from kenning.core.answer.ollama.client import OllamaClient
        from kenning.core.secrets import token_secret_name

        settings = self.settings.ollama
        token = self.secrets.get(token_secret_name(settings.host))
        return OllamaClient(settings, token=token)

    @cached_property
    def traces(self) -> TraceStore:
        from kenning.core.observe.trace_store import TraceStore

        return TraceStore(paths.traces_file(self.data_dir))

    def answerer(self, *, use_model: bool = True) -> Answerer:
        from kenning.core.answer.answerer import Answerer
        from kenning.core.observe.costs import load_reference_prices

        return Answerer(
            self.retriever,
            self.embedder,
            self.token_counter,
            self.ollama if use_model else None,
            settings=self.settings.answer,
            prices=load_reference_prices(paths.reference_prices_file()),
            traces=self.traces,
        )

    def whole_document(self) -> WholeDocument:
        """Summaries and comparisons of whole documents with the chat model, cached in the data dir."""
        from kenning.core.answer.summary_cache import SummaryCache
        from kenning.core.answer.whole_document import WholeDocument

        cache = SummaryCache(paths.summaries_file(self.data_dir))
        return WholeDocument(
            self.store,
            self.ollama,
            self.token_counter,
            self.embedder,
            cache,
            answer_tokens=self.settings.answer.answer_tokens,
        )

    def evaluation_parts(self, store: Store | None = None) -> tuple[Retriever, Answerer]:
        """A retriever and a model-free answerer over `store` (default: the live index) that keep no
        traces: evaluation questions are not the user's answers."""
        from kenning.core.answer.answerer import Answerer

        s = self.settings.search
        retriever = Retriever(store or self.store, self.embedder, candidates=s.candidates, rrf_k=s.rrf_k)
        return retriever, Answerer(
            retriever, self.embedder, self.token_counter, None, settings=self.settings.answer
        )

    def shared_indexes(self) -> list[SharedIndexInfo]:
        """The own index and each attached one: role, freshness, size, latency (network: a worker)."""
        from kenning.core.index.shared_info import describe

        rows = [describe(OWN_INDEX, self.store)]
        return rows + [describe(entry.name, store) for entry, store in self.attached_stores]

    def publish_to(self, uri: str) -> Published:
        from kenning.core.index.snapshot import publish

        return publish(self.store, location_for(uri, self.object_store_credentials))

    def attach_index(self, uri: str, name: str = "") -> SharedIndexInfo:
        """Attach the index at `uri` read-only; searches include it from the next one on."""
        from kenning.core.index.attached import attach
        from kenning.core.index.shared_info import describe

        entry, store = attach(
            paths.attached_file(self.data_dir),
            uri,
            name=name,
            credentials=self.object_store_credentials,
            model_id=self.settings.embedding.model,
            refresh_s=self.settings.sharing.refresh_s,
        )
        self.forget("retriever", "attached_stores")
        return describe(entry.name, store)

    def status_report(self, *, files: bool = False) -> dict[str, Any]:
        """What the index holds (the `kenning status --json` document); `files`: every file's row."""
        store = self.store
        return status_json(
            files=self.health_rows() if files else None,
            data_dir=str(self.data_dir),
            records=store.file_records().values(),
            chunks=store.count_chunks(),
            embed_model=store.embed_model or self.settings.embedding.model,
            index_bytes=store.size_bytes(),
        )

    def health_rows(self, flagged: Mapping[str, int] | None = None) -> list[HealthRow]:
        """Every file under the watched folders and what became of it (the index health view)."""
        from kenning.core.index.file_health import health_rows
        from kenning.core.watch.folder_list import FolderList

        records = self.store.file_records()
        listed = [f.path for f in FolderList(paths.folders_file(self.data_dir)).load()]
        roots = sorted(set(listed) | {r.root for r in records.values() if r.root})
        s = self.settings.index
        rules = IgnoreRules(s.ignore, excluded_dirs=[self.data_dir])
        return health_rows(records.values(), roots, rules, follow_symlinks=s.follow_symlinks, flagged=flagged)

    def rebuild_index(self) -> Path | None:
        """Set the index directory aside (damaged, or built by another model) and start a fresh one.

        Returns where the old one went. The next `indexer.sync` indexes every file again.
        """
        from kenning.core.index.repair import set_aside

        moved = set_aside(paths.index_dir(self.data_dir))
        self.reopen_index()
        return moved

    def reopen_index(self) -> None:
        """Drop the handles on the index directory, so the next use opens what is there now
        (after a rebuild or a swap)."""
        self.forget("store", "indexer", "retriever", "attached_stores")

    def forget(self, *parts: str) -> None:
        """Drop these built parts (e.g. "ollama", "retriever"), so the next use builds them again
        from the current settings."""
        for name in parts:
            self.__dict__.pop(name, None)

    def adopt_embedder(self, embedder: Embedder) -> None:
        """Use an embedder that is already loaded (loading the model takes seconds)."""
        self.__dict__["embedder"] = embedder

    def close(self) -> None:
        """Release network connections (the answer model's and, with Ollama embeddings, the
        embedder's); the index needs no closing."""
        for name in ("ollama", "embedder"):
            close = getattr(self.__dict__.get(name), "close", None)
            if callable(close):
                close()
