"""HTML with BeautifulSoup (lxml): the visible text minus site boilerplate, headings as sections."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, Tag
from bs4.element import (
    CData,
    Comment,
    Declaration,
    Doctype,
    NavigableString,
    PageElement,
    ProcessingInstruction,
)

from kenning.core.domain.documents import Document, make_blocks
from kenning.core.errors import FileSkipped
from kenning.core.ingest.loaders.decoding import decode_text, title_from_path

NO_TEXT_REASON = "no text in this HTML page"

_SNIFF = re.compile(
    rb"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>])", re.I | re.S
)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*>")

# --- what counts as boilerplate: generic rules, no site-specific ones ---------------------------------
_ALWAYS_DROP = frozenset(
    {"script", "style", "noscript", "template", "nav", "aside", "form", "footer", "button", "select",
     "textarea", "input", "svg", "canvas", "iframe", "object", "embed", "dialog"}
)  # fmt: skip
_BOILERPLATE_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar", "toolbar"}
)
# Words in class/id that name navigation chrome; also matched as a prefix or suffix ("docnav", "toplang").
_CHROME_WORDS = ("nav", "menu", "breadcrumb", "toolbar", "footer", "sidebar", "lang", "skip", "cookie")
_CHROME_EXACT = frozenset({"toc", "pager", "pagination", "language", "languages", "social", "share"})
_WEAK_WORDS = frozenset({"header", "topbar", "top", "up"})  # chrome only when also link-heavy
_CHROME_MAX_TEXT = 1500  # a class word alone never removes a long block: it may be content misnamed
_NAV_LINK_SHARE = 0.6
_NAV_MAX_TEXT = 300
_LIST_LINK_SHARE = 0.8  # a block that is almost all links (a table of contents) whatever its length
_WEAK_LINK_SHARE = 0.4
_SKIP_LINK = re.compile(r"(skip|jump) to\b|skip navigation", re.I)
_PERMALINK_MARKS = frozenset({"¶", "#", "§", "🔗", "∞"})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_WORD_SPLIT = re.compile(r"[-_:.]+")

# --- how visible text is laid out ------------------------------------------------------------------
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_HEADING_NAMES = list(_HEADINGS)
_BLOCK_TAGS = frozenset(
    {"address", "article", "blockquote", "body", "caption", "center", "dd", "details", "dir", "div", "dl",
     "dt", "fieldset", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
     "main", "ol", "p", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"}
)  # fmt: skip
_ITEM_TAGS = frozenset({"li", "td", "th", "tr", "dt", "dd"})  # judged with their list or table, not alone
_NOT_TEXT = (Comment, CData, Declaration, Doctype, ProcessingInstruction)
_LAYOUT_TABLE_CELL = 1000  # a cell this long means the table lays out a page rather than holding data


class HtmlLoader:
    """Prefers the page's <main>/<article>; drops navigation, language bars, breadcrumbs and footers."""

    name: str = "html"
    suffixes: tuple[str, ...] = (".html", ".htm", ".xhtml", ".shtml")

    def sniff(self, head: bytes) -> bool:
        return _SNIFF.match(head.removeprefix(b"\xef\xbb\xbf")) is not None

    def load(self, path: str, data: bytes) -> Document:
        charset = _META_CHARSET.search(data[:4096])
        text = decode_text(data, declared=charset.group(1).decode("ascii") if charset else None)
        # A leading XML declaration makes bs4 warn that XHTML is parsed as HTML, which is what we want.
        soup = BeautifulSoup(_XML_DECLARATION.sub("", text, count=1), "lxml")
        title = _title(soup)
        hidden_chars = remove_hidden(soup)  # first, so a hidden <main> cannot become the content
        root = _content_root(soup)
        remove_boilerplate(root)
        sections = render_sections(root)
        blocks = make_blocks([(body, None, section) for body, section in sections])
        if not blocks:
            raise FileSkipped(NO_TEXT_REASON)
        if not title:
            title = next((section[0] for _, section in sections if section), "")
        return Document(
            path=path,
            title=title or title_from_path(path),
            loader=self.name,
            blocks=blocks,
            hidden_chars=hidden_chars,
        )


def _title(soup: BeautifulSoup) -> str:
    tag = soup.find("title")
    return _collapse(tag.get_text(" ")) if isinstance(tag, Tag) else ""


