"""Markdown: the raw text cut into one block per heading, headings giving the section path."""

from __future__ import annotations

import re

from kenning.core.domain.documents import Document, make_blocks
from kenning.core.errors import FileSkipped
from kenning.core.ingest.loaders.decoding import decode_text, title_from_path

NO_TEXT_REASON = "no text (only whitespace)"

_ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r" {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)$")
# Lines that cannot be the text of a setext heading: they start another kind of block.
_NOT_PARAGRAPH = re.compile(r" {0,3}(?:[-*+>]|\d{1,9}[.)]|#{1,6}(?:\s|$)|<|\|)|\s{4}|\t")
_INLINE_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|`)")


class MarkdownLoader:
    """Headings (ATX ``#`` and setext underlines) outside code fences build the section path."""

    name: str = "markdown"
    suffixes: tuple[str, ...] = (".md", ".markdown", ".mdown", ".mkd", ".mdx")

    def sniff(self, head: bytes) -> bool:
        # Markdown has no signature; the registry picks this loader by suffix only.
        return False

    def load(self, path: str, data: bytes) -> Document:
        text = decode_text(data)
        if not text.strip():
            raise FileSkipped(NO_TEXT_REASON)
        parts, title = split_sections(text)
        return Document(
            path=path,
            title=title or title_from_path(path),
            loader=self.name,
            blocks=make_blocks([(body, None, section) for body, section in parts]),
        )


def split_sections(text: str) -> tuple[list[tuple[str, tuple[str, ...]]], str]:
    """Cut ``text`` at its headings: ([(block text, heading path)], first level-1 heading)."""
    lines = text.split("\n")
    parts: list[tuple[str, tuple[str, ...]]] = []
    path: list[tuple[int, str]] = []
    current: list[str] = []
    title = ""
    fence = ""  # the opening fence while inside a fenced code block
    start = _front_matter_end(lines)
    current.extend(lines[:start])

    def flush(keep: int = 0) -> None:
        body = "\n".join(current[: len(current) - keep]).strip("\n")
        parts.append((body, tuple(name for _, name in path)))
        del current[: len(current) - keep]

    def open_section(level: int, name: str) -> None:
        nonlocal title
        while path and path[-1][0] >= level:
            path.pop()
        path.append((level, name))
        if level == 1 and not title:
            title = name

    for line in lines[start:]:
        if fence:
            if re.match(rf" {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", line):
                fence = ""
            current.append(line)
            continue
        opening = _FENCE.match(line)
        if opening and not (opening.group(1)[0] == "`" and "`" in opening.group(2)):
            fence = opening.group(1)
            current.append(line)
            continue
        atx = _ATX.match(line)
        if atx:
            flush()
            open_section(len(atx.group(1)), _plain(atx.group(2) or ""))
            current.append(line)
            continue
        setext = _SETEXT.match(line)
        if setext and current and _is_paragraph_line(current[-1]) and not _inside_longer_paragraph(current):
            flush(keep=1)
            open_section(1 if setext.group(1)[0] == "=" else 2, _plain(current[-1]))
            current.append(line)
            continue
        current.append(line)
    flush()
    return [(body, section) for body, section in parts if body.strip()], title


def _front_matter_end(lines: list[str]) -> int:
    """Index just past a leading YAML front matter block, so its closing ``---`` is not an underline."""
    if not lines or lines[0].strip() != "---":
        return 0
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return index + 1
    return 0


def _is_paragraph_line(line: str) -> bool:
    return bool(line.strip()) and not _NOT_PARAGRAPH.match(line)


def _inside_longer_paragraph(current: list[str]) -> bool:
    """A one-line paragraph only: longer paragraphs are rarely meant as headings and read badly as one."""
    return len(current) >= 2 and bool(current[-2].strip()) and not _ATX.match(current[-2])


def _plain(heading: str) -> str:
    """Heading text without link targets, code ticks and strong-emphasis markers."""
    text = _INLINE_LINK.sub(r"\1", heading)
    return " ".join(_EMPHASIS.sub("", text).split())
