"""`kenning eval SET.jsonl`: how well search and answers do on a test set, with thresholds for scripts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kenning import paths
from kenning.cli.context import open_workspace
from kenning.cli.output import emit_json, say
from kenning.cli.progress import ProgressBar
from kenning.core.errors import UsageError
from kenning.core.evaluate.metrics import missed_thresholds
from kenning.core.evaluate.run_store import save_run
from kenning.core.evaluate.runner import EvalProgress, EvalReport, run_eval
from kenning.core.evaluate.test_set import load_test_set

HEADLINE = ("hit@1", "hit@5", "hit@10", "mrr@10", "evidence_hit@5", "not_found_precision", "not_found_recall")


def parse_thresholds(items: list[str]) -> dict[str, float]:
    wanted: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        try:
            wanted[name.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep:
            raise UsageError(f"--min takes NAME=NUMBER, like hit@5=0.8 (got {item!r}).")
    return wanted


def run(args: argparse.Namespace) -> int:
    if args.draft is not None:
        from kenning.cli.draft_command import run_draft

        return run_draft(args)
    if not args.test_set:
        raise UsageError("Name a test set (SET.jsonl), or draft one with --draft N --out SET.jsonl.")
    wanted = parse_thresholds(args.min or [])
    test_set = Path(args.test_set)
    questions = load_test_set(test_set)
    workspace = open_workspace(args)
    if args.model:
        workspace.settings.ollama.model = args.model
    if args.ollama_host:
        workspace.settings.ollama.host = args.ollama_host
    answerer = workspace.answerer(use_model=not args.no_llm)
    progress = ProgressBar()
    report: EvalReport | None = None
    for event in run_eval(questions, workspace.retriever, answerer, with_model=not args.no_llm, k=args.k):
        if isinstance(event, EvalProgress):
            progress.update(event.done, event.total, event.result.id)
        else:
            report = event
    progress.close()
    assert report is not None
    context = {
        "embed_model": workspace.embedder.model_id,
        "chat_model": "" if args.no_llm else workspace.settings.ollama.model,
        "ollama_host": "" if args.no_llm else workspace.settings.ollama.host,
        "index": {"files": len(workspace.store.file_records()), "chunks": workspace.store.count_chunks()},
        "build": workspace.build_id,
        "settings": workspace.settings.to_dict(),
    }
    saved = save_run(paths.data_dir(args.data_dir) / "evals", report, test_set=test_set, context=context)
    missed = missed_thresholds(report.totals, wanted)
    if args.json:
        emit_json(_document(report, saved, missed))
    else:
        _print(report, saved, missed)
    return 1 if missed else 0


def _document(report: EvalReport, saved: Path, missed: list[str]) -> dict[str, Any]:
    return {
        "totals": report.totals,
        "questions": [vars(r) for r in report.results],
        "with_model": report.with_model,
        "saved": str(saved),
        "missed": missed,
    }


def _print(report: EvalReport, saved: Path, missed: list[str]) -> None:
    t = report.totals
    say(f"{t['questions']} questions ({t['answerable']} answerable)")
    for name in HEADLINE:
        value = t.get(name)
        say(f"  {name:22s} {'-' if value is None else f'{value:.3f}'}")
    say(f"  {'answerable refused':22s} {t['answerable_refused']:.3f}")
    unanswerable = [r for r in report.results if not r.answerable]
    answerable = [r for r in report.results if r.answerable]
    say(
        f"  not-found gate: {sum(r.refused for r in unanswerable)}/{len(unanswerable)} unanswerable refused, "
        f"{sum(r.refused for r in answerable)}/{len(answerable)} answerable refused"
    )
    if report.with_model:
        for name in ("signals_not_found_recall", "signals_answerable_refused"):
            value = t.get(name)
            say(f"  {name:26s} {'-' if value is None else f'{value:.3f}'}")
        say(f"  {'model judged (grey zone)':26s} {t.get('model_judged', 0)}")
        for name in ("citation_validity", "verified_answers", "evidence_recall"):
            value = t.get(name)
            say(f"  {name:22s} {'-' if value is None else f'{value:.3f}'}")
        total = t.get("latency_ms", {}).get("total")
        if total:
            say(f"  {'latency total':22s} p50 {total['p50']:.0f} ms, p95 {total['p95']:.0f} ms")
    misses = [r for r in report.results if r.answerable and r.rank is None]
    wrong = [r for r in report.results if r.refused != (not r.answerable)]
    for r in misses:
        say(f"  missed {r.id}: {r.question}")
    for r in wrong:
        say(f"  {'refused' if r.refused else 'answered'} {r.id} ({r.kind or 'answerable'}): {r.question}")
    say(f"Saved: {saved}")
    for line in missed:
        print(f"kenning: below the threshold: {line}", file=sys.stderr)
