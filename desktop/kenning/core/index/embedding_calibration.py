"""Measure each embedding engine on the user's own passages and pick the fastest that agrees with fp32.

An engine agrees when its passage vectors match fp32's (mean cosine ≥ 0.9999) and it ranks the
passages the same way for questions drawn from them (top-10 overlap ≥ 0.98). fp32 is the reference
and the fallback: an engine is chosen only when it is clearly faster, never when it is slower.
Encoders and the clock are given in, so the rules are testable without timing anything real.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Encode = Callable[[Sequence[str]], NDArray[np.float32]]

MIN_COSINE = 0.9999
MIN_OVERLAP = 0.98
# A gain under 5 % is within the noise of a shared machine: not worth leaving the reference for.
MIN_SPEEDUP = 1.05
TOP_K = 10
REFERENCE = "fp32"


@dataclass(frozen=True)
class Candidate:
    engine: str
    encode: Encode


@dataclass(frozen=True)
class EngineResult:
    engine: str
    chunks_per_s: float
    speedup: float  # against fp32, measured in the same run
    cosine_mean: float
    cosine_min: float
    top10_overlap: float
    top1_same: float  # share of queries whose best passage is the same as fp32's
    agrees: bool
    error: str = ""  # why it could not be measured (failed to load or run)


class CalibrationCancelled(Exception):
    """The caller cancelled the measurement (closing the app)."""


def sample_queries(passages: Sequence[str], count: int = 30) -> list[str]:
    """Question-like texts from the passages themselves: the first sentence of `count` spread ones."""
    if not passages:
        return []
    step = max(1, len(passages) // count)
    queries = []
    for text in passages[::step][:count]:
        words = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0].split()
        queries.append(" ".join(words[:24]))
    return [q for q in queries if q]


def agreement(
    reference: tuple[NDArray[np.float32], NDArray[np.float32]],
    candidate: tuple[NDArray[np.float32], NDArray[np.float32]],
    k: int = TOP_K,
) -> tuple[float, float, float, float]:
    """(cosine mean, cosine min, top-k overlap, top-1 same) of (passages, queries) vectors."""
    ref_p, ref_q = reference
    cand_p, cand_q = candidate
    cosines = np.sum(_unit(ref_p) * _unit(cand_p), axis=1)
    k = min(k, len(ref_p))
    ref_top = np.argsort(-(ref_q @ ref_p.T), axis=1, kind="stable")[:, :k]
    cand_top = np.argsort(-(cand_q @ cand_p.T), axis=1, kind="stable")[:, :k]
    overlap = [len(set(a) & set(b)) / k for a, b in zip(ref_top.tolist(), cand_top.tolist(), strict=True)]
    same_first = [a[0] == b[0] for a, b in zip(ref_top.tolist(), cand_top.tolist(), strict=True)]
    return (
        float(cosines.mean()),
        float(cosines.min()),
        float(np.mean(overlap)) if overlap else 1.0,
        float(np.mean(same_first)) if same_first else 1.0,
    )


def _unit(vectors: NDArray[np.float32]) -> NDArray[np.float64]:
    v = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    result: NDArray[np.float64] = v / np.where(norms == 0, 1.0, norms)
    return result


def measure(
    passages: Sequence[str],
    candidates: Sequence[Candidate],
    *,
    queries: Sequence[str] | None = None,
    rounds: int = 2,
    clock: Callable[[], float] = time.perf_counter,
    cancel: threading.Event | None = None,
) -> list[EngineResult]:
    """Time every candidate on `passages` (fastest of `rounds`, order alternated so a machine
    slowing down does not favour one) and compare its vectors with the fp32 candidate's."""
    if not candidates or candidates[0].engine != REFERENCE:
        raise ValueError("the first candidate must be the fp32 reference")
    queries = list(queries) if queries is not None else sample_queries(passages)
    best: dict[str, float] = {}
    vectors: dict[str, tuple[NDArray[np.float32], NDArray[np.float32]]] = {}
    errors: dict[str, str] = {}
    for round_ in range(rounds):
        order = list(candidates) if round_ % 2 == 0 else list(reversed(candidates))
        for candidate in order:
            if candidate.engine in errors:
                continue
            if cancel is not None and cancel.is_set():
                raise CalibrationCancelled()
            try:
                if round_ == 0:
                    candidate.encode(passages[:4])  # warm-up: first calls pay for one-off setup
                started = clock()
                passage_vectors = candidate.encode(passages)
                elapsed = clock() - started
                vectors[candidate.engine] = (passage_vectors, candidate.encode(queries))
            except (RuntimeError, ValueError, OSError, ImportError) as exc:
                if candidate.engine == REFERENCE:
                    raise
                errors[candidate.engine] = f"{type(exc).__name__}: {exc}"[:200]
                continue
            best[candidate.engine] = min(best.get(candidate.engine, float("inf")), max(elapsed, 1e-9))
    reference_speed = len(passages) / best[REFERENCE]
    results = []
    for candidate in candidates:
        name = candidate.engine
        if name in errors:
            results.append(EngineResult(name, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, False, errors[name]))
            continue
        speed = len(passages) / best[name]
        cos_mean, cos_min, overlap, top1 = agreement(vectors[REFERENCE], vectors[name])
        agrees = cos_mean >= MIN_COSINE and overlap >= MIN_OVERLAP
        results.append(
            EngineResult(name, speed, speed / reference_speed, cos_mean, cos_min, overlap, top1, agrees)
        )
    return results


def choose(results: Sequence[EngineResult]) -> str:
    """The fastest engine that agrees with fp32 and beats it clearly; fp32 otherwise."""
    eligible = [r for r in results if r.engine == REFERENCE or (r.agrees and r.speedup >= MIN_SPEEDUP)]
    return max(eligible, key=lambda r: r.speedup).engine
