"""Builds the core's parts from settings and a data dir, each only when first needed.

Opening a workspace is cheap: nothing imports torch or sentence-transformers until a text
actually has to be embedded, so an unchanged re-index or a status query stays fast.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kenning import paths
from kenning.core.domain.json_shapes import status_json
from kenning.core.index.attached import OWN_INDEX, Attached, load_attached, open_attached
from kenning.core.index.embedder import Embedder
from kenning.core.index.embedding_models import ModelLocation, locate_model
from kenning.core.index.indexer import Indexer
from kenning.core.index.location import Credentials, IndexLocation, location_for
from kenning.core.index.store import Store
from kenning.core.ingest.chunker import Chunker
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
    from kenning.core.index.shared_info import SharedIndexInfo
    from kenning.core.index.snapshot import Published
    from kenning.core.observe.trace_store import TraceStore
    from kenning.core.secrets import SecretStore


@dataclass
class Workspace:
    data_dir: Path
    settings: Settings = field(default_factory=Settings)

    @cached_property
    def model_location(self) -> ModelLocation:
        return locate_model(self.settings.embedding.model)

    @property
    def build_id(self) -> str:
        """What the vectors depend on: the embedding model and the chunking (see core/reindex.py)."""
        c = self.settings.chunking
        return f"{self.settings.embedding.model}|chunks={c.target_tokens}/{c.overlap_tokens}"

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
        return Embedder(self.model_location, device=e.device, batch_size=e.batch_size, threads=e.threads)

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
        )

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
    def secrets(self) -> SecretStore:
        from kenning.core.secrets import SecretStore

        return SecretStore()

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

    def status_report(self) -> dict[str, Any]:
        """What the index holds (the `kenning status --json` document)."""
        store = self.store
        return status_json(
            data_dir=str(self.data_dir),
            records=store.file_records().values(),
            chunks=store.count_chunks(),
            embed_model=store.embed_model or self.settings.embedding.model,
            index_bytes=store.size_bytes(),
        )

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
        """Release network connections; the index needs no closing."""
        client = self.__dict__.get("ollama")
        if client is not None:
            client.close()
