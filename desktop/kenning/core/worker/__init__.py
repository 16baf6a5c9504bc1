"""Worker: indexing in a process of its own, so the window's process never waits for it.

`process` is the parent side (start, commands, events, restart after a crash, memory figures);
`child` is what runs in the worker process (a Workspace and the FolderWatcher).
May use: every other core package (it sits above `workspace`).
"""
