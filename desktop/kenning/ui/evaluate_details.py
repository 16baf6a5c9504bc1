"""HTML for the Evaluate tab's side panel: one question's passages, or two runs compared."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from kenning.core.evaluate.compare import compare_runs
from kenning.core.evaluate.metrics import QuestionResult


def question_html(result: QuestionResult) -> str:
    expected = ", ".join(escape(s) for s in result.expected) or "nothing: the documents should not answer it"
    rank = f"ranked {result.rank}" if result.rank else "not in the top 10"
    parts = [
        f"<h3>{escape(result.question)}</h3>",
        f"<p><b>Expected:</b> {expected}" + (f" ({rank})" if result.answerable else "") + "</p>",
        "<p><b>Top passages:</b></p><ol>",
    ]
    for top in result.top:
        page = f", page {top['page']}" if top.get("page") else ""
        parts.append(f"<li>{escape(Path(top['path']).name)}{page} <i>(score {top['score']:.3f})</i></li>")
    parts.append("</ol>")
    if result.answer:
        parts.append(f"<p><b>Answer ({escape(result.status)}):</b> {escape(result.answer[:1200])}</p>")
    for c in result.citations:
        verdict = "supported" if c["supported"] else "not supported"
        place = "" if c["right_place"] else " (not the expected source)"
        parts.append(f"<p>[{c['n']}] {escape(Path(c['path']).name or '?')}: {verdict}{place}</p>")
    return "".join(parts)


def comparison_html(before: dict[str, Any], after: dict[str, Any]) -> str:
    comparison = compare_runs(before, after)
    rows = "".join(
        f"<tr><td>{escape(f.name)}</td><td>{_num(f.before)}</td><td>{_num(f.after)}</td>"
        f"<td>{'' if f.delta is None else f'{f.delta:+.3f}'}</td></tr>"
        for f in comparison.figures
    )
    settings = "".join(
        f"<li>{escape(key)}: {escape(str(a))} → {escape(str(b))}</li>" for key, a, b in comparison.settings
    )
    return (
        f"<h3>{escape(before['at'])} → {escape(after['at'])}</h3>"
        f"<table><tr><th>figure</th><th>before</th><th>after</th><th>change</th></tr>{rows}</table>"
        f"<p><b>Better:</b> {', '.join(comparison.better) or 'none'}<br>"
        f"<b>Worse:</b> {', '.join(comparison.worse) or 'none'}</p>"
        f"<p><b>What changed:</b></p><ul>{settings or '<li>nothing in the settings or the index</li>'}</ul>"
    )


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"
