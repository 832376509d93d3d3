"""When the model's opinion is flagged for the reviewer: rules/model_policy.yaml, part of the rule set.

The model suggests a level from its probability (cut points `levels`) and is flagged when that level
differs from the rules' level before measures by `flag.level_gap` or more steps, or when its
probability reaches `flag.probability_when_rules_low` while the rules say low. It never changes a level.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assessment.domain.i18n_text import I18nText
from assessment.domain.ruleset import LEVELS, Level
from assessment.errors import ErrorCode, Location, Problem, WenpingError
from assessment.i18n import LANGS, t
from assessment.loader import default_rules_dir
from assessment.yaml_lines import line_of, load_yaml_file

POLICY_FILE = "model_policy.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LevelCuts(_Strict):
    medium: float = Field(gt=0, lt=1, description="probability from which the model suggests medium")
    high: float = Field(gt=0, le=1, description="probability from which the model suggests high")

    @model_validator(mode="after")
    def _ordered(self) -> "LevelCuts":
        if self.medium >= self.high:
            raise ValueError("medium must be below high")
        return self


class FlagRule(_Strict):
    level_gap: int = Field(ge=1, le=2)
    probability_when_rules_low: float = Field(gt=0, le=1)


class ModelPolicy(_Strict):
    levels: LevelCuts
    flag: FlagRule
    reasons: int = Field(ge=1, le=20, description="how many reasons an opinion shows")

    def level_for(self, probability: float) -> Level:
        if probability >= self.levels.high:
            return "high"
        return "medium" if probability >= self.levels.medium else "low"

    def disagreement(self, probability: float, suggested: Level, rules_level: Level) -> I18nText | None:
        """A note for the reviewer when the model and the rules (before measures) disagree, else None."""
        gap = abs(LEVELS.index(suggested) - LEVELS.index(rules_level))
        keys = []
        if gap >= self.flag.level_gap:
            keys.append("model.disagreement.level")
        if rules_level == "low" and probability >= self.flag.probability_when_rules_low:
            keys.append("model.disagreement.low_but_likely")
        if not keys:
            return None
        return I18nText(**{lang: " ".join(
            t(key, lang, probability=f"{probability:.0%}", model_level=t(f"level.{suggested}", lang),
              rules_level=t(f"level.{rules_level}", lang), gap=gap)
            for key in keys) for lang in LANGS})


def load_policy(rules_dir: Path | str | None = None) -> ModelPolicy:
    """The policy of the rule set in `rules_dir` (default: WENPING_RULES or the bundled rules/)."""
    path = Path(rules_dir or default_rules_dir()) / POLICY_FILE
    if not path.is_file():
        raise WenpingError.of(ErrorCode.MODEL_POLICY, Location(file=str(path)),
                              detail="文件不存在", detail_en="the file does not exist")
    data = load_yaml_file(path, str(path))
    try:
        return ModelPolicy.model_validate(data)
    except ValidationError as error:
        raise WenpingError([_problem(path, data, item) for item in error.errors()]) from None


def _problem(path: Path, data, item) -> Problem:
    loc = tuple(item["loc"])
    line, _ = line_of(data, loc)
    field = ".".join(str(part) for part in loc) or "(file)"
    return Problem(ErrorCode.MODEL_POLICY, {"detail": f"{field}: {item['msg']}"}, Location(file=str(path), line=line, field=field))
