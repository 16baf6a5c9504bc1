"""The shared vocabulary of the core: plain, frozen data that crosses every stage.

`documents` holds what ingesting and indexing produce (documents, pages, chunks, file records, hits,
progress events); `answers` holds what answering produces (answers, citations, traces, turns).
Only the standard library may be imported here: every other part of Kenning imports this.
"""
