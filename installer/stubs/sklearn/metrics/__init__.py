"""Frozen-app stand-in: sentence-transformers imports `pairwise_distances`; Kenning never calls it."""

from typing import Any


def pairwise_distances(*args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError("scikit-learn is not bundled with the Kenning app (installer/stubs/README.md)")
