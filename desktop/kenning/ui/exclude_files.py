"""Exclude files from the index: an ignore rule per file name, saved to the settings file.

The rules match names (see `IgnoreRules`), so the name is escaped to match itself only; a restart
of the index with the new rules drops the files (the next sync removes what is now ignored).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace

from kenning import paths
from kenning.core.settings import Settings
from kenning.core.settings_file import save_settings
from kenning.ui.services import AppServices


def name_rule(path: str) -> str:
    """A glob pattern that matches this file's (or folder's) name and nothing else."""
    name = os.path.basename(path.rstrip(os.sep))
    return re.sub(r"([*?\[])", r"[\1]", name)


def with_rules(settings: Settings, targets: Sequence[str]) -> Settings:
    ignore = list(settings.index.ignore)
    ignore += [rule for rule in dict.fromkeys(name_rule(t) for t in targets) if rule not in ignore]
    return replace(settings, index=replace(settings.index, ignore=ignore))


def exclude_files(
    services: AppServices,
    targets: Sequence[str],
    on_saved: Callable[[Settings], None],
    on_error: Callable[[BaseException], None],
) -> None:
    """Save the new rules on a worker; `on_saved` gets the new settings on the UI thread."""
    settings = with_rules(services.settings, targets)

    def save(cancel: threading.Event) -> Settings:
        save_settings(settings, paths.settings_file())
        return settings

    services.readers.submit("exclude files", save, on_done=on_saved, on_error=on_error)
