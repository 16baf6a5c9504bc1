"""The installer tests build the frozen app (minutes): they run only when asked for with -m installer."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    expression = str(config.getoption("markexpr") or "")
    if "installer" in expression and "not installer" not in expression:
        return
    skip = pytest.mark.skip(reason="builds the frozen app: run with `make installer-test` (-m installer)")
    for item in items:
        if item.get_closest_marker("installer"):
            item.add_marker(skip)
