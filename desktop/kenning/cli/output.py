"""How commands print: one JSON document on stdout with --json, readable text otherwise."""

from __future__ import annotations

import json
import sys
from typing import Any


def emit_json(document: dict[str, Any], *, line: bool = False) -> None:
    """Write one JSON document (or one line of a JSON-lines stream) to stdout."""
    text = json.dumps(document, ensure_ascii=False, indent=None if line else 2)
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def warn(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()
