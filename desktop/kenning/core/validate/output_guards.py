"""Checks on a model's answer that hold even when a document talked the model into something.

A model that obeyed a planted instruction shows it in what it writes: a link or image that sends
data to someone (an image loads by itself when the answer is rendered), the prompt's secret check
code, or a long run of the system prompt. Links that no cited source contains, or that are shaped
to carry data out (`ingest.injection.carries_data_out`), are removed;
an answer that leaks the prompt is withheld whole.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from kenning.core.domain.answers import GuardAction
from kenning.core.ingest.injection import carries_data_out

# Shortest run of the system prompt that counts as repeating it: longer than any phrase an honest
# answer shares with the rules ("Your documents do not say.").
LEAK_RUN = 60


def withheld_text(reason: str) -> str:
    return (
        f"This answer was withheld: {reason}. A passage in your documents may have told the model to "
        "do that. Check the sources listed with this answer."
    )


_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_MD_LINK = re.compile(r"(?<!!)\[([^\]]+)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_HTML_TAG = re.compile(
    r"<\s*(?:img|a|iframe|script|link|object|embed)\b[^>]*>(?:\s*</\s*a\s*>)?", re.IGNORECASE
)
_HTML_URL = re.compile(r"""(?:src|href)\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_BARE_URL = re.compile(r"\b(?:https?|ftp)://[^\s<>()\[\]\"']+|\bwww\.[^\s<>()\[\]\"']+", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


@dataclass
class GuardedText:
    text: str
    actions: list[GuardAction] = field(default_factory=list)


def prompt_leak(text: str, *, system: str, canary: str) -> str:
    """Why `text` shows the system prompt (empty when it does not)."""
    if canary and canary.lower() in text.lower():
        return "the answer contained the system prompt's secret check code"
    answer = _SPACE.sub(" ", text).lower()
    rules = _SPACE.sub(" ", system).lower()
    if len(answer) >= LEAK_RUN:
        for start in range(0, len(rules) - LEAK_RUN + 1):
            if rules[start : start + LEAK_RUN] in answer:
                return f"the answer repeated the system prompt (“{rules[start : start + 40]}…”)"
    return ""


def remove_foreign_links(text: str, sources: Sequence[str]) -> GuardedText:
    """Links, URLs and images that occur in no source are removed (a link's words are kept), and
    so are those shaped to carry data out even when a source holds them: the source planted them."""
    result = GuardedText(text)
    known = "\n".join(sources)

    def allowed(url: str, image: bool = False) -> bool:
        url = url.rstrip(".,;:!?")
        return url in known and not carries_data_out(url, image=image)

    def drop(kind: str, url: str, keep: str) -> str:
        result.actions.append(GuardAction("removed_link", f"{kind}: {url[:200]}"))
        return keep

    def image(m: re.Match[str]) -> str:
        return m.group(0) if allowed(m.group(2), image=True) else drop("image", m.group(2), "")

    def link(m: re.Match[str]) -> str:
        return m.group(0) if allowed(m.group(2)) else drop("link", m.group(2), m.group(1))

    def tag(m: re.Match[str]) -> str:
        url = _HTML_URL.search(m.group(0))
        if url and allowed(url.group(1), image=True):
            return m.group(0)
        return drop("html", url.group(1) if url else m.group(0), "")

    def bare(m: re.Match[str]) -> str:
        return m.group(0) if allowed(m.group(0)) else drop("url", m.group(0), "[link removed]")

    out = _MD_IMAGE.sub(image, text)
    out = _MD_LINK.sub(link, out)
    out = _HTML_TAG.sub(tag, out)
    # Bare URLs, outside what was kept above: a kept Markdown link keeps its URL.
    pieces = re.split(r"(\]\([^)]*\))", out)
    out = "".join(p if p.startswith("](") else _BARE_URL.sub(bare, p) for p in pieces)
    result.text = out.strip() if result.actions else text
    return result
