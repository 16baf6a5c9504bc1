"""Turn files into Documents: one module per format family, chosen by suffix and by sniffing content."""

from kenning.core.ingest.loaders.registry import (
    HEAD_BYTES,
    is_unsupported,
    load_document,
    loader_for,
    supported_suffixes,
)

__all__ = ["HEAD_BYTES", "is_unsupported", "load_document", "loader_for", "supported_suffixes"]
