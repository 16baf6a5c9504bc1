"""Which chat model to suggest for this computer, from its memory and whether a GPU is there.

Pure advice from two numbers, so it is tested without hardware; `total_ram_bytes` and
`has_gpu` read the machine with the standard library only (psutil is not a dependency).
"""

from __future__ import annotations

import os
import platform
import shutil
from dataclasses import dataclass
from pathlib import Path

GB = 1_000_000_000


@dataclass(frozen=True)
class Recommendation:
    name: str  # an Ollama model name, ready for `pull`
    download_gb: float
    reason: str


# (name, download size in GB, RAM it needs to run with a 4k context beside the app, in GB).
# Sizes as listed by the Ollama library for the default Q4_K_M quantisations.
_CANDIDATES = (
    ("qwen2.5:14b", 9.0, 24.0),
    ("llama3.1:8b", 4.9, 12.0),
    ("qwen2.5:7b", 4.7, 12.0),
    ("llama3.2:3b", 2.0, 6.0),
    ("qwen2.5:3b", 1.9, 6.0),
    ("llama3.2:1b", 1.3, 3.5),
    ("qwen2.5:1.5b", 1.0, 3.0),
    ("qwen2.5:0.5b", 0.4, 1.5),
)

# On a CPU a larger model answers too slowly to be pleasant, whatever the memory.
_CPU_LIMIT_GB = 2.0


def recommend_models(ram_bytes: int | None, has_gpu: bool) -> list[Recommendation]:
    """Models that fit, best first; the first is the one to suggest. Unknown RAM: assume 8 GB."""
    ram_gb = (ram_bytes / GB) if ram_bytes else 8.0
    fitting = [c for c in _CANDIDATES if c[2] <= ram_gb]
    if not has_gpu:
        fitting = [c for c in fitting if c[1] <= _CPU_LIMIT_GB] or fitting
    if not fitting:
        fitting = [_CANDIDATES[-1]]
    where = "your GPU" if has_gpu else "the CPU"
    result = []
    for name, download_gb, needs_gb in fitting:
        if needs_gb > ram_gb:
            reason = f"the smallest model; {ram_gb:.0f} GB of memory is tight even for it"
        else:
            reason = f"fits in {ram_gb:.0f} GB of memory (needs about {needs_gb:g} GB) and runs on {where}"
        result.append(Recommendation(name, download_gb, reason))
    return result


def total_ram_bytes() -> int | None:
    """Physical memory in bytes, or None when the system does not say."""
    try:
        pages = os.sysconf("SC_PHYS_PAGES")
        page_size = os.sysconf("SC_PAGE_SIZE")
        if pages > 0 and page_size > 0:
            return int(pages * page_size)
    except (AttributeError, ValueError, OSError):
        pass  # not a POSIX sysconf (Windows): try /proc, then give up
    return _meminfo_total(Path("/proc/meminfo"))


def _meminfo_total(path: Path) -> int | None:
    try:
        for line in path.read_text(encoding="ascii", errors="replace").splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024  # the value is in kB
    except (OSError, ValueError, IndexError):
        return None
    return None


def has_gpu() -> bool:
    """A usable GPU for Ollama: Apple silicon (Metal), or an NVIDIA or AMD driver present."""
    if platform.system() == "Darwin" and platform.machine() == "arm64":
        return True
    if Path("/proc/driver/nvidia/version").exists() or Path("/dev/kfd").exists():
        return True
    return shutil.which("nvidia-smi") is not None
