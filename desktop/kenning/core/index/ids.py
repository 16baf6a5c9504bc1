"""Stable identities: a chunk's id from its place, an embedding's key from its text and model."""

from __future__ import annotations

import hashlib


def chunk_id(path: str, ordinal: int) -> str:
    return f"{hashlib.sha1(path.encode('utf-8')).hexdigest()[:20]}:{ordinal}"


def text_hash(search_text: str, model_id: str) -> str:
    """Identity of an embedding: same text through the same model gives the same vector."""
    return hashlib.sha256(f"{model_id}\x00{search_text}".encode()).hexdigest()[:32]
