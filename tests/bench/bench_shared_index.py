"""A shared index on object storage against the same index on the local disk.

For each size (10,000 and 100,000 chunks by default): build a local index of synthetic chunks
(sentences drawn from a real-word vocabulary, random unit vectors of the real model's dimension,
the real schema, optimized: full-text index, and a vector index from 20,000 rows), then against
moto's S3-compatible server on a loopback port:
- publish: `snapshot.publish` of the local index to s3://bench/N (seconds);
- attach: `attached.attach` (open read-only, check the model) from a fresh data dir (seconds);
- search: `Retriever.search` (query embedding included, model warm), local vs attached, p50/p95
  over the queries, alternating query by query;
- requests: what one warm search asks of the store (GETs and KB, through a recording proxy);
- staleness (first size only): a publisher adds one chunk with a new word to the shared index, a
  reader with the default refresh interval searches until it finds it: seconds from the commit.

Loopback moto has no network latency: a real bucket adds its round trip per request (see the
"latency" column of `kenning attached`), which is why the requests per search are printed. Moto
has a cost a bucket does not: it copies the whole object to answer a range GET (a 64 KB range of a
1 MB object takes ~23 ms here, of a 200 MB object ~300-450 ms), so at 100k chunks, where a data
file holds hundreds of MB, the object-store times say more about moto than about a bucket. Run:

    .venv/bin/python tests/bench/bench_shared_index.py                 # 10k and 100k
    .venv/bin/python tests/bench/bench_shared_index.py --sizes 10000   # quicker (~2 min)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import benchlib  # noqa: F401  (puts desktop/ and tests/ on the path)
import numpy as np
from benchlib import heading, percentile

from helpers.object_store import RecordingProxy, moto_s3
from kenning.core.domain.documents import FileRecord, FileStatus
from kenning.core.index.attached import attach
from kenning.core.index.location import Credentials, IndexLocation
from kenning.core.index.snapshot import publish
from kenning.core.index.store import Store
from kenning.core.search.retriever import Retriever
from kenning.core.workspace import Workspace

WORDS = [
    "backup",
    "restore",
    "kernel",
    "module",
    "cache",
    "header",
    "proxy",
    "certificate",
    "tunnel",
    "packet",
    "route",
    "firewall",
    "printer",
    "driver",
    "queue",
    "token",
    "session",
    "cookie",
    "index",
    "query",
    "shard",
    "replica",
    "ticket",
    "expiry",
    "policy",
    "volume",
    "snapshot",
    "mirror",
    "archive",
    "checksum",
    "cipher",
    "signature",
    "socket",
    "timeout",
    "retry",
    "buffer",
]
QUERIES = [
    "backup snapshot policy",
    "certificate expiry",
    "proxy header cache",
    "kernel module driver",
    "replica shard index",
    "tunnel packet route",
    "session cookie token",
    "checksum archive mirror",
] * 4


def build_local(folder: Path, rows: int, dimension: int, model_id: str) -> Store:
    rng = np.random.default_rng(7)
    store = Store(folder)
    files = max(1, rows // 20)
    for start in range(0, rows, 10_000):
        count = min(10_000, rows - start)
        vectors = rng.normal(size=(count, dimension)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        batch: list[dict[str, Any]] = []
        for i in range(count):
            n = start + i
            text = " ".join(rng.choice(WORDS, size=40))
            path = f"/team/docs/file-{n // 20}.md"  # a batch never shares a file with another
            batch.append(
                {
                    "id": f"c{n}",
                    "path": path,
                    "root": "/team/docs",
                    "file_sha256": "0" * 64,
                    "page": None,
                    "section": ["Synthetic"],
                    "ordinal": n % 20,
                    "start": 0,
                    "end": len(text),
                    "text": text,
                    "context": "Synthetic",
                    "search_text": text,
                    "text_hash": f"h{n}",
                    "vector": vectors[i],
                }
            )
        paths = sorted({row["path"] for row in batch})
        store.replace_chunks(paths, batch, dimension=dimension, model_id=model_id)
    records = [
        FileRecord(f"/team/docs/file-{i}.md", "/team/docs", 1, 1, "0" * 64, FileStatus.INDEXED, chunks=20)
        for i in range(files)
    ]
    store.upsert_records(records)
    store.optimize()
    return store


def timed_searches(local: Retriever, remote: Retriever) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"local": [], "object store": []}
    for query in QUERIES:  # alternating, so a change in machine load hits both alike
        for name, retriever in (("local", local), ("object store", remote)):
            started = time.perf_counter()
            retriever.search(query, k=10)
            times[name].append((time.perf_counter() - started) * 1000)
    return times


def requests_per_search(
    s3_endpoint: str, uri: str, credentials: Credentials, workdir: Path, embedder: Any
) -> tuple[float, float, float]:
    """(GETs, of them of index files, KB) a warm search of the attached index asks of the store."""
    with RecordingProxy(s3_endpoint) as proxy:
        routed = replace(credentials, endpoint=proxy.endpoint)
        reader = Store(workdir, location=IndexLocation(uri, routed), read_only=True)
        retriever = Retriever(reader, embedder)
        retriever.search(QUERIES[-1], k=10)  # warm: the indices are read into memory once
        queries = sorted(set(QUERIES))
        proxy.requests.clear()
        for query in queries:
            retriever.search(query, k=10)
        gets = [r for r in proxy.requests if r.method == "GET"]
    index_gets = sum("/_indices/" in r.key for r in gets)
    return (
        len(gets) / len(queries),
        index_gets / len(queries),
        sum(r.size for r in gets) / 1024 / len(queries),
    )


def staleness(
    location: IndexLocation, workdir: Path, model_id: str, dimension: int, refresh_s: float
) -> float:
    """Seconds from a publisher's commit until a reader's search finds it."""
    writer = Store(workdir / "writer-state", location=location)
    reader = Store(workdir / "reader-state", location=location, read_only=True, refresh_s=refresh_s)
    reader.count_chunks()  # opened before the change, as a running reader would be
    word = f"zq{int(time.time() * 1000)}"
    vector = np.zeros(dimension, dtype=np.float32)
    vector[0] = 1.0
    row = {
        "id": word,
        "path": f"/team/docs/{word}.md",
        "root": "/team/docs",
        "file_sha256": "1" * 64,
        "page": None,
        "section": [],
        "ordinal": 0,
        "start": 0,
        "end": len(word),
        "text": word,
        "context": "",
        "search_text": word,
        "text_hash": word,
        "vector": vector,
    }
    writer.replace_chunks([row["path"]], [row], dimension=dimension, model_id=model_id)
    committed = time.perf_counter()
    while reader.count_chunks(f"id = '{word}'") == 0:
        time.sleep(0.05)  # a benchmark's poll, not a test's wait
    return time.perf_counter() - committed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000", help="chunk counts, comma-separated")
    parser.add_argument("--refresh", type=float, default=10.0, help="reader refresh interval (s)")
    args = parser.parse_args(argv)
    heading("Shared index on object storage (moto on loopback) vs local disk")
    work = Path(tempfile.mkdtemp(prefix="kenning-bench-shared-"))
    workspace = Workspace(data_dir=work / "data")
    embedder = workspace.embedder
    embedder.embed_query("warm up")
    model_id, dimension = embedder.model_id, int(embedder.embed_query("x").shape[0])
    with moto_s3() as s3:
        s3.create_bucket("bench")
        credentials = Credentials(s3.endpoint, "us-east-1", "bench", "bench").filled_from({})
        for position, size in enumerate(int(s) for s in args.sizes.split(",")):
            started = time.perf_counter()
            local = build_local(work / f"local-{size}", size, dimension, model_id)
            print(f"\n{size:,} chunks: local index built in {time.perf_counter() - started:.1f} s")
            target = IndexLocation(f"s3://bench/n{size}", credentials)
            done = publish(local, target)
            print(f"  publish to {target.uri}: {done.seconds:.2f} s ({done.chunks:,} chunks)")
            (work / f"reader-{size}").mkdir(exist_ok=True)
            started = time.perf_counter()
            _, remote = attach(
                work / f"reader-{size}" / "attached.json",
                target.uri,
                name=f"n{size}",
                credentials=credentials,
                model_id=model_id,
                refresh_s=args.refresh,
            )
            print(f"  attach: {time.perf_counter() - started:.2f} s")
            times = timed_searches(Retriever(local, embedder), Retriever(remote, embedder))
            for name, values in times.items():
                p50, p95 = percentile(values, 50), percentile(values, 95)
                print(f"  search {name:<12} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  (n={len(values)})")
            ratio = statistics.median(times["object store"]) / statistics.median(times["local"])
            print(f"  object store / local (p50): {ratio:.1f}x")
            gets, index_gets, kb = requests_per_search(
                s3.endpoint, target.uri, credentials, work / f"counted-{size}", embedder
            )
            print(
                f"  requests per warm search: {gets:.1f} GETs ({index_gets:.1f} of index files), {kb:,.0f} KB"
            )
            if position == 0:
                waits = [
                    staleness(target, work / f"stale-{i}", model_id, dimension, args.refresh)
                    for i in range(3)
                ]
                shown = ", ".join(f"{w:.1f}" for w in waits)
                print(f"  reader staleness (refresh {args.refresh:g} s): {shown} s (max {max(waits):.1f})")
    print(f"\nTARGET readers see a publish within refresh ({args.refresh:g} s) plus one query")
    return 0


if __name__ == "__main__":
    sys.exit(main())