def _content_root(soup: BeautifulSoup) -> Tag:
    """The page's main content when it marks one (<main>, role=main, or a single <article>), else <body>."""
    mains: list[Tag] = []
    articles: list[Tag] = []
    for node in soup.descendants:  # one pass: bs4's find_all is slow on big pages
        if isinstance(node, Tag):
            if node.name == "main" or node.get("role") == "main":
                mains.append(node)
            elif node.name == "article":
                articles.append(node)
    single_article = articles if len(articles) == 1 else []  # several articles: a listing, not one text
    for candidate in (*mains, *single_article):
        if candidate.get_text(strip=True):
            return candidate
    body = soup.find("body")
    return body if isinstance(body, Tag) else soup


# --- hidden text --------------------------------------------------------------------------------


def remove_hidden(soup: Tag) -> int:
    """Remove elements a reader cannot see (the ``hidden`` attribute, ``display:none``,
    ``visibility:hidden`` in their style); return the non-space characters of text they held.

    ``aria-hidden`` text is seen by a sighted reader, so it is not hidden text (boilerplate may
    still drop it as decoration)."""
    doomed = [node for node in soup.descendants if isinstance(node, Tag) and _is_hidden(node)]
    removed = 0
    for tag in doomed:
        if tag.decomposed:
            continue  # inside a hidden element removed already
        removed += len("".join(tag.get_text().split()))
        tag.decompose()
    return removed


def _is_hidden(tag: Tag) -> bool:
    return tag.has_attr("hidden") or bool(_HIDDEN_STYLE.search(_attr(tag, "style")))


# --- boilerplate ---------------------------------------------------------------------------------


@dataclass
class _Stats:
    """Visible text below an element: non-space characters, those in links, link count, any code."""

    chars: int = 0
    link_chars: int = 0
    links: int = 0
    has_pre: bool = False

    @property
    def link_share(self) -> float:
        return self.link_chars / self.chars if self.chars else 0.0


def remove_boilerplate(root: Tag) -> None:
    """Remove navigation chrome from ``root`` in place."""
    stats = _measure(root)
    doomed: list[Tag] = []
    stack = [child for child in root.children if isinstance(child, Tag)]
    while stack:
        tag = stack.pop()
        if _is_boilerplate(tag, stats[id(tag)]):
            doomed.append(tag)
        else:
            stack.extend(child for child in tag.children if isinstance(child, Tag))
    for tag in doomed:
        tag.decompose()


def _measure(root: Tag) -> dict[int, _Stats]:
    """Stats for every element, children before parents (reverse document order), in one pass."""
    stats: dict[int, _Stats] = {}
    for node in [root, *root.descendants][::-1]:
        if not isinstance(node, Tag):
            continue
        total = _Stats(has_pre=node.name == "pre")
        for child in node.children:
            if isinstance(child, Tag):
                sub = stats[id(child)]
                total.chars += sub.chars
                total.link_chars += sub.link_chars
                total.links += sub.links
                total.has_pre = total.has_pre or sub.has_pre
            elif isinstance(child, NavigableString) and not isinstance(child, _NOT_TEXT):
                total.chars += len("".join(child.split()))
        if node.name == "a" and node.get("href") is not None:
            total.link_chars, total.links = total.chars, total.links + 1
        stats[id(node)] = total
    return stats


def _is_boilerplate(tag: Tag, stats: _Stats) -> bool:
    name = tag.name
    if name in _ALWAYS_DROP or (name == "header" and not tag.find(_HEADING_NAMES)):
        return True
    if tag.get("aria-hidden") == "true" or _attr(tag, "role").lower() in _BOILERPLATE_ROLES:
        return True
    if name == "a":
        text = tag.get_text(strip=True)
        return text in _PERMALINK_MARKS or bool(_SKIP_LINK.match(text))
    if stats.has_pre or name not in _BLOCK_TAGS or name in _HEADINGS:
        return False  # inline elements ("menuselection" spans) and code are content whatever their class
    words = _class_words(tag)
    if any(_is_chrome_word(word) for word in words) and (
        stats.chars <= _CHROME_MAX_TEXT or stats.link_share >= _WEAK_LINK_SHARE
    ):
        return True
    if words & _WEAK_WORDS and stats.link_share >= _WEAK_LINK_SHARE and stats.chars <= _CHROME_MAX_TEXT:
        return True
    if name in _ITEM_TAGS:
        return False  # one item of a list or table is judged with the whole list or table
    if stats.links >= 2 and stats.link_share >= _NAV_LINK_SHARE and stats.chars <= _NAV_MAX_TEXT:
        return True
    return stats.links >= 5 and stats.link_share >= _LIST_LINK_SHARE


