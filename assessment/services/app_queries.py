"""What the app's pages need beyond the workflow services: the questionnaire as a form (which questions
apply, which are required, the problems at each question, progress), saving one section, the result of a
draft or of a submitted revision, the measure library, follow-ups in scope and report downloads.

Every function checks the actor's permission, through the workflow service it builds on or itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Mapping, Sequence

from assessment import graph
from assessment.domain.answers import ValidatedAnswers, validate_answers
from assessment.domain.i18n_text import I18nText, Lang
from assessment.domain.measures import validate_measures
from assessment.domain.questionnaire import Choice, Question
from assessment.domain.result import Assessment, MeasureResult
from assessment.domain.ruleset import CompiledQuestion, Kind, RuleSet
from assessment.domain.scoring import score
from assessment.errors import ErrorCode, Problem, WenpingError
from assessment.i18n import t
from assessment.loader import load_ruleset
from assessment.model.features import BY_NAME as FEATURES_BY_NAME
from assessment.report.values import AnswerText, format_number
from assessment.services import submissions
from assessment.services._common import invalid, load_matter, not_found, numbered
from assessment.services.permissions import Action, Principal, require
from assessment.services.reports import generate_report
from assessment.services.scoring import RulesScorer, current_advisor, model_refusal
from assessment.services.views import (
    OPEN_STATUSES,
    FollowUpView,
    MatterDetail,
    MatterSummary,
    ReviewView,
    RevisionView,
)
from assessment.storage.uow import UnitOfWork

EDITABLE_STATES = submissions.EDITABLE
REPORT_FORMATS = ("docx", "pdf", "json")


# --- the rule set's catalogue (public: kinds of matter and their titles) -----------------------------------


def model_refused(rules_dir: Path | str | None = None) -> tuple[Problem, ...]:
    """Why the current learned model is not used (its file failed its checks), or nothing."""
    refusal = model_refusal(rules_dir)
    return tuple(refusal.problems) if refusal else ()


def kind_titles(rules_dir: Path | str | None = None) -> dict[str, I18nText]:
    ruleset = load_ruleset(rules_dir)
    return {kind_id: ruleset.kinds[kind_id].title for kind_id in sorted(ruleset.kinds)}


def basic_questions(kind_id: str, answers: Mapping[str, Any] | None = None, *,
                    rules_dir: Path | str | None = None) -> "SectionView":
    """The first section (the matter's basic facts) for the new-matter form, with the problems of `answers`."""
    kind = load_ruleset(rules_dir).kind(kind_id)
    answers = dict(answers or {})
    validated = validate_answers(kind, answers)
    return _section_view(kind, kind.sections[0], answers, validated, validated.problems)


@dataclass(frozen=True)
class AnswerLabels:
    """How to show a kind's answers: question labels, and choice labels by question, language and name."""

    questions: dict[str, I18nText]
    choices: dict[str, dict[str, dict[str, str]]]


def answer_labels(kind_id: str, rules_dir: Path | str | None = None) -> AnswerLabels:
    kind = load_ruleset(rules_dir).kind(kind_id)
    return AnswerLabels({q.question.name: q.question.label for q in kind.questions}, kind.choice_labels)


def can_view(uow: UnitOfWork, actor: Principal, matter_id: int) -> bool:
    """Whether the matter exists and the actor may see it. Pages give one answer for both, so that nobody can
    find out which ids exist in other units."""
    try:
        with uow:
            load_matter(uow, actor, matter_id, Action.VIEW)
    except WenpingError as error:
        if all(p.code in (ErrorCode.STORE_NOT_FOUND, ErrorCode.AUTH_FORBIDDEN) for p in error.problems):
            return False
        raise
    return True


def answer_text(kind_id: str, lang: Lang, rules_dir: Path | str | None = None) -> AnswerText:
    """Answers worded as the report words them: choice labels, yes/no, units, shares as percentages."""
    return AnswerText(load_ruleset(rules_dir).kinds.get(kind_id), lang)


def model_reason_values(assessment: Assessment, lang: Lang, rules_dir: Path | str | None = None) -> tuple[str, ...]:
    """The value shown beside each of the learned model's reasons: the answer its feature was computed from,
    worded like the answer (12 petitions, not the feature's log10 13 = 1.11); otherwise the feature's value."""
    if assessment.model is None:
        return ()
    answers = answer_text(assessment.kind, lang, rules_dir)
    kinds = kind_titles(rules_dir)
    shown = []
    for reason in assessment.model.reasons:
        feature = FEATURES_BY_NAME.get(reason.feature)
        if feature is not None and feature.answer and feature.answer in assessment.answers:
            shown.append(answers.text(feature.answer, assessment.answers[feature.answer]))
        elif reason.value in kinds:
            shown.append(kinds[str(reason.value)].get(lang))
        elif isinstance(reason.value, float):
            shown.append(format_number(reason.value))
        else:
            shown.append("—" if reason.value is None else str(reason.value))
    return tuple(shown)


# --- the questionnaire as a form --------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionView:
    question: Question
    choices: tuple[Choice, ...]
    column_choices: dict[str, tuple[Choice, ...]]  # table column → its choices
    value: Any  # the answer converted to the question's type, or as typed when it could not be
    relevant: bool
    required: bool
    problems: tuple[Problem, ...]
    # A text column whose values name rows of another table (a relation's groups): column → the names saved.
    column_names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    notes: tuple[I18nText, ...] = ()  # not wrong, but left out of the analysis (a relation to an unknown group)

    @property
    def name(self) -> str:
        return self.question.name

    @property
    def answered(self) -> bool:
        return self.value not in (None, "", [])

    @property
    def row_problems(self) -> tuple[Problem, ...]:
        """A table's problems in its rows (a missing cell included): the table is not complete while any is left."""
        return tuple(p for p in self.problems if p.where.row is not None)

    @property
    def complete(self) -> bool:
        return self.answered and not self.row_problems


@dataclass(frozen=True)
class SectionView:
    kind: str  # the kind of matter whose questionnaire it belongs to
    id: str
    title: I18nText
    description: I18nText | None
    relevant: bool
    questions: tuple[QuestionView, ...]

    def shown(self) -> list[QuestionView]:
        return [q for q in self.questions if q.relevant]

    @property
    def required_total(self) -> int:
        return sum(1 for q in self.shown() if q.required and q.question.type != "calculate")

    @property
    def required_done(self) -> int:
        return sum(1 for q in self.shown() if q.required and q.question.type != "calculate" and q.complete)

    @property
    def status(self) -> str:
        """skipped (does not apply) | problems (a wrong value, or a table row with a problem) | todo (required
        answers missing) | done."""
        if not self.relevant:
            return "skipped"
        if any(p.code is not ErrorCode.ANS_REQUIRED or p.where.row is not None for q in self.shown() for p in q.problems):
            return "problems"
        return "todo" if self.required_done < self.required_total else "done"


@dataclass(frozen=True)
class FormView:
    matter: MatterSummary
    kind_title: I18nText
    revision: int
    editable: bool
    sections: tuple[SectionView, ...]
    other_problems: tuple[Problem, ...]  # not at a question of the form (e.g. an answer no question has)
    returned_because: str | None  # the reviewer's reason, while a returned matter is being revised

    def section(self, section_id: str) -> SectionView:
        return next(s for s in self.sections if s.id == section_id)

    @property
    def progress(self) -> tuple[int, int]:
        """Required questions that apply: (answered, all)."""
        shown = [s for s in self.sections if s.relevant]
        return sum(s.required_done for s in shown), sum(s.required_total for s in shown)

    @property
    def problem_count(self) -> int:
        return len(self.other_problems) + sum(len(q.problems) for s in self.sections if s.relevant for q in s.shown())


def questionnaire_form(uow: UnitOfWork, actor: Principal, matter_id: int, *,
                       rules_dir: Path | str | None = None) -> FormView:
    """The current revision's answers laid over its kind's questionnaire, with every problem at its question."""
    detail = submissions.get_matter(uow, actor, matter_id)
    kind = load_ruleset(rules_dir).kind(detail.summary.kind)
    raw = detail.current.answers
    validated = validate_answers(kind, raw)
    known = {q.question.name for q in kind.questions}
    sections = tuple(_section_view(kind, s, raw, validated, validated.problems) for s in kind.sections)
    others = tuple(p for p in validated.problems if p.where.id not in known)
    editable = detail.summary.state in EDITABLE_STATES and detail.current.state == "draft"
    returns = [r.comment for r in detail.reviews if r.action == "return"]
    reason = returns[-1] if returns and detail.summary.state == "returned" else None
    return FormView(detail.summary, kind.title, detail.current.number, editable, sections, others, reason)


def _section_view(kind: Kind, section, raw: Mapping[str, Any], validated: ValidatedAnswers,
                  problems: Sequence[Problem]) -> SectionView:
    values = validated.values
    compiled = [kind.question(q.name) for q in section.questions]
    section_relevant = compiled[0].section_relevant is None or compiled[0].section_relevant.evaluate(values) is True
    views = tuple(_question_view(kind, c, raw, values, problems, section_relevant) for c in compiled)
    return SectionView(kind.id, section.id, section.title, section.description, section_relevant,
                       tuple(_with_group_names(v, raw) for v in views))


RELATIONS, RELATION_ENDS = "stakeholder_relations", ("source", "target")
LEGEND_LINE = graph.LEGEND_LINE  # how the stakeholder graph draws each relation, for its legend


def _with_group_names(view: QuestionView, raw: Mapping[str, Any]) -> QuestionView:
    """The relations table offers the saved group names for its two ends, and says which relations name a group
    the group table does not have (the graph leaves those out)."""
    if view.name != RELATIONS:
        return view
    groups, relations = raw.get("stakeholders"), raw.get(RELATIONS)
    groups = groups if isinstance(groups, list) else []
    relations = relations if isinstance(relations, list) else []
    names = tuple(sorted({str(g["group"]).strip() for g in groups if isinstance(g, dict) and g.get("group")}))
    unknown = sorted({str(r[end]).strip() for r in relations if isinstance(r, dict) for end in RELATION_ENDS
                      if r.get(end) and str(r[end]).strip() not in names})
    notes = (I18nText(zh=t("fill.unknown_groups", "zh", names="、".join(unknown)),
                      en=t("fill.unknown_groups", "en", names=", ".join(unknown))),) if unknown else ()
    return replace(view, column_names={end: names for end in RELATION_ENDS}, notes=notes)


def _question_view(kind: Kind, compiled: CompiledQuestion, raw: Mapping[str, Any], values: Mapping[str, Any],
                   problems: Sequence[Problem], section_relevant: bool) -> QuestionView:
    question = compiled.question
    relevant = section_relevant and (compiled.relevant is None or compiled.relevant.evaluate(values) is True)
    value = values.get(question.name)
    if value is None and question.type != "calculate":
        value = raw.get(question.name)
    columns = {c.name: kind.choices_of(c) for c in question.columns or () if c.choices is not None}
    return QuestionView(
        question=question,
        choices=kind.choices_of(question),
        column_choices=columns,
        value=value,
        relevant=relevant,
        required=relevant and compiled.required.evaluate(values) is True,
        problems=tuple(p for p in problems if p.where.id == question.name),
    )


def save_section(uow: UnitOfWork, actor: Principal, matter_id: int, section_id: str, answers: Mapping[str, Any], *,
                 expected_version: int, rules_dir: Path | str | None = None) -> FormView:
    """Save one section's answers into the draft, whatever their problems (a draft keeps what was typed),
    and give the form back with the problems found, so that they show at their questions."""
    detail = submissions.get_matter(uow, actor, matter_id)
    kind = load_ruleset(rules_dir).kind(detail.summary.kind)
    section_names = {q.name for s in kind.sections if s.id == section_id for q in s.questions}
    if not section_names:
        raise not_found("section", section_id)
    outside = sorted(set(answers) - section_names)
    if outside:
        raise invalid(("章节", "section"), (f"{section_id} 不含问题 {'、'.join(outside)}", f"{section_id} has no question {', '.join(outside)}"))
    submissions.save_draft(uow, actor, matter_id, answers, section=section_id,
                           expected_version=expected_version)
    return questionnaire_form(uow, actor, matter_id, rules_dir=rules_dir)


def start_matter(uow: UnitOfWork, actor: Principal, kind_id: str, basics: Mapping[str, Any], *,
                 unit_code: str | None = None, rules_dir: Path | str | None = None) -> MatterSummary:
    """A new matter from its basic facts (the first section), named after the matter's name.
    Wrong or missing basic facts are refused with every problem, before anything is stored."""
    require(actor, Action.DRAFT)
    kind = load_ruleset(rules_dir).kind(kind_id)
    first = kind.sections[0]
    validated = validate_answers(kind, basics)
    names = {q.name for q in first.questions}
    problems = [p for p in validated.problems if p.where.id in names]
    if problems:
        raise WenpingError(problems)
    title = str(basics.get(first.questions[0].name) or "")
    return submissions.create_matter(uow, actor, kind=kind_id, title=title, answers=basics,
                                     unit_code=unit_code)


# --- results: a submitted revision as frozen, a draft as scored now ----------------------------------------


@dataclass(frozen=True)
class MatrixView:
    """The rule set's 5×5 grid with its degrees and scale labels, for drawing."""

    degrees: tuple[tuple[str, I18nText, str], ...]  # (id, label, colour) low → high
    grid: tuple[tuple[str, ...], ...]  # grid[probability-1][impact-1] = degree id
    probability_labels: tuple[I18nText, ...]
    impact_labels: tuple[I18nText, ...]


@dataclass(frozen=True)
class MeasureRow:
    """One planned measure of the revision, as entered, with what the result made of it."""

    row: int  # 1-based, in the order entered
    problems: tuple[Problem, ...]  # why it could not be read at all (then it is left out of the score)
    result: MeasureResult | None  # as scored: counted, or not counted and why


@dataclass(frozen=True)
class ReviewEntry:
    review: ReviewView
    reviewer: str  # display name


@dataclass(frozen=True)
class ResultView:
    matter: MatterSummary
    revision: RevisionView
    assessment: Assessment | None
    provisional: bool  # scored now from a draft; nothing is frozen yet
    missing: int  # required answers still missing (a provisional result may change)
    problems: tuple[Problem, ...]  # what keeps a draft from being scored, or measures left out of it
    matrix: MatrixView
    stakeholders: QuestionView | None  # the stakeholder table with its column labels, if the kind has one
    stakeholder_dot: str | None  # the stakeholder graph (DOT), when stakeholders were entered
    stakeholder_summary: tuple[I18nText, ...]  # what the graph says, in sentences (empty without stakeholders)
    graph_labels: graph.GraphLabels  # the questionnaire's words for stances and relations, in the graph's language
    risk_link_dot: str | None  # the chains of factors that raised others (None: no factor was raised)
    responsibility: graph.ResponsibilityReport | None  # gaps and overloaded leaders (None: not scored)
    measure_rows: tuple[MeasureRow, ...]
    history: tuple[ReviewEntry, ...]  # every review action on the matter, oldest first


def result_view(uow: UnitOfWork, actor: Principal, matter_id: int, *, revision: int | None = None, lang: Lang = "zh",
                today: date | None = None, rules_dir: Path | str | None = None) -> ResultView:
    """A frozen revision's stored result; for a draft, a provisional score of what has been entered.
    `lang` is the language of the graphs' labels."""
    detail = submissions.get_matter(uow, actor, matter_id)
    ruleset = load_ruleset(rules_dir)
    kind = ruleset.kind(detail.summary.kind)
    rev = detail.current if revision is None else numbered(detail.revisions, revision, detail.summary.id)
    if rev.result is not None:
        assessment, provisional, missing, problems = Assessment.model_validate(rev.result), False, 0, ()
    else:
        provisional = True
        assessment, missing, problems = _provisional(ruleset, detail.summary.kind, rev, today or uow.now().date(),
                                                     rules_dir)
    table = _stakeholder_table(kind, rev.answers)
    analysis = _stakeholder_analysis(table, rev.answers)
    labels = _graph_labels(kind, lang)
    return ResultView(
        matter=detail.summary, revision=rev, assessment=assessment, provisional=provisional, missing=missing,
        problems=problems, matrix=_matrix_view(ruleset), stakeholders=table,
        stakeholder_dot=graph.stakeholder_dot(analysis, lang=lang, labels=labels) if analysis and analysis.groups
        else None,
        stakeholder_summary=analysis.summary if analysis and analysis.groups else (),
        graph_labels=labels,
        risk_link_dot=graph.risk_link_dot(assessment.factors, lang=lang,
                                          degree_colours={d.id: d.color for d in ruleset.matrix.degrees})
        if assessment else None,
        responsibility=graph.responsibility_check(assessment.factors, assessment.measures) if assessment else None,
        measure_rows=_measure_rows(rev.measures, problems, assessment),
        history=_history(uow, actor, matter_id, detail),
    )


def _stakeholder_analysis(table: QuestionView | None, answers: Mapping[str, Any]) -> graph.StakeholderAnalysis | None:
    rows = table.value if table is not None and isinstance(table.value, list) else []
    relations = answers.get("stakeholder_relations")
    if not rows:
        return None
    return graph.stakeholder_analysis(rows, relations if isinstance(relations, list) else None)


def _graph_labels(kind: Kind, lang: Lang) -> graph.GraphLabels:
    """The questionnaire's own words for stances and relations, for the graph's tooltips."""
    def labels(table: str, column: str) -> dict[str, str]:
        compiled = kind.question(table)
        found = [c for c in (compiled.question.columns or ()) if c.name == column] if compiled else []
        return {c.name: c.label.get(lang) for c in kind.choices_of(found[0])} if found else {}

    return graph.GraphLabels(stance=labels("stakeholders", "stance"), relation=labels("stakeholder_relations", "relation"))


def _measure_rows(measures: Sequence[Any], problems: Sequence[Problem],
                  assessment: Assessment | None) -> tuple[MeasureRow, ...]:
    """Each entered measure with its problems, or with its result. A measure with problems is left out of the
    score, so the result's numbers skip it."""
    scored = iter(assessment.measures if assessment else ())
    rows = []
    for row in range(1, len(measures) + 1):
        own = tuple(p for p in problems if p.where.id == "measures" and p.where.row == row)
        rows.append(MeasureRow(row, own, None if own else next(scored, None)))
    return tuple(rows)


def _history(uow: UnitOfWork, actor: Principal, matter_id: int, detail: MatterDetail) -> tuple[ReviewEntry, ...]:
    if not detail.reviews:
        return ()
    names = user_names(uow, actor, matter_id, [r.reviewer_id for r in detail.reviews])
    return tuple(ReviewEntry(r, names.get(r.reviewer_id, "-")) for r in detail.reviews)


def _stakeholder_table(kind: Kind, answers: Mapping[str, Any]) -> QuestionView | None:
    compiled = kind.question("stakeholders")
    if compiled is None or compiled.question.type != "table":
        return None
    return _question_view(kind, compiled, answers, {}, (), True)


def _provisional(ruleset: RuleSet, kind_id: str, rev: RevisionView, today: date,
                 rules_dir) -> tuple[Assessment | None, int, tuple[Problem, ...]]:
    kind = ruleset.kind(kind_id)
    full = validate_answers(kind, rev.answers)
    missing = sum(1 for p in full.problems if p.code is ErrorCode.ANS_REQUIRED)
    wrong = tuple(p for p in full.problems if p.code is not ErrorCode.ANS_REQUIRED)
    planned, measure_problems = _countable_measures(ruleset, rev.measures)
    if wrong:
        return None, missing, wrong + tuple(measure_problems)
    values = validate_answers(kind, rev.answers, partial=True).values
    assessment = score(ruleset, kind, values, planned, assessed_at=today, model=current_advisor(rules_dir))
    return assessment, missing, tuple(measure_problems)


def _countable_measures(ruleset: RuleSet, measures: Sequence[Mapping[str, Any]]):
    """The measures that validate one by one (a wrong one is reported and left out of a provisional score)."""
    planned, problems = [], []
    for row, measure in enumerate(measures, start=1):
        ok, found = validate_measures(ruleset, [measure])
        planned += ok
        problems += [_renumbered(p, row) for p in found]
    return planned, problems


def _renumbered(problem: Problem, row: int) -> Problem:
    params = {**problem.params, "row": row} if "row" in problem.params else problem.params
    return Problem(problem.code, params, replace(problem.where, row=row))


def _matrix_view(ruleset: RuleSet) -> MatrixView:
    scales = ruleset.info.scales
    return MatrixView(
        degrees=tuple((d.id, d.label, d.color) for d in ruleset.matrix.degrees),
        grid=tuple(tuple(row) for row in ruleset.matrix.grid),
        probability_labels=tuple(s.label for s in scales.probability),
        impact_labels=tuple(s.label for s in scales.impact),
    )


def submit(uow: UnitOfWork, actor: Principal, matter_id: int, *, expected_version: int,
           rules_dir: Path | str | None = None) -> MatterSummary:
    return submissions.submit(uow, actor, matter_id, RulesScorer(rules_dir), expected_version=expected_version)


# --- measures ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LibraryOption:
    id: str
    name: I18nText
    description: I18nText | None
    typical_unit: I18nText | None
    factors: tuple[str, ...]  # the identified factors it lowers (empty: it lowers none of them)


@dataclass(frozen=True)
class MeasureOptions:
    library: tuple[LibraryOption, ...]  # those lowering an identified factor first
    factors: dict[str, I18nText]  # identified factor → name (what a written measure may address)
    max_custom_drop: int


def measure_options(view: ResultView, *, rules_dir: Path | str | None = None) -> MeasureOptions:
    """What a measure may be picked from or aimed at, for a result the actor already has (result_view checked
    the permission): the library measures for this kind of matter, those lowering an identified factor first."""
    ruleset = load_ruleset(rules_dir)
    identified = {f.factor: f.name for f in view.assessment.factors} if view.assessment else {}
    possible = {r.rule.factor for r in ruleset.kind(view.matter.kind).rules}  # what this kind's rules can identify
    options = [LibraryOption(m.id, m.name, m.description, m.typical_unit, tuple(f for f in m.lowers if f in identified))
               for m in ruleset.measures.values() if m.lowers.keys() <= possible]  # none aimed at another kind's
    options.sort(key=lambda o: (not o.factors, o.id))
    return MeasureOptions(tuple(options), identified, ruleset.info.residual.custom_measure_max_drop)


def measure_name(measure: Mapping[str, Any], lang: Lang, rules_dir: Path | str | None = None) -> str:
    """A planned measure in words: its own text, else its library entry's name."""
    words = measure.get("text")
    if isinstance(words, Mapping):
        return str(words.get(lang) or words.get("zh") or "")
    if isinstance(words, str):
        return words
    known = load_ruleset(rules_dir).measures.get(str(measure.get("measure") or ""))
    return known.name.get(lang) if known else str(measure.get("measure") or "")


def measure_line(measure: Any, lang: Lang, rules_dir: Path | str | None = None) -> str:
    """A planned measure on one line (what changed between revisions): its words, unit, leader and deadline."""
    if not isinstance(measure, Mapping):
        return "—" if measure is None else str(measure)
    fields = (("unit", "result.measure.unit"), ("leader", "result.measure.leader"), ("deadline", "result.measure.deadline"))
    parts = [measure_name(measure, lang, rules_dir)] + [f"{t(key, lang)}{t('punct.colon', lang)}{measure[name]}"
                                                         for name, key in fields if measure.get(name)]
    return t("punct.semicolon", lang).join(parts)


def save_measures(uow: UnitOfWork, actor: Principal, matter_id: int, measures: Sequence[Mapping[str, Any]], *,
                  expected_version: int, rules_dir: Path | str | None = None) -> ResultView:
    """Replace the draft's measures and give back the result with the residual risk they leave."""
    submissions.save_measures(uow, actor, matter_id, measures, expected_version=expected_version)
    return result_view(uow, actor, matter_id, rules_dir=rules_dir)


# --- follow-up in scope -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpRow:
    item: FollowUpView
    matter: MatterSummary
    name: I18nText  # the measure in words (a library measure's follow-up is titled by its id)


def followups_in_scope(uow: UnitOfWork, actor: Principal, *, rules_dir: Path | str | None = None) -> list[FollowUpRow]:
    """Every measure under follow-up in the actor's scope, overdue ones first, then by due date."""
    require(actor, Action.VIEW)
    library = load_ruleset(rules_dir).measures
    with uow:
        today = uow.now().date()
        pairs = uow.followups.in_scope(actor.scope())
        units = uow.units.by_ids(m.unit_id for _, m in pairs)
        rows = [FollowUpRow(FollowUpView.of(f, today), MatterSummary.of(m, units[m.unit_id]),
                            library[f.title].name if f.title in library else I18nText(zh=f.title, en=f.title))
                for f, m in pairs]
    return sorted(rows, key=lambda r: (not r.item.overdue, r.item.due_date or date.max, r.item.id))


@dataclass(frozen=True)
class OpenMeasures:
    open: int  # planned or in progress
    overdue: int


def open_measures(rows: Sequence[FollowUpRow]) -> dict[int, OpenMeasures]:
    """Matter id → its measures still open and, of those, overdue (matters with none open are left out)."""
    counts: dict[int, list[int]] = {}
    for row in rows:
        if row.item.status in OPEN_STATUSES:
            counts.setdefault(row.matter.id, [0, 0])
            counts[row.matter.id][0] += 1
            counts[row.matter.id][1] += row.item.overdue
    return {matter: OpenMeasures(*pair) for matter, pair in counts.items()}


# --- people named on a matter -----------------------------------------------------------------------------


def user_names(uow: UnitOfWork, actor: Principal, matter_id: int, user_ids: Sequence[int]) -> dict[int, str]:
    """Display names of the users who acted on a matter the actor may see."""
    with uow:
        load_matter(uow, actor, matter_id, Action.VIEW)
        users = (uow.users.get(i) for i in set(user_ids))
        return {u.id: u.display_name for u in users if u is not None}


# --- downloads --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Download:
    filename: str
    content: bytes
    mime: str


MIME = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "pdf": "application/pdf", "json": "application/json"}


def download(uow: UnitOfWork, actor: Principal, matter_id: int, fmt: str, lang: Lang = "zh") -> Download:
    """The report of the matter's newest submitted revision (reports.generate_report checks the permission)."""
    filename, content = generate_report(uow, actor, matter_id, fmt=fmt, lang=lang)
    return Download(filename, content, MIME[fmt])
