"""Images (PNG, JPEG, TIFF) as documents: every frame is a page whose text comes from OCR.

Images are hostile input like any file: Pillow's decompression-bomb limit refuses a small file that
would expand to gigabytes of pixels, and a truncated image is named as damaged.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING

from kenning.core.domain.documents import Document
from kenning.core.errors import FileSkipped, FileUnreadable
from kenning.core.ingest.ocr.needs import NeedsOcr

if TYPE_CHECKING:
    from PIL.Image import Image

MAX_PIXELS = 89_478_485  # Pillow's own default: a 300 dpi A0 scan fits, a crafted bomb does not
MAX_FRAMES = 500
DAMAGED_REASON = "image is damaged or truncated"
_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")


class ImageLoader:
    """Registered by suffix and signature; its text needs OCR, so `load` always defers."""

    name: str = "image"
    suffixes: tuple[str, ...] = (".png", ".jpg", ".jpeg", ".tif", ".tiff")

    def sniff(self, head: bytes) -> bool:
        return head.startswith(_SIGNATURES)

    def load(self, path: str, data: bytes) -> Document:
        raise NeedsOcr("image")


def image_frames(data: bytes) -> Iterator[Image]:
    """Each frame (a TIFF may hold many pages) as an RGB image, decoded with the safety limits on."""
    from PIL import Image as PilImage
    from PIL import UnidentifiedImageError

    PilImage.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            # Pillow only warns between the limit and twice it: refuse all of that range too.
            warnings.simplefilter("error", PilImage.DecompressionBombWarning)
            image = PilImage.open(io.BytesIO(data))
            for index in range(min(getattr(image, "n_frames", 1), MAX_FRAMES)):
                image.seek(index)
                yield image.convert("RGB")
    except (PilImage.DecompressionBombError, PilImage.DecompressionBombWarning):
        raise FileSkipped(
            f"image is too large to read safely (over {MAX_PIXELS:,} pixels; a decompression bomb?)"
        ) from None
    except UnidentifiedImageError:
        raise FileUnreadable("not an image Kenning can read (the content is not PNG, JPEG or TIFF)") from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise FileUnreadable(DAMAGED_REASON) from None
