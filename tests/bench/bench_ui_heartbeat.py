"""How late a 20 ms UI heartbeat gets while the real window indexes PDFs and streams an answer, with
indexing on a thread of the window's process or in the worker process, and the memory of both.

The UI thread must never wait for the core (tests/gui/test_responsiveness.py checks that no core
work runs on it); this measures what a person would feel: the median, 99th-percentile and worst
lateness of a QTimer beat, with the window, the embedding model, LanceDB and the fake Ollama all
running, and the peak resident memory of the window's process and of the indexing process.

    .venv/bin/python tests/bench/bench_ui_heartbeat.py [--mode thread|process|both] [--load N] [--engine E]
        [--docs REL ... | --all] [--corpus DIR]

`--load N` keeps N extra processes spinning on the CPU (a busy machine). Defaults to about 200 pages
of the development corpus (../shared/corpus; `--all` for all of it), else the PDFs in
tests/data/corpus. Targets: no beat more than 100 ms late; both processes together under 1.2 GB.
Each mode runs in a fresh Python process of its own, so neither inherits the other's memory.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
for entry in (REPO / "desktop", REPO):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# No Qt import up here: the indexing worker is a 'spawn' child that imports this script again.

BEAT_MS = 20
TARGET_LATE_MS = 100
TARGET_RSS_MB = 1200
FULL_DOCS = ("debian/policy/fhs-3.0.pdf", "debian/faq/debian-faq.en.pdf", "math/glpk/gmpl.pdf")
SMALL_DOCS = (
    "debian/faq/debian-faq.en.pdf",
    "graphviz/guides/dottyguide.pdf",
    "graphviz/man/gvpr.1.pdf",
    "graphviz/guides/neatoguide.pdf",
    "graphviz/man/dot.1.pdf",
)


class Heartbeat:
    """A 20 ms QTimer that notes how late each beat came."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.late_ms: list[float] = []
        self._last = time.perf_counter()
        self._timer = QTimer(interval=BEAT_MS)
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
            f"{phase:18} beats {len(late):5}  p50 late {statistics.median(late) if late else 0:6.1f} ms"
            f"  p99 {p99:6.1f} ms  max {worst:6.1f} ms  TARGET max < {TARGET_LATE_MS} ms: {verdict}"
        )


