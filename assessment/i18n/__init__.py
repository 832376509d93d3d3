"""Interface text in zh (default) and en, by key. Questionnaire and rule texts carry their own zh/en."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")


@lru_cache(maxsize=2)
def catalog(lang: Lang) -> dict[str, str]:
    return yaml.safe_load((Path(__file__).parent / f"{lang}.yaml").read_text(encoding="utf-8"))


def t(key: str, lang: Lang = "zh", **params: Any) -> str:
    """The text for `key`; a missing key shows itself rather than failing a page (a test keeps both complete)."""
    text = catalog(lang).get(key, key)
    return text.format(**params) if params else text
