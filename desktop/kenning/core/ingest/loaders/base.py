"""The contract every format loader meets."""

from __future__ import annotations

from typing import Protocol

from kenning.core.domain.documents import Document


class Loader(Protocol):
    """Extracts a Document from a file's bytes.

    Raises ``FileSkipped`` (empty, binary, no text) or ``FileUnreadable`` (corrupt, encrypted)
    with a one-line reason a person understands; never any other exception for bad input.
    """

    name: str
    suffixes: tuple[str, ...]

    def sniff(self, head: bytes) -> bool:
        """True when the first bytes of a file look like this format, whatever its suffix."""
        ...

    def load(self, path: str, data: bytes) -> Document: ...
