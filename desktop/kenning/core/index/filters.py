"""LanceDB filter expressions (SQL) built with quoting, so no path or word can break out of them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

_IN_LIST_MAX = 400  # keeps each IN (...) filter short enough for DataFusion to plan quickly


def sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def sql_in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(sql_str(v) for v in values)})"


def batched(items: Sequence[str], size: int = _IN_LIST_MAX) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
