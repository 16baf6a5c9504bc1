"""Peak memory of a process and its children, sampled from outside so the measured process does no work.

    python tests/bench/memory_sampler.py PID    (stops when its stdin closes; prints one JSON line)

Every 0.5 s: the resident set (RSS) of PID, of its children, and their sum; and what they cost
together: PID's RSS plus the children's unique set (USS, the pages no other process shares), so the
libraries' code both map is counted once. Linux only (USS comes from /proc/PID/smaps).
"""

from __future__ import annotations

import json
import os
import select
import sys

import psutil

MB = 1024 * 1024


def sample(parent: psutil.Process, peaks: dict[str, float]) -> None:
    try:
        children = [c for c in parent.children(recursive=True) if c.pid != os.getpid()]
    except psutil.Error:
        return
    try:
        window = parent.memory_info().rss
    except psutil.Error:
        return
    worker_rss = worker_uss = 0
    for child in children:
        try:
            info = child.memory_full_info()
        except psutil.Error:  # ended between the listing and the look
            continue
        worker_rss += info.rss
        worker_uss += info.uss
    figures = {
        "window_rss_mb": window / MB,
        "worker_rss_mb": worker_rss / MB,
        "worker_uss_mb": worker_uss / MB,
        "total_rss_mb": (window + worker_rss) / MB,
        "together_mb": (window + worker_uss) / MB,
    }
    for name, value in figures.items():
        peaks[name] = max(peaks.get(name, 0.0), value)


def main() -> None:
    parent = psutil.Process(int(sys.argv[1]))
    peaks: dict[str, float] = {}
    while True:
        sample(parent, peaks)
        ready, _, _ = select.select([sys.stdin], [], [], 0.5)
        if ready and not sys.stdin.read(1):  # closed: the run is over
            break
    print(json.dumps({name: round(value) for name, value in peaks.items()}), flush=True)


if __name__ == "__main__":
    main()
