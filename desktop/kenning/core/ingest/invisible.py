"""Characters a reader cannot see, removed before text reaches a language model.

Zero-width characters, bidirectional controls, Unicode tag characters and variation selectors
render as nothing (or only reorder what is shown), yet a model reads them: they carry hidden
instructions ("ASCII smuggling") and split words so that filters miss them. Visible format marks
(the Arabic number signs that are drawn above digits) are kept.
"""

from __future__ import annotations

import re

# Every format (Cf) character of Unicode 15.1 except the prepended concatenation marks, which are
# drawn (U+0600-0605, U+06DD, U+070F, U+0890-0891, U+08E2, U+110BD, U+110CD); plus the
# variation selectors (Mn), the combining grapheme joiner and the blank Hangul fillers, which
# render as nothing and can encode arbitrary bytes.
_INVISIBLE = re.compile(
    "["
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb"
    "\U00013430-\U0001345f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e007f\U000e0100-\U000e01ef"
    "]+"
)


def strip_invisible(text: str) -> str:
    """`text` without the characters that render as nothing."""
    return _INVISIBLE.sub("", text)


def count_invisible(text: str) -> int:
    return sum(len(m.group()) for m in _INVISIBLE.finditer(text))
