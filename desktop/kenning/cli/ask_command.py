"""`kenning ask QUESTION`: a grounded, cited answer from the local model (or extractive without one)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kenning.cli.add_to_set import add_answer, added_ok, say_added
from kenning.cli.context import apply_model_options, open_workspace
from kenning.cli.output import emit_json, say
from kenning.cli.scope_options import scope_from_args
from kenning.cli.search_command import read_lines
from kenning.core.answer.answerer import Answerer
from kenning.core.domain.answers import Answer, Done, Token
from kenning.core.domain.json_shapes import answer_json
from kenning.core.errors import KenningError, UsageError
from kenning.core.search.scope import Scope


def _ask(answerer: Answerer, question: str, *, stream_to_terminal: bool, scope: Scope | None) -> Answer:
    final: Answer | None = None
    for event in answerer.ask(question, scope=scope):
        if isinstance(event, Token) and stream_to_terminal:
            sys.stdout.write(event.text)
            sys.stdout.flush()
        elif isinstance(event, Done):
            final = event.answer
    assert final is not None
    return final


def print_answer(answer: Answer, streamed: bool) -> None:
    changed = any(g.action in ("removed_link", "withheld") for g in answer.guards)
    if not streamed or answer.status.value != "answered":
        say(answer.text)
    elif changed:  # what streamed was the model's raw text: show what the checks kept
        say("\n(Checked answer, as changed by the guards:)")
        say(answer.text)
    else:
        say()
    for guard in answer.guards:
        say(f"guard: {guard.action.replace('_', ' ')}: {guard.detail}")
    if answer.status.value == "answered" and not answer.verified:
        say("(unverified: this answer cites none of your documents)")
    if answer.incomplete:
        say("(incomplete answer)")
    for c in answer.citations:
        mark = "" if c.supported else "  (not supported by this source)"
        say(f"[{c.n}] {c.path}" + (f" p.{c.page}" if c.page else "") + mark)
    if answer.invalid_citations:
        say(f"Removed citations to sources that do not exist: {answer.invalid_citations}")
    if answer.next_step:
        say(answer.next_step)
    t = answer.trace
    say(
        f"-- {t.timings_ms.get('total', 0):.0f} ms, {t.prompt_tokens}+{t.completion_tokens} tokens, "
        f"{t.cost.energy_wh:.3f} Wh, ${t.cost.local_usd:.5f} local, "
        f"${t.cost.cloud_equivalent_usd:.5f} at {t.cost.reference_model or 'cloud'} prices"
    )


def run(args: argparse.Namespace) -> int:
    if bool(args.question) == bool(args.from_file):
        raise UsageError("Give either a QUESTION or --from FILE.")
    workspace = open_workspace(args)
    apply_model_options(workspace, args)
    answerer = workspace.answerer(use_model=not args.no_llm)
    scope = scope_from_args(args)
    if args.unanswerable and not args.add_to_set:
        raise UsageError("--unanswerable goes with --add-to-set SET.jsonl.")
    test_set = Path(args.add_to_set) if args.add_to_set else None
    if args.from_file:
        for question in read_lines(args.from_file):
            line = answer_json(answer := _answer_or_error(answerer, question, scope))
            if test_set is not None:
                line["added_to_set"] = add_answer(workspace, answer, test_set, unanswerable=args.unanswerable)
            emit_json(line, line=True)
        return 0
    stream = not args.json and sys.stdout.isatty()
    answer = _ask(answerer, args.question, stream_to_terminal=stream, scope=scope)
    added = add_answer(workspace, answer, test_set, unanswerable=args.unanswerable) if test_set else None
    if args.json:
        emit_json(answer_json(answer) | ({"added_to_set": added} if added is not None else {}))
    else:
        print_answer(answer, streamed=stream)
        if added is not None:
            say_added(added)
    failed = answer.status.value == "error" or (added is not None and not added_ok(added))
    return 1 if failed else 0


def _answer_or_error(answerer: Answerer, question: str, scope: Scope | None) -> Answer:
    """In a batch, one failing question becomes an error line; the rest still run."""
    from kenning.core.domain.answers import AnswerStatus

    try:
        return _ask(answerer, question, stream_to_terminal=False, scope=scope)
    except KenningError as exc:
        return Answer(
            question=question, status=AnswerStatus.ERROR, text="", error=exc.message, next_step=exc.next_step
        )
