"""Index: chunks become vectors in LanceDB and stay in step with the files.

`indexer` plans (`plan`) and runs syncs; `embedder` and `embedding_models` turn text into vectors
with a locally packaged model; `store` owns the LanceDB tables; `sync_manifest`, `writer_lock`,
`repair` and `reindex` keep the index consistent, single-writer and rebuildable; `folder_stats`
reports per-folder figures.
May use: `ingest`, `observe`, the vocabulary.
"""
