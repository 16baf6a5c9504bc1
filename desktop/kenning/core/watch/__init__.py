"""Watch: keeps the index current while the user's folders change.

`watcher` turns file-system events into debounced batches for the indexer; `change_queue`
coalesces them; `roots` tells local from network/removable roots (polled) and offline ones;
`folder_list` remembers which folders the user chose.
May use: `index`, `ingest`, `observe`, the vocabulary.
"""
