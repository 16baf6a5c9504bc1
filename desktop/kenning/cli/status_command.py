"""`kenning status`: what the index holds, and which files could not be indexed and why."""

from __future__ import annotations

import argparse

from kenning.cli.context import open_workspace
from kenning.cli.output import emit_json, say
from kenning.core.observe.drift import check_drift


def run(args: argparse.Namespace) -> int:
    workspace = open_workspace(args)
    document = workspace.status_report(files=args.files)
    alerts = check_drift(workspace.traces)
    document["alerts"] = [alert.to_json() for alert in alerts]
    if args.json:
        emit_json(document)
        return 0
    say(f"Data dir:   {document['data_dir']}")
    say(f"Folders:    {', '.join(document['roots']) or '(none yet)'}")
    say(f"Files:      {document['files']} indexed, {len(document['errors'])} not indexed")
    say(f"Chunks:     {document['chunks']}")
    say(f"Model:      {document['embed_model']}")
    say(f"Index size: {document['index_bytes'] / 1_000_000:.1f} MB")
    if args.files:
        for row in document["file_rows"]:
            reason = f" ({row['reason']})" if row["reason"] else ""
            say(f"  {row['state']:<15} {row['path']}{reason}")
        return 0
    for p in document["errors"]:
        say(f"  {p['status']}: {p['path']}: {p['reason']}")
    say(f"Alerts:     {len(alerts) or 'none'}")
    for alert in alerts:
        say(f"  {alert.text}")
        for answer in alert.answers[:5]:
            say(f"    {answer.id[:8]}  {answer.question}")
    return 0
