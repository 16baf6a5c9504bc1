"""Entry point: parse the command line, run one command, turn errors into messages and exit codes."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from kenning import paths
from kenning.cli.context import DATA_DIR_HELP, add_common_options, add_model_options
from kenning.cli.output import emit_json, warn
from kenning.cli.scope_options import add_scope_options
from kenning.core.errors import KenningError, UsageError
from kenning.core.observe.log_setup import configure_logging, level_from_env
from kenning.core.observe.offline import go_offline
from kenning.core.private_files import private_dir, restrict_new_files

log = logging.getLogger("kenning")


class _VersionAction(argparse.Action):
    """`kenning --version`: the app and what it is built from (read only when asked: it costs ~50 ms)."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        from kenning.core.versions import collect_versions

        versions = collect_versions()
        details = ", ".join(f"{label} {value}" for label, value in versions.rows()[1:] if label != "Ollama")
        sys.stdout.write(f"kenning {versions.app} ({details})\n")
        parser.exit()


class _KenningParser(argparse.ArgumentParser):
    command_names: frozenset[str] = frozenset()  # every subcommand, filled in by `_parser`


def _parser() -> _KenningParser:
    parser = _KenningParser(prog="kenning", description="Ask questions of your own documents.")
    parser.add_argument("--version", action=_VersionAction, help="show the versions Kenning is built from")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="index, search and answer from the bundled samples in a temporary folder, open the window "
        "offscreen; print one line and exit 0 if all works",
    )
    # With --self-test, for the installer test and the cold-start benchmark.
    parser.add_argument("--screenshot", metavar="PNG", help=argparse.SUPPRESS)
    parser.add_argument("--self-test-steps", metavar="STEP,...", default="", help=argparse.SUPPRESS)
    add_common_options(parser, top_level=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    index = commands.add_parser("index", help="index folders (new, changed, renamed and deleted files)")
    index.add_argument("paths", nargs="+", metavar="PATH")
    index.add_argument(
        "--rebuild", action="store_true", help="set a damaged index aside and index every file again"
    )
    index.add_argument(
        "--reembed",
        action="store_true",
        help="rebuild the index for the current embedding model and chunking (the old one answers meanwhile)",
    )
    index.add_argument(
        "--summaries",
        action="store_true",
        help="also index a summary of each document, written by the chat model (see [summaries] background)",
    )
    add_common_options(index)

    search = commands.add_parser("search", help="find passages (no language model needed)")
    search.add_argument("query", nargs="?", default="")
    search.add_argument("--from", dest="from_file", metavar="FILE", help="one query per line ('-' for stdin)")
    search.add_argument("--k", type=int, default=10, help="passages to return (default 10)")
    add_scope_options(search)
    add_common_options(search)

    ask = commands.add_parser("ask", help="answer a question from your documents, with cited sources")
    ask.add_argument("question", nargs="?", default="")
    ask.add_argument("--from", dest="from_file", metavar="FILE", help="one question per line ('-' for stdin)")
    add_model_options(ask)
    ask.add_argument("--no-llm", action="store_true", help="answer from the passages alone, without a model")
    ask.add_argument("--add-to-set", metavar="SET.jsonl", help="add the question and its sources to SET")
    ask.add_argument("--unanswerable", action="store_true", help="with --add-to-set: the documents lack it")
    add_scope_options(ask)
    add_common_options(ask)

    summarise = commands.add_parser(
        "summarise", help="summarise one indexed document with the local model, citing its pages"
    )
    summarise.add_argument("path", metavar="PATH")
    add_model_options(summarise)
    add_common_options(summarise)

    compare = commands.add_parser("compare", help="compare two indexed documents, citing both")
    compare.add_argument("path_a", metavar="PATH_A")
    compare.add_argument("path_b", metavar="PATH_B")
    add_model_options(compare)
    add_common_options(compare)

    doctor = commands.add_parser(
        "doctor", help="check Ollama, models, the embedding model, the index, keyring"
    )
    add_common_options(doctor)

    watch = commands.add_parser("watch", help="keep folders indexed as files change (Ctrl-C to stop)")
    watch.add_argument("paths", nargs="+", metavar="PATH")
    mode = watch.add_mutually_exclusive_group()
    mode.add_argument("--polling", dest="polling", action="store_true", default=None, help="scan on a timer")
    mode.add_argument("--no-polling", dest="polling", action="store_false", help="native events only")
    watch.add_argument("--poll-interval", type=float, metavar="S", help="seconds between scans when polling")
    watch.add_argument("--debounce", type=float, metavar="S", help="quiet time before a batch is indexed")
    add_common_options(watch)

    evaluate = commands.add_parser("eval", help="score search and answers on a test set (questions.jsonl)")
    evaluate.add_argument("test_set", metavar="SET.jsonl", nargs="?")
    evaluate.add_argument(
        "--draft", type=int, metavar="N", help="draft N questions from your documents with the model"
    )
    evaluate.add_argument("--out", metavar="SET.jsonl", help="where --draft writes the drafted test set")
    evaluate.add_argument("--seed", type=int, default=0, help="which passages --draft samples (default 0)")
    evaluate.add_argument("--no-llm", action="store_true", help="retrieval and the not-found gate only")
    evaluate.add_argument("--k", type=int, default=10, help="passages ranked per question (default 10)")
    evaluate.add_argument(
        "--min", action="append", metavar="NAME=VALUE", help="fail (exit 1) below this figure, e.g. hit@5=0.8"
    )
    evaluate.add_argument("--model", help="Ollama model to answer with (default: settings)")
    evaluate.add_argument("--ollama-host", help="Ollama's URL (default: settings or OLLAMA_HOST)")
    add_common_options(evaluate)

    calibrate = commands.add_parser(
        "calibrate", help="measure the embedding engines on your passages and use the fastest that agrees"
    )
    calibrate.add_argument(
        "--passages", type=int, default=256, help="passages to measure on (default 256; at least 16)"
    )
    add_common_options(calibrate)

    publish = commands.add_parser(
        "publish", help="copy a consistent snapshot of the index to a folder, NAS path or s3:// bucket"
    )
    publish.add_argument("--to", required=True, metavar="URI", help="a folder or s3://bucket/prefix")
    add_common_options(publish)

    attach = commands.add_parser("attach", help="search a shared index (read-only) beside your own")
    attach.add_argument("uri", metavar="URI", help="a folder or s3://bucket/prefix a publisher wrote")
    attach.add_argument("--name", help="what its hits are labelled (default: the last part of URI)")
    add_common_options(attach)

    detach = commands.add_parser("detach", help="stop searching an attached shared index")
    detach.add_argument("name", metavar="NAME")
    add_common_options(detach)

    attached = commands.add_parser("attached", help="the indexes searched: role, freshness, size, latency")
    add_common_options(attached)

    status = commands.add_parser("status", help="what the index holds")
    status.add_argument(
        "--files", action="store_true", help="every file and its state: searchable, partly, skipped (why)…"
    )
    add_common_options(status)

    mcp = commands.add_parser("mcp", help="serve your documents to MCP clients over stdio (Claude, Cursor)")
    add_model_options(mcp)
    mcp.add_argument(
        "--data-dir", help="where the index lives (default: KENNING_DATA_DIR or the user data dir)"
    )

    serve = commands.add_parser(
        "serve", help="serve your documents over HTTP: an OpenAI-compatible /v1 API (and MCP with --mcp)"
    )
    serve.add_argument("--host", help="address to listen on (default: settings, 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default: settings, 8765; 0 picks a free one)")
    serve.add_argument(
        "--mcp", action="store_true", default=None, help="also serve MCP at /mcp (needs an access token)"
    )
    add_model_options(serve)
    add_common_options(serve)

    gui = commands.add_parser("gui", help="open the desktop app (the default with no command)")
    gui.add_argument("--data-dir", default=argparse.SUPPRESS, help=DATA_DIR_HELP)
    gui.add_argument("--theme", choices=("auto", "light", "dark"), default="auto", help="colour scheme")
    parser.command_names = frozenset(commands.choices)  # read from the parser, so none is left out
    return parser


def _command(name: str) -> Callable[[argparse.Namespace], int]:
    # Imported per command so `kenning status` never pays for what `kenning search` needs.
    if name == "index":
        from kenning.cli import index_command

        return index_command.run
    if name == "search":
        from kenning.cli import search_command

        return search_command.run
    if name == "doctor":
        from kenning.cli import doctor_command

        return doctor_command.run
    if name == "gui":
        from kenning.cli import gui_command

        return gui_command.run
    if name == "watch":
        from kenning.cli import watch_command

        return watch_command.run
    if name == "calibrate":
        from kenning.cli import calibrate_command

        return calibrate_command.run
    if name == "ask":
        from kenning.cli import ask_command

        return ask_command.run
    if name in ("summarise", "compare"):
        from kenning.cli import summarise_command

        return summarise_command.run
    if name == "eval":
        from kenning.cli import eval_command

        return eval_command.run
    if name == "mcp":
        from kenning.cli import mcp_command

        return mcp_command.run
    if name in ("publish", "attach", "detach", "attached"):
        from kenning.cli import shared_command

        return {
            "publish": shared_command.run_publish,
            "attach": shared_command.run_attach,
            "detach": shared_command.run_detach,
            "attached": shared_command.run_list,
        }[name]
    if name == "serve":
        from kenning.cli import serve_command

        return serve_command.run
    from kenning.cli import status_command

    return status_command.run


_OWN_OPTIONS = frozenset({"-h", "--help", "--version", "--self-test"})  # need no command


def _names_command(parser: _KenningParser, words: Sequence[str]) -> bool:
    return any(word in parser.command_names or word in _OWN_OPTIONS for word in words)


def main(argv: Sequence[str] | None = None) -> int:
    # Before anything heavy is imported: no library phones home, and every file made is private.
    go_offline()
    restrict_new_files()
    parser = _parser()
    words = list(sys.argv[1:] if argv is None else argv)
    if not _names_command(parser, words):  # the window, with every option given (`kenning --data-dir D`)
        words = ["gui", *words]
    try:
        args = parser.parse_args(words)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    if args.self_test:
        from kenning.cli import self_test

        return self_test.run(
            screenshot=Path(args.screenshot).resolve() if args.screenshot else None,
            only=[step for step in args.self_test_steps.split(",") if step],
        )
    try:
        data_dir = private_dir(paths.data_dir(getattr(args, "data_dir", None)))
        configure_logging(paths.log_dir(data_dir), level=level_from_env())
    except OSError:  # a read-only data dir must not stop a search
        logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    try:
        return _command(args.command)(args)
    except UsageError as exc:
        return _fail(args, exc, code=2)
    except KenningError as exc:
        return _fail(args, exc, code=1)
    except KeyboardInterrupt:
        warn("Interrupted: finished work is kept; run the command again to continue.")
        return 130
    except Exception as exc:  # a bug: the user gets one line, the log gets the traceback
        log.exception("internal error")
        log_file = paths.log_dir(paths.data_dir(getattr(args, "data_dir", None))) / "kenning.log"
        return _fail(
            args,
            KenningError(
                f"Kenning hit an internal error ({type(exc).__name__}).", f"Details are in {log_file}."
            ),
            code=1,
        )


def _fail(args: argparse.Namespace, exc: KenningError, *, code: int) -> int:
    if getattr(args, "json", False):
        emit_json({"error": {"type": type(exc).__name__, "message": exc.message, "next_step": exc.next_step}})
    else:
        warn(f"kenning: {exc.message}" + (f" {exc.next_step}" if exc.next_step else ""))
    return code
