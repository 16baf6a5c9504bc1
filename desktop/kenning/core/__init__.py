"""Kenning's core: files, index, models and answers. Never imports Qt."""
