"""`kenning publish --to URI`, `kenning attach URI [--name N]`, `kenning detach NAME`,
`kenning attached`: share a snapshot of the index, and search others' beside your own."""

from __future__ import annotations

import argparse
from dataclasses import asdict

from kenning import paths
from kenning.cli.context import open_workspace
from kenning.cli.output import emit_json, say
from kenning.core.index.attached import OWN_INDEX, attach, detach
from kenning.core.index.location import location_for
from kenning.core.index.shared_info import describe
from kenning.core.index.snapshot import publish


def run_publish(args: argparse.Namespace) -> int:
    workspace = open_workspace(args)
    target = location_for(args.to, workspace.object_store_credentials)
    done = publish(workspace.store, target)
    if args.json:
        emit_json(asdict(done))
    else:
        say(f"Published {done.files} files ({done.chunks} chunks) to {done.target} in {done.seconds} s.")
    return 0


def run_attach(args: argparse.Namespace) -> int:
    workspace = open_workspace(args)
    entry, store = attach(
        paths.attached_file(workspace.data_dir),
        args.uri,
        name=args.name or "",
        credentials=workspace.object_store_credentials,
        model_id=workspace.settings.embedding.model,
        refresh_s=workspace.settings.sharing.refresh_s,
    )
    info = describe(entry.name, store)
    if args.json:
        emit_json(asdict(info))
    else:
        say(f'Attached "{entry.name}" ({info.chunks} chunks, published {info.published_at or "?"}).')
        say("`kenning search` and `kenning ask` now cover it too.")
    return 0


def run_detach(args: argparse.Namespace) -> int:
    workspace = open_workspace(args)
    entry = detach(paths.attached_file(workspace.data_dir), args.name)
    if args.json:
        emit_json({"detached": entry.name, "uri": entry.uri})
    else:
        say(f'Detached "{entry.name}" ({entry.uri}).')
    return 0


def run_list(args: argparse.Namespace) -> int:
    workspace = open_workspace(args)
    rows = [describe(OWN_INDEX, workspace.store)]
    rows += [describe(entry.name, store) for entry, store in workspace.attached_stores]
    if args.json:
        emit_json({"indexes": [asdict(r) for r in rows]})
        return 0
    for r in rows:
        figures = r.problem or f"{r.chunks} chunks, {r.size_bytes / 1e6:.1f} MB, {r.latency_ms} ms"
        say(f"{r.name:<12} {r.role:<9} {r.uri}  {figures}")
    return 0
