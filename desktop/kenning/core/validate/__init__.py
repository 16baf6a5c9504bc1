"""Validate: checks on what comes out of the model before a person sees it.

`citations` parses `[n]` markers and checks each cited sentence against its source;
`text_overlap` is the shared word-overlap measure those checks (and search's gate) use.
May use: `observe`, the vocabulary.
"""
