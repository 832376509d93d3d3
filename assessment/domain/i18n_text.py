"""Text in both interface languages: Chinese (default) and English."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Lang = Literal["zh", "en"]


class I18nText(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    zh: str
    en: str

    def get(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en
