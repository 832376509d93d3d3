"""Load a rule-set folder, check it whole, and compile its expressions once.

Every problem found is collected and reported together, each naming its file, line and id.
"""

from __future__ import annotations

import graphlib
import hashlib
import os
from collections.abc import Iterable, Mapping
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from assessment import graph
from assessment.domain.expressions import Expression, TypeInfo, ValueType, check, out_of_range, parse, parse_template
from assessment.domain.questionnaire import Choice, Question, Questionnaire, Section
from assessment.domain.ruleset import (
    CompiledFloor,
    CompiledQuestion,
    CompiledRule,
    Factor,
    FactorFile,
    Kind,
    LibraryMeasure,
    Matrix,
    MeasureFile,
    RuleSet,
    RuleSetInfo,
    ScoringFile,
)
from assessment.errors import ErrorCode, Location, Problem, WenpingError
from assessment.yaml_lines import line_of, load_yaml_file, schema_problems

_INSTALLED_RULES = Path(__file__).resolve().parent / "bundled_rules"  # rules/ as a wheel carries it (setup.py)
_SOURCE_RULES = Path(__file__).resolve().parent.parent / "rules"  # a checkout, or an editable install
DEFAULT_RULES = _INSTALLED_RULES if _INSTALLED_RULES.is_dir() else _SOURCE_RULES
COMMON = "common"
Model = TypeVar("Model", bound=BaseModel)

_SCALAR_TYPES = {
    "integer": ValueType.NUMBER,
    "number": ValueType.NUMBER,
    "percent": ValueType.NUMBER,
    "money": ValueType.NUMBER,
    "text": ValueType.TEXT,
    "date": ValueType.DATE,
    "yes_no": ValueType.BOOL,
}


def default_rules_dir() -> Path:
    return Path(os.environ.get("WENPING_RULES") or DEFAULT_RULES)


def load_ruleset(folder: Path | str | None = None) -> RuleSet:
    """The rule set in `folder` (default: WENPING_RULES or the bundled rules/), cached until a file changes."""
    root = Path(folder) if folder else default_rules_dir()
    return _load_cached(root.resolve(), _fingerprint(root))


def rule_files(root: Path) -> list[Path]:
    """The files that make up the rule set (its tests excluded), in a stable order."""
    return sorted(p for p in root.rglob("*.yaml") if "tests" not in p.relative_to(root).parts)


def _fingerprint(root: Path) -> tuple[tuple[str, int, int], ...]:
    if not root.is_dir():
        raise WenpingError.of(ErrorCode.RULES_MISSING_FILE, Location(file=str(root)), path=str(root))
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in rule_files(root))


@lru_cache(maxsize=8)
def _load_cached(root: Path, _fingerprint: tuple) -> RuleSet:
    return _Builder(root).build()