def _attr(tag: Tag, name: str) -> str:
    value = tag.get(name)
    if isinstance(value, list):
        return " ".join(value)
    return value or ""


def _class_words(tag: Tag) -> set[str]:
    """Lower-case tokens of class and id, each also split at - _ : . ("page-header" -> page, header)."""
    words: set[str] = set()
    for token in f"{_attr(tag, 'class')} {_attr(tag, 'id')}".lower().split():
        words.add(token)
        words.update(part for part in _WORD_SPLIT.split(token) if part)
    return words


def _is_chrome_word(word: str) -> bool:
    return word in _CHROME_EXACT or any(word.startswith(w) or word.endswith(w) for w in _CHROME_WORDS)


# --- rendering -----------------------------------------------------------------------------------


def render_sections(root: Tag) -> list[tuple[str, tuple[str, ...]]]:
    """Visible text of ``root`` as (text, heading path) sections; one line per block element or table row."""
    return _Renderer().render(root)


class _Renderer:
    def __init__(self) -> None:
        self.sections: list[tuple[str, tuple[str, ...]]] = []
        self.path: list[tuple[int, str]] = []
        self.lines: list[str] = []
        self.inline: list[str] = []

    def render(self, root: Tag) -> list[tuple[str, tuple[str, ...]]]:
        # An explicit stack, not recursion: hostile pages nest thousands of elements deep.
        stack: list[PageElement | None] = [root]
        while stack:
            node = stack.pop()
            if node is None:  # the end of a block element
                self._end_line()
            elif isinstance(node, NavigableString):
                if not isinstance(node, _NOT_TEXT):
                    self.inline.append(str(node))
            elif isinstance(node, Tag):
                stack.extend(self._enter(node))
        self._end_section()
        return [(text, path) for text, path in self.sections if text.strip()]

    def _enter(self, tag: Tag) -> list[PageElement | None]:
        """Handle ``tag``; return what to visit next, in reverse order (a stack)."""
        name = tag.name
        if name in _HEADINGS:
            self._heading(_HEADINGS[name], _collapse(tag.get_text(" ")))
        elif name == "pre":
            self._end_line()
            self.lines.append(tag.get_text().strip("\n"))
        elif name == "br":
            self._end_line()
        elif name == "table" and not _is_layout_table(tag):
            self._end_line()
            self.lines.extend(_table_rows(tag))
        elif name in _BLOCK_TAGS or name == "table":
            self._end_line()
            return [None, *reversed(list(tag.children))]
        else:
            return list(reversed(list(tag.children)))
        return []

    def _heading(self, level: int, text: str) -> None:
        if not text:
            return
        self._end_section()
        while self.path and self.path[-1][0] >= level:
            self.path.pop()
        self.path.append((level, text))
        self.lines.append(text)

    def _end_line(self) -> None:
        line = _collapse("".join(self.inline))
        self.inline.clear()
        if line:
            self.lines.append(line)

    def _end_section(self) -> None:
        self._end_line()
        path = tuple(name for _, name in self.path)
        # A heading followed at once by a subheading holds only itself; the subsection's path keeps it.
        if self.lines and not (len(self.lines) == 1 and path and self.lines[0] == path[-1]):
            self.sections.append(("\n".join(self.lines), path))
        self.lines = []


def _is_layout_table(table: Tag) -> bool:
    """Tables that arrange a page (headings, code, other tables, long cells inside) are read as blocks."""
    if table.find([*_HEADING_NAMES, "pre", "table"]):
        return True
    return any(len(cell.get_text()) > _LAYOUT_TABLE_CELL for cell in table.find_all(["td", "th"]))


def _table_rows(table: Tag) -> list[str]:
    caption = table.find("caption")
    rows = [_collapse(caption.get_text(" "))] if isinstance(caption, Tag) else []
    for row in table.find_all("tr"):
        cells = [_collapse(cell.get_text(" ")) for cell in row.find_all(["td", "th"], recursive=False)]
        if any(cells):
            rows.append(" | ".join(cells))
    return [row for row in rows if row]


def _collapse(text: str) -> str:
    return " ".join(text.split())
