"""Text on a PDF page that a reader cannot see, found with PDFium's per-character information.

Invisible text (render mode 3, or 7: clip only), fully transparent text, text under 1 point tall,
and white text that lies on no drawn background are all read by text extraction, and so by the
model, yet never seen on screen or paper: a classic carrier of hidden instructions. (Text running
off the page edge is kept: overfull lines of code in TeX manuals do that, and they are content.)
The loader and the source viewer both use `visible_text`, so passages found when indexing are the
passages highlighted when viewing. Callers hold the PDFium lock.

Asking PDFium about every character costs several times the extraction itself, so a page is
first screened by its text objects; only a page with a suspect one is looked at character by
character.
"""

from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

_INVISIBLE_MODES = frozenset({3, 7})  # FPDF_TEXTRENDERMODE_INVISIBLE, _CLIP
_STROKE_ONLY_MODES = frozenset({1, 5})  # the fill colour is not drawn
_MIN_HEIGHT_PT = 1.0
_MAX_FORM_DEPTH = 15  # smaller than any text a person can read at 100 % zoom
_WHITE = (255, 255, 255)
# Page objects that can paint a background under white text: images, shadings, form XObjects
# (taken whole, without looking inside) and paths not filled with white.
_BACKGROUND_TYPES = frozenset(
    {pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_SHADING, pdfium_c.FPDF_PAGEOBJ_FORM}
)


@dataclass(frozen=True)
class VisibleText:
    text: str  # the page text as PDFium extracts it, hidden characters left out
    indices: tuple[int, ...] | None  # PDFium char index of each character of `text`; None: all visible
    hidden_chars: int  # real (not generated) characters left out


def visible_text(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage) -> VisibleText:
    count = textpage.count_chars()
    if not _has_suspect_text(page.raw, is_form=False, depth=0):
        return VisibleText(textpage.get_text_range(), None, 0)
    verdicts = _hidden_verdicts(page, textpage, count)
    if not any(verdicts):
        return VisibleText(textpage.get_text_range(), None, 0)
    hidden = _resolve_generated(verdicts)
    pieces: list[str] = []
    indices: list[int] = []
    start = None
    for index in [*range(count), count]:
        if index < count and not hidden[index]:
            start = index if start is None else start
            continue
        if start is not None:
            # One call per visible run keeps PDFium's own text (surrogate pairs, line ends).
            piece = textpage.get_text_range(start, index - start)
            pieces.append(piece)
            indices.extend(_spread(start, index, len(piece)))
            start = None
    hidden_real = sum(1 for verdict in verdicts if verdict)
    return VisibleText("".join(pieces), tuple(indices), hidden_real)


def _spread(start: int, end: int, length: int) -> list[int]:
    """Char indices for a run's text; when PDFium's text length differs from the char count, clamp."""
    return [min(start + i, end - 1) for i in range(length)]


def _has_suspect_text(container: Any, *, is_form: bool, depth: int) -> bool:
    """Whether a page (or form XObject) holds a text object that may be hidden, looking into forms."""
    count_objects = pdfium_c.FPDFFormObj_CountObjects if is_form else pdfium_c.FPDFPage_CountObjects
    get_object = pdfium_c.FPDFFormObj_GetObject if is_form else pdfium_c.FPDFPage_GetObject
    color = tuple(ctypes.c_uint() for _ in range(4))
    size, matrix = ctypes.c_float(), pdfium_c.FS_MATRIX()
    for index in range(count_objects(container)):
        obj = get_object(container, index)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        nested = kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < _MAX_FORM_DEPTH
        if nested and _has_suspect_text(obj, is_form=True, depth=depth + 1):
            return True
        if kind != pdfium_c.FPDF_PAGEOBJ_TEXT:
            continue
        mode = pdfium_c.FPDFTextObj_GetTextRenderMode(obj)
        if mode in _INVISIBLE_MODES:
            return True
        if _text_size(obj, size, matrix) < _MIN_HEIGHT_PT:
            return True
        if mode not in _STROKE_ONLY_MODES and pdfium_c.FPDFPageObj_GetFillColor(obj, *color):
            red, green, blue, alpha = (c.value for c in color)
            if alpha == 0 or (red, green, blue) == _WHITE:
                return True
    return False


