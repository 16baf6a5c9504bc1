"""Ingest: from files on disk to chunks of text that know where they came from.

Walks folders (`walker`), reads bytes safely (`file_reader`), turns each format into pages and
sections (`loaders`, which leave out text a reader cannot see), renders PDF pages for the viewer
(`page_render`, sharing the loader's PDFium lock), and cuts text into token-sized, overlapping
chunks (`chunker`, `token_counter`); `invisible` strips characters that render as nothing;
`injection` flags passages written to instruct the model (the index stores the flags).
May use: `observe`, the vocabulary (`domain`, `errors`, `settings`).
"""
