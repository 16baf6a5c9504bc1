"""E-mail (.eml, .mbox) with the standard library's parser: headers, the body, and attachments' text.

Attachments of a supported type are read by the same loaders as files on disk and kept inside the
message's document as sections ("Attachment: report.pdf"). Depth and count are capped for the whole
file, so a mail bomb of nested messages reads a bounded amount and records what it left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from bs4 import BeautifulSoup

from kenning.core.domain.documents import Document, Part, make_blocks
from kenning.core.errors import FileProblem, FileSkipped
from kenning.core.ingest.loaders.decoding import title_from_path
from kenning.core.ingest.loaders.html import remove_boilerplate, render_sections

NO_TEXT_REASON = "no text in this e-mail"
MAX_DEPTH = 3  # a message attached to a message attached to a message
MAX_ATTACHMENTS = 100  # per file, nested ones included
MAX_MESSAGES = 20_000  # per mailbox

ReadAttachment = Callable[[str, bytes], Document]

_HEADERS = ("From", "To", "Cc", "Date", "Subject")
_MBOX_FROM = re.compile(rb"^From [^\r\n]*\r?\n", re.M)
_MBOXRD_QUOTED = re.compile(rb"^>(>*From )", re.M)
_HEADER_LINE = re.compile(rb"^([A-Za-z][A-Za-z0-9-]*):", re.M)
_TELLING_HEADERS = frozenset(
    {b"from", b"to", b"date", b"subject", b"message-id", b"received", b"mime-version"}
)
_HEADER_ERRORS = (ValueError, IndexError, TypeError, AttributeError, LookupError)


@dataclass
class _Budget:
    attachments_left: int = MAX_ATTACHMENTS
    depth: int = 0
    notes: list[str] = field(default_factory=list)


# Shared by nested loads: an attached .eml is read through the registry, which calls back into this module.
_BUDGET: ContextVar[_Budget | None] = ContextVar("kenning_mail_budget", default=None)


class EmlLoader:
    """One message; its subject is the section, its headers lead the text."""

    name: str = "eml"
    suffixes: tuple[str, ...] = (".eml",)

    def __init__(self, read_attachment: ReadAttachment) -> None:
        self.read_attachment = read_attachment

    def sniff(self, head: bytes) -> bool:
        """Mail saved without a suffix (Maildir): header lines up to the first blank line, telling ones."""
        headers, _, _ = head.partition(b"\n\n")
        if not _HEADER_LINE.match(headers):
            return False
        return len({name.lower() for name in _HEADER_LINE.findall(headers)} & _TELLING_HEADERS) >= 3

    def load(self, path: str, data: bytes) -> Document:
        return _document(self, path, [data])


class MboxLoader:
    """A mailbox file: one section per message, in file order."""

    name: str = "mbox"
    suffixes: tuple[str, ...] = (".mbox", ".mbx")

    def __init__(self, read_attachment: ReadAttachment) -> None:
        self.read_attachment = read_attachment

    def sniff(self, head: bytes) -> bool:
        return _MBOX_FROM.match(head) is not None and _HEADER_LINE.search(head) is not None

    def load(self, path: str, data: bytes) -> Document:
        return _document(self, path, _split_mbox(data))


def _document(loader: EmlLoader | MboxLoader, path: str, messages: Iterator[bytes] | list[bytes]) -> Document:
    outer = _BUDGET.get()
    budget = outer or _Budget()
    token = _BUDGET.set(budget)
    try:
        parts: list[Part] = []
        for count, raw in enumerate(messages):
            if count >= MAX_MESSAGES:
                budget.notes.append(f"only the first {MAX_MESSAGES:,} messages are indexed")
                break
            message = BytesParser(policy=policy.default).parsebytes(raw)
            assert isinstance(message, EmailMessage)  # policy.default builds EmailMessage objects
            parts += _message_parts(message, (), loader.read_attachment, budget)
    finally:
        _BUDGET.reset(token)
    blocks = make_blocks(parts)
    if not blocks:
        raise FileSkipped(NO_TEXT_REASON)
    first = next((b.section[0] for b in blocks if b.section), "")
    notes = tuple(budget.notes) if outer is None else ()
    return Document(path=path, title=first if loader.name == "eml" and first else title_from_path(path),
                    loader=loader.name, blocks=blocks, notes=notes)  # fmt: skip


def _split_mbox(data: bytes) -> Iterator[bytes]:
    separators = list(_MBOX_FROM.finditer(data))
    if not separators:
        yield data  # no envelope line: one message saved under a mailbox name
        return
    ends = [match.start() for match in separators[1:]] + [len(data)]
    for start, end in zip((match.end() for match in separators), ends, strict=True):
        yield _MBOXRD_QUOTED.sub(rb"\1", data[start:end])


def _message_parts(
    message: EmailMessage, prefix: tuple[str, ...], read: ReadAttachment, budget: _Budget
) -> list[Part]:
    subject = _header(message, "Subject") or "(no subject)"
    section = (*prefix, subject)
    lines = [f"{name}: {value}" for name in _HEADERS if (value := _header(message, name))]
    parts: list[Part] = [("\n".join([*lines, "", _body(message)]).strip(), None, section)]
    for attachment in message.iter_attachments():
        assert isinstance(attachment, EmailMessage)
        name = _filename(attachment)
        if name is None:
            continue  # an inline image or a signature: nothing to read
        if budget.attachments_left <= 0 or budget.depth >= MAX_DEPTH:
            why = "too many attachments" if budget.attachments_left <= 0 else "nested too deeply"
            budget.notes.append(f"attachment {name} of '{subject}' not read ({why})")
            continue
        budget.attachments_left -= 1
        budget.depth += 1
        try:
            parts += _attachment_parts(attachment, name, (*section, f"Attachment: {name}"), read, budget)
        finally:
            budget.depth -= 1
    return parts


def _attachment_parts(
    attachment: EmailMessage, name: str, section: tuple[str, ...], read: ReadAttachment, budget: _Budget
) -> list[Part]:
    if attachment.get_content_type() == "message/rfc822":
        inner = attachment.get_payload()
        inner = inner[0] if isinstance(inner, list) and inner else inner
        if isinstance(inner, EmailMessage):
            return _message_parts(inner, section, read, budget)
        return []
    payload = attachment.get_payload(decode=True)
    if not isinstance(payload, bytes) or not payload:
        return []
    try:
        document = read(name, payload)
    except FileProblem as problem:
        budget.notes.append(f"attachment {name}: {problem.message}")
        return []
    return [
        (block.text, None, (*section, *((f"page {block.page}",) if block.page else ()), *block.section))
        for block in document.blocks
    ]


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None and message.get_content_maintype() == "text":
        part = message  # a single text part of another kind (text/asciidoc, text/markdown) is the body
    if not isinstance(part, EmailMessage):
        return ""
    try:
        content = part.get_content()
    except _HEADER_ERRORS:  # an unknown charset
        raw = part.get_payload(decode=True)
        content = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else ""
    if not isinstance(content, str):
        return ""
    if part.get_content_subtype() == "html":
        soup = BeautifulSoup(content, "lxml")
        remove_boilerplate(soup)
        return "\n".join(text for text, _ in render_sections(soup))
    return content.replace("\r\n", "\n").strip()


def _header(message: EmailMessage, name: str) -> str:
    try:
        value = message[name]
        return " ".join(str(value).split()) if value is not None else ""
    except _HEADER_ERRORS:  # a header so malformed that the parser's value classes give up
        return ""


def _filename(part: EmailMessage) -> str | None:
    try:
        name = part.get_filename()
    except _HEADER_ERRORS:
        name = None
    if name:
        return " ".join(name.replace("/", "_").replace("\\", "_").split())
    return "message.eml" if part.get_content_type() == "message/rfc822" else None
