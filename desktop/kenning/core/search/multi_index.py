"""Search the user's own index and the shared indexes attached beside it, as one ranking.

Each index is searched on its own (in parallel: an object store costs a round trip per query),
then the lists are merged by score. Every index scores with the same fusion and bonuses, so
scores compare across indexes; a tie goes to the better rank. Hits carry their index's name.
A shared index that fails (its store down, its credentials refused) fails the search with that
clear error rather than silently answering from less than the user asked for.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from kenning.core.domain.documents import SearchResult
from kenning.core.search.retriever import Retriever
from kenning.core.search.scope import Scope


class MultiIndexRetriever(Retriever):
    """A Retriever over `own` and `others`; `store` stays the own index."""

    def __init__(self, own: Retriever, others: list[Retriever]) -> None:
        super().__init__(own.store, own.embedder, candidates=own.candidates, rrf_k=own.rrf_k, name=own.name)
        self.parts = [own, *others]

    def has_word(self, word: str) -> bool:
        return any(part.has_word(word) for part in self.parts)

    def word_frequency(self, word: str) -> int:
        return sum(part.word_frequency(word) for part in self.parts)

    def search(self, query: str, k: int = 10, *, scope: Scope | None = None) -> SearchResult:
        with ThreadPoolExecutor(max_workers=len(self.parts)) as pool:
            futures = [pool.submit(part.search, query, k, scope=scope) for part in self.parts]
            results = [future.result() for future in futures]
        merged = sorted((hit for r in results for hit in r.hits), key=lambda h: (-h.score, h.rank))
        hits = tuple(replace(hit, rank=position) for position, hit in enumerate(merged[:k], start=1))
        timings = {
            name: max(r.timings_ms.get(name, 0.0) for r in results)
            for name in ("embed", "vector", "text", "rows", "fuse", "total")
        }
        return SearchResult(query=query, hits=hits, timings_ms=timings)
