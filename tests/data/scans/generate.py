"""Rebuild the scanned samples in this folder (CC0, see LICENSES.md); not collected by pytest.

    .venv/bin/python tests/data/scans/generate.py

Text is typeset with DejaVu Sans at 200 dpi, then degraded like a real scan (a slight rotation,
blur and noise), and saved as a PNG and as a PDF whose pages are images only (no text layer).
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

HERE = Path(__file__).resolve().parent
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

LETTER = [
    "Harbour Office, 14 March",
    "",
    "Dear Ms Calloway,",
    "",
    "The quarterly survey of the northern breakwater found",
    "three cracked capstones near the signal mast. Repairs",
    "will begin once the spring tides have passed.",
    "",
    "Yours sincerely, the harbour master",
]
MINUTES = [
    [
        "Minutes of the village hall committee",
        "",
        "Present: the chair, the treasurer and four members.",
        "The roof appeal has raised enough to replace the gutters.",
        "The next meeting is on the first Tuesday of May.",
    ],
    [
        "Lighthouse supplies for the winter",
        "",
        "The keeper ordered forty barrels of lamp oil",
        "and two spare lenses from the glassworks in Ardmore.",
        "Delivery is expected before the first gales.",
    ],
]


def page(lines: list[str], *, seed: int, angle: float) -> Image.Image:
    font = ImageFont.truetype(FONT, 32)  # about 11.5 pt at 200 dpi
    image = Image.new("L", (1400, 120 + 52 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((80, 60 + 52 * i), line, font=font, fill=20)
    image = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255, expand=False)
    image = image.filter(ImageFilter.GaussianBlur(0.8))
    rng = random.Random(seed)
    pixels = image.load()
    assert pixels is not None
    for _ in range(image.width * image.height // 200):  # sparse dust, as on a scanner's glass
        x, y = rng.randrange(image.width), rng.randrange(image.height)
        pixels[x, y] = rng.choice((0, 90, 160))
    return image


def main() -> None:
    page(LETTER, seed=1, angle=0.6).save(HERE / "letter-scan.png", optimize=True)
    first, second = (page(p, seed=2 + i, angle=-0.4 + 0.7 * i) for i, p in enumerate(MINUTES))
    first.save(HERE / "minutes-scan.pdf", save_all=True, append_images=[second], resolution=200.0)


if __name__ == "__main__":
    main()
