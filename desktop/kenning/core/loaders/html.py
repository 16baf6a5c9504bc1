"""HTML with BeautifulSoup (lxml): visible text minus site boilerplate, headings as sections."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

from kenning.core.errors import FileSkipped
from kenning.core.loaders.boilerplate import remove_boilerplate
from kenning.core.loaders.decoding import decode_text, title_from_path
from kenning.core.loaders.htmltext import render_sections
from kenning.core.model import Document, make_blocks

NO_TEXT_REASON = "no text in this HTML page"

_SNIFF = re.compile(rb"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>])", re.I | re.S)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*>")  # XHTML: parsed as HTML on purpose


class HtmlLoader:
    """Prefers the page's <main>/<article>; drops navigation, language bars, breadcrumbs and footers."""

    name = "html"
    suffixes = (".html", ".htm", ".xhtml", ".shtml")

    def sniff(self, head: bytes) -> bool:
        return _SNIFF.match(head.lstrip(b"\xef\xbb\xbf")) is not None

    def load(self, path: str, data: bytes) -> Document:
        charset = _META_CHARSET.search(data[:4096])
        text = decode_text(data, declared=charset.group(1).decode("ascii") if charset else None)
        # lxml would read a leading XML declaration as a hint to parse XML; bs4 warns about it.
        soup = BeautifulSoup(_XML_DECLARATION.sub("", text, count=1), "lxml")
        title = _title(soup)
        root = _content_root(soup)
        remove_boilerplate(root)
        sections = render_sections(root)
        blocks = make_blocks([(body, None, section) for body, section in sections])
        if not blocks:
            raise FileSkipped(NO_TEXT_REASON)
        if not title:
            title = next((section[0] for _, section in sections if section), "")
        return Document(path=path, title=title or title_from_path(path), loader=self.name, blocks=blocks)


def _title(soup: BeautifulSoup) -> str:
    tag = soup.find("title")
    return " ".join(tag.get_text(" ").split()) if isinstance(tag, Tag) else ""


def _content_root(soup: BeautifulSoup) -> Tag:
    """The page's main content when it marks one (<main>, role=main, or a single <article>), else <body>."""
    mains = soup.find_all("main") or soup.find_all(attrs={"role": "main"})
    articles = soup.find_all("article")
    for candidates in (mains, articles if len(articles) == 1 else []):
        for candidate in candidates:
            if isinstance(candidate, Tag) and candidate.get_text(strip=True):
                return candidate
    body = soup.find("body")
    return body if isinstance(body, Tag) else soup
