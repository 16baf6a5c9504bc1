"""How fast the Ollama client gives up and stops: the timings the unit tests used to assert.

Against the fake Ollama over real HTTP (tests/fakes/fake_ollama.py), in this process:
- Stop mid-stream and Stop while the model still reads the prompt: from setting the cancel event to
  the stream's end (target < 0.5 s and < 2 s), and whether the server saw the disconnect;
- Stop during a pull (target < 0.5 s);
- a server that is not running: from the call to OllamaUnavailable (target < 0.5 s);
- a server that never accepts: from the call to OllamaTimeout with a 0.3 s connect timeout (< 1.5 s);
- `collect_versions` for the About dialog against a closed port and a silent one (< 2 s each).

    .venv/bin/python tests/bench/bench_ollama_client.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
for entry in (REPO / "desktop", REPO):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))

from tests.fakes.fake_ollama import FakeOllama  # noqa: E402

from kenning.core.answer.ollama.client import OllamaClient  # noqa: E402
from kenning.core.answer.ollama.errors import OllamaError  # noqa: E402
from kenning.core.settings import OllamaSettings  # noqa: E402
from kenning.core.versions import collect_versions  # noqa: E402

QUESTION = [{"role": "user", "content": "What is the capital of France?"}]


def client_for(url: str, **settings: object) -> OllamaClient:
    return OllamaClient(OllamaSettings(host=url, model="llama3.2", **settings))  # type: ignore[arg-type]


def cancel_mid_stream() -> tuple[float, bool]:
    fake = FakeOllama(reply=" ".join(f"w{i}" for i in range(400)), token_delay_s=0.02).start()
    try:
        cancel = threading.Event()
        with client_for(fake.url) as client:
            events = client.chat_stream(QUESTION, cancel=cancel)
            next(events), next(events), next(events)
            cancel.set()
            started = time.perf_counter()
            list(events)
            return time.perf_counter() - started, fake.client_gone.wait(2)
    finally:
        fake.stop()


def cancel_before_first_token() -> tuple[float, bool]:
    fake = FakeOllama(first_token_delay_s=30.0).start()
    try:
        cancel = threading.Event()
        stamps: list[float] = []

        def press_stop() -> None:
            fake.wait_for_request("/api/chat")
            stamps.append(time.perf_counter())
            cancel.set()

        stopper = threading.Thread(target=press_stop)
        stopper.start()
        with client_for(fake.url) as client:
            list(client.chat_stream(QUESTION, cancel=cancel))
        ended = time.perf_counter()
        stopper.join()
        return ended - stamps[0], fake.client_gone.wait(2)
    finally:
        fake.stop()


def cancel_pull() -> tuple[float, bool]:
    fake = FakeOllama(pull_step_bytes=1_000_000, pull_delay_s=0.02).start()
    try:
        cancel = threading.Event()
        with client_for(fake.url) as client:
            progress = client.pull("qwen2.5:0.5b", cancel)
            next(progress), next(progress)
            cancel.set()
            started = time.perf_counter()
            list(progress)
            return time.perf_counter() - started, fake.client_gone.wait(2)
    finally:
        fake.stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def timed_failure(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    with contextlib.suppress(OllamaError):
        call()
    return time.perf_counter() - started


def not_running() -> float:
    with client_for(f"http://127.0.0.1:{free_port()}") as client:
        return timed_failure(client.version)


def never_accepts() -> float:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = []
    for _ in range(3):  # fill the accept queue: the kernel then drops new SYNs
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", port))
        fillers.append(filler)
    try:
        with client_for(f"http://127.0.0.1:{port}", connect_timeout_s=0.3) as client:
            return timed_failure(client.version)
    finally:
        for sock in [*fillers, server]:
            sock.close()


def versions_closed_port() -> float:
    started = time.perf_counter()
    collect_versions(ollama_host=f"http://127.0.0.1:{free_port()}", ollama_timeout_s=0.5)
    return time.perf_counter() - started


def versions_silent_server() -> float:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        started = time.perf_counter()
        collect_versions(ollama_host=f"127.0.0.1:{silent.getsockname()[1]}", ollama_timeout_s=0.3)
        return time.perf_counter() - started


def report(name: str, seconds: list[float], target_s: float, note: str = "") -> None:
    worst = max(seconds)
    verdict = "met" if worst < target_s else "MISSED"
    print(
        f"{name:34} median {statistics.median(seconds) * 1000:7.1f} ms  worst {worst * 1000:7.1f} ms"
        f"  TARGET < {target_s:g} s: {verdict}{note}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}; {args.repeat} runs each")
    for name, bench, target in (
        ("stop mid-stream", cancel_mid_stream, 0.5),
        ("stop before the first token", cancel_before_first_token, 2.0),
        ("stop a pull", cancel_pull, 0.5),
    ):
        runs = [bench() for _ in range(args.repeat)]
        seen = sum(gone for _, gone in runs)
        report(name, [s for s, _ in runs], target, f"  (server saw the disconnect {seen}/{len(runs)})")
    for name, timed, target in (
        ("not running → OllamaUnavailable", not_running, 0.5),
        ("never accepts → connect timeout", never_accepts, 1.5),
        ("versions: closed port", versions_closed_port, 2.0),
        ("versions: silent server", versions_silent_server, 2.0),
    ):
        report(name, [timed() for _ in range(args.repeat)], target)


if __name__ == "__main__":
    main()
