"""Evaluate: how well Kenning answers from a person's own documents, measured on a test set.

`test_set` reads questions in the corpus format (id, question, sources, page, evidence, kind);
`matching` decides whether a passage is the expected source; `metrics` turns rankings and answers
into hit@k, MRR@10, not-found precision/recall and citation figures; `runner` asks every question
through the same search and answer paths the app uses; `run_store` keeps each run with the
settings and index it ran against.
May use: `answer`, `search`, `validate`, `index`, `ingest`, `observe`, the vocabulary.
"""
