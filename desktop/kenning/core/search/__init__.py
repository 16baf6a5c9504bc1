"""Search: from a question to ranked passages.

`retriever` runs vector and full-text search in LanceDB and fuses them (`fusion`); `query_rewrite`
makes follow-up questions stand alone; `not_found_gate` decides whether the passages can hold an
answer at all ("not in your documents").
May use: `validate` (text overlap), `index`, `ingest`, `observe`, the vocabulary.
"""
