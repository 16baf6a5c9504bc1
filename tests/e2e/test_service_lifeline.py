"""The service the app starts never outlives it: when the app dies without a word (killed, crashed),
the system closes the child's stdin and `kenning serve` stops, freeing its port."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from tests.helpers.served import kenning_env

from kenning.ui.service_process import STOP_WITH_PARENT_ENV, serve_command

pytestmark = pytest.mark.slow

# Stands in for the app: starts the service as the app does (stdin a pipe it holds), then waits.
APP = "import subprocess, sys; subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE).wait()"


def test_the_service_stops_when_the_app_that_started_it_is_killed(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = kenning_env({"KENNING_API_TOKEN": "lifeline-token", STOP_WITH_PARENT_ENV: "1"})
    app = subprocess.Popen(
        [sys.executable, "-c", APP, *serve_command(tmp_path / "data", port)],
        stdout=subprocess.PIPE,  # the service writes here too: it inherits the app's stdout
        stderr=subprocess.DEVNULL,
        env=env,
    )
    assert app.stdout is not None
    with app.stdout:
        announced = json.loads(app.stdout.readline())
        assert announced["openai_base_url"] == f"http://127.0.0.1:{port}/v1"
        socket.create_connection(("127.0.0.1", port), timeout=10).close()  # it serves

        app.kill()  # no goodbye: as a crash or `kill -9` would end it
        app.wait()
        assert app.stdout.read() == b""  # end of file: the service (the last writer) has exited
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=10).close()
