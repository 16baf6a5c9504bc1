"""`--folder`, `--type`, `--since`, `--until`, `--doc`: where `kenning search` and `ask` may look."""

from __future__ import annotations

import argparse
from datetime import date

from kenning.core.errors import UsageError
from kenning.core.search.scope import Scope


def add_scope_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("scope (each may be repeated)")
    group.add_argument("--folder", action="append", metavar="DIR", help="only files under DIR")
    group.add_argument("--type", action="append", metavar="EXT", help="only files of this type (pdf, md, …)")
    group.add_argument("--since", metavar="YYYY-MM-DD", help="only files modified on or after this day")
    group.add_argument("--until", metavar="YYYY-MM-DD", help="only files modified on or before this day")
    group.add_argument("--doc", action="append", metavar="PATH", help="only this document")


def scope_from_args(args: argparse.Namespace) -> Scope | None:
    """The scope the options name, or None when they name none."""
    since, until = _day(args.since, "--since"), _day(args.until, "--until")
    if since and until and since > until:
        raise UsageError(f"--since {since} is after --until {until}: no file can be in that range.")
    scope = Scope.of(args.folder, args.type, since=since, until=until, documents=args.doc)
    return None if scope.everything else scope


def _day(text: str | None, option: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{option} {text!r} is not a date: write it as YYYY-MM-DD (2024-03-31).") from None
