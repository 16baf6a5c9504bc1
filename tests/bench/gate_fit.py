"""Fits the not-found gate's linear score on labelled questions (used by bench_not_found_gate.py).

Questions with a distinctive word that no document holds are refused by the gate's veto whatever
their score, so the score is fitted on the others. A logistic regression (L2, each class weighted
equally, on standardised features) gives the direction; the bias is then moved so that at most 1 %
of the answerable questions fitted on are refused (the veto's refusals counted), to the middle of
the gap between that answerable question and the next unanswerable one below it (the least
committal line that keeps the rate). The score stays in log-odds units, so the grey band around 0
means the same thing after every fit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from kenning.core.search.gate_signals import Signals
from kenning.core.search.not_found_gate import Weights, decide

Sample = tuple[str, bool, Signals]  # id, answerable, signals
# Half the target (2 %): a line drawn at the edge of the questions it was fitted on refuses more of
# the questions it has not seen, so the fit keeps a margin.
MAX_ANSWERABLE_REFUSED = 0.01
L2 = 1.0  # on standardised features: a handful of weights, a hundred questions


def rates(samples: Sequence[Sample], w: Weights) -> tuple[float, float]:
    """(share of unanswerable refused, share of answerable refused)."""
    bad = [s for s in samples if not s[1]]
    good = [s for s in samples if s[1]]
    refused_bad = sum(1 for s in bad if not decide(s[2], w))
    refused_good = sum(1 for s in good if not decide(s[2], w))
    return refused_bad / max(1, len(bad)), refused_good / max(1, len(good))


def fit(samples: Sequence[Sample]) -> Weights:
    vetoed = [s for s in samples if s[2].unknown_words]  # refused whatever the score
    scored = [s for s in samples if not s[2].unknown_words]
    x = np.array([s[2].features() for s in scored], dtype=float)
    y = np.array([1.0 if s[1] else 0.0 for s in scored])
    mean, std = x.mean(axis=0), x.std(axis=0)
    std[std == 0] = 1.0
    z = (x - mean) / std
    balance = np.where(y == 1, 0.5 / y.mean(), 0.5 / (1 - y.mean()))
    w, b = _logistic(z, y, balance)
    raw_w = w / std
    raw_b = b - float(np.sum(w * mean / std))
    scores = x @ raw_w + raw_b
    good = np.sort(scores[y == 1])
    answerable = len(good) + sum(1 for s in vetoed if s[1])
    # When the veto alone is over the rate, the score refuses no answerable question it was fitted on.
    allowed = max(0, math.floor(MAX_ANSWERABLE_REFUSED * answerable) - sum(1 for s in vetoed if s[1]))
    line = good[allowed]  # refusing below it refuses `allowed` answerable questions
    below = scores[(y == 0) & (scores < line)]
    cut = (line + below.max()) / 2 if below.size else line - 0.5
    return Weights(tuple(round(float(v), 4) for v in raw_w), round(float(raw_b - cut), 4))


def _logistic(z: np.ndarray, y: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, float]:
    """Newton's method on the weighted, L2-penalised log-loss (the bias is not penalised)."""
    a = np.hstack([z, np.ones((len(z), 1))])
    theta = np.zeros(a.shape[1])
    penalty = np.full(a.shape[1], L2)
    penalty[-1] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-(a @ theta)))
        grad = a.T @ (weight * (p - y)) + penalty * theta
        hess = (a * (weight * p * (1 - p))[:, None]).T @ a + np.diag(penalty) + 1e-9 * np.eye(a.shape[1])
        step = np.linalg.solve(hess, grad)
        theta -= step
        if np.abs(step).max() < 1e-8:
            break
    return theta[:-1], float(theta[-1])
