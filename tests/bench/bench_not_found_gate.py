"""Cross-validated calibration of the "not in your documents" gate (issue 14).

    .venv/bin/python tests/bench/bench_not_found_gate.py [--data-dir DIR] [--folds 2] [--seed 14]

Indexes ../shared/corpus/docs into DIR (kept between runs, so a second run only searches), measures
the gate's signals once per question of the corpus questions.jsonl and tests/data/eval/gate-questions.jsonl,
then, per fold, grid-searches the thresholds of not_found_gate.py on the other folds and reports on
this one: unanswerable questions refused and answerable ones refused. Target on the held-out
folds: >= 87.5 % of unanswerable refused, <= 2 % of answerable refused.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "desktop"), str(REPO)]

from tests.helpers.retrieval_eval import load_questions  # noqa: E402

from kenning.core.domain.documents import SyncFinished  # noqa: E402
from kenning.core.search.gate_signals import FREQUENCY_CAP, Signals, measure  # noqa: E402
from kenning.core.search.not_found_gate import THRESHOLDS, Thresholds, decide  # noqa: E402
from kenning.core.workspace import Workspace  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus"
SETS = [CORPUS / "questions.jsonl", REPO / "tests" / "data" / "eval" / "gate-questions.jsonl"]
MAX_ANSWERABLE_REFUSED = 0.02
GRID = {
    "strong_similarity": [0.55, 0.58, 0.60, 0.62, 0.65, 0.70],
    "strong_coverage": [0.6, 0.7, 0.75, 0.8, 0.9, 1.01],
    "fair_similarity": [0.30, 0.35, 0.40, 0.45],
    "fair_coverage": [0.3, 0.4, 0.5, 0.6],
    "veto_below": [0.55, 0.60, 0.62, 0.65, 0.70],
    "rare_coverage": [0.0, 0.2, 0.3, 0.4, 0.5, 0.6],
}

Sample = tuple[str, bool, Signals]  # id, answerable, signals


def rates(samples: Sequence[Sample], t: Thresholds) -> tuple[float, float]:
    """(share of unanswerable refused, share of answerable refused)."""
    bad = [s for s in samples if not s[1]]
    good = [s for s in samples if s[1]]
    refused_bad = sum(1 for s in bad if not decide(s[2], t))
    refused_good = sum(1 for s in good if not decide(s[2], t))
    return refused_bad / max(1, len(bad)), refused_good / max(1, len(good))


def tune(samples: Sequence[Sample]) -> Thresholds:
    """The thresholds refusing the most unanswerable questions with at most 2 % answerable refused;
    ties go to fewer answerable refused, then to the grid's middle (the least extreme)."""
    best: tuple[float, ...] | None = None
    chosen = THRESHOLDS
    names = list(GRID)
    for values in itertools.product(*GRID.values()):
        t = Thresholds(**dict(zip(names, values, strict=True)))
        recall, refused = rates(samples, t)
        if refused > MAX_ANSWERABLE_REFUSED:
            continue
        spread = -sum(abs(GRID[n].index(v) - len(GRID[n]) / 2) for n, v in zip(names, values, strict=True))
        key = (recall, -refused, spread)
        if best is None or key > best:
            best, chosen = key, t
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/kenning-quality-data"))
    parser.add_argument("--docs", type=Path, nargs="+", default=[CORPUS / "docs"], help="folders to index")
    parser.add_argument("--folds", type=int, default=2)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    workspace = Workspace(data_dir=args.data_dir)
    for event in workspace.indexer.sync([str(d) for d in args.docs]):
        if isinstance(event, SyncFinished):
            print(f"index: {workspace.store.count_chunks()} chunks")
    counter = workspace.token_counter
    store = workspace.store

    def distinctive(word: str) -> bool:  # the same rule the Answerer uses
        return counter.count_many([word.lower()])[0] > 1

    indexed = [p for p, r in store.file_records().items() if r.chunks]
    samples: list[Sample] = []
    began = time.perf_counter()
    for path in SETS:
        for q in load_questions(path):
            if not all(any(p.endswith("/" + s) for p in indexed) for s in q["sources"]):
                continue  # its source is not in the folders indexed (a subset of the corpus)
            hits = workspace.retriever.search(q["question"], k=8).hits
            signals = measure(
                q["question"], hits, lambda w: store.word_frequency(w, FREQUENCY_CAP), distinctive
            )
            samples.append((str(q["id"]), q["kind"] != "unanswerable", signals))
    per_q = (time.perf_counter() - began) / len(samples) * 1000
    good = sum(1 for s in samples if s[1])
    print(f"{len(samples)} questions ({good} answerable, {len(samples) - good} not), {per_q:.0f} ms each")
    recall, refused = rates(samples, THRESHOLDS)
    print(
        f"thresholds in the code, on everything: {recall:.1%} unanswerable, {refused:.1%} answerable refused"
    )

    order = list(range(len(samples)))
    random.Random(args.seed).shuffle(order)
    folds = [[samples[i] for i in order[f :: args.folds]] for f in range(args.folds)]
    held_bad = held_bad_refused = held_good = held_good_refused = 0
    for f, held in enumerate(folds):
        tuning = [s for g, fold in enumerate(folds) if g != f for s in fold]
        t = tune(tuning)
        bad = [s for s in held if not s[1]]
        good_ = [s for s in held if s[1]]
        bad_refused = [s[0] for s in bad if not decide(s[2], t)]
        good_refused = [s[0] for s in good_ if not decide(s[2], t)]
        held_bad += len(bad)
        held_bad_refused += len(bad_refused)
        held_good += len(good_)
        held_good_refused += len(good_refused)
        print(f"\nfold {f + 1}: tuned on {len(tuning)}: {t}")
        print(
            f"  held out: unanswerable refused {len(bad_refused)}/{len(bad)}, answerable refused "
            f"{len(good_refused)}/{len(good_)} {good_refused}"
        )
        print(f"  unanswerable let through: {[s[0] for s in bad if decide(s[2], t)]}")
    print(
        f"\ncross-validated: unanswerable refused {held_bad_refused}/{held_bad} "
        f"({held_bad_refused / held_bad:.1%}, target >= 87.5%), answerable refused "
        f"{held_good_refused}/{held_good} ({held_good_refused / held_good:.1%}, target <= 2%)"
    )
    final = tune(samples)
    recall, refused = rates(samples, final)
    print(f"tuned on everything: {final}\n  (on everything: {recall:.1%} / {refused:.1%} answerable refused)")
    print("\nsignals (id, answerable, similarity, coverage, rare coverage, unknown words):")
    for sid, ok, s in samples:
        label = "A" if ok else "U"
        print(
            f"  {sid:5s} {label} {s.similarity:.3f} {s.coverage:.2f} {s.rare_coverage:.2f} {s.unknown_words}"
        )


if __name__ == "__main__":
    main()
