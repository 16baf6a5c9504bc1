"""`kenning summarise PATH` and `kenning compare PATH_A PATH_B`: whole-document work, cited."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

from kenning.cli.ask_command import print_answer
from kenning.cli.context import apply_model_options, open_workspace
from kenning.cli.output import emit_json
from kenning.cli.progress import ProgressBar
from kenning.core.answer.whole_document import SummaryEvent, SummaryProgress
from kenning.core.domain.answers import Answer, Done
from kenning.core.domain.json_shapes import answer_json


def _final(events: Iterator[SummaryEvent]) -> Answer:
    bar = ProgressBar()
    final: Answer | None = None
    try:
        for event in events:
            if isinstance(event, SummaryProgress):
                bar.update(event.done, event.total)
            elif isinstance(event, Done):
                final = event.answer
    finally:
        bar.close()
    assert final is not None
    return final


def run(args: argparse.Namespace) -> int:
    workspace = open_workspace(args)
    apply_model_options(workspace, args)
    work = workspace.whole_document()
    if args.command == "compare":
        answer = _final(work.compare(args.path_a, args.path_b))
    else:
        answer = _final(work.summarise(args.path))
    if args.json:
        emit_json(answer_json(answer))
    else:
        print_answer(answer, streamed=False)
    return 0 if answer.status.value != "error" else 1
