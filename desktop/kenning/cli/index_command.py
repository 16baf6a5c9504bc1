"""`kenning index PATH...`: make the index match the folders."""

from __future__ import annotations

import argparse
import os
import threading
from typing import Any

from kenning.cli.context import open_workspace
from kenning.cli.output import emit_json, say, warn
from kenning.cli.progress import ProgressBar
from kenning.core.domain.documents import FileDone, Outcome, SyncFinished, SyncReport, SyncStarted
from kenning.core.errors import KenningError, UsageError
from kenning.core.workspace import Workspace


def report_json(report: SyncReport) -> dict[str, Any]:
    return {
        "roots": list(report.roots),
        "files_seen": report.files_seen,
        "indexed": report.indexed,
        "unchanged": report.unchanged,
        "removed": report.removed,
        "renamed": report.renamed,
        "skipped": [{"path": i.path, "reason": i.reason} for i in report.skipped],
        "errors": [{"path": i.path, "reason": i.reason} for i in report.errors],
        "skipped_unsupported": report.skipped_unsupported,
        "chunks_added": report.chunks_added,
        "chunks_embedded": report.chunks_embedded,
        "chunks_reused": report.chunks_reused,
        "flags_scanned": report.flags_scanned,
        "flags_found": report.flags_found,
        "seconds": round(report.seconds, 3),
        "embed_seconds": round(report.embed_seconds, 3),
        "model_load_seconds": round(report.model_load_seconds, 3),
        "files_per_s": round(report.files_per_s, 2),
        "chunks_per_s": round(report.chunks_per_s, 2),
        "cancelled": report.cancelled,
    }


def _reembed(workspace: Workspace) -> None:
    """Rebuild the folders already indexed with the current settings, then swap the new index in."""
    from kenning.core.index.reindex import Reindexer, ReindexSwapped

    reindexer = Reindexer(workspace)
    plan = reindexer.plan()
    why = f" because {plan.reason}" if plan.reason else ""
    warn(
        f"rebuilding {plan.files} files ({plan.chunks} chunks){why}: about {plan.estimated_s:.0f} s; "
        "the current index answers searches meanwhile"
    )
    progress = ProgressBar()
    try:
        for event in reindexer.run(threading.Event()):
            if isinstance(event, FileDone):
                progress.update(event.done, event.total, os.path.basename(event.path))
            elif isinstance(event, ReindexSwapped):
                warn(
                    f"new index in place: {event.files} files, {event.chunks} chunks in {event.seconds:.0f} s"
                )
    finally:
        progress.close()
    workspace.reopen_index()


def _summaries(workspace: Workspace) -> int | None:
    """Index a summary passage for each document that has none (needs the chat model); the files
    stay indexed when the model is out of reach: the next run catches up."""
    from kenning.core.answer.summary_passages import add_summary_passages

    progress = ProgressBar()
    added = 0
    try:
        whole = workspace.whole_document()
        for event in add_summary_passages(whole, workspace.store, workspace.embedder):
            progress.update(event.done, event.total, os.path.basename(event.path))
            added += event.added
    except KenningError as exc:
        warn(f"document summaries skipped: {exc.message} {exc.next_step}".strip())
        return None
    finally:
        progress.close()
    return added


def run(args: argparse.Namespace) -> int:
    for path in args.paths:
        if not os.path.isdir(path):
            raise UsageError(f"{path} is not a folder.", "Give one or more folders to index.")
    workspace = open_workspace(args)
    if args.rebuild:
        moved = workspace.rebuild_index()
        if moved is not None:
            warn(f"the old index was moved to {moved}; indexing every file again")
    if args.reembed:
        _reembed(workspace)
    progress = ProgressBar()
    report: SyncReport | None = None
    cancel = threading.Event()
    try:
        for event in workspace.indexer.sync(args.paths, cancel=cancel):
            if isinstance(event, SyncStarted) and not args.json:
                warn(f"{event.files_total} files found, {event.to_process} new or changed")
            elif isinstance(event, FileDone):
                progress.update(event.done, event.total, os.path.basename(event.path))
                if (
                    event.outcome in (Outcome.ERROR, Outcome.SKIPPED)
                    and not args.json
                    and not progress.enabled
                ):
                    warn(f"{event.outcome.value}: {event.path}: {event.reason}")
            elif isinstance(event, SyncFinished):
                report = event.report
    finally:
        progress.close()
    assert report is not None
    wanted = args.summaries or workspace.settings.summaries.background
    summaries = _summaries(workspace) if wanted and not report.cancelled else None
    if args.json:
        emit_json(report_json(report) | ({"summaries_added": summaries} if summaries is not None else {}))
    else:
        if summaries is not None:
            say(f"{summaries} document summaries indexed")
        say(
            f"{report.indexed} indexed, {report.unchanged} unchanged, {report.renamed} renamed, "
            f"{report.removed} removed, {len(report.skipped)} skipped, {len(report.errors)} errors, "
            f"{report.skipped_unsupported} of unsupported types "
            f"in {report.seconds:.1f} s ({report.chunks_added} chunks, {report.chunks_embedded} embedded)"
        )
        if report.flags_scanned:
            say(
                f"{report.flags_scanned} passages indexed before the injection check were scanned once: "
                f"{report.flags_found} flagged"
            )
        for issue in report.errors + report.skipped:
            say(f"  {issue.path}: {issue.reason}")
    return 0
