"""`kenning doctor`: one line per check, each with what to do when it fails."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kenning.cli.context import open_workspace
from kenning.cli.output import emit_json, say
from kenning.core.errors import KenningError
from kenning.core.workspace import Workspace


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    next_step: str = ""


def _ollama(ws: Workspace) -> Check:
    version = ws.ollama.version()
    return Check("ollama", True, f"Ollama {version} at {ws.ollama.settings.host}")


def _models(ws: Workspace) -> Check:
    models = ws.ollama.list_models()
    if not models:
        return Check(
            "models", False, "no chat model is installed", "Download one: `ollama pull llama3.2:3b`."
        )
    names = ", ".join(m.name for m in models[:6])
    chosen = ws.settings.ollama.model or models[0].name
    return Check("models", True, f"{len(models)} installed ({names}); answering with {chosen}")


def _embedding(ws: Workspace) -> Check:
    location = ws.model_location
    return Check("embedding_model", True, f"{location.model_id} at {location.folder or 'local cache'}")


def _index(ws: Workspace) -> Check:
    store = ws.store
    store.check_model(ws.embedder.model_id)
    files = store.file_records()
    return Check(
        "index", True, f"{len(files)} files, {store.count_chunks()} chunks, model {store.embed_model}"
    )


def _keyring(ws: Workspace) -> Check:
    secrets = ws.secrets
    secrets.get("doctor-probe")
    if secrets.persistent:
        return Check("keyring", True, "system keyring available")
    return Check(
        "keyring", False, secrets.warning, "Install and unlock a Secret Service (e.g. GNOME Keyring)."
    )


CHECKS: list[Callable[[Workspace], Check]] = [_ollama, _models, _embedding, _index, _keyring]


def run(args: argparse.Namespace) -> int:
    workspace = open_workspace(args)
    results: list[Check] = []
    for check in CHECKS:
        name = check.__name__.lstrip("_")
        try:
            results.append(check(workspace))
        except KenningError as exc:
            results.append(Check(name, False, exc.message, exc.next_step))
    if args.json:
        document: dict[str, Any] = {
            "checks": [
                {"name": c.name, "ok": c.ok, "detail": c.detail, "next_step": c.next_step} for c in results
            ]
        }
        emit_json(document)
    else:
        for c in results:
            say(
                f"{'ok ' if c.ok else 'FAIL'} {c.name:16s} {c.detail}"
                + (f"\n     {c.next_step}" if c.next_step else "")
            )
    return 0
