"""The ways this machine can run the embedding model, and how to load each one.

Every engine runs the same weights, so its vectors count as the same model (the index records the
model id, never the engine). Calibration (`embedding_calibration`) decides which one is used.
"""

from __future__ import annotations

import importlib.util
import os
import platform
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LABELS = {
    "fp32": "torch fp32",
    "bf16": "torch bf16",
    "fp16": "torch fp16",
    "openvino": "OpenVINO bf16",
    "openvino-f32": "OpenVINO f32",
}
# OpenVINO engines (no torch once converted: `openvino_engine`) and the precision each asks for;
# "openvino" runs f32 on a CPU without native bf16.
OPENVINO_ENGINES = {"openvino": "bf16", "openvino-f32": "f32"}

# CPU flags that mean bf16 matrix maths runs in hardware (AMX on Intel, AVX-512 BF16 on Intel and AMD).
BF16_FLAGS = ("amx_bf16", "avx512_bf16")


def pick_device(setting: str) -> str:
    """`auto` prefers CUDA, then Apple's MPS, then the CPU."""
    if setting != "auto":
        return setting
    import torch

    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


@dataclass(frozen=True)
class CpuInfo:
    model: str
    flags: frozenset[str]


def cpu_info(cpuinfo: Path = Path("/proc/cpuinfo")) -> CpuInfo:
    """The CPU's name and feature flags (Linux); elsewhere the platform's processor name, no flags."""
    model, flags = platform.processor() or platform.machine(), frozenset[str]()
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return CpuInfo(model, flags)
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "model name" and value.strip():
            model = value.strip()
        elif key == "flags":
            flags = frozenset(value.split())
        if key == "" and flags:  # the first processor's block is enough
            break
    return CpuInfo(model, flags)


def cpu_runs_bf16(info: CpuInfo | None = None) -> bool:
    """True where bf16 maths is native: x86 with AMX/AVX-512 BF16, Apple M2 and later."""
    info = info or cpu_info()
    if info.flags & set(BF16_FLAGS):
        return True
    if platform.system() == "Darwin" and platform.machine() == "arm64":
        return "M1" not in _apple_chip()
    return False


def _apple_chip() -> str:
    import subprocess

    try:
        done = subprocess.run(
            ["sysctl", "-n", "machdep.cpu.brand_string"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return "M1"  # unknown: assume the oldest, which gains nothing from bf16
    return done.stdout.strip() or "M1"


def openvino_installed() -> bool:
    """OpenVINO is an optional extra (`pip install kenning[openvino]`): tried only when importable."""
    return importlib.util.find_spec("openvino") is not None


def candidate_engines(device: str) -> list[str]:
    """Engines worth measuring on `device` (cpu, cuda, mps), fp32 first: it is the reference."""
    engines = ["fp32"]
    if _is_gpu(device):
        engines.append("fp16")
    if device == "cpu" and cpu_runs_bf16():
        engines.append("bf16")
    if device == "cpu" and openvino_installed():
        # bf16 where the CPU has it; f32 everywhere: same vectors as fp32, faster on any CPU measured
        engines += (["openvino"] if cpu_runs_bf16() else []) + ["openvino-f32"]
    return engines


def engine_device(engine: str, device: str) -> str | None:
    """The device `engine` runs on given the picked device, or None when it cannot run there."""
    if engine == "fp32":
        return device
    if engine == "fp16":
        return device if _is_gpu(device) else None
    if engine == "bf16" or engine in OPENVINO_ENGINES:
        return "cpu" if device == "cpu" else None
    return None


def _is_gpu(device: str) -> bool:
    return device.startswith("cuda") or device == "mps"


def load_sentence_transformer(name_for_loader: str, engine: str, device: str) -> Any:
    """A SentenceTransformer for torch `engine` (fp32, bf16, fp16) on `device` (weights from disk only)."""
    # No hub access, ever: weights come from disk or the local cache only.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    import torch
    import transformers
    from sentence_transformers import SentenceTransformer

    transformers.utils.logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # its bars would garble our stderr

    dtypes = {"bf16": torch.bfloat16, "fp16": torch.float16}
    kwargs: dict[str, Any] = {"model_kwargs": {"dtype": dtypes[engine]}} if engine in dtypes else {}
    return SentenceTransformer(name_for_loader, device=device, **kwargs)
