"""Frozen-app stand-in: sentence-transformers imports `coo_matrix` but Kenning never calls it."""

from typing import Any


def coo_matrix(*args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError("scipy is not bundled with the Kenning app (installer/stubs/README.md)")


def issparse(obj: Any) -> bool:
    return False
