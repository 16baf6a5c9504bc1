"""What a slide becomes, shared by the PowerPoint and OpenDocument presentation loaders."""

from __future__ import annotations

from kenning.core.domain.documents import Part

NOTES_LABEL = "Speaker notes:"


def slide_part(number: int, title: str, lines: list[str], notes: list[str]) -> Part:
    """One block per slide: page = slide number, section = its title (or "Slide N"), notes marked."""
    title = " ".join(title.split())
    text = "\n".join(lines)
    if notes:
        text += f"\n{NOTES_LABEL} " + "\n".join(notes)
    return text.strip(), number, (title or f"Slide {number}",)
