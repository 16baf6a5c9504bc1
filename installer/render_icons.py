"""Render resources/icons/kenning.svg to the PNG sizes and the Windows .ico the installers use.

    QT_QPA_PLATFORM=offscreen python installer/render_icons.py   (needs PySide6; ImageMagick for .ico)

The outputs are committed; run this again only when the SVG changes.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
SIZES = (256, 128, 48)


def main() -> int:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(ICONS / "kenning.svg"))
    if not renderer.isValid():
        print("kenning.svg could not be read", file=sys.stderr)
        return 1
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        image.save(str(ICONS / f"kenning-{size}.png"))
    convert = shutil.which("magick") or shutil.which("convert")
    if convert:
        pngs = [str(ICONS / f"kenning-{s}.png") for s in SIZES]
        subprocess.run([convert, *pngs, str(ICONS / "kenning.ico")], check=True)
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