class _Builder:
    """Reads every file, validates it, then cross-checks and compiles; raises all problems at once."""

    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []
        # A factor file that failed to load leaves its factors (and categories) unknown: what only follows
        # from that is not reported again for every rule, measure and link that names one of them.
        self.factors_incomplete = False

    # --- reading and schema validation

    def _display(self, path: Path) -> str:
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)

    def _read(self, path: Path) -> Any:
        try:
            return load_yaml_file(path, self._display(path))
        except WenpingError as error:
            self.problems.extend(error.problems)
            return None

    def _model(self, model: type[Model], path: Path) -> tuple[Model | None, Any]:
        data = self._read(path)
        if data is None:
            return None, None
        try:
            return model.model_validate(data), data
        except ValidationError as error:
            self.problems.extend(schema_problems(error, data, self._display(path)))
            return None, None

    def _files(self, sub: str) -> list[Path]:
        return sorted((self.root / sub).glob("*.yaml"))

    def _where(self, path: Path, data: Any, loc: tuple, ident: str | None = None, field: str | None = None) -> Location:
        line, found = line_of(data, loc)
        return Location(file=self._display(path), line=line, id=ident or found, field=field)

    def _add(self, code: ErrorCode, where: Location, **params: Any) -> None:
        self.problems.append(Problem(code, params, where))

    # --- building

    def build(self) -> RuleSet:
        info, info_data = self._model(RuleSetInfo, self.root / "ruleset.yaml")
        matrix, _ = self._model(Matrix, self.root / "matrix.yaml")
        categories, factors = self._catalogue()
        measures = self._library(factors)
        common_q, common_data = self._model(Questionnaire, self.root / "questionnaires" / f"{COMMON}.yaml")
        scoring = self._scoring_files()
        links = self._risk_links(factors)
        if self.problems or not (info and matrix and common_q):
            raise WenpingError(self.problems or [Problem(ErrorCode.RULES_MISSING_FILE, {"path": "ruleset"})])
        kinds = {}
        common_path = self.root / "questionnaires" / f"{COMMON}.yaml"
        common_rules, common_floors = scoring.pop(None, ([], []))
        unreadable = False  # a kind whose questionnaire failed is not also reported as unknown
        for path in self._files("questionnaires"):
            if path.stem == COMMON:
                continue
            kind_q, kind_data = self._model(Questionnaire, path)
            if kind_q is None:
                unreadable = True
                continue
            if not kind_q.kind:
                unreadable = True
                self._add(ErrorCode.RULES_SCHEMA, self._where(path, kind_data, ("kind",)), field="kind",
                          detail="事项类型问卷须写明 kind", detail_en="a kind questionnaire must say its kind")
                continue
            rules, floors = scoring.pop(kind_q.kind, ([], []))
            kinds[kind_q.kind] = _KindCompiler(self, matrix, factors).compile(
                [(common_path, common_q, common_data), (path, kind_q, kind_data)],
                common_rules + rules,
                common_floors + floors,
            )
        for kind, (rules, floors) in ({} if unreadable else scoring).items():
            path, data, *_ = (rules or floors)[0] if rules or floors else (self.root / "scoring", None)
            self._add(ErrorCode.RULES_UNKNOWN_KIND, self._where(path, data, ("kind",)), kind=kind,
                      kinds="、".join(sorted(kinds)), kinds_en=", ".join(sorted(kinds)))
        investment_when = self._expression(
            info.decisions.investment_when, _types_of(common_q.questions(), {c: tuple(v) for c, v in common_q.choice_lists.items()}),
            ValueType.BOOL, self._where(self.root / "ruleset.yaml", info_data, ("decisions", "investment_when"), field="decisions.investment_when"),
        )
        if self.problems:
            raise WenpingError(self.problems)
        return RuleSet(
            info=info,
            content_hash=_content_hash(self.root),
            matrix=matrix,
            categories=categories,
            factors=factors,
            measures=measures,
            kinds=dict(sorted(kinds.items())),
            investment_when=investment_when,
            source=str(self.root),
            derive=_stakeholder_metrics,
            propagate=partial(_propagate, links, tuple(s.value for s in info.scales.probability),
                              {f.id: f.name for f in factors.values()}) if links else None,
        )

    def _catalogue(self) -> tuple[dict, dict[str, Factor]]:
        categories, factors, seen = {}, {}, {}
        loaded = [(path, *self._model(FactorFile, path)) for path in self._files("factors")]
        self.factors_incomplete = any(file is None for _, file, _ in loaded)
        for path, file, data in loaded:
            if file is None:
                continue
            for i, category in enumerate(file.categories):
                self._unique(seen, f"category:{category.id}", category.id, self._where(path, data, ("categories", i, "id")))
                categories[category.id] = category
        for path, file, data in loaded:
            if file is None:
                continue
            for i, factor in enumerate(file.factors):
                where = self._where(path, data, ("factors", i, "id"))
                self._unique(seen, f"factor:{factor.id}", factor.id, where)
                if factor.category not in categories and not self.factors_incomplete:
                    self._add(ErrorCode.RULES_SCHEMA, self._where(path, data, ("factors", i, "category"), factor.id, "category"),
                              field="category", detail=f"未定义的风险类别“{factor.category}”", detail_en=f"unknown category '{factor.category}'")
                factors[factor.id] = factor
        return categories, factors

    def _library(self, factors: dict[str, Factor]) -> dict[str, LibraryMeasure]:
        measures, seen = {}, {}
        for path in self._files("measures"):
            file, data = self._model(MeasureFile, path)
            for i, measure in enumerate(file.measures if file else []):
                self._unique(seen, measure.id, measure.id, self._where(path, data, ("measures", i, "id")))
                for factor_id in measure.lowers:
                    if self.unknown_factor(factor_id, factors):
                        where = self._where(path, data, ("measures", i, "lowers", factor_id), measure.id, "lowers")
                        self._add(ErrorCode.RULES_UNKNOWN_FACTOR, where, factor=factor_id)
                measures[measure.id] = measure
        return measures

    def _scoring_files(self) -> dict[str | None, tuple[list, list]]:
        """kind (None for every kind) → ([(path, data, rule index, rule)…], [(path, data, floor index, floor)…])."""
        by_kind: dict[str | None, tuple[list, list]] = {}
        seen: dict[str, str] = {}
        for path in self._files("scoring"):
            file, data = self._model(ScoringFile, path)
            if file is None:
                continue
            rules, floors = by_kind.setdefault(file.kind, ([], []))
            for i, rule in enumerate(file.rules):
                self._unique(seen, rule.id, rule.id, self._where(path, data, ("rules", i, "id")))
                rules.append((path, data, i, rule))
            for i, floor in enumerate(file.floors):
                self._unique(seen, floor.id, floor.id, self._where(path, data, ("floors", i, "id")))
                floors.append((path, data, i, floor))
        return by_kind

    def _risk_links(self, factors: dict[str, Factor]) -> tuple[graph.RiskLink, ...]:
        """risk_links.yaml, optional: without it no factor feeds another."""
        path = self.root / "risk_links.yaml"
        data = self._read(path) if path.exists() else None
        if data is None:
            return ()
        try:
            links = graph.load_risk_links(data, file=self._display(path))
        except WenpingError as error:
            self.problems.extend(error.problems)
            return ()
        for i, link in enumerate(links):
            for end in ("source", "target"):
                if self.unknown_factor(getattr(link, end), factors):
                    where = self._where(path, data, ("links", i, end), f"{link.source} → {link.target}", end)
                    self._add(ErrorCode.RULES_UNKNOWN_FACTOR, where, factor=getattr(link, end))
        return links

    def unknown_factor(self, factor_id: str, factors: Mapping[str, Factor]) -> bool:
        return factor_id not in factors and not self.factors_incomplete

    def _unique(self, seen: dict[str, str], key: str, ident: str, where: Location) -> None:
        if key in seen:
            self._add(ErrorCode.RULES_DUPLICATE_ID, where, id=ident, first=seen[key])
        else:
            seen[key] = f"{where.file}:{where.line}"

    def _expression(self, source: Any, types: dict[str, TypeInfo], expect: ValueType | None, where: Location) -> Expression | None:
        try:
            expression = parse(source)
            check(expression, types, expect)
            return expression
        except WenpingError as error:
            self.problems.extend(Problem(p.code, p.params, where) for p in error.problems)
            return None

    def _templates(self, text: Any, types: dict[str, TypeInfo], where: Location) -> dict:
        templates = {}
        for lang in ("zh", "en"):
            try:
                template = parse_template(text.get(lang))
            except WenpingError as error:
                self.problems.extend(Problem(p.code, p.params, where) for p in error.problems)
                continue
            for name in sorted(template.names - types.keys()):
                self._add(ErrorCode.EXPR_UNKNOWN_NAME, where, name=name)
            self.problems.extend(Problem(p.code, p.params, where) for p in template.problems(types))
            templates[lang] = template
        return templates


