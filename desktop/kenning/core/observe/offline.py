"""Turn off every phone-home path of Kenning's dependencies, before any of them is imported.

Kenning talks to one host, the configured Ollama. The embedding model ships in a package, so the
Hugging Face hub is never needed: offline mode stops transformers and huggingface_hub from asking it
for updates, and their usage telemetry goes off too. LanceDB 0.40 (local folders) and PySide6 send
nothing; DO_NOT_TRACK is the common switch that any other library honouring it will see.
OpenVINO's model converter (the optional OpenVINO engine) reports usage through `openvino_telemetry`,
installed beside it, whenever it can import it, and uses a no-op stub when that import fails: the
import is blocked here, so the stub is what it always gets.

These values are forced, not defaulted: a leftover HF_HUB_OFFLINE=0 in a shell must not open the
hub to the app. Only settings that are not about privacy keep the user's value.
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping
from typing import Any

FORCED = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_UPDATE_CHECK": "1",
    "DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1",
    "DO_NOT_TRACK": "1",
}
DEFAULTS = {"TOKENIZERS_PARALLELISM": "false"}
# A None entry in sys.modules makes `import` raise ImportError: the importer falls back to its stub.
BLOCKED_MODULES = ("openvino_telemetry", "openvino_telemetry.backend")


def go_offline(environ: MutableMapping[str, str] | None = None) -> None:
    """Set the switches in `environ` (the process environment by default); call before heavy imports."""
    env = os.environ if environ is None else environ
    env.update(FORCED)
    for name, value in DEFAULTS.items():
        env.setdefault(name, value)
    block_telemetry_modules()


def block_telemetry_modules(modules: MutableMapping[str, Any] | None = None) -> None:
    """Make the telemetry packages unimportable; call before importing openvino (idempotent)."""
    table: MutableMapping[str, Any] = sys.modules if modules is None else modules
    for name in BLOCKED_MODULES:
        table[name] = None
