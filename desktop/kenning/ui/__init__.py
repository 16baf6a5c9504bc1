"""The desktop window (PySide6). The only package that imports Qt; it calls the core, never the reverse."""
