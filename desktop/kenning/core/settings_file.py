"""Reading and writing the settings file, checking every value at the door.

A hand-edited file is not trusted: each value is checked against its field's type (strictly: the
text "50" is not a number) and range when the file is read. A value that is wrong gives one
`SettingsIssue` naming the file, the key, what was found and what is expected, and that key alone
takes its default; the rest of the file still counts. The file is never rewritten by reading it.
"""

from __future__ import annotations

import dataclasses
import math
import os
import tomllib
import typing
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import TypeAdapter, ValidationError

from kenning.core.private_files import private_dir, private_file
from kenning.core.settings import Settings
from kenning.core.settings_check import settings_problems

_UNKNOWN = "this version of Kenning has no such setting"
_EXPECTED = {float: "a number", int: "a whole number", bool: "true or false", str: "text"}


@dataclass(frozen=True)
class SettingsIssue:
    """One value of the settings file that is not used, and why."""

    file: Path
    key: str  # "section.field", or "" for the file as a whole
    found: str
    expected: str

    @property
    def message(self) -> str:
        if not self.key:
            return f"{self.file}: {self.found}; {self.expected}."
        default = _default_of(self.key)
        using = f"; using the default ({default})" if default is not None else "; ignored"
        return f"{self.file}: {self.key} = {self.found} is not valid: {self.expected}{using}."


def _default_of(key: str) -> str | None:
    section, _, name = key.partition(".")
    part = getattr(Settings(), section, None)
    if not name or part is None or not hasattr(part, name):
        return None
    return _shown(getattr(part, name))


@dataclass(frozen=True)
class LoadedSettings:
    settings: Settings
    issues: list[SettingsIssue] = field(default_factory=list)


def load_settings(path: Path) -> Settings:
    """The settings in `path`; wrong values take their defaults (see `read_settings` for why)."""
    return read_settings(path).settings


def read_settings(path: Path) -> LoadedSettings:
    """Read and check the file; a missing file gives the defaults without an issue."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return LoadedSettings(Settings())
    except (OSError, UnicodeDecodeError) as exc:
        return LoadedSettings(
            Settings(), [SettingsIssue(path, "", f"it cannot be read ({exc})", "using the defaults")]
        )
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        issue = SettingsIssue(
            path, "", f"it is not valid TOML ({exc})", "using the defaults until it is fixed"
        )
        return LoadedSettings(Settings(), [issue])
    return _checked(raw, path)


def save_settings(settings: Settings, path: Path) -> None:
    """Write atomically (a crash mid-write never leaves half a file), readable by the owner only."""
    private_dir(path.parent)
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(tomli_w.dumps(settings.to_dict()), encoding="utf-8")
    private_file(tmp)
    os.replace(tmp, path)


def _checked(raw: dict[str, Any], path: Path) -> LoadedSettings:
    issues: list[SettingsIssue] = []
    sections = {f.name: f for f in dataclasses.fields(Settings) if f.name != "version"}
    built: dict[str, Any] = {}
    for name, value in raw.items():
        if name != "version" and name not in sections:
            issues.append(
                SettingsIssue(path, name, _shown(value), "this version of Kenning has no such setting")
            )
    for name, section_field in sections.items():
        section_type = typing.cast(type[Any], section_field.default_factory)
        given = raw.get(name, {})
        if not isinstance(given, dict):
            issues.append(SettingsIssue(path, name, _shown(given), f"expected a [{name}] table"))
            given = {}
        built[name] = _section(section_type, name, given, path, issues)
    settings = Settings(**built)
    return LoadedSettings(_within_range(settings, path, issues), issues)


def _section(
    cls: type[Any], section: str, given: dict[str, Any], path: Path, issues: list[SettingsIssue]
) -> Any:
    hints = _field_types(cls)
    values: dict[str, Any] = {}
    for key, value in given.items():
        if key not in hints:
            issues.append(
                SettingsIssue(
                    path, f"{section}.{key}", _shown(value), "this version of Kenning has no such setting"
                )
            )
            continue
        try:
            checked = _adapter(hints[key]).validate_python(value, strict=True)
        except ValidationError:
            issues.append(SettingsIssue(path, f"{section}.{key}", _shown(value), _expected(hints[key])))
            continue
        if isinstance(checked, float) and not math.isfinite(checked):
            issues.append(SettingsIssue(path, f"{section}.{key}", _shown(value), "expected a finite number"))
            continue
        values[key] = checked
    return cls(**values)


def _within_range(settings: Settings, path: Path, issues: list[SettingsIssue]) -> Settings:
    """Values of the right type that would still not work (checked by the same rules as the dialog)."""
    defaults = Settings()
    for problem in settings_problems(settings):
        section = getattr(settings, problem.section)
        found = getattr(section, problem.field)
        default = getattr(getattr(defaults, problem.section), problem.field)
        setattr(section, problem.field, default)
        message = problem.message.rstrip(".")
        message = message[:1].lower() + message[1:]
        issues.append(SettingsIssue(path, f"{problem.section}.{problem.field}", _shown(found), message))
    return settings


def _field_types(cls: type[Any]) -> dict[str, Any]:
    return typing.get_type_hints(cls)


@cache
def _adapter(tp: Any) -> TypeAdapter[Any]:
    return TypeAdapter(tp)


def _expected(tp: Any) -> str:
    if tp in _EXPECTED:
        return f"expected {_EXPECTED[tp]}"
    if typing.get_origin(tp) is list:
        (item,) = typing.get_args(tp)
        return f"expected a list of {_EXPECTED.get(item, 'values')}"
    options = [_EXPECTED.get(a, str(a)) for a in typing.get_args(tp)]
    return "expected " + " or ".join(options) if options else "a value of another type"


def _shown(value: Any) -> str:
    """A value as it is written in TOML ("50" in quotes is text, 50 is a number)."""
    text = "a table" if isinstance(value, dict) else tomli_w.dumps({"v": value})[4:].strip()
    return text if len(text) <= 60 else text[:57] + "..."
