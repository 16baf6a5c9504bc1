"""Bytes to text for the text-family loaders: BOMs, UTF-8, a charset guess, then Western fallbacks."""

from __future__ import annotations

import codecs
from pathlib import PurePath

import charset_normalizer

from kenning.core.errors import FileSkipped

BINARY_REASON = "binary file (not text)"

_SAMPLE_BYTES = 64 * 1024
_GUESS_BYTES = 1024 * 1024  # charset detection on a bounded sample keeps huge files fast
_CONTROL_SHARE = 0.10

# Longest BOM first: the UTF-32-LE BOM begins with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Bytes below 0x20 that real text uses: tab, newline, vertical tab, form feed, carriage return, escape.
_TEXT_CONTROLS = frozenset(b"\t\n\x0b\x0c\r\x1b")
_CONTROL_BYTES = bytes(b for b in range(32) if b not in _TEXT_CONTROLS) + b"\x7f"
_ASCII = bytes(range(128))
# Windows-1252 punctuation: € ‚ „ … † ‡ ‰ ‹ ‘ ’ “ ” • – — ™ ›. Letters of DOS and Mac code pages that share
# these bytes (é, à, ç, è, ê ...) come with others outside this set, so such text is left to the guesser.
_CP1252_PUNCTUATION = frozenset(b"\x80\x82\x84\x85\x86\x87\x89\x8b\x91\x92\x93\x94\x95\x96\x97\x99\x9b")
# WHATWG: documents labelled Latin-1 or ASCII are decoded as windows-1252 by every browser.
_LABEL_ALIASES = {"latin_1": "cp1252", "iso8859_1": "cp1252", "ascii": "cp1252"}


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Decode ``data`` to text with ``\\n`` line ends and no NULs; ``declared`` is a charset the file names.

    Raises ``FileSkipped`` for content that is not text.
    """
    bom = _bom_encoding(data)
    if bom is not None:
        encoding, skip = bom
        return _tidy(data[skip:].decode(encoding, errors="replace"))
    utf16 = _bomless_utf16(data[:_SAMPLE_BYTES])
    if utf16 is not None:
        try:
            return _tidy(data.decode(utf16))
        except UnicodeDecodeError:
            raise FileSkipped(BINARY_REASON) from None
    if looks_binary(data[:_SAMPLE_BYTES]):
        raise FileSkipped(BINARY_REASON)
    for encoding in _candidates(data, declared):
        try:
            return _tidy(data.decode(encoding))
        except (UnicodeDecodeError, LookupError):
            continue
    return _tidy(data.decode("latin-1"))  # never fails: every byte is a character


def looks_binary(head: bytes) -> bool:
    """True when the first bytes hold NULs (outside a BOM'd UTF-16/32 text) or many control bytes."""
    if not head or _bom_encoding(head) is not None or _bomless_utf16(head) is not None:
        return False
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls / len(head) > _CONTROL_SHARE


def display_name(text: str) -> str:
    """``text`` safe to store and show: undecodable path bytes (surrogate escapes) become U+FFFD."""
    if not any("\ud800" <= ch <= "\udfff" for ch in text):
        return text
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that is not an escaped byte
        raw = text.encode("utf-8", "replace")
    return raw.decode("utf-8", "replace")


def title_from_path(path: str) -> str:
    """The file name without its suffix, as a fallback document title."""
    return display_name(PurePath(path).stem) or display_name(PurePath(path).name)


def _bom_encoding(data: bytes) -> tuple[str, int] | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    return None


def _bomless_utf16(head: bytes) -> str | None:
    """Recognise UTF-16 without a BOM by its pattern of NULs (mostly-ASCII text, as Windows tools write)."""
    pairs = len(head) // 2
    if pairs < 8:
        return None
    even_nuls, odd_nuls = head[0::2].count(0), head[1::2].count(0)
    if odd_nuls > 0.9 * pairs and even_nuls < 0.02 * pairs:
        return "utf-16-le"
    if even_nuls > 0.9 * pairs and odd_nuls < 0.02 * pairs:
        return "utf-16-be"
    return None


def _candidates(data: bytes, declared: str | None) -> list[str]:
    candidates = ["utf-8"]
    if declared:
        candidates.append(_canonical(declared))
    guess = _guess(data[:_GUESS_BYTES])
    if guess:
        candidates.append(guess)
    candidates.append("cp1252")
    return candidates


def _guess(sample: bytes) -> str | None:
    """charset-normalizer's best guess, preferring cp1252 among equally good single-byte Latin guesses.

    On short Western text it often ties cp1250/cp1257 with cp1252 and picks the wrong one ("café" -> "cafŕ").
    """
    high = set(sample.translate(None, _ASCII))
    if high and high <= _CP1252_PUNCTUATION:
        return "cp1252"  # ASCII text with "smart" quotes and dashes: too little for a statistical guess
    matches = charset_normalizer.from_bytes(sample)
    best = matches.best()
    if best is None:
        return None
    tied = [m for m in matches if m.chaos <= best.chaos + 0.01 and m.coherence >= best.coherence - 0.05]
    if any("cp1252" in m.could_be_from_charset for m in tied):
        return "cp1252"
    return str(best.encoding)


def _canonical(label: str) -> str:
    try:
        name = codecs.lookup(label.strip()).name
    except LookupError:
        return label
    normalised = name.replace("-", "_")
    return _LABEL_ALIASES.get(normalised, name)


def _tidy(text: str) -> str:
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
