"""`kenning eval --draft N --out SET.jsonl`: a test set drafted by the local model from your documents."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from kenning.cli.context import open_workspace
from kenning.cli.output import emit_json, say
from kenning.core.answer.ollama.errors import NoModelChosen
from kenning.core.errors import KenningError, UsageError
from kenning.core.evaluate.drafting import DRAFT_OPTIONS, draft_questions, sample_passages


class NothingToDraftFrom(KenningError):
    next_step = "Index a folder first: kenning index PATH."


def run_draft(args: argparse.Namespace) -> int:
    if args.draft < 1:
        raise UsageError(f"--draft takes a number of questions of at least 1 (got {args.draft}).")
    if not args.out:
        raise UsageError("--draft needs --out SET.jsonl: the file the drafted questions go to.")
    if args.no_llm:
        raise UsageError(
            "Drafting questions needs the local model: drop --no-llm "
            "(kenning doctor says whether Ollama and a model are ready)."
        )
    workspace = open_workspace(args)
    if args.model:
        workspace.settings.ollama.model = args.model
    if args.ollama_host:
        workspace.settings.ollama.host = args.ollama_host
    chat = workspace.ollama
    model = workspace.settings.ollama.model
    if not model:  # the same choice answers make: the setting, else the first installed model
        installed = chat.list_models()
        if not installed:
            raise NoModelChosen()
        model = installed[0].name
    store = workspace.store
    files = {path: record.root for path, record in store.file_records().items() if record.chunks}
    passages = sample_passages(files, store.chunk_rows, args.draft, seed=args.seed)
    if not passages:
        raise NothingToDraftFrom("The index holds no passages to draft questions from.")
    lines = []
    for line in draft_questions(passages, lambda m: chat.chat(m, model=model, options=DRAFT_OPTIONS).text):
        lines.append(line)
        if not args.json:
            say(f"  {line['id']}: {line['question']}")
    out = Path(args.out)
    try:
        out.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in lines), encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"Cannot write the drafted test set to {out} ({exc.strerror}).") from exc
    if args.json:
        emit_json({"out": str(out), "model": model, "questions": lines})
    else:
        say(
            f"Drafted {len(lines)} questions with {model} into {out}: edit them, then run kenning eval {out}."
        )
    return 0
