"""Structured logs: JSON lines in a rotating file in the data dir, plain text on stderr.

Questions and answers reach the log only when the user turns that on (answer.log_questions);
secrets never do: both formatters mask e-mail addresses, phone numbers, IBANs, card numbers and
keys in every message, field and traceback (`redact`). The log folder and files are the owner's only.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import time
from pathlib import Path
from typing import Any

from kenning.core.observe.redact import redact
from kenning.core.private_files import private_dir, private_file

_HANDLER_NAME = "kenning"
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
LEVEL_ENV = "KENNING_LOG_LEVEL"
_NOISY = ("httpx", "httpcore", "sentence_transformers", "transformers", "urllib3", "filelock", "watchdog")


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _masked(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_masked(v) for v in value]
    return value


class JsonLinesFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "at": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        entry.update({k: _masked(v) for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class RedactingFormatter(logging.Formatter):
    """The plain-text stderr format, masked like the file."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def level_from_env(environ: dict[str, str] | None = None, default: int = logging.INFO) -> int:
    """KENNING_LOG_LEVEL (debug, info, warning, error) or `default`."""
    import os

    name = (os.environ if environ is None else environ).get(LEVEL_ENV, "").strip().upper()
    level = logging.getLevelNamesMapping().get(name)
    return level if isinstance(level, int) else default


def configure_logging(
    log_dir: Path, *, stderr_level: int = logging.WARNING, level: int = logging.INFO
) -> Path:
    """Log everything from `level` up to `log_dir/kenning.log` (5 files of 2 MB), warnings to stderr."""
    private_dir(log_dir)
    path = log_dir / "kenning.log"
    root = logging.getLogger()
    for old in list(root.handlers):
        if old.get_name() == _HANDLER_NAME:  # configured before (tests, a second run in one process)
            root.removeHandler(old)
            old.close()  # its file, or the next garbage collection warns about it
    to_file = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=4, encoding="utf-8")
    private_file(path)
    to_file.setFormatter(JsonLinesFormatter())
    to_file.setLevel(level)
    to_stderr = logging.StreamHandler()
    to_stderr.setFormatter(RedactingFormatter("%(levelname)s %(name)s: %(message)s"))
    to_stderr.setLevel(stderr_level)
    handler: logging.Handler
    for handler in (to_file, to_stderr):
        handler.set_name(_HANDLER_NAME)
        root.addHandler(handler)
    # Debug means Kenning's own debug lines; libraries' debug output is not Kenning's to vet.
    root.setLevel(max(level, logging.INFO))
    logging.getLogger("kenning").setLevel(level)
    # Libraries' chatter stays out of the user's log unless it is a warning.
    for noisy in _NOISY:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return path