class MemorySampler:
    """tests/bench/memory_sampler.py watching this process and its children from outside; each
    `line` gives the peaks since it started."""

    def __init__(self) -> None:
        sampler = Path(__file__).with_name("memory_sampler.py")
        self._process = subprocess.Popen(
            [sys.executable, str(sampler), str(os.getpid())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def line(self, phase: str, *, last: bool = False) -> str:
        assert self._process.stdin is not None and self._process.stdout is not None
        if last:
            out, _ = self._process.communicate("", timeout=60)
        else:
            self._process.stdin.write("peaks\n")
            self._process.stdin.flush()
            out = self._process.stdout.readline()
        peak = json.loads(out.strip().splitlines()[-1])
        verdict = "met" if peak["together_mb"] < TARGET_RSS_MB else "MISSED"
        return (
            f"{phase:18} peak RSS window {peak['window_rss_mb']:5} MB  indexer {peak['worker_rss_mb']:5} MB"
            f" (unique {peak['worker_uss_mb']:5} MB)  sum of RSS {peak['total_rss_mb']:5} MB  together"
            f" (each page once) {peak['together_mb']:5} MB  (window RSS + indexer USS"
            f" {peak['window_rss_plus_worker_uss_mb']:5} MB)  TARGET < {TARGET_RSS_MB} MB: {verdict}"
        )


def wait_until(app: Any, condition: Callable[[], bool], timeout_s: float) -> None:
    from PySide6.QtCore import QEventLoop

    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        # Blocks until something happens (a worker's signal, a timer), at most 50 ms.
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)


def calibrate(data_dir: Path) -> str:
    """Calibrate the embedding engines in `data_dir` in a child process, as the app's first start does
    (the window process itself never loads the engines for it); the window then runs the choice."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO / "desktop"), os.environ.get("PYTHONPATH", "")]),
    }
    argv = [sys.executable, "-m", "kenning", "calibrate", "--data-dir", str(data_dir), "--json"]
    done = subprocess.run(argv, capture_output=True, text=True, env=env, check=True)
    return str(json.loads(done.stdout)["summary"])


def run_mode(mode: str, corpus: Path, docs: list[str], engine: str) -> None:
    """One mode, in this process: index `docs`, then ask one question, with the heartbeat running."""
    from PySide6.QtWidgets import QApplication
    from tests.fakes.fake_ollama import FakeOllama

    from kenning.core.settings import Settings
    from kenning.ui.main_window import MainWindow
    from kenning.ui.services import AppServices

    app = QApplication.instance() or QApplication([])
    fake = FakeOllama().start()
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "docs"
        for rel in docs:
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(corpus / "docs" / rel, folder / rel)
        settings = Settings()
        if engine == "auto":
            print(f"{mode}: embedding engine {calibrate(Path(work) / 'data')}", flush=True)
        else:
            settings.embedding.engine = engine
        settings.ollama.host = fake.url
        settings.watch.worker = mode
        services = AppServices(Path(work) / "data", settings)
        memory = MemorySampler()  # from the start: whatever the window loads before indexing counts
        window = MainWindow(services)
        window.show()
        opened: list[bool] = []
        loaded: list[bool] = []
        services.workspace_ready.connect(lambda: opened.append(True))
        services.model_ready.connect(lambda: loaded.append(True))
        services.start()
        # The window loads the model at start when indexing runs on its writer thread or the engine
        # needs no torch (OpenVINO); else (torch, worker process) when a question needs it. The
        # one-time load is timed apart: the beats below are the indexing's and the answer's.
        load_started = time.perf_counter()
        wait_until(app, lambda: bool(opened), 300)
        assert services.workspace is not None
        if mode == "thread" or services.workspace.embeds_without_torch:
            heart = Heartbeat()
            heart.start()
            wait_until(app, lambda: bool(loaded), 300)
            heart.stop()
            print(heart.line(f"{mode}: model load") + f"  ({time.perf_counter() - load_started:.1f} s)")

        heart = Heartbeat()
        synced: list[object] = []
        window.indexing.synced.connect(synced.append)
        heart.start()
        started = time.perf_counter()
        window.indexing.add_folder(str(folder))
        wait_until(app, lambda: bool(synced) and not window.indexing.busy, 3600)
        heart.stop()
        print(heart.line(f"{mode}: indexing") + f"  ({time.perf_counter() - started:.0f} s)", flush=True)
        print(memory.line(f"{mode}: indexing"), flush=True)

        wait_until(app, lambda: services.ollama_state.running, 60)
        fake.reply = " ".join(["The FHS places host-specific configuration in /etc [1]."] * 30)
        fake.token_delay_s = 0.005
        answers: list[object] = []
        window.chat.answered.connect(answers.append)
        heart.start()
        asked = time.perf_counter()
        window.chat.ask("Where does host-specific configuration live?")
        wait_until(app, lambda: bool(answers), 300)
        heart.stop()
        answered = f"  (first answer in {time.perf_counter() - asked:.1f} s)"
        print(heart.line(f"{mode}: answer") + answered, flush=True)
        print(memory.line(f"{mode}: whole run", last=True), flush=True)
        window.close()
    fake.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--docs", nargs="*")
    parser.add_argument("--all", action="store_true", help="every document of the corpus")
    parser.add_argument("--mode", choices=("thread", "process", "both"), default="both")
    parser.add_argument("--load", type=int, default=0, help="extra processes keeping the CPU busy")
    parser.add_argument("--engine", default="auto", help="embedding engine (auto: calibrated first)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)  # one mode, in-process
    args = parser.parse_args()
    corpus = args.corpus if (args.corpus / "docs").is_dir() else REPO / "tests" / "data" / "corpus"
    if args.all:
        root = corpus / "docs"
        docs = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    else:
        docs = list(args.docs or (FULL_DOCS if corpus == args.corpus else SMALL_DOCS))
    if args.child:
        run_mode(args.mode, corpus, docs, args.engine)
        return
    spinners = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(max(0, args.load))
    ]
    try:
        print(
            f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs, {len(spinners)} extra spinning;"
            f" {len(docs)} documents from {corpus}",
            flush=True,
        )
        for mode in ("thread", "process") if args.mode == "both" else (args.mode,):
            command = [sys.executable, __file__, "--child", "--mode", mode, "--engine", args.engine]
            command += ["--corpus", str(corpus), "--docs", *docs]
            subprocess.run(command, check=True)
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


if __name__ == "__main__":
    main()
