"""SIGKILL `kenning index` at random moments, again and again, while the folder keeps changing;
then check from the outside that the index is consistent and the pending work was picked up.

The killed processes are real `kenning` processes forked from a server that has already paid the
imports (tests/helpers/fork_server.py), so 20+ kills fit in about a minute.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
KILLS = 20
MAX_WINDOW_S = 4.5  # a run here: ~2 s of start-up and indexing when the machine is busy
MIN_WINDOW_S = 0.2
DOCS = (
    "net/curl/ALTSVC.md",
    "net/curl/HSTS.md",
    "net/openssh/README.dns.txt",
    "net/curl/PARALLEL-TRANSFERS.md",
    "git/howto/using-merge-subtree.txt",
    "net/curl/HTTP2.md",
    "net/curl/SSL-PROBLEMS.md",
    "gnu/flex/README.md",
    "gnu/m4/Forloop.html",
    "web/apache/modules/mod_ratelimit.html",
)
SPARE = ("net/curl/WEBSOCKET.md", "git/technical/multi-pack-index.txt", "gnu/m4/Define.html")


class ForkServer:
    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(REPO / "tests" / "helpers" / "fork_server.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert self._answer() == "ready"

    def _answer(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def _ask(self, request: dict[str, Any]) -> str:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        return self._answer()

    def start(self, argv: list[str], out: Path) -> int:
        return int(self._ask({"run": argv, "out": str(out)}))

    def wait(self, pid: int) -> int:
        return int(self._ask({"wait": pid}))

    def wait_at_most(self, pid: int, seconds: float) -> int | None:
        """The exit status if the child exits within `seconds`, else None (it is still running)."""
        answer = self._ask({"wait": pid, "timeout": seconds})
        return None if answer == "running" else int(answer)

    def run(self, argv: list[str], out: Path) -> tuple[int, str]:
        code = self.wait(self.start(argv, out))
        return code, out.read_text(encoding="utf-8", errors="replace")

    def close(self) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)
        self.process.stdout.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ForkServer]:
    config = Path(os.environ["KENNING_CONFIG_DIR"])
    # Small commits, so the kills land between and inside many of them.
    (config / "settings.toml").write_text("[index]\ncommit_chunks = 4\n", encoding="utf-8")
    path = os.pathsep.join([str(REPO / "desktop"), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": path}
    forks = ForkServer(env)
    yield forks
    forks.close()


class Folder:
    """The watched folder, changed at random, remembering which file holds each marker word."""

    def __init__(self, root: Path, corpus: Path, rng: random.Random) -> None:
        self.root = root
        self.corpus = corpus
        self.rng = rng
        self.markers: dict[str, Path] = {}
        for i, rel in enumerate(DOCS):
            target = root / f"part{i % 3}" / Path(rel).name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(corpus / "docs" / rel, target)
        self.spare = list(SPARE)

    def files(self) -> list[Path]:
        return sorted(p for p in self.root.rglob("*") if p.is_file())

    def change(self, step: int) -> None:
        files = self.files()
        victim = self.rng.choice(files)
        action = self.rng.choice(["modify", "modify", "rename", "move", "delete", "create"])
        if action == "modify" and victim.suffix in (".md", ".txt"):
            marker = f"quixmarker{step}x{len(self.markers)}"  # unique even for two edits in one step
            with victim.open("a", encoding="utf-8") as f:
                f.write(f"\n\nThe {marker} paragraph was appended by step {step} of the crash test.\n")
            self.markers[marker] = victim
        elif action in ("rename", "move"):
            folder = victim.parent if action == "rename" else self.root / f"part{self.rng.randrange(4)}"
            folder.mkdir(exist_ok=True)
            target = folder / f"s{step}-{victim.name}"
            victim.rename(target)
            self.markers = {m: (target if p == victim else p) for m, p in self.markers.items()}
        elif action == "delete" and len(files) > 6:
            victim.unlink()
            self.markers = {m: p for m, p in self.markers.items() if p != victim}
        elif self.spare:
            rel = self.spare.pop()
            shutil.copy2(self.corpus / "docs" / rel, self.root / f"new{step}-{Path(rel).name}")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_sigkill_at_random_moments_never_leaves_an_inconsistent_index(
    server: ForkServer, tmp_path: Path, corpus: Path
) -> None:
    rng = random.Random(int(os.environ.get("KENNING_CRASH_SEED", "20261125")))
    folder = Folder(tmp_path / "docs", corpus, rng)
    data = tmp_path / "data"
    index = ["index", str(folder.root), "--data-dir", str(data), "--json"]
    kills = step = 0
    window = MAX_WINDOW_S
    started = time.monotonic()
    while kills < KILLS:
        step += 1
        if step > 1:
            for _ in range(rng.randint(1, 2)):
                folder.change(step)
        pid = server.start(index, tmp_path / f"run{step}.log")
        # The kill lands at a random moment of the run, unless the run ends first. The window
        # adapts to the machine: it shrinks when runs finish before the kill, grows when they don't.
        delay = rng.uniform(0.1, 1.0) * window
        code = server.wait_at_most(pid, delay)
        if code is None:
            os.kill(pid, signal.SIGKILL)
            code = server.wait(pid)
        if code == -signal.SIGKILL:
            kills += 1
            window = min(MAX_WINDOW_S, window * 1.1)
        else:
            assert code == 0, (tmp_path / f"run{step}.log").read_text()
            window = max(MIN_WINDOW_S, delay * 0.8)
        assert step < KILLS * 3, "runs keep finishing before the kill: raise the delays"

    killing = time.monotonic() - started
    code, out = server.run(index, tmp_path / "final.log")
    assert code == 0, out
    final = json.loads(out[out.index("{") :])
    print(f"{kills} kills in {step} runs, {killing:.0f} s; then {final}")

    on_disk = {str(p): p for p in folder.files()}
    code, out = server.run(["status", "--data-dir", str(data), "--json"], tmp_path / "status.log")
    assert code == 0, out
    status = json.loads(out[out.index("{") :])
    assert status["errors"] == []
    assert status["files"] == len(on_disk)

    # The index on disk, read as the app would: every file once, with exactly its current chunks.
    from kenning.core.domain.documents import FileStatus
    from kenning.core.index.store import Store

    store = Store(data / "index")
    records = store.file_records()
    assert set(records) == set(on_disk)
    assert all(r.status is FileStatus.INDEXED and not r.retry for r in records.values())
    assert all(r.sha256 == sha256(on_disk[p]) for p, r in records.items())  # nothing half-replaced
    chunks = store.chunks_table.to_arrow().select(["id", "path", "file_sha256"]).to_pylist()
    assert len({c["id"] for c in chunks}) == len(chunks) == status["chunks"]  # no duplicates
    assert {c["path"] for c in chunks} == set(on_disk)  # no chunks of files that are gone
    for path, record in records.items():
        own = [c for c in chunks if c["path"] == path]
        assert len(own) == record.chunks and {c["file_sha256"] for c in own} == {record.sha256}

    # And search finds each appended paragraph in the file that holds it now.
    queries = tmp_path / "queries.txt"
    markers = sorted(folder.markers)[-6:]
    queries.write_text("\n".join(markers) + "\n", encoding="utf-8")
    search = ["search", "--from", str(queries), "--k", "3", "--data-dir", str(data), "--json"]
    code, out = server.run(search, tmp_path / "search.log")
    assert code == 0, out
    results = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert [r["query"] for r in results] == markers
    for marker, result in zip(markers, results, strict=True):
        holding = {h["path"] for h in result["hits"] if marker in h["text"]}
        assert holding == {str(folder.markers[marker])}
        assert all(h["path"] in on_disk for h in result["hits"])
