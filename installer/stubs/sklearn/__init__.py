"""Frozen-app stand-in for scikit-learn (see installer/stubs/README.md)."""
