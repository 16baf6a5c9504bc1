"""Peak memory of a process and its children, sampled from outside so the measured process does no work.

    python tests/bench/memory_sampler.py PID    (stops when its stdin closes; prints one JSON line)

Every 0.5 s: the resident set (RSS) of PID, of its children, and their sum; and the proportional set
(PSS), which counts a page shared by both (the libraries' code) once between them: the sum of PSS is
what the two processes cost the machine together. Linux only (PSS comes from /proc/PID/smaps).
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
    rss = {"window": 0, "worker": 0}
    pss = 0
    for process in (parent, *children):
        try:
            info = process.memory_full_info()
        except psutil.Error:  # ended between the listing and the look
            continue
        rss["window" if process.pid == parent.pid else "worker"] += info.rss
        pss += info.pss
    figures = {
        "window_rss_mb": rss["window"] / MB,
        "worker_rss_mb": rss["worker"] / MB,
        "total_rss_mb": (rss["window"] + rss["worker"]) / MB,
        "total_pss_mb": pss / MB,
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
