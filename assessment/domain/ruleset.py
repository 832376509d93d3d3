"""A rule set: scales, matrix, thresholds, factor catalogue, measure library, scoring rules, floors.

Everything a locality may change is here as data; nothing in the engine holds a number of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from datetime import date
from collections.abc import Mapping
from typing import Any, Literal, Protocol, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assessment.domain.i18n_text import I18nText
from assessment.domain.expressions import Expression, Template
from assessment.domain.questionnaire import Choice, Expr, Question, Section
from assessment.domain.validation_text import invalid
from assessment.errors import ErrorCode, WenpingError

Level = Literal["low", "medium", "high"]
LEVELS: tuple[Level, ...] = ("low", "medium", "high")
Nature = Literal["legality", "reasonableness", "feasibility", "controllability"]
NATURES: tuple[Nature, ...] = ("legality", "reasonableness", "feasibility", "controllability")
Stage = Literal["before", "after"]
Decision = Literal["proceed", "proceed_with_conditions", "postpone", "do_not_proceed"]
DECISIONS: tuple[Decision, ...] = get_args(Decision)


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ScaleStep(_Strict):
    level: int = Field(ge=1, le=5)
    value: float = Field(gt=0, le=1)
    label: I18nText
    description: I18nText | None = None


class Scales(_Strict):
    probability: list[ScaleStep]
    impact: list[ScaleStep]

    @model_validator(mode="after")
    def _five_ordered_steps(self) -> "Scales":
        for name, steps in (("probability", self.probability), ("impact", self.impact)):
            if [s.level for s in steps] != [1, 2, 3, 4, 5]:
                raise invalid(f"{name} 须按顺序给出 1–5 五个等级", f"{name} needs the five levels 1..5 in order")
            if any(a.value >= b.value for a, b in zip(steps, steps[1:])):
                raise invalid(f"{name} 各等级的 value 须随等级递增", f"{name} values must increase with the level")
        return self


class Degree(_Strict):
    id: str
    label: I18nText
    color: str = Field(pattern=r"^#[0-9a-fA-F]{6}$")


class Matrix(_Strict):
    """Single-factor degree: grid[probability-1][impact-1] is a degree id; degrees ordered low → high."""

    degrees: list[Degree]
    grid: list[list[str]]

    @model_validator(mode="after")
    def _grid_is_5x5_of_known_degrees_rising(self) -> "Matrix":
        rank = {d.id: i for i, d in enumerate(self.degrees)}
        if len(self.grid) != 5 or any(len(row) != 5 for row in self.grid):
            raise invalid("grid 须为 5 行（可能性 1–5）、每行 5 格（影响程度 1–5）",
                          "grid must be 5 rows (probability 1..5) of 5 cells (impact 1..5)")
        unknown = sorted({cell for row in self.grid for cell in row} - rank.keys())
        if unknown:
            raise invalid(f"grid 中有未定义的风险程度：{'、'.join(unknown)}", f"unknown degrees in grid: {', '.join(unknown)}")
        falling = _falling_cells(self.grid, rank)
        if falling:
            zh = "；".join(f"P{p}/C{c}（{self.grid[p - 1][c - 1]}）低于 P{lp}/C{lc}（{self.grid[lp - 1][lc - 1]}）" for (p, c), (lp, lc) in falling)
            en = "; ".join(f"P{p}/C{c} ({self.grid[p - 1][c - 1]}) is below P{lp}/C{lc} ({self.grid[lp - 1][lc - 1]})" for (p, c), (lp, lc) in falling)
            raise invalid(f"风险程度须随可能性和影响程度升高而不降：{zh}", f"the degree must never fall as probability or impact rises: {en}")
        return self

    def degree(self, probability: int, impact: int) -> str:
        return self.grid[probability - 1][impact - 1]


def _falling_cells(grid: list[list[str]], rank: dict[str, int]) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Cells (P, C) whose degree is below that of the cell one step lower in P or in C (1-based)."""
    falling = []
    for p in range(1, 6):
        for c in range(1, 6):
            for lower in ((p - 1, c), (p, c - 1)):
                if min(lower) >= 1 and rank[grid[p - 1][c - 1]] < rank[grid[lower[0] - 1][lower[1] - 1]]:
                    falling.append(((p, c), lower))
    return falling


class LevelBand(_Strict):
    level: Level
    label: I18nText
    min_index: float = Field(ge=0, le=1)


