"""Watchdog's side of the watcher: observers (native or polling) and a handler that only posts paths."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from watchdog.events import FileSystemEvent, FileSystemEventHandler

from kenning.core.settings import WatchSettings
from kenning.core.watch.roots import needs_polling

if TYPE_CHECKING:
    from watchdog.observers.api import BaseObserver, ObservedWatch

log = logging.getLogger(__name__)


class Observers:
    """One native and one polling observer, started when first needed, and the roots each watches."""

    def __init__(
        self,
        settings: WatchSettings,
        polling: bool | None,
        *,
        post: Callable[[list[str]], None],
        on_root_event: Callable[[], None],
        ignores: Callable[[str, str], bool],
    ) -> None:
        """`polling`: True/False forces it for every folder; None follows the `watch.polling` setting."""
        self._settings = settings
        self._polling = polling
        self._post = post
        self._on_root_event = on_root_event
        self._ignores = ignores
        self._observers: dict[bool, BaseObserver] = {}  # polled? → observer
        self._watches: dict[str, ObservedWatch] = {}

    def is_polled(self, root: str) -> bool:
        if self._polling is not None:
            return self._polling
        return needs_polling(root, self._settings.polling)

    def watch(self, root: str) -> bool:
        """Start following `root`; False when it cannot be watched at all."""
        polled = self.is_polled(root)
        try:
            watch = self._schedule(root, polled)
        except OSError as exc:
            if polled:
                log.warning("cannot watch %s: %s", root, exc)
                return False
            log.warning("native events unavailable for %s (%s): polling instead", root, exc)
            try:
                watch = self._schedule(root, True)
            except OSError:
                return False
        self._watches[root] = watch
        return True

    def _schedule(self, root: str, polled: bool) -> ObservedWatch:
        from watchdog import events as ev

        observer = self._observers.get(polled)
        if observer is None:
            observer = new_observer(polled, self._settings.poll_interval_s)
            observer.start()
            self._observers[polled] = observer
        kinds = [
            ev.FileCreatedEvent, ev.FileModifiedEvent, ev.FileClosedEvent, ev.FileMovedEvent,
            ev.FileDeletedEvent, ev.DirCreatedEvent, ev.DirMovedEvent, ev.DirDeletedEvent,
        ]  # fmt: skip  # not opened/closed-without-write: the indexer's own reads must not echo back
        handler = PathPoster(self._post, self._on_root_event, self._ignores, root)
        return observer.schedule(handler, root, recursive=True, event_filter=kinds)

    def unwatch(self, root: str) -> None:
        watch = self._watches.pop(root, None)
        if watch is not None:
            for observer in self._observers.values():
                with contextlib.suppress(KeyError, OSError):
                    observer.unschedule(watch)

    def close(self) -> None:
        for observer in self._observers.values():
            observer.stop()
        for observer in self._observers.values():
            with contextlib.suppress(RuntimeError):
                observer.join(timeout=5)
        self._observers.clear()
        self._watches.clear()


def new_observer(polled: bool, interval_s: float) -> BaseObserver:
    if polled:
        from watchdog.observers.polling import PollingObserver

        return PollingObserver(timeout=interval_s)
    from watchdog.observers import Observer

    observer: BaseObserver = Observer()
    return observer


class PathPoster(FileSystemEventHandler):
    """Watchdog handler (runs on watchdog's thread): turns events into paths, nothing more."""

    def __init__(
        self,
        post: Callable[[list[str]], None],
        on_root_event: Callable[[], None],
        ignores: Callable[[str, str], bool],
        root: str,
    ) -> None:
        self._post = post
        self._on_root_event = on_root_event
        self._ignores = ignores
        self._root = root

    def dispatch(self, event: FileSystemEvent) -> None:
        paths = [os.fsdecode(event.src_path)]
        if event.dest_path:
            paths.append(os.fsdecode(event.dest_path))
        if event.is_directory and self._root in paths:  # the watched folder itself moved or vanished
            self._on_root_event()
            return
        wanted = [p for p in paths if not self._ignores(p, self._root)]
        if wanted:
            self._post(wanted)
