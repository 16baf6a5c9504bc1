"""Calibration of the "not in your documents" gate on the corpus's labelled questions.

    .venv/bin/python tests/bench/bench_not_found.py [--data-dir DIR]

Uses the index built by bench_retrieval_quality.py (same default data dir). Prints each question's
signals (best cosine similarity, coverage of its words in the top passages, words the index has
never seen) and the confusion matrix: answerable questions refused, unanswerable ones let through.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "desktop"), str(REPO)]

from tests.helpers.retrieval_eval import load_questions  # noqa: E402

from kenning.core.domain.documents import SyncFinished  # noqa: E402
from kenning.core.search.not_found_gate import judge  # noqa: E402
from kenning.core.workspace import Workspace  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/kenning-quality-data"))
    parser.add_argument("--docs", type=Path, default=CORPUS / "docs")
    args = parser.parse_args()
    workspace = Workspace(data_dir=args.data_dir)
    for event in workspace.indexer.sync([str(args.docs)]):
        if isinstance(event, SyncFinished):
            print(f"index: {workspace.store.count_chunks()} chunks")
    counter = workspace.token_counter

    def distinctive(word: str) -> bool:  # the same rule the Answerer uses
        return counter.count_many([word.lower()])[0] > 1

    refused_answerable: list[str] = []
    passed_unanswerable: list[str] = []
    print(f"{'id':5s} {'label':12s} {'sim':>6s} {'cover':>6s}  verdict   unknown words")
    for q in load_questions(CORPUS / "questions.jsonl"):
        hits = workspace.retriever.search(q["question"], k=8).hits
        verdict = judge(q["question"], hits, workspace.store.word_frequency, distinctive)
        unanswerable = q["kind"] == "unanswerable"
        label = "unanswerable" if unanswerable else "answerable"
        print(
            f"{q['id']:5s} {label:12s} {verdict.similarity:6.3f} {verdict.coverage:6.3f}  "
            f"{'answer ' if verdict.relevant else 'refuse '}   {', '.join(verdict.unknown_words)}"
        )
        if unanswerable and verdict.relevant:
            passed_unanswerable.append(q["id"])
        if not unanswerable and not verdict.relevant:
            refused_answerable.append(q["id"])
    print(f"\nanswerable refused:     {len(refused_answerable)} {refused_answerable}")
    print(f"unanswerable answered:  {len(passed_unanswerable)} {passed_unanswerable}")


if __name__ == "__main__":
    main()
