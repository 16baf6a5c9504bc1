"""Masks what must not reach a log file even when questions are logged: e-mail addresses, phone
numbers, IBANs, card numbers, API keys and tokens.

The patterns lean towards masking too much: a log line with a harmless number masked costs nothing,
a leaked key costs a lot. Applied by the log formatters to every message, extra field and traceback.
"""

from __future__ import annotations

import re
from collections.abc import Callable

EMAIL = "[email]"
PHONE = "[phone]"
IBAN = "[iban]"
CARD = "[card]"
SECRET = "[secret]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
# "Bearer ..." headers and key=value pairs whose name says they are secret.
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}")
_NAMED_SECRET = re.compile(
    r"(?i)\b((?:api[_-]?key|access[_-]?key|secret|token|password|passwd|pwd)[\w-]*)(\s*[:=]\s*)"
    r"(['\"]?)[^\s'\",;]{4,}"
)
# Keys with a recognisable prefix: OpenAI/Anthropic (sk-), GitHub (ghp_ etc.), Slack (xox.-),
# AWS access key ids, Google API keys, Hugging Face tokens, JWTs.
_PREFIXED_KEY = re.compile(
    r"\b(?:sk-[A-Za-z0-9_-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_\w{20,}|xox[abprs]-[\w-]{10,}"
    r"|AKIA[0-9A-Z]{16}|AIza[\w-]{35}|hf_[A-Za-z0-9]{20,}"
    r"|eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,})"
)
# Two letters, two check digits, 11 to 30 letters/digits, optionally in groups of four.
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
# 13 to 19 digits, optionally grouped by spaces or dashes; checked with Luhn below.
_CARD = re.compile(r"\b\d(?:[ -]?\d){12,18}\b")
# An optional +country code, then 7+ digits in groups of separators; dates and plain counts are
# too short or lack the grouping to match.
_PHONE = re.compile(r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,5}\)[\s.-]?)?\d{2,5}(?:[\s.-]\d{2,5}){1,4}\b")


def _luhn(digits: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = int(char)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group())
    return CARD if _luhn(digits) else match.group()


def _phone(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group())
    # Fewer than 7 digits is a time, a version or a short number; an ISO date is not a phone.
    if len(digits) < 7 or re.fullmatch(r"\d{4}-\d{2}-\d{2}", match.group()):
        return match.group()
    return PHONE


_RULES: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    (_PREFIXED_KEY, SECRET),
    (_BEARER, rf"\1 {SECRET}"),
    (_NAMED_SECRET, rf"\1\2\3{SECRET}"),
    (_EMAIL, EMAIL),
    (_IBAN, IBAN),
    (_CARD, _card),
    (_PHONE, _phone),
]


def redact(text: str) -> str:
    """`text` with personal data and secrets replaced by a placeholder naming what was there."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text
