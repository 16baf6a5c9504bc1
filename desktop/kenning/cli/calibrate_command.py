"""`kenning calibrate`: measure every embedding engine on this machine and keep the fastest that agrees."""

from __future__ import annotations

import argparse

from kenning.cli.context import open_workspace
from kenning.cli.output import emit_json, say, warn
from kenning.core.errors import UsageError
from kenning.core.index.embedding_engines import LABELS


def run(args: argparse.Namespace) -> int:
    if args.passages < 16:
        raise UsageError("--passages must be at least 16: fewer say little about speed or rankings.")
    workspace = open_workspace(args)
    if not args.json:
        warn("Measuring the embedding engines on your passages (a minute at most)…")
    calibration = workspace.calibrate_engine(passages=args.passages)
    forced = workspace.settings.embedding.engine
    document = {
        **calibration.to_dict(),
        "summary": calibration.summary(),
        "setting": forced,
        "in_use": calibration.chosen if forced == "auto" else forced,
    }
    if args.json:
        emit_json(document)
        return 0
    say(f"Measured on {calibration.passages} passages, {calibration.queries} questions drawn from them.")
    say(f"{'engine':<14} {'chunks/s':>9} {'vs fp32':>8} {'cosine':>9} {'min':>9} {'top-10':>7} {'top-1':>6}")
    for r in calibration.results:
        name = LABELS.get(r.engine, r.engine)
        if r.error:
            say(f"{name:<14} could not run: {r.error}")
            continue
        verdict = "" if r.engine == "fp32" else ("agrees" if r.agrees else "rejected: rankings differ")
        say(
            f"{name:<14} {r.chunks_per_s:>9.1f} {r.speedup:>7.2f}× {r.cosine_mean:>9.6f} "
            f"{r.cosine_min:>9.6f} {r.top10_overlap:>7.3f} {r.top1_same:>6.2f}  {verdict}"
        )
    say(f"Chosen: {calibration.summary()}")
    if forced != "auto":
        say(f"The setting embedding.engine = {forced} overrides this choice.")
    return 0
