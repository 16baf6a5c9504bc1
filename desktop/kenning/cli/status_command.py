"""`kenning status`: what the index holds, and which files could not be indexed and why."""

from __future__ import annotations

import argparse
from typing import Any

from kenning.cli.context import open_workspace
from kenning.cli.output import emit_json, say
from kenning.core.domain.documents import FileStatus

_NOT_PROBLEMS = (FileStatus.INDEXED, FileStatus.UNSUPPORTED)


def run(args: argparse.Namespace) -> int:
    workspace = open_workspace(args)
    store = workspace.store
    records = store.file_records()
    problems = [r for r in records.values() if r.status not in _NOT_PROBLEMS]
    document: dict[str, Any] = {
        "data_dir": str(workspace.data_dir),
        "roots": sorted({r.root for r in records.values()}),
        "files": sum(1 for r in records.values() if r.status is FileStatus.INDEXED),
        "chunks": store.count_chunks(),
        "errors": [
            {"path": r.path, "reason": r.error, "status": r.status.value}
            for r in sorted(problems, key=lambda r: r.path)
        ],
        "embed_model": store.embed_model or workspace.settings.embedding.model,
        "index_bytes": store.size_bytes(),
    }
    if args.json:
        emit_json(document)
        return 0
    say(f"Data dir:   {document['data_dir']}")
    say(f"Folders:    {', '.join(document['roots']) or '(none yet)'}")
    say(f"Files:      {document['files']} indexed, {len(problems)} not indexed")
    say(f"Chunks:     {document['chunks']}")
    say(f"Model:      {document['embed_model']}")
    say(f"Index size: {document['index_bytes'] / 1_000_000:.1f} MB")
    for p in document["errors"]:
        say(f"  {p['status']}: {p['path']}: {p['reason']}")
    return 0
