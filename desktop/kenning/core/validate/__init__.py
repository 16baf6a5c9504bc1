"""Validate: checks on what comes out of the model before a person sees it.

`citations` parses `[n]` markers and checks each cited sentence against its source;
`text_overlap` is the shared word-overlap measure those checks (and search's gate) use;
`output_guards` removes links a document planted and withholds answers that leak the system prompt.
May use: `ingest` (the injection scan's link shapes), `observe`, the vocabulary.
"""
