"""Peak memory of a process and its children, sampled from outside so the measured process does no work.

    python tests/bench/memory_sampler.py PID    (prints one JSON line of the peaks so far for each
                                                 line read from stdin, and a last one when it closes)

Every 0.5 s: the resident set (RSS) of PID, of its children, and their sum; and what they cost
together, each physical page counted once (`together_mb`): the union of the resident pages' frame
numbers from /proc/PID/pagemap (readable as root), so the libraries' code both map counts once and
pages shared with unrelated processes (the same virtualenv) still count. Without access to the
frame numbers: PID's RSS plus the children's unique set (USS), which leaves out pages other
processes on the machine share too. Linux only.
"""

from __future__ import annotations

import json
import os
import select
import sys

import numpy as np
import psutil

MB = 1024 * 1024
PAGE = os.sysconf("SC_PAGE_SIZE")
_PFN_MASK = (1 << 55) - 1
_PRESENT = 1 << 63


def frames(pid: int) -> np.ndarray | None:
    """The physical frame numbers of PID's resident pages, or None when they cannot be read."""
    found = []
    try:
        with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/pagemap", "rb") as pagemap:
            for line in maps:
                start, end = (int(x, 16) for x in line.split(None, 1)[0].split("-"))
                if "[vsyscall]" in line:
                    continue
                pagemap.seek(start // PAGE * 8)
                raw = np.frombuffer(pagemap.read((end - start) // PAGE * 8), dtype=np.uint64)
                present = raw[(raw & np.uint64(_PRESENT)) != 0] & np.uint64(_PFN_MASK)
                found.append(present)
    except OSError:
        return None
    pfns = np.concatenate(found) if found else np.zeros(0, dtype=np.uint64)
    return None if pfns.size and not pfns.any() else pfns  # all zero: no CAP_SYS_ADMIN


def union_mb(pids: list[int]) -> float | None:
    sets = [frames(pid) for pid in pids]
    if any(s is None for s in sets):
        return None
    return np.unique(np.concatenate(sets)).size * PAGE / MB


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
    alive = []
    for child in children:
        try:
            info = child.memory_full_info()
        except psutil.Error:  # ended between the listing and the look
            continue
        worker_rss += info.rss
        worker_uss += info.uss
        alive.append(child.pid)
    together = union_mb([parent.pid, *alive])
    figures = {
        "window_rss_mb": window / MB,
        "worker_rss_mb": worker_rss / MB,
        "worker_uss_mb": worker_uss / MB,
        "total_rss_mb": (window + worker_rss) / MB,
        "together_mb": together if together is not None else (window + worker_uss) / MB,
        "window_rss_plus_worker_uss_mb": (window + worker_uss) / MB,
    }
    for name, value in figures.items():
        peaks[name] = max(peaks.get(name, 0.0), value)


def main() -> None:
    parent = psutil.Process(int(sys.argv[1]))
    peaks: dict[str, float] = {}
    while True:
        sample(parent, peaks)
        ready, _, _ = select.select([sys.stdin], [], [], 0.5)
        if not ready:
            continue
        line = sys.stdin.readline()
        print(json.dumps({name: round(value) for name, value in peaks.items()}), flush=True)
        if not line:  # closed: the run is over
            break


if __name__ == "__main__":
    main()