class _KindCompiler:
    """Merges the common questionnaire with a kind's, orders its questions and compiles its rules."""

    def __init__(self, builder: _Builder, matrix: Matrix, factors: dict[str, Factor]):
        self.b = builder
        self.matrix = matrix
        self.factors = factors

    def compile(self, parts: list[tuple[Path, Questionnaire, Any]], rules: list, floors: list) -> Kind:
        choice_lists = self._choice_lists(parts)
        located = self._questions(parts, choice_lists)
        types = _types_of([q for q, *_ in located], choice_lists)
        questions = self._compile_questions(located, types)
        types |= {name: TypeInfo(ValueType.NUMBER, question=name) for name in graph.STAKEHOLDER_METRICS}  # rules only
        if not questions:  # a circular calculation: rules reading calculations cannot be checked
            rules, floors = [], []
        kind_q = parts[-1][1]
        return Kind(
            id=kind_q.kind,
            title=kind_q.title,
            sections=tuple(s for _, q, _ in parts for s in q.sections),
            choice_lists=choice_lists,
            questions=questions,
            rules=tuple(r for r in (self._rule(*item, types) for item in rules) if r),
            floors=tuple(f for f in (self._floor(*item, types) for item in floors) if f),
            choice_labels=_choice_labels([q for q, *_ in located], choice_lists),
        )

    def _choice_lists(self, parts) -> dict[str, tuple[Choice, ...]]:
        lists: dict[str, tuple[Choice, ...]] = {}
        for path, questionnaire, data in parts:
            for name, choices in questionnaire.choice_lists.items():
                if name in lists:
                    self.b._add(ErrorCode.RULES_DUPLICATE_ID, self.b._where(path, data, ("choice_lists", name)), id=name, first="questionnaires/common.yaml")
                lists[name] = tuple(choices)
        return lists

    def _questions(self, parts, choice_lists) -> list[tuple[Question, Section, Path, Any, tuple]]:
        located, seen = [], {}
        for path, questionnaire, data in parts:
            for si, section in enumerate(questionnaire.sections):
                for qi, question in enumerate(section.questions):
                    loc = ("sections", si, "questions", qi)
                    self.b._unique(seen, question.name, question.name, self.b._where(path, data, loc + ("name",)))
                    for column in [question, *(question.columns or [])]:
                        if isinstance(column.choices, str) and column.choices not in choice_lists:
                            self.b._add(ErrorCode.RULES_SCHEMA, self.b._where(path, data, loc, question.name, "choices"),
                                        field="choices",
                                        detail=f"未定义的选项列表“{column.choices}”", detail_en=f"unknown choice list '{column.choices}'")
                    located.append((question, section, path, data, loc))
        return located

    def _compile_questions(self, located, types: dict[str, TypeInfo]) -> tuple[CompiledQuestion, ...]:
        compiled: dict[str, CompiledQuestion] = {}
        for name in self._evaluation_order(located):
            question, section, path, data, loc = next(item for item in located if item[0].name == name)
            where = lambda field: self.b._where(path, data, loc + (field,), name, field)  # noqa: E731
            section_where = self.b._where(path, data, loc[:2] + ("relevant",), section.id, "relevant")
            calculation = None
            if question.calculation is not None:
                calculation = self.b._expression(question.calculation, types, None, where("calculation"))
                if calculation is not None:
                    types[name] = check(calculation, types)
            compiled[name] = CompiledQuestion(
                question=question,
                section=section.id,
                required=self.b._expression(question.required, types, ValueType.BOOL, where("required")) or parse(False),
                relevant=self._optional(question.relevant, types, where("relevant")),
                section_relevant=self._optional(section.relevant, types, section_where),
                constraint=self._optional(question.constraint, types, where("constraint")),
                calculation=calculation,
            )
        return tuple(compiled.values())

    def _optional(self, source, types, where) -> Expression | None:
        return None if source is None else self.b._expression(source, types, ValueType.BOOL, where)

    def _evaluation_order(self, located) -> list[str]:
        """Questions ordered so that each comes after every question its conditions or calculation read."""
        position = {q.name: i for i, (q, *_) in enumerate(located)}
        sorter = graphlib.TopologicalSorter()
        for question, section, *_ in located:
            sources = [question.relevant, question.calculation, question.required, section.relevant]
            reads = set().union(*(_names(s) for s in sources))
            sorter.add(question.name, *sorted(reads & position.keys()))
        try:
            sorter.prepare()
        except graphlib.CycleError as error:
            cycle = error.args[1]
            question, _, path, data, loc = located[position[cycle[0]]]
            self.b._add(ErrorCode.RULES_CIRCULAR, self.b._where(path, data, loc, question.name), cycle=" → ".join(cycle))
            return []  # nothing more can be checked in a cycle; the load fails on the problem above
        order = []
        while sorter.is_active():
            ready = sorted(sorter.get_ready(), key=position.__getitem__)
            order.extend(ready)
            sorter.done(*ready)
        return order

    def _rule(self, path: Path, data: Any, index: int, rule, types) -> CompiledRule | None:
        loc = ("rules", index)
        where = lambda field: self.b._where(path, data, loc + (field,), rule.id, field)  # noqa: E731
        if self.b.unknown_factor(rule.factor, self.factors):
            self.b._add(ErrorCode.RULES_UNKNOWN_FACTOR, where("factor"), factor=rule.factor)
        when = self.b._expression(rule.when, types, ValueType.BOOL, where("when"))
        probability = self._level(rule.probability, "probability", types, where("probability"))
        impact = None if rule.impact is None else self._level(rule.impact, "impact", types, where("impact"))
        because = self.b._templates(rule.because, types, where("because"))
        if None in (when, probability) or (rule.impact is not None and impact is None) or len(because) < 2:
            return None
        parts = (when, probability, impact, *because.values())
        reads = tuple(sorted(frozenset().union(*(p.names for p in parts if p is not None))))
        return CompiledRule(rule=rule, when=when, probability=probability, impact=impact, because=because, reads=reads)

    def _level(self, source, field: str, types, where: Location) -> Expression | None:
        """A probability or impact: a number expression none of whose results is certainly outside 1–5."""
        if isinstance(source, bool):
            self.b._add(ErrorCode.RULES_LEVEL_RANGE, where, field=field, value=source)
            return None
        expression = self.b._expression(source, types, ValueType.NUMBER, where)
        wrong = out_of_range(expression, 1, 5) if expression is not None else []
        for snippet, least, greatest in wrong:
            self.b._add(ErrorCode.RULES_LEVEL_RANGE, where, field=field, **_range_value(snippet, least, greatest))
        return None if wrong else expression

    def _floor(self, path: Path, data: Any, index: int, floor, types) -> CompiledFloor | None:
        loc = ("floors", index)
        where = lambda field: self.b._where(path, data, loc + (field,), floor.id, field)  # noqa: E731
        if floor.degree is not None and floor.degree not in {d.id for d in self.matrix.degrees}:
            self.b._add(ErrorCode.RULES_BAD_VALUE, where("degree"), field="degree",
                        detail=f"未定义的风险程度“{floor.degree}”", detail_en=f"unknown degree '{floor.degree}'")
            return None
        when = None if floor.when is None else self.b._expression(floor.when, types, ValueType.BOOL, where("when"))
        because = self.b._templates(floor.because, types, where("because"))
        if (floor.when is not None and when is None) or len(because) < 2:
            return None
        return CompiledFloor(floor=floor, when=when, because=because)


