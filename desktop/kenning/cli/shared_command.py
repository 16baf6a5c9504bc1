"""`kenning publish --to URI`, `kenning attach URI [--name N]`, `kenning detach NAME`,
`kenning attached`: share a snapshot of the index, and search others' beside your own."""

from __future__ import annotations

import argparse
from dataclasses import asdict

from kenning import paths
from kenning.cli.context import open_workspace
from kenning.cli.output import emit_json, say
from kenning.core.index.attached import detach


def run_publish(args: argparse.Namespace) -> int:
    done = open_workspace(args).publish_to(args.to)
    if args.json:
        emit_json(asdict(done))
    else:
        say(f"Published {done.files} files ({done.chunks} chunks) to {done.target} in {done.seconds} s.")
    return 0


def run_attach(args: argparse.Namespace) -> int:
    info = open_workspace(args).attach_index(args.uri, args.name or "")
    if args.json:
        emit_json(asdict(info))
    else:
        say(f'Attached "{info.name}" ({info.chunks} chunks, published {info.published_at or "?"}).')
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
    rows = open_workspace(args).shared_indexes()
    if args.json:
        emit_json({"indexes": [asdict(r) for r in rows]})
        return 0
    for r in rows:
        figures = r.problem or f"{r.chunks} chunks, {r.size_bytes / 1e6:.1f} MB, {r.latency_ms} ms"
        say(f"{r.name:<12} {r.role:<9} {r.uri}  {figures}")
    return 0
