"""The stored result of a calibration, and which engine the embedder uses because of it.

The result is a small JSON file in the data dir. It records the machine it was measured on (CPU,
its bf16 flags, library versions, model, device setting): on another machine, or after an update,
it no longer applies and `auto` falls back to fp32 until the next calibration.
"""

from __future__ import annotations

import json
import logging
import os
import platform
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from kenning.core.index.embedding_calibration import REFERENCE, EngineResult
from kenning.core.index.embedding_engines import BF16_FLAGS, LABELS, cpu_info

log = logging.getLogger(__name__)

FILE_NAME = "embedding_engine.json"
_PACKAGES = ("torch", "sentence-transformers", "transformers", "tokenizers", "openvino")


def calibration_file(data_dir: Path) -> Path:
    return data_dir / FILE_NAME


def machine_fingerprint(model_id: str, device_setting: str) -> dict[str, str]:
    """What a measurement depends on; cheap (no torch import), so it can be checked at every start."""
    cpu = cpu_info()
    fingerprint = {
        "cpu": cpu.model,
        "bf16_flags": " ".join(sorted(cpu.flags & {*BF16_FLAGS, "amx_tile", "avx512f"})),
        "platform": f"{platform.system()} {platform.machine()}",
        "model": model_id,
        "device": device_setting,
    }
    for package in _PACKAGES:
        try:
            fingerprint[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            fingerprint[package] = "none"
    return fingerprint


@dataclass(frozen=True)
class Calibration:
    chosen: str
    results: tuple[EngineResult, ...]
    passages: int
    queries: int
    machine: dict[str, str] = field(default_factory=dict)
    measured_at: str = ""

    def result(self, engine: str) -> EngineResult | None:
        return next((r for r in self.results if r.engine == engine), None)

    def summary(self) -> str:
        """One line for people, e.g. "torch bf16, 2.8× faster than standard, identical rankings"."""
        chosen = self.result(self.chosen)
        label = LABELS.get(self.chosen, self.chosen)
        if chosen is None or self.chosen == REFERENCE:
            return f"{label} (standard): no faster engine agrees with it on this machine"
        rankings = (
            "identical rankings"
            if chosen.top10_overlap >= 0.999
            else (f"{chosen.top10_overlap:.1%} of top-10 passages the same")
        )
        return f"{label}, {chosen.speedup:.1f}× faster than standard, {rankings}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Calibration:
        return cls(
            chosen=str(raw["chosen"]),
            results=tuple(EngineResult(**r) for r in raw["results"]),
            passages=int(raw["passages"]),
            queries=int(raw["queries"]),
            machine={str(k): str(v) for k, v in raw.get("machine", {}).items()},
            measured_at=str(raw.get("measured_at", "")),
        )


def save_calibration(path: Path, calibration: Calibration) -> None:
    """Write atomically: a crash mid-write leaves the previous result."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(calibration.to_dict(), indent=2), encoding="utf-8")
    os.replace(tmp, path)


def load_calibration(path: Path) -> Calibration | None:
    """The stored result, or None when there is none or it cannot be read (then it is measured again)."""
    try:
        return Calibration.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        log.warning("unreadable embedding calibration %s; it will be measured again", path)
        return None


def current_calibration(path: Path, fingerprint: dict[str, str]) -> Calibration | None:
    """The stored result if it was measured on this machine with these libraries, else None."""
    calibration = load_calibration(path)
    if calibration is None or calibration.machine != fingerprint:
        return None
    return calibration


def resolve_engine(setting: str, path: Path, fingerprint: dict[str, str]) -> str:
    """The engine to run: the forced one, or (auto) the calibrated choice, else fp32."""
    if setting != "auto":
        return setting
    calibration = current_calibration(path, fingerprint)
    return calibration.chosen if calibration is not None else REFERENCE
