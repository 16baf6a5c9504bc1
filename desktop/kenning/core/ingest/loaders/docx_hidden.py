"""Hidden text in Word documents: runs marked "hidden" (w:vanish) directly or through their styles.

Word does not show or print hidden runs, yet python-docx reads them like any other text, which
makes them a carrier for instructions aimed at the model. They are removed from the parsed tree
before any text is read, so headings, body and tables all see only what a reader sees.
"""

from __future__ import annotations

from typing import Any

from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn

_OFF = frozenset({"0", "false", "off"})
_BASE_STYLE_DEPTH = 8  # base-style chains are short; this bounds a (corrupt) cycle


def remove_hidden_runs(word: WordDocument) -> int:
    """Remove every hidden run from the body; return how many characters of text they held."""
    character, paragraph = _hidden_styles(word)
    default_paragraph = word.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    default_hidden = bool(default_paragraph is not None and paragraph.get(default_paragraph.style_id))
    doomed: list[Any] = []
    for p in word.element.body.iter(qn("w:p")):
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        paragraph_hidden = paragraph.get(style.get(qn("w:val"), "")) if style is not None else default_hidden
        for run in p.iter(qn("w:r")):
            if _run_hidden(run, character, bool(paragraph_hidden)):
                doomed.append(run)
    removed = 0
    for run in doomed:
        removed += sum(len(t.text or "") for t in run.iter(qn("w:t")))
        parent = run.getparent()
        if parent is not None:
            parent.remove(run)
    return removed


def _run_hidden(run: Any, character: dict[str, bool], paragraph_hidden: bool) -> bool:
    """Direct formatting wins over the run's character style, which wins over the paragraph's style."""
    properties = run.find(qn("w:rPr"))
    if properties is not None:
        direct = _vanish(properties)
        if direct is not None:
            return direct
        style = properties.find(qn("w:rStyle"))
        if style is not None and style.get(qn("w:val"), "") in character:
            return character[style.get(qn("w:val"), "")]
    return paragraph_hidden


def _vanish(properties: Any) -> bool | None:
    """True/False when run properties say hidden or explicitly not; None when they say nothing."""
    vanish = properties.find(qn("w:vanish"))
    if vanish is None:
        return None
    return vanish.get(qn("w:val"), "true").lower() not in _OFF


def _hidden_styles(word: WordDocument) -> tuple[dict[str, bool], dict[str, bool]]:
    """Style id -> hidden, for character and paragraph styles, each resolved through its base styles."""
    character: dict[str, bool] = {}
    paragraph: dict[str, bool] = {}
    for style in word.styles:
        if style.type not in (WD_STYLE_TYPE.CHARACTER, WD_STYLE_TYPE.PARAGRAPH):
            continue
        hidden: bool | None = None
        base: Any = style
        for _ in range(_BASE_STYLE_DEPTH):
            properties = base.element.find(qn("w:rPr"))
            hidden = _vanish(properties) if properties is not None else None
            base = base.base_style
            if hidden is not None or base is None:
                break
        target = character if style.type == WD_STYLE_TYPE.CHARACTER else paragraph
        target[style.style_id] = bool(hidden)
    return character, paragraph