def _range_value(snippet: str, least: float, greatest: float) -> dict[str, str]:
    """`value` for RULES_LEVEL_RANGE: the offending part of the expression, with its range when not one number."""
    if least == greatest:
        return {"value": snippet}
    bounds = {"zh": f"取值范围 {least:g} 至 {greatest:g}", "en": f"ranging from {least:g} to {greatest:g}"}
    return {"value": f"{snippet}（{bounds['zh']}）", "value_en": f"{snippet} ({bounds['en']})"}


def _stakeholder_metrics(values: Mapping[str, Any]) -> dict[str, Any]:
    return graph.stakeholder_metrics(values.get("stakeholders"), values.get("stakeholder_relations"))


def _propagate(links, scale, names, probabilities: Mapping[str, int]):
    return graph.propagate(probabilities, links, scale, names=names)


def _choice_labels(questions: list[Question], choice_lists: dict[str, tuple[Choice, ...]]) -> dict:
    labels = {}
    for question in questions:
        if question.type in ("single_choice", "multiple_choice"):
            choices = choice_lists.get(question.choices, ()) if isinstance(question.choices, str) else question.choices
            labels[question.name] = {lang: {c.name: c.label.get(lang) for c in choices} for lang in ("zh", "en")}
    return labels


def _types_of(questions: Iterable[Question], choice_lists: dict[str, tuple[Choice, ...]]) -> dict[str, TypeInfo]:
    return {q.name: _type_of(q, choice_lists) for q in questions if q.type != "calculate"}


def _type_of(question: Question, choice_lists: dict[str, tuple[Choice, ...]]) -> TypeInfo:
    if question.type in _SCALAR_TYPES:
        return TypeInfo(_SCALAR_TYPES[question.type], question=question.name)
    if question.type == "table":
        columns = {c.name: _type_of(c, choice_lists) for c in question.columns or []}
        return TypeInfo(ValueType.TABLE, columns=columns, question=question.name)
    choices = choice_lists.get(question.choices) if isinstance(question.choices, str) else question.choices or ()
    kind = ValueType.CHOICE if question.type == "single_choice" else ValueType.CHOICES
    # an unknown choice list is reported once where it is named; its options are then not checked
    return TypeInfo(kind, choices=None if choices is None else frozenset(c.name for c in choices), question=question.name)


def _names(source: Any) -> frozenset[str]:
    if source is None or isinstance(source, (bool, int, float)):
        return frozenset()
    try:
        return parse(source).names
    except WenpingError:
        return frozenset()  # reported when the expression itself is compiled


def _content_hash(root: Path) -> str:
    digest = hashlib.sha256()
    for path in rule_files(root):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()
