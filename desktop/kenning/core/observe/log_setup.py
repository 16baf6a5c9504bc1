"""Structured logs: JSON lines in a rotating file in the data dir, plain text on stderr.

Questions and answers reach the log only when the user turns that on (answer.log_questions);
secrets never do.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import time
from pathlib import Path
from typing import Any

_HANDLER_NAME = "kenning"
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonLinesFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "at": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(log_dir: Path, *, stderr_level: int = logging.WARNING) -> Path:
    """Log everything from INFO up to `log_dir/kenning.log` (5 files of 2 MB), warnings to stderr."""
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / "kenning.log"
    root = logging.getLogger()
    for old in list(root.handlers):
        if old.get_name() == _HANDLER_NAME:  # configured before (tests, a second run in one process)
            root.removeHandler(old)
            old.close()  # its file, or the next garbage collection warns about it
    to_file = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=4, encoding="utf-8")
    to_file.setFormatter(JsonLinesFormatter())
    to_file.setLevel(logging.INFO)
    to_stderr = logging.StreamHandler()
    to_stderr.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    to_stderr.setLevel(stderr_level)
    handler: logging.Handler
    for handler in (to_file, to_stderr):
        handler.set_name(_HANDLER_NAME)
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    # Libraries' chatter stays out of the user's log unless it is a warning.
    for noisy in ("httpx", "httpcore", "sentence_transformers", "urllib3", "filelock"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return path
