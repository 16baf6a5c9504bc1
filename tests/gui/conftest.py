"""GUI tests run with pytest-qt on the offscreen platform (set in tests/conftest.py)."""
