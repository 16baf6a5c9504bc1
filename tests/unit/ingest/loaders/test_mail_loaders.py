"""E-mail (EML, MBOX): headers and body as a section, attachments' text inside, mail bombs bounded."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

from kenning.core.domain.documents import Document
from kenning.core.ingest.loaders import load_document
from kenning.core.ingest.loaders.mail import MAX_ATTACHMENTS, MAX_DEPTH

SAMPLES = Path(__file__).resolve().parents[3] / "data" / "formats"


def _sample(name: str) -> Document:
    return load_document(str(SAMPLES / name), (SAMPLES / name).read_bytes())


def _message(subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@example.org", "b@example.org", subject
    message.set_content(body)
    return message


def test_eml_prefers_the_plain_body_and_reads_attachments_as_sections() -> None:
    document = _sample("meeting.eml")
    assert (document.loader, document.title) == ("eml", "Budget review moved to Thursday")
    body, attachment = document.blocks
    assert body.section == ("Budget review moved to Thursday",)
    assert body.text.splitlines()[:4] == [
        "From: Ada Harbour <ada@example.org>",
        "To: team@example.org",
        "Date: Mon, 04 Mar 2024 09:00:00 +0000",
        "Subject: Budget review moved to Thursday",
    ]
    assert body.text.endswith("\n\nThe budget review meets in room 4B instead.")  # not the HTML twin
    assert attachment.section == ("Budget review moved to Thursday", "Attachment: agenda.docx", "Agenda")
    assert attachment.text == "Agenda\nApprove the lantern restoration fund."
    assert document.text[attachment.start : attachment.start + len(attachment.text)] == attachment.text


def test_mbox_has_one_section_per_message_and_cleans_html_bodies() -> None:
    document = _sample("archive.mbox")
    assert document.loader == "mbox"
    assert [b.section for b in document.blocks] == [("Ferry timetable",), ("Newsletter",)]
    assert document.blocks[1].text.endswith("\n\nNews\nThe herring festival returns in August.")


def test_mail_saved_without_a_suffix_is_recognised() -> None:
    maildir_file = bytes(_message("Harbour dues", "Dues rise in May.")).replace(b"\r\n", b"\n")
    maildir_file = b"Date: Mon, 4 Mar 2024 09:00:00 +0000\n" + maildir_file
    document = load_document("/mail/cur/1709542800.M1P2.host:2,S", maildir_file)
    assert document.loader == "eml" and "Dues rise in May." in document.text


def test_a_mail_bomb_of_nested_messages_stops_at_the_depth_limit() -> None:
    message = _message("level 0", "innermost text")
    for level in range(1, 12):
        outer = _message(f"level {level}", f"wrapper {level}")
        outer.add_attachment(message)
        message = outer
    document = load_document("bomb.eml", bytes(message))
    sections = [b.section for b in document.blocks]
    assert len(sections) == MAX_DEPTH + 1
    assert sections[-1][-1] == f"level {11 - MAX_DEPTH}"
    assert document.notes == (
        f"attachment message.eml of 'level {11 - MAX_DEPTH}' not read (nested too deeply)",
    )


def test_attachment_count_is_capped_for_the_whole_file_and_unreadable_ones_noted() -> None:
    message = _message("many", "see attached")
    for n in range(MAX_ATTACHMENTS + 5):
        message.add_attachment(
            f"note number {n}".encode(), maintype="text", subtype="plain", filename=f"n{n}.txt"
        )
    message.add_attachment(b"\xff\xd8\xff\xe0 jpeg", maintype="image", subtype="jpeg", filename="photo.jpg")
    document = load_document("many.eml", bytes(message))
    attachments = [b for b in document.blocks if len(b.section) > 1]
    assert len(attachments) == MAX_ATTACHMENTS
    assert attachments[0].section == ("many", "Attachment: n0.txt") and attachments[0].text == "note number 0"
    assert len(document.notes) == 6 and all("too many attachments" in note for note in document.notes)


def test_an_unsupported_attachment_is_noted_not_fatal() -> None:
    message = _message("photo", "holiday picture attached")
    message.add_attachment(b"\xff\xd8\xff\xe0 jpeg", maintype="image", subtype="jpeg", filename="photo.jpg")
    document = load_document("photo.eml", bytes(message))
    assert "holiday picture attached" in document.text
    assert document.notes == ("attachment photo.jpg: unsupported file type",)


def test_a_single_text_part_of_another_kind_is_the_body() -> None:
    raw = b"From: a@example.org\nSubject: merges\nContent-type: text/asciidoc\n\nUse git merge -s subtree.\n"
    document = load_document("note.eml", raw)
    assert document.text.endswith("\n\nUse git merge -s subtree.")
