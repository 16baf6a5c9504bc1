"""How late a 20 ms UI heartbeat gets while the real window indexes PDFs and streams an answer.

The UI thread must never wait for the core (tests/gui/test_responsiveness.py checks that no core
work runs on it); this measures what a person would feel: the worst and 99th-percentile lateness of
a QTimer beat, with the window, the embedding model, LanceDB and the fake Ollama all in this process.

    .venv/bin/python tests/bench/bench_ui_heartbeat.py [--docs REL ...] [--corpus DIR]

Defaults to about 200 pages of the development corpus (../shared/corpus), else the PDFs in
tests/data/corpus. Target: no beat more than 100 ms late (a stutter a person notices).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
for entry in (REPO / "desktop", REPO):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from PySide6.QtCore import QEventLoop, QObject, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

BEAT_MS = 20
TARGET_LATE_MS = 100
FULL_DOCS = ("debian/policy/fhs-3.0.pdf", "debian/faq/debian-faq.en.pdf", "math/glpk/gmpl.pdf")
SMALL_DOCS = (
    "debian/faq/debian-faq.en.pdf",
    "graphviz/guides/dottyguide.pdf",
    "graphviz/man/gvpr.1.pdf",
    "graphviz/guides/neatoguide.pdf",
    "graphviz/man/dot.1.pdf",
)


class Heartbeat(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.late_ms: list[float] = []
        self._last = time.perf_counter()
        self._timer = QTimer(self, interval=BEAT_MS)
        self._timer.timeout.connect(self._on_beat)

    def start(self) -> None:
        self.late_ms = []
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _on_beat(self) -> None:
        now = time.perf_counter()
        self.late_ms.append(max(0.0, (now - self._last) * 1000 - BEAT_MS))
        self._last = now

    def line(self, phase: str) -> str:
        late = sorted(self.late_ms)
        p99 = late[min(len(late) - 1, int(len(late) * 0.99))] if late else 0.0
        worst = late[-1] if late else 0.0
        verdict = "met" if worst < TARGET_LATE_MS else "MISSED"
        return (
            f"{phase:10} beats {len(late):5}  median late {statistics.median(late) if late else 0:6.1f} ms"
            f"  p99 {p99:6.1f} ms  worst {worst:6.1f} ms  TARGET worst < {TARGET_LATE_MS} ms: {verdict}"
        )


def wait_until(app: QApplication, condition: Callable[[], bool], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        # Blocks until something happens (a worker's signal, a timer), at most 50 ms.
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--docs", nargs="*")
    args = parser.parse_args()
    corpus = args.corpus if (args.corpus / "docs").is_dir() else REPO / "tests" / "data" / "corpus"
    docs = args.docs or (FULL_DOCS if corpus == args.corpus else SMALL_DOCS)
    print(f"load average {os.getloadavg()[0]:.2f}; {len(docs)} PDFs from {corpus}")

    from tests.fakes.fake_ollama import FakeOllama

    from kenning.core.settings import Settings
    from kenning.ui.main_window import MainWindow
    from kenning.ui.services import AppServices

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    fake = FakeOllama().start()
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "docs"
        for rel in docs:
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(corpus / "docs" / rel, folder / rel)
        settings = Settings()
        settings.ollama.host = fake.url
        services = AppServices(Path(work) / "data", settings)
        window = MainWindow(services)
        window.show()
        ready: list[bool] = []
        services.model_ready.connect(lambda: ready.append(True))
        services.start()
        wait_until(app, lambda: bool(ready), 300)

        heart = Heartbeat()
        heart.start()
        started = time.perf_counter()
        window.indexing.add_folder(str(folder))
        wait_until(app, lambda: window.indexing.busy, 60)

        def indexed() -> bool:
            views = window.indexing.views
            return bool(views) and views[0].stats is not None and views[0].stats.indexed == len(docs)

        wait_until(app, lambda: not window.indexing.busy and indexed(), 1800)
        heart.stop()
        print(heart.line("indexing") + f"  ({time.perf_counter() - started:.0f} s)")

        wait_until(app, lambda: services.ollama_state.running, 60)
        fake.reply = " ".join(["The FHS places host-specific configuration in /etc [1]."] * 30)
        fake.token_delay_s = 0.005
        answers: list[object] = []
        window.chat.answered.connect(answers.append)
        heart.start()
        window.chat.ask("Where does host-specific configuration live?")
        wait_until(app, lambda: bool(answers), 300)
        heart.stop()
        print(heart.line("answer"))
        window.close()
    fake.stop()


if __name__ == "__main__":
    main()
