"""Personal data and secrets are masked in log lines; ordinary text, dates and timings are left alone."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from kenning.core.observe.log_setup import JsonLinesFormatter, configure_logging, level_from_env
from kenning.core.observe.redact import redact


@pytest.mark.parametrize(
    ("text", "hidden", "placeholder"),
    [
        ("write to jane.doe+kenning@example.co.uk today", "jane.doe+kenning@example.co.uk", "[email]"),
        ("call +44 20 7946 0958 after six", "7946 0958", "[phone]"),
        ("call (030) 1234-5678 or 030 1234 5678", "1234", "[phone]"),
        ("IBAN DE89 3704 0044 0532 0130 00 for the rent", "3704 0044", "[iban]"),
        ("IBAN GB33BUKB20201555555555", "GB33BUKB20201555555555", "[iban]"),
        ("card 4111 1111 1111 1111 exp 12/29", "4111 1111", "[card]"),
        ("card 5500-0000-0000-0004", "5500-0000", "[card]"),
        ("key sk-proj-Abc123def456GHI789jkl012mno345", "Abc123def456", "[secret]"),
        ("token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "ghp_aBcD", "[secret]"),
        ("AWS AKIAIOSFODNN7EXAMPLE in a config", "AKIAIOSFODNN7EXAMPLE", "[secret]"),
        ("hf token hf_AbCdEfGhIjKlMnOpQrStUvWxYz012345", "hf_AbCd", "[secret]"),
        ("Authorization: Bearer abc.def-123456789", "abc.def-123456789", "[secret]"),
        ("api_key = 'p4ssw0rd-value'", "p4ssw0rd-value", "[secret]"),
        ("password: hunter2hunter2", "hunter2hunter2", "[secret]"),
        ("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3In0.dozjgNryP4J3jVmNHl0w5N", "eyJhbGci", "[secret]"),
    ],
)
def test_personal_data_and_secrets_are_masked(text: str, hidden: str, placeholder: str) -> None:
    masked = redact(text)
    assert hidden not in masked and placeholder in masked


@pytest.mark.parametrize(
    "text",
    [
        "How long may a browser cache an image?",
        "answered in 1234.5 ms on 2026-01-12 at 10:11:12",
        "ExpiresByType image/gif A2592000 expires after 2592000 seconds",
        "read 15 files, 1204 chunks, version 0.6.3",
        "/home/ann/docs/2024/05/report.pdf page 12",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert redact(text) == text


def test_the_file_formatter_masks_message_fields_and_traceback() -> None:
    try:
        raise ValueError("bad key sk-live-0123456789abcdefghij")
    except ValueError:
        import sys

        record = logging.LogRecord(
            "kenning", logging.INFO, "", 0, "mail %s", ("ann@example.org",), sys.exc_info()
        )
    record.question = "Is +49 30 1234 5678 Ann's number?"
    record.timings_ms = {"total": 12.5}
    entry = json.loads(JsonLinesFormatter().format(record))
    assert entry["message"] == "mail [email]"
    assert entry["question"] == "Is [phone] Ann's number?"
    assert entry["timings_ms"] == {"total": 12.5}
    assert "sk-live" not in entry["exception"] and "[secret]" in entry["exception"]


def test_log_level_comes_from_the_environment() -> None:
    assert level_from_env({"KENNING_LOG_LEVEL": "debug"}) == logging.DEBUG
    assert level_from_env({"KENNING_LOG_LEVEL": "nonsense"}) == logging.INFO
    assert level_from_env({}) == logging.INFO


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root, ours = logging.getLogger(), logging.getLogger("kenning")
    handlers, levels = list(root.handlers), (root.level, ours.level)
    yield
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(levels[0])
    ours.setLevel(levels[1])


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_the_log_folder_and_file_are_private(tmp_path: Path, restore_logging: None) -> None:
    path = configure_logging(tmp_path / "logs")
    logging.getLogger("kenning.test").info("hello")
    assert (tmp_path / "logs").stat().st_mode & 0o777 == 0o700
    assert path.stat().st_mode & 0o777 == 0o600
