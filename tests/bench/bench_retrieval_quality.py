"""Retrieval quality on the whole corpus: hit@k and MRR@10 for hybrid, vector-only and text-only search.

    .venv/bin/python tests/bench/bench_retrieval_quality.py [--data-dir DIR] [--docs DIR]

Indexes ../shared/corpus/docs into DIR (kept between runs, so a second run only searches), then asks
every question of questions.jsonl. Target (issue 2): hit@5 >= 0.90 and MRR@10 >= 0.80; the corpus
README's plain BM25 gets 0.803 / 0.715.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "desktop"), str(REPO)]

from tests.helpers.retrieval_eval import load_questions, run_questions, score  # noqa: E402

from kenning.core.domain.documents import SyncFinished  # noqa: E402
from kenning.core.search.retriever import Retriever  # noqa: E402
from kenning.core.settings import Settings  # noqa: E402
from kenning.core.workspace import Workspace  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus"


def kind_of(question: dict[str, object]) -> str:
    sources = question["sources"]
    assert isinstance(sources, list)
    if question["kind"] == "multi-hop":
        return "multi-hop"
    return Path(sources[0]).suffix.lstrip(".").lower()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/kenning-quality-data"))
    parser.add_argument("--docs", type=Path, default=CORPUS / "docs")
    parser.add_argument("--questions", type=Path, default=CORPUS / "questions.jsonl")
    args = parser.parse_args()

    workspace = Workspace(data_dir=args.data_dir, settings=Settings())
    started = time.perf_counter()
    for event in workspace.indexer.sync([str(args.docs)]):
        if isinstance(event, SyncFinished):
            r = event.report
            print(
                f"index: {r.indexed} indexed, {r.unchanged} unchanged, {r.chunks_added} chunks added "
                f"in {time.perf_counter() - started:.1f} s; {workspace.store.count_chunks()} chunks in all"
            )
    questions = load_questions(args.questions)
    answerable = [q for q in questions if q["kind"] != "unanswerable"]
    s = workspace.settings.search
    modes = {
        "hybrid (RRF)": Retriever(
            workspace.store, workspace.embedder, candidates=s.candidates, rrf_k=s.rrf_k
        ),
        "hybrid, every passage of a page": Retriever(
            workspace.store,
            workspace.embedder,
            candidates=s.candidates,
            rrf_k=s.rrf_k,
            one_passage_per_page=False,
        ),
        "vector only": Retriever(workspace.store, workspace.embedder, text_weight=0.0, coverage_bonus=0.0),
        "full text only": Retriever(
            workspace.store, workspace.embedder, vector_weight=0.0, similarity_bonus=0.0, coverage_bonus=0.0
        ),
    }
    workspace.embedder.embed_query("warm up")
    print(f"\n{len(answerable)} answerable questions; target hit@5 >= 0.90, MRR@10 >= 0.80")
    print("floor: plain BM25 over the same corpus (corpus README) hit@5 0.803, MRR@10 0.715")
    for name, retriever in modes.items():
        began = time.perf_counter()
        run = run_questions(answerable, lambda q, r=retriever: r.search(q, k=10).hits, args.docs)
        per_query = (time.perf_counter() - began) / len(answerable) * 1000
        scores = score(answerable, run)
        print(f"{name:32s} {scores.line()}  ({per_query:.0f} ms/query)")
        if name == "hybrid (RRF)":
            hybrid_scores = scores
    by_kind: dict[str, list[dict[str, object]]] = defaultdict(list)
    for q in answerable:
        by_kind[kind_of(q)].append(q)
    print("\nhybrid by source format:")
    for kind, group in sorted(by_kind.items()):
        sub = {q["id"]: hybrid_scores.first_relevant[str(q["id"])] for q in group}
        n = len(group)
        hit5 = sum(1 for v in sub.values() if v and v <= 5) / n
        mrr = sum(1 / v for v in sub.values() if v) / n
        print(f"  {kind:10s} n={n:2d}  hit@5 {hit5:.2f}  MRR@10 {mrr:.2f}")
    misses = sorted((qid, rank) for qid, rank in hybrid_scores.first_relevant.items() if not rank or rank > 5)
    print("\nnot in the top 5:", ", ".join(f"{qid} ({rank or '-'})" for qid, rank in misses) or "none")


if __name__ == "__main__":
    main()
