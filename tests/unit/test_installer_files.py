"""The installer scripts for Windows and macOS cannot run here; these checks keep them in step with
the Linux build: one spec, one version (pyproject.toml), the same self-test, the same icons."""

from __future__ import annotations

import configparser
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def _workflows() -> dict[str, dict[str, object]]:
    yaml = pytest.importorskip("yaml")
    return {p.stem: yaml.safe_load(p.read_text()) for p in sorted((INSTALLER / "ci").glob("*.yml"))}


def _run_lines(workflow: dict[str, object]) -> str:
    jobs = workflow["jobs"]
    assert isinstance(jobs, dict)
    return "\n".join(str(step.get("run", "")) for job in jobs.values() for step in job["steps"])


def test_every_platform_has_a_workflow_that_builds_from_the_one_spec_and_self_tests() -> None:
    workflows = _workflows()
    assert set(workflows) == {"build-linux", "build-windows", "build-macos"}
    for name, workflow in workflows.items():
        runs = _run_lines(workflow)
        assert "--self-test" in runs or "make installer-test" in runs, name
        assert "installer/kenning.spec" in runs.replace("\\", "/") or "make installer" in runs, name
        assert "torch==2.13.0" in runs or "make installer" in runs, name  # the CPU torch pin


def test_workflows_pin_the_pyinstaller_the_makefile_pins() -> None:
    makefile = (ROOT / "Makefile").read_text()
    lines = makefile.splitlines()
    pin = next(line.split(":=", 1)[1].strip() for line in lines if line.startswith("PYINSTALLER"))
    for name in ("build-windows", "build-macos"):
        assert pin in _run_lines(_workflows()[name]), name


def test_inno_setup_takes_the_pyinstaller_folder_and_the_shared_icon() -> None:
    script = (INSTALLER / "windows" / "kenning.iss").read_text()
    assert 'Source: "{#Root}\\dist\\kenning\\*"' in script
    assert "resources\\icons\\kenning.ico" in script
    assert (ROOT / "resources" / "icons" / "kenning.ico").is_file()
    spec = (INSTALLER / "kenning.spec").read_text()
    assert '"KenningApp"' in spec and '#define AppExe "KenningApp.exe"' in script


def test_the_macos_bundle_and_dmg_use_pyprojects_version() -> None:
    spec = (INSTALLER / "kenning.spec").read_text()
    assert 'name="Kenning.app"' in spec and "CFBundleShortVersionString" in spec
    dmg = (INSTALLER / "macos" / "make_dmg.sh").read_text()
    assert "pyproject.toml" in dmg and "dist/Kenning.app" in dmg


def test_desktop_entry_is_complete() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    entry.read(INSTALLER / "linux" / "kenning.desktop")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application" and section["Name"] == "Kenning"
    assert section["Exec"].split()[0] == "kenning" and section["Icon"] == "kenning"
    for size in (256, 128, 48):
        assert (ROOT / "resources" / "icons" / f"kenning-{size}.png").is_file()
    assert VERSION  # the build writes it into X-AppImage-Version
