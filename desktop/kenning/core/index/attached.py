"""Shared indexes attached read-only beside the user's own: a small list in the data dir.

`attached.json` holds names and addresses only; credentials come from the `sharing` settings,
the keyring or the AWS_* variables, never from this file. An index is checked when attached: it
must exist and be built with the embedding model this Kenning uses, or it is refused (vectors of
two models are never compared).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from kenning.core.domain.documents import OWN_INDEX as OWN_INDEX  # where callers of attach look for it
from kenning.core.errors import IndexIncompatible, UsageError
from kenning.core.index.location import Credentials, IndexLocation, location_for
from kenning.core.index.store import Store
from kenning.core.private_files import private_dir, private_file


@dataclass(frozen=True)
class Attached:
    name: str
    uri: str
    attached_at: str = ""


def load_attached(path: Path) -> list[Attached]:
    if not path.exists():
        return []
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [Attached(**row) for row in rows]


def _save(path: Path, entries: list[Attached]) -> None:
    temporary = path.with_suffix(".tmp")
    private_dir(path.parent)  # a data dir not made yet (a script's first `attach`)
    temporary.write_text(json.dumps([asdict(e) for e in entries], indent=2), encoding="utf-8")
    os.replace(private_file(temporary), path)  # a crash leaves the old list or the new one


def default_name(uri: str) -> str:
    tail = re.split(r"[/\\]", uri.split("?")[0].rstrip("/\\"))[-1]
    return re.sub(r"[^\w.-]+", "-", tail).strip("-") or "shared"


def open_attached(entry: Attached, state_dir: Path, credentials: Credentials, refresh_s: float) -> Store:
    """A read-only store on an attached index (`state_dir` is never written: no lock is needed)."""
    location = location_for(entry.uri, credentials)
    return Store(state_dir / entry.name, location=location, read_only=True, refresh_s=refresh_s)


def attach(
    path: Path, uri: str, *, name: str, credentials: Credentials, model_id: str, refresh_s: float = 10.0
) -> tuple[Attached, Store]:
    """Check the index at `uri` and add it to the list under `name`."""
    entries = load_attached(path)
    name = name or default_name(uri)
    if name == OWN_INDEX or any(e.name == name for e in entries):
        raise UsageError(f'An index named "{name}" is already attached.', "Choose another name with --name.")
    location: IndexLocation = location_for(uri, credentials)
    entry = Attached(name=name, uri=location.uri, attached_at=datetime.now(UTC).isoformat(timespec="seconds"))
    store = open_attached(entry, path.parent, credentials, refresh_s)
    try:
        store.check_embedding(model_id)  # opens it: a missing index or a wrong model is refused here
    except IndexIncompatible as exc:
        raise IndexIncompatible(
            f"The shared index at {location.uri} cannot be searched with yours: {exc.message}",
            "Vectors of two models are never mixed: use the publisher's embedding model "
            "(`embedding.model`), or ask them to publish an index built with yours.",
        ) from exc
    _save(path, [*entries, entry])
    return entry, store


def detach(path: Path, name: str) -> Attached:
    entries = load_attached(path)
    kept = [e for e in entries if e.name != name]
    if len(kept) == len(entries):
        known = ", ".join(e.name for e in entries) or "none"
        raise UsageError(f'No attached index is named "{name}" (attached: {known}).')
    _save(path, kept)
    return next(e for e in entries if e.name == name)