class Thresholds(_Strict):
    """Composite index → level. `confirmed: false` puts a caveat into every result and report."""

    bands: list[LevelBand]
    confirmed: bool
    note: I18nText

    @model_validator(mode="after")
    def _bands_cover_levels(self) -> "Thresholds":
        if [b.level for b in self.bands] != list(LEVELS) or self.bands[0].min_index != 0:
            raise invalid("bands 须依次为 low（min_index 为 0）、medium、high",
                          "bands must be low (min_index 0), medium, high in that order")
        if not self.bands[0].min_index < self.bands[1].min_index < self.bands[2].min_index:
            raise invalid("各等级的 min_index 须递增", "band thresholds must increase")
        return self

    def level_for(self, index: float) -> Level:
        return [b.level for b in self.bands if index >= b.min_index][-1]


class Residual(_Strict):
    """How far measures may lower one factor, in scale levels, whatever the number of measures."""

    max_probability_drop: int = Field(2, ge=0, le=4)
    max_impact_drop: int = Field(1, ge=0, le=4)
    custom_measure_max_drop: int = Field(1, ge=0, le=4)


class DecisionAdvice(_Strict):
    decision: Decision
    text: I18nText


class DecisionPolicy(_Strict):
    label: I18nText
    advice: dict[Level, DecisionAdvice]
    source: str | None = None


class Decisions(_Strict):
    general: DecisionPolicy
    investment: DecisionPolicy
    investment_when: Expr = Field(description="True when the matter falls under the national investment rules")


class RuleSetInfo(_Strict):
    """ruleset.yaml"""

    id: str
    version: str
    effective: date
    name: I18nText
    locality: I18nText
    sources: list[I18nText] = []
    scales: Scales
    thresholds: Thresholds
    residual: Residual = Residual()
    decisions: Decisions
    natures: dict[Nature, I18nText]


class Category(_Strict):
    id: str
    label: I18nText
    nature: Nature


