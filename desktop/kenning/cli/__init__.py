"""The `kenning` command: a thin face on `kenning.core`."""
