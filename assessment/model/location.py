"""Where model files live, importable without scikit-learn (which takes seconds to import)."""

from __future__ import annotations

import os
from pathlib import Path

MODEL_DIR_ENV = "WENPING_MODEL_DIR"
DEFAULT_MODEL_DIR = Path("data/models")
CURRENT = "CURRENT"  # the file naming the version in use


def model_dir(directory: Path | str | None = None) -> Path:
    return Path(directory or os.environ.get(MODEL_DIR_ENV) or DEFAULT_MODEL_DIR)


def has_current_model(directory: Path | str | None = None) -> bool:
    return (model_dir(directory) / CURRENT).is_file()
