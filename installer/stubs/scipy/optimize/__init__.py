"""Frozen-app stand-in: transformers' detection losses import `linear_sum_assignment` (training only)."""

from typing import Any


def linear_sum_assignment(*args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError("scipy is not bundled with the Kenning app (installer/stubs/README.md)")
