"""The public JSON shapes of hits, answers and the index status.

One definition for every face that prints them: the command line's `--json`, the MCP tools and the
`kenning` field of the OpenAI-compatible API, so a script reads the same keys from each.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from kenning.core.domain.answers import Answer
from kenning.core.domain.documents import FileRecord, FileStatus, Hit, SearchResult
from kenning.core.domain.file_health import FileState, HealthRow


def hit_json(h: Hit, rank: int | None = None) -> dict[str, Any]:
    return {
        "rank": rank if rank is not None else h.rank,
        "path": h.path,
        "page": h.page,
        "section": " > ".join(h.section),
        "text": h.text,
        "score": h.score,
        "start": h.start,
        "end": h.end,
        "vector_score": h.vector_score,
        "text_score": h.text_score,
        "flags": [{"reason": f.reason, "span": f.span} for f in h.flags],
        "index": h.index or "own",
    }


def result_json(result: SearchResult) -> dict[str, Any]:
    return {
        "query": result.query,
        "hits": [hit_json(h) for h in result.hits],
        "timings_ms": result.timings_ms,
    }


def answer_json(answer: Answer) -> dict[str, Any]:
    trace = answer.trace
    return {
        "question": answer.question,
        "status": answer.status.value,
        "answer": answer.text,
        "incomplete": answer.incomplete,
        "citations": [
            {"n": c.n, "path": c.path, "page": c.page, "quote": c.quote, "supported": c.supported}
            for c in answer.citations
        ],
        "invalid_citations": answer.invalid_citations,
        "sources": [hit_json(h, rank=i) for i, h in enumerate(answer.sources, start=1)],
        "verified": answer.verified,
        "guards": [{"action": g.action, "detail": g.detail} for g in answer.guards],
        "excluded_sources": [hit_json(h, rank=i) for i, h in enumerate(answer.excluded, start=1)],
        "model": answer.model,
        "trace": {
            "timings_ms": trace.timings_ms,
            "tokens": {"prompt": trace.prompt_tokens, "completion": trace.completion_tokens},
            "gate": {"signals": trace.gate_relevant, "model": trace.gate_model, "tokens": trace.judge_tokens},
            "tokens_per_s": trace.tokens_per_s,
            "model_digest": trace.model_digest,
            "host": trace.host,
            "retrieval_scores": trace.retrieval_scores,
            "cost": {
                "energy_wh": trace.cost.energy_wh,
                "local_usd": trace.cost.local_usd,
                "cloud_equivalent_usd": trace.cost.cloud_equivalent_usd,
                "reference_model": trace.cost.reference_model,
                "device": trace.cost.device,
                "watts": trace.cost.watts,
            },
        },
        "note": answer.note,
        "error": {"message": answer.error, "next_step": answer.next_step} if answer.error else None,
    }


def status_json(
    *,
    data_dir: str,
    records: Iterable[FileRecord],
    chunks: int,
    embed_model: str,
    index_bytes: int,
    files: Sequence[HealthRow] | None = None,
) -> dict[str, Any]:
    """What the index holds, and which files could not be indexed and why; with `files`, every
    file's health row and a count per state."""
    records = list(records)
    # Unsupported files (photos, archives) are skipped on purpose: counted elsewhere, not problems.
    quiet = (FileStatus.INDEXED, FileStatus.UNSUPPORTED)
    problems = sorted((r for r in records if r.status not in quiet), key=lambda r: r.path)
    return {
        "data_dir": data_dir,
        "roots": sorted({r.root for r in records}),
        "files": sum(1 for r in records if r.status is FileStatus.INDEXED),
        "chunks": chunks,
        "errors": [{"path": r.path, "reason": r.error, "status": r.status.value} for r in problems],
        "embed_model": embed_model,
        "index_bytes": index_bytes,
    } | ({} if files is None else _files_json(files))


def _files_json(files: Sequence[HealthRow]) -> dict[str, Any]:
    counts = {state.value: 0 for state in FileState}
    for row in files:
        counts[row.state.value] += 1
    return {"states": counts, "file_rows": [row.to_json() for row in files]}
