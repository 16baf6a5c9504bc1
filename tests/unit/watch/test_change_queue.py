"""Debouncing and coalescing of changed paths, on a controlled clock."""

from __future__ import annotations

import threading

from kenning.core.watch.change_queue import ChangeQueue


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def make(clock: Clock, **kwargs: float) -> ChangeQueue:
    options = {"debounce_s": 0.5, "max_delay_s": 5.0, "max_batch": 100, **kwargs}
    return ChangeQueue(
        debounce_s=options["debounce_s"],
        max_delay_s=options["max_delay_s"],
        max_batch=int(options["max_batch"]),
        clock=clock,
    )


def test_repeated_events_for_one_path_become_one_entry_released_after_the_quiet_time() -> None:
    clock = Clock()
    changes = make(clock)
    for _ in range(50):  # a file written in many chunks
        changes.post(["/r/a.md"])
    changes.post(["/r/.tmp123", "/r/a.md"])  # an editor's atomic save
    assert len(changes) == 2
    assert changes.take(0) == []  # not quiet yet
    clock.now += 0.5
    assert sorted(changes.take(0)) == ["/r/.tmp123", "/r/a.md"]
    assert len(changes) == 0


def test_a_storm_that_never_pauses_is_released_in_slices_of_quiet_paths() -> None:
    clock = Clock()
    changes = make(clock)
    batches = []
    for i in range(120):  # a copy running for 12 s, one file every 0.1 s
        changes.post([f"/r/{i}.txt"])
        clock.now += 0.1
        batch = changes.take(0)
        if batch:
            batches.append(batch)
    assert 2 <= len(batches) <= 3  # every max_delay_s, not per file
    released = [p for b in batches for p in b]
    assert len(released) == len(set(released))
    assert "/r/119.txt" not in released  # still being written: waits for its quiet time


def test_a_full_batch_goes_without_waiting_for_the_storm_to_end() -> None:
    clock = Clock()
    changes = make(clock, max_batch=10)
    changes.post([f"/r/{i}" for i in range(25)])
    clock.now += 0.5
    sizes = [len(changes.take(0)) for _ in range(3)]
    assert sizes == [10, 10, 5]


def test_drop_under_forgets_an_offline_folder() -> None:
    clock = Clock()
    changes = make(clock)
    changes.post(["/usb/a", "/usb/sub/b", "/usbkey/c", "/home/d"])
    changes.drop_under("/usb")
    clock.now += 1
    assert sorted(changes.take(0)) == ["/home/d", "/usbkey/c"]


def test_wake_interrupts_a_waiting_take() -> None:
    changes = ChangeQueue(debounce_s=0.5, max_delay_s=5, max_batch=10)
    threading.Timer(0.05, changes.wake).start()
    assert changes.take(30) == []
