"""Build the Linux artefacts: the one-folder app (an AppDir), its tarball, and an AppImage if possible.

    python installer/linux/build.py [--skip-pyinstaller] [--no-tarball]

1. PyInstaller (installer/kenning.spec) -> dist/kenning/ (the `kenning` program and `_internal/`).
2. That folder is made an AppDir: AppRun, kenning.desktop, icons (top level and hicolor tree), and
   install.sh, which adds Kenning to the user's application menu from wherever it was unpacked.
3. dist/kenning-<version>-linux-x86_64.tar.xz: the relocatable tarball of that folder.
4. dist/Kenning-<version>-x86_64.AppImage, when `appimagetool` is on PATH (or $APPIMAGETOOL).
   Debian and PyPI do not ship appimagetool or the AppImage runtime, so on a machine without it
   this step is skipped and says so; the Linux CI workflow installs it and builds the AppImage.

Sizes are printed at the end: unpacked, packed, and what dominates.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINUX = Path(__file__).resolve().parent
DIST = ROOT / "dist"
APP = DIST / "kenning"
ICONS = ROOT / "resources" / "icons"
MB = 1_000_000


def version() -> str:
    return str(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"])


# Qt's X11 plugin needs these; PyInstaller bundles them only if the build machine has them.
XCB_LIBRARIES = {
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
}


def warn_missing_system_libraries() -> None:
    known = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    missing = [package for library, package in XCB_LIBRARIES.items() if library not in known]
    if missing:
        print(
            "warning: the bundle will lack Qt's X11 libraries; first run "
            f"`apt-get install -y {' '.join(missing)}` (else the user's system must provide them)",
            file=sys.stderr,
        )


def run_pyinstaller() -> None:
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
            "--distpath", str(DIST), "--workpath", str(ROOT / "build" / "pyinstaller"),
            str(ROOT / "installer" / "kenning.spec"),
        ],
        check=True,
        cwd=ROOT,
    )  # fmt: skip
    print(f"pyinstaller: {time.perf_counter() - started:.0f} s")


def make_appdir(app: Path, ver: str) -> None:
    """Turn PyInstaller's folder into an AppDir (the layout appimagetool packs as is)."""
    shutil.copy2(LINUX / "AppRun", app / "AppRun")
    (app / "AppRun").chmod(0o755)
    shutil.copy2(LINUX / "install.sh", app / "install.sh")
    (app / "install.sh").chmod(0o755)
    desktop = (LINUX / "kenning.desktop").read_text().replace("@VERSION@", ver)
    (app / "kenning.desktop").write_text(desktop)
    shutil.copy2(ICONS / "kenning-256.png", app / "kenning.png")
    dir_icon = app / ".DirIcon"
    if dir_icon.is_symlink() or dir_icon.exists():
        dir_icon.unlink()
    dir_icon.symlink_to("kenning.png")
    hicolor = app / "usr" / "share" / "icons" / "hicolor"
    for size in (256, 128, 48):
        target = hicolor / f"{size}x{size}" / "apps"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ICONS / f"kenning-{size}.png", target / "kenning.png")
    (hicolor / "scalable" / "apps").mkdir(parents=True, exist_ok=True)
    shutil.copy2(ICONS / "kenning.svg", hicolor / "scalable" / "apps" / "kenning.svg")
    apps = app / "usr" / "share" / "applications"
    apps.mkdir(parents=True, exist_ok=True)
    (apps / "kenning.desktop").write_text(desktop)
    (app / "VERSION").write_text(ver + "\n")


def make_tarball(app: Path, ver: str) -> Path:
    """tar.xz with xz's threads: about a third of the size of gzip for torch's libraries."""
    name = f"kenning-{ver}-linux-x86_64"
    tarball = DIST / f"{name}.tar.xz"
    started = time.perf_counter()
    env = {**os.environ, "XZ_OPT": os.environ.get("XZ_OPT", "-6 -T0")}
    subprocess.run(
        ["tar", "--owner=0", "--group=0", "--transform", f"s,^kenning,{name},", "-cJf", str(tarball),
         "-C", str(app.parent), app.name],
        check=True,
        env=env,
    )  # fmt: skip
    print(f"tarball: {time.perf_counter() - started:.0f} s")
    return tarball


def make_appimage(app: Path, ver: str) -> Path | None:
    tool = os.environ.get("APPIMAGETOOL") or shutil.which("appimagetool")
    if not tool:
        print("appimage: skipped (appimagetool is not installed here; the Linux CI workflow builds it)")
        return None
    image = DIST / f"Kenning-{ver}-x86_64.AppImage"
    env = {**os.environ, "ARCH": "x86_64", "VERSION": ver}
    subprocess.run([tool, "--no-appstream", str(app), str(image)], check=True, env=env)
    return image


def tree_bytes(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            file = Path(root) / name
            if not file.is_symlink():
                total += file.stat().st_size
    return total


def print_sizes(app: Path, packed: list[Path]) -> None:
    internal = app / "_internal"
    parts = sorted(
        (
            (tree_bytes(p) if p.is_dir() and not p.is_symlink() else p.lstat().st_size, p.name)
            for p in internal.iterdir()
        ),
        reverse=True,
    )
    total = tree_bytes(app)
    print(f"unpacked: {total / MB:.0f} MB = {total / 2**20:.0f} MiB  ({app})")
    for path in packed:
        size = path.stat().st_size
        print(f"packed:   {size / MB:.0f} MB = {size / 2**20:.0f} MiB  ({path.name})")
    print("largest parts of the bundle:")
    for size, name in parts[:10]:
        print(f"  {size / MB:7.0f} MB  {size / total:4.0%}  {name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--skip-pyinstaller", action="store_true", help="reuse dist/kenning as it is")
    parser.add_argument("--no-tarball", action="store_true", help="stop after the AppDir (for tests)")
    args = parser.parse_args(argv)
    ver = version()
    if not args.skip_pyinstaller:
        warn_missing_system_libraries()
        run_pyinstaller()
    if not (APP / "kenning").is_file():
        print(f"no PyInstaller build at {APP}", file=sys.stderr)
        return 1
    make_appdir(APP, ver)
    packed: list[Path] = []
    if not args.no_tarball:
        packed.append(make_tarball(APP, ver))
        image = make_appimage(APP, ver)
        if image:
            packed.append(image)
    print_sizes(APP, packed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