class Factor(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    category: str
    name: I18nText
    description: I18nText | None = None
    weight: float = Field(gt=0, le=10, description="Relative importance; normalised over the factors identified")
    impact: int = Field(ge=1, le=5, description="Default impact when a rule does not give one")
    nature: Nature | None = Field(None, description="Which of the four checks it bears on; default: the category's")
    critical: bool = Field(False, description="Identifying it fails its check outright (no authority, approval missing)")


class FactorFile(_Strict):
    """factors/*.yaml: the catalogue is the union of the files; ids are unique across them."""

    categories: list[Category] = []
    factors: list[Factor]


class Lowering(_Strict):
    probability: int = Field(0, ge=0, le=4)
    impact: int = Field(0, ge=0, le=4)


class LibraryMeasure(_Strict):
    id: str = Field(pattern=r"^M-[A-Z0-9-]+$")
    name: I18nText
    description: I18nText | None = None
    typical_unit: I18nText | None = None
    lowers: dict[str, Lowering] = Field(min_length=1, description="factor id → levels of P and C it removes")


class MeasureFile(_Strict):
    """measures/*.yaml: the library is the union of the files."""

    measures: list[LibraryMeasure]


class ScoringRule(_Strict):
    id: str = Field(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")
    factor: str
    when: Expr
    probability: Expr
    impact: Expr | None = None
    because: I18nText
    source: str | None = None


class FloorRule(_Strict):
    """A minimum level, with its reason. `type` says what triggers it."""

    id: str = Field(pattern=r"^FL-[A-Z0-9-]+$")
    type: Literal["degree", "critical", "condition"]
    min_level: Level
    degree: str | None = None
    count: int = Field(1, ge=1, le=50, description="For degree floors: how many factors of that degree or above")
    when: Expr | None = None
    applies_to: list[Stage] = ["before", "after"]
    because: I18nText
    source: str | None = None

    @model_validator(mode="after")
    def _trigger_fits_type(self) -> "FloorRule":
        if (self.type == "degree") != (self.degree is not None):
            raise invalid("degree 类底线须写 degree，其他类型不得写", "`degree` is required for floors of type degree and allowed only for them")
        if self.type != "degree" and self.count != 1:
            raise invalid("只有 degree 类底线可以写 count", "`count` is allowed only for floors of type degree")
        if (self.type == "condition") != (self.when is not None):
            raise invalid("condition 类底线须写 when，其他类型不得写", "`when` is required for floors of type condition and allowed only for them")
        return self


class ScoringFile(_Strict):
    """scoring/*.yaml: rules for one kind (kind set) or for every kind (kind None), and floors."""

    kind: str | None = None
    rules: list[ScoringRule] = []
    floors: list[FloorRule] = []


@dataclass(frozen=True)
class CompiledQuestion:
    """A question with its expressions parsed; `section_relevant` is its section's condition."""

    question: Question
    section: str
    required: Expression
    relevant: Expression | None
    section_relevant: Expression | None
    constraint: Expression | None
    calculation: Expression | None


@dataclass(frozen=True)
class CompiledRule:
    rule: ScoringRule
    when: Expression
    probability: Expression
    impact: Expression | None
    because: dict[str, Template]
    reads: tuple[str, ...]  # every answer it reads, for the evidence shown with a factor


@dataclass(frozen=True)
class CompiledFloor:
    floor: FloorRule
    when: Expression | None
    because: dict[str, Template]


@dataclass(frozen=True)
class Kind:
    """One kind of matter: the common questionnaire then its own, its rules and floors (common ones first)."""

    id: str
    title: I18nText
    sections: tuple[Section, ...]
    choice_lists: dict[str, tuple[Choice, ...]]
    questions: tuple[CompiledQuestion, ...]  # in evaluation order: every question after those it reads
    rules: tuple[CompiledRule, ...]
    floors: tuple[CompiledFloor, ...]
    choice_labels: dict[str, dict[str, dict[str, str]]]  # question → lang → choice name → label

    @cached_property
    def calculations(self) -> tuple[CompiledQuestion, ...]:
        return tuple(q for q in self.questions if q.calculation is not None)

    @cached_property
    def questions_by_name(self) -> dict[str, CompiledQuestion]:
        return {q.question.name: q for q in self.questions}

    @cached_property
    def _choice_names(self) -> dict[int, dict[str, str]]:
        return {}

    def choice_names(self, question: Question) -> dict[str, str]:
        """A choice's name and its labels in either language → its name (built once per question or column)."""
        index = self._choice_names.get(id(question))
        if index is None:
            index = {}
            for choice in reversed(self.choices_of(question)):  # where two choices share a text, the first wins
                index |= {choice.label.en: choice.name, choice.label.zh: choice.name, choice.name: choice.name}
            self._choice_names[id(question)] = index
        return index

    def question(self, name: str) -> CompiledQuestion | None:
        return self.questions_by_name.get(name)

    def choices_of(self, question: Question) -> tuple[Choice, ...]:
        if isinstance(question.choices, str):
            return self.choice_lists[question.choices]
        return tuple(question.choices or ())


class Raised(Protocol):
    """A factor's probability raised by the factors that feed it (see assessment.graph)."""

    level: int
    chain: tuple[str, ...]
    because: I18nText


class Propagator(Protocol):
    def __call__(self, probabilities: Mapping[str, int]) -> Mapping[str, Raised]: ...


class Derivation(Protocol):
    """Values computed from validated answers (e.g. stakeholder-graph metrics) that rules may read."""

    def __call__(self, values: Mapping[str, Any]) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class RuleSet:
    """A loaded, checked rule set, built by assessment.loader. Same folder contents, same content_hash."""

    info: RuleSetInfo
    content_hash: str
    matrix: Matrix
    categories: dict[str, Category]
    factors: dict[str, Factor]
    measures: dict[str, LibraryMeasure]
    kinds: dict[str, Kind]
    investment_when: Expression
    source: str = ""
    # Installed by the loader, so that the domain needs no graph library and every result includes them.
    derive: Derivation | None = None
    propagate: Propagator | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "_degree_ranks", {d.id: i for i, d in enumerate(self.matrix.degrees)})
        object.__setattr__(self, "_degree_labels", {d.id: d.label for d in self.matrix.degrees})

    def degree_rank(self, degree: str) -> int:
        """0 for the lowest degree of the matrix, 4 for the highest."""
        return self._degree_ranks[degree]

    def degree_label(self, degree: str) -> I18nText:
        return self._degree_labels[degree]

    def nature_of(self, factor: Factor) -> Nature:
        return factor.nature or self.categories[factor.category].nature

    def kind(self, kind_id: str) -> Kind:
        if kind_id not in self.kinds:
            kinds = sorted(self.kinds)  # a kind id always comes from answers or a user's command
            raise WenpingError.of(ErrorCode.ANS_UNKNOWN_KIND, kind=kind_id[:60], kinds="、".join(kinds), kinds_en=", ".join(kinds))
        return self.kinds[kind_id]
