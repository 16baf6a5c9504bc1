"""Turn files into Documents: one module per format family, chosen by suffix and by sniffing content."""

from kenning.core.ingest.loaders.registry import load_document, loader_for, supported_suffixes

__all__ = ["load_document", "loader_for", "supported_suffixes"]
