"""Frozen-app stand-in for scipy (see installer/stubs/README.md); it has only what is imported."""
