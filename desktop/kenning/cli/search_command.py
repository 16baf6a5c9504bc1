"""`kenning search QUERY` and `kenning search --from FILE`: ranked passages, no model needed."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator

from kenning.cli.context import open_workspace
from kenning.cli.output import emit_json, say
from kenning.cli.scope_options import scope_from_args
from kenning.core.domain.documents import SearchResult
from kenning.core.domain.json_shapes import result_json
from kenning.core.errors import UsageError


def read_lines(source: str) -> Iterator[str]:
    handle = sys.stdin if source == "-" else open(source, encoding="utf-8")  # noqa: SIM115
    with handle:
        for line in handle:
            if line.strip():
                yield line.strip()


def _print_text(result: SearchResult) -> None:
    if not result.hits:
        say("No passages found.")
    for h in result.hits:
        where = (
            f"{h.path}"
            + (f" p.{h.page}" if h.page else "")
            + (f" [{' > '.join(h.section)}]" if h.section else "")
        )
        snippet = " ".join(h.text.split())[:200]
        say(f"{h.rank:>2}. {where}\n    {snippet}")


def run(args: argparse.Namespace) -> int:
    if bool(args.query) == bool(args.from_file):
        raise UsageError("Give either a QUERY or --from FILE.")
    workspace = open_workspace(args)
    retriever = workspace.retriever
    scope = scope_from_args(args)
    if args.from_file:
        for query in read_lines(args.from_file):
            emit_json(result_json(retriever.search(query, k=args.k, scope=scope)), line=True)
        return 0
    result = retriever.search(args.query, k=args.k, scope=scope)
    if args.json:
        emit_json(result_json(result))
    else:
        _print_text(result)
    return 0