def _text_size(obj: Any, size: ctypes.c_float, matrix: Any) -> float:
    """Font size times the object's vertical scale, in points. Inside a form XObject this is in the
    form's space: a form scaled down to nothing escapes the screen, a trick rare enough to accept."""
    if not pdfium_c.FPDFTextObj_GetFontSize(obj, size) or not pdfium_c.FPDFPageObj_GetMatrix(obj, matrix):
        return _MIN_HEIGHT_PT  # unknown: let the colour and mode decide
    return float(size.value * math.hypot(matrix.c, matrix.d))


def _hidden_verdicts(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, count: int) -> list[bool | None]:
    """Per char: True hidden, False visible, None generated by PDFium (spaces, line ends it inferred)."""
    inspector = _CharInspector(page, textpage)
    return [inspector.hidden(index) for index in range(count)]


class _CharInspector:
    def __init__(self, page: pdfium.PdfPage, textpage: pdfium.PdfTextPage) -> None:
        self.page = page
        self.raw = textpage.raw
        self.backgrounds: list[tuple[float, float, float, float]] | None = None
        self.modes: dict[int, int] = {}  # render mode per text object, by address
        self.color = tuple(ctypes.c_uint() for _ in range(4))
        self.box = pdfium_c.FS_RECTF()

    def hidden(self, index: int) -> bool | None:
        obj = pdfium_c.FPDFText_GetTextObject(self.raw, index)
        address = ctypes.cast(obj, ctypes.c_void_p).value if obj else None
        if address is None or pdfium_c.FPDFText_IsGenerated(self.raw, index) == 1:
            return None
        if address not in self.modes:
            self.modes[address] = pdfium_c.FPDFTextObj_GetTextRenderMode(obj)
        mode = self.modes[address]
        if mode in _INVISIBLE_MODES:
            return True
        box = self.box
        pdfium_c.FPDFText_GetLooseCharBox(self.raw, index, box)
        x, y = (box.left + box.right) / 2, (box.top + box.bottom) / 2
        if box.top - box.bottom < _MIN_HEIGHT_PT:
            return True
        if mode in _STROKE_ONLY_MODES or not pdfium_c.FPDFText_GetFillColor(self.raw, index, *self.color):
            return False
        red, green, blue, alpha = (c.value for c in self.color)
        if alpha == 0:
            return True
        if (red, green, blue) != _WHITE:
            return False
        if self.backgrounds is None:
            self.backgrounds = _backgrounds(self.page)
        return not any(_inside(x, y, bounds) for bounds in self.backgrounds)


def _inside(x: float, y: float, bounds: tuple[float, float, float, float]) -> bool:
    left, bottom, right, top = bounds
    return left <= x <= right and bottom <= y <= top


def _resolve_generated(verdicts: list[bool | None]) -> list[bool]:
    """A generated char is hidden when the real chars on both sides of it are hidden."""
    before: list[bool] = []
    last = False
    for verdict in verdicts:
        last = verdict if verdict is not None else last
        before.append(last)
    hidden = [False] * len(verdicts)
    following = False
    for index in range(len(verdicts) - 1, -1, -1):
        verdict = verdicts[index]
        if verdict is not None:
            hidden[index] = following = verdict
        else:
            hidden[index] = before[index] and following
    return hidden


def _backgrounds(page: pdfium.PdfPage) -> list[tuple[float, float, float, float]]:
    """Bounds of the page's top-level objects that could paint a background under white text."""
    found: list[tuple[float, float, float, float]] = []
    red, green, blue, alpha = (ctypes.c_uint() for _ in range(4))
    for obj in page.get_objects(max_depth=0):
        kind = obj.type
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            filled = pdfium_c.FPDFPageObj_GetFillColor(obj.raw, red, green, blue, alpha)
            if filled and (red.value, green.value, blue.value) == _WHITE:
                continue
        elif kind not in _BACKGROUND_TYPES:
            continue
        found.append(obj.get_bounds())
    return found
