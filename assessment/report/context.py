"""The report's content: a pure function from an Assessment, its rule set and a language to plain data.

Every string is written out here, in the report's language, so the Word template only places text; the
outline is that of DESIGN.md §7 (NDRC 428号 and the practice of local 稳评 reports). Nothing here reads a
clock, a file or a database: the same inputs give the same context.

The learned model's opinion, when the Assessment carries one, is reported as a labelled second opinion
beside the rules' level, never as the level.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from assessment.domain.i18n_text import I18nText, Lang
from assessment.domain.result import (
    Assessment, FactorResult, FloorApplied, MeasureResult, ModelReason, StageResult,
)
from assessment.domain.ruleset import LEVELS, RuleSet
from assessment import graph
from assessment.graph import responsibility_check
from assessment.i18n import t
from assessment.report.values import AnswerText, format_date, format_number, format_percent, tidy
from assessment.report.wording import PHRASES

SURVEY_FIGURES = ("survey_distributed", "survey_returned", "response_rate", "awareness_rate", "support_rate",
                  "opposition_rate", "forums_held", "hearing_held", "public_notice_days", "expert_review")
OVERVIEW_SECTIONS = ("matter", "responsibility", "population", "four_checks", "participation", "environment",
                     "stakeholders", "control")  # the common questionnaire; the kind's own sections follow
PLAN_READY = ("approved", "drilled")
# "江北区住房和城乡建设局（区房屋征收部门）" and "江北区住房和城乡建设局" are one unit
_QUALIFIER = re.compile(r"\s*[（(][^（）()]*[)）]\s*$")
LOG_SCALE = "_log10"  # a model feature on a log scale is named by the answer it is computed from
FINGERPRINT_SHOWN = 16  # characters in the body; attachment 3 gives all 64, which would not wrap in a line
MAIN_FACTORS = 5  # named in the conclusion
CHINESE_NUMERALS = "一二三四五六七八九十"


def build_context(assessment: Assessment, ruleset: RuleSet, *, lang: Lang = "zh", unit_name: str | None = None,
                  notes: Sequence[I18nText] = ()) -> dict[str, Any]:
    """Everything the template shows. ``unit_name`` stands in for an unanswered assessing body;
    ``notes`` are extra remarks for chapter 9 (a reviewer's override, say)."""
    r = _Reader(assessment, ruleset, lang, unit_name)
    return {
        "lang": lang,
        "cover": _cover(r),
        "lead": [_lead(r)],
        "overview": _overview(r),
        "basis": _basis(r),
        "process": _process(r),
        "scales": _scales(r),
        "bands": _bands(r),
        "survey": _survey(r),
        "identification": _identification(r),
        "factors": [_factor_row(r, number, f) for number, f in enumerate(assessment.factors, start=1)],
        "estimation": _estimation(r),
        "weights": _weights(r),
        "natures": _natures(r),
        "measures": [_measure_row(r, m) for m in assessment.measures],
        "measures_text": _measures_text(r),
        "after": _after(r),
        "overall": _overall(r),
        "conclusion": _conclusion(r, notes),
        "signature": {"unit": r.assessing_body, "date": format_date(assessment.assessed_at, lang)},
        "annex": _annex(r),
        "charts": _charts(r),
    }


class _Reader:
    """The assessment, its answers and the phrases of one language, with small helpers for sentences."""

    def __init__(self, assessment: Assessment, ruleset: RuleSet, lang: Lang, unit_name: str | None):
        self.a = assessment
        self.ruleset = ruleset
        self.lang = lang
        self.phrases = PHRASES[lang]
        self.kind = ruleset.kinds.get(assessment.kind)
        self.answer_text = AnswerText(self.kind, lang)
        self.numbers = {f.factor: n for n, f in enumerate(assessment.factors, start=1)}
        self.assessing_body = self.raw("assessing_body") or unit_name or "—"
        # one problem, one leader, one plan: factors without a measure that counts, leaders with too many
        self.duty = responsibility_check(assessment.factors, assessment.measures)

    def __call__(self, key: str, **values: Any) -> str:
        return self.phrases[key].format(**values)

    def raw(self, name: str) -> Any:
        value = self.a.answers.get(name)
        return None if value in ("", []) else value

    def answer(self, name: str) -> str | None:
        """The answer as text for a sentence, with unit and labels; None when unanswered."""
        value = self.raw(name)
        return None if value is None else self.answer_text.text(name, value, inline=True)

    def optional(self, key: str, **names: str) -> str | None:
        """The phrase filled with the named answers, or None when one of them is unanswered. A number is
        also given bare, as ``{slot_n}``, for a phrase that names what it counts in its own words."""
        values = {slot: self.answer(name) for slot, name in names.items()}
        if None in values.values():
            return None
        numbers = {f"{slot}_n": format_number(self.raw(name)) for slot, name in names.items()
                   if isinstance(self.raw(name), (int, float)) and not isinstance(self.raw(name), bool)}
        return self(key, **values, **numbers)

    def join(self, items: Iterable[str]) -> str:
        """"a、b、c"; in English "a, b and c" ("a, b, and c" when an item may hold an "and" itself)."""
        items = list(items)
        if len(items) < 2 or not self.phrases["list_last"]:
            return self("list_join").join(items)
        last = self("list_last") if len(items) == 2 else self("list_join").rstrip() + self("list_last")
        return self("list_join").join(items[:-1]) + last + items[-1]

    def counted(self, key: str, name: str) -> str | None:
        """The phrase for a count answer: ``count`` is the answer with its unit ("7件次"), ``number`` the bare
        number; English has a ``…_one`` phrase for a count of one. None when unanswered."""
        value = self.raw(name)
        if value is None:
            return None
        one = f"{key}_one"
        return self(one if value == 1 and one in self.phrases else key, count=self.answer(name),
                    number=format_number(value))

    def sentence(self, clauses: Iterable[str | None]) -> str | None:
        """Clauses joined by semicolons into one sentence; None when there are none."""
        present = [c for c in clauses if c]
        if not present:
            return None
        text = self("sentence_join").join(present)
        return (text[0].upper() + text[1:] if self.lang == "en" else text) + self("paragraph_end")

    def level(self, level: str) -> str:
        """The rule set's name for a level ("medium risk" mid-sentence in English)."""
        band = next((b for b in self.ruleset.info.thresholds.bands if b.level == level), None)
        return band.label.get(self.lang) if band else t(f"level.{level}", self.lang)

    def sentences(self, *parts: str | None) -> str:
        """Whole sentences run together: nothing between them in Chinese, a space in English."""
        return self("sentence_space").join(p for p in parts if p)

    def verdict(self, verdict: str) -> str:
        return t(f"verdict.{verdict}", self.lang)

    def degree(self, degree: str) -> str:
        found = next((d for d in self.ruleset.matrix.degrees if d.id == degree), None)
        return found.label.get(self.lang) if found else degree

    def probability(self, level: int) -> str:
        return self.ruleset.info.scales.probability[level - 1].label.get(self.lang)

    def impact(self, level: int) -> str:
        return self.ruleset.info.scales.impact[level - 1].label.get(self.lang)

    def factor_names(self, factors: Iterable[FactorResult]) -> str:
        return self.join(f.name.get(self.lang) for f in factors)

    def numbered(self, key: str, items: Sequence[dict[str, Any]]) -> list[str]:
        """"1. …；" items, the last one closed with a full stop."""
        return [self(key, number=n, end=self("paragraph_end" if n == len(items) else "item_end"), **item)
                for n, item in enumerate(items, start=1)]

    def means(self) -> list[str]:
        """How opinions were heard, as the answers say."""
        spoken = [("means_survey", (self.raw("survey_distributed") or 0) > 0),
                  ("means_forums", (self.raw("forums_held") or 0) > 0),
                  ("means_hearing", self.raw("hearing_held") is True),
                  ("means_notice", (self.raw("public_notice_days") or 0) > 0),
                  ("means_expert", self.raw("expert_review") is True)]
        return [self(key) for key, used in spoken if used] or [self("means_documents")]


# --- cover and lead


def _cover(r: _Reader) -> dict[str, str]:
    matter = _matter(r)
    return {
        "title": r("title", matter=matter),
        "matter": matter,  # the title in two parts, set in lines by docx.py
        "report": r("title_report"),
        "unit": r.assessing_body,
        "implementer": r.raw("implementing_body") or "",
        "date": format_date(r.a.assessed_at, r.lang),
        # the name and version only: an id on the cover would break mid-word (it is in attachment 3)
        "ruleset": r("cover_ruleset", name=_ruleset_name(r), version=r.a.ruleset.version),
    }


def _ruleset_name(r: _Reader) -> str:
    return r.ruleset.info.name.get(r.lang) if r.ruleset.info.id == r.a.ruleset.id else r.a.ruleset.id


def _matter(r: _Reader) -> str:
    return r.a.matter_name or r.raw("matter_name") or r.a.kind_title.get(r.lang)


def _lead(r: _Reader) -> str:
    return r("lead", subject=_subject(r), matter=_matter(r), means=r.join(r.means()))


def _subject(r: _Reader) -> str:
    implementer = r.raw("implementing_body")
    if r.raw("third_party") is True:
        if implementer:
            return r("subject_third_party", assessing=r.assessing_body, implementer=implementer)
        return r("subject_third_party_unnamed", assessing=r.assessing_body)
    if implementer and not _same_unit(implementer, r.assessing_body):
        return r("subject_implementer", assessing=r.assessing_body, implementer=implementer)
    return r.assessing_body


# --- 一、评估事项概况


def _overview(r: _Reader) -> dict[str, list[str]]:
    return {"basic": _basic_facts(r), "content": _content(r), "environment": _environment(r)}


def _basic_facts(r: _Reader) -> list[str]:
    decision = r("decision", matter=_matter(r), decision_body=r.answer("decision_body") or "—",
                 location=r.answer("location") or "—")
    money = r.optional("investment", investment="investment", funding="funding_source") \
        or r.optional("investment_only", investment="investment")
    first = r.sentences(decision, money, r.optional("start", start="planned_start"),
                        r("ndrc") if r.raw("ndrc_project") is True else None)
    owners = r.optional("owners", owner="project_owner", department="competent_department", locality="locality")
    return [p for p in (first, owners) if p]


def _content(r: _Reader) -> list[str]:
    paragraphs = _lines(r.raw("matter_summary"))
    for question in _own_long_texts(r):
        for line in _lines(r.raw(question.name)):
            paragraphs.append(r("labelled", label=_bare_label(question.label.get(r.lang)), text=line))
    if r.kind and len(r.kind.sections) > len(OVERVIEW_SECTIONS):
        paragraphs.append(r("details"))
    return paragraphs


def _own_long_texts(r: _Reader) -> list:
    if r.kind is None:
        return []
    return [q for s in r.kind.sections if s.id not in OVERVIEW_SECTIONS for q in s.questions
            if q.type == "text" and q.multiline and r.raw(q.name)]


def _bare_label(label: str) -> str:
    return label.rstrip("：:？?")


def _lines(text: Any) -> list[str]:
    """A multi-line answer as paragraphs, blank lines dropped (see values.tidy)."""
    if not isinstance(text, str):
        return []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [tidy(line.strip()) for line in lines if line.strip()]


def _environment(r: _Reader) -> list[str]:
    population = r.optional("population", households="households_affected", people="people_affected")
    if population:
        population += r.optional("vulnerable", vulnerable="vulnerable_households") or ""
        if r.raw("vulnerable_households"):
            support = r.raw("vulnerable_support")
            population += r("vulnerable_support") if support is True else r("vulnerable_no_support") if support is False else ""
    setting = r.sentence([
        r.counted("petitions", "petitions_12m"),
        r.counted("collective", "collective_petitions_3y"),
        r.counted("incidents", "mass_incidents_3y"),
        _yes_no(r, "legacy_disputes", "legacy_yes", "legacy_no"),
        r.counted("extreme", "extreme_individuals"),
        r.optional("media", media="media_attention"),
        _yes_no(r, "negative_online", "online_yes", "online_no"),
    ])
    return [p for p in (r.sentence([population]), setting) if p]


def _same_unit(a: str, b: str) -> bool:
    return _QUALIFIER.sub("", a) == _QUALIFIER.sub("", b)


def _units(names: Iterable[Any], *, besides: Sequence[str] = ()) -> list[str]:
    """The named units, each once (the first spelling kept), without those ``besides``."""
    found: list[str] = []
    for name in names:
        if name and not any(_same_unit(name, other) for other in [*besides, *found]):
            found.append(name)
    return found


def _yes_no(r: _Reader, name: str, yes: str, no: str) -> str | None:
    value = r.raw(name)
    return r(yes) if value is True else r(no) if value is False else None


# --- 二、评估依据


def _basis(r: _Reader) -> dict[str, list[str]]:
    sources = [{"source": s.get(r.lang)} for s in r.ruleset.info.sources]
    info = r.ruleset.info
    standard = [r("standard", name=_ruleset_name(r), id=r.a.ruleset.id, version=r.a.ruleset.version,
                  effective=format_date(info.effective, r.lang), locality=info.locality.get(r.lang)),
                r("fingerprint", hash=r.a.ruleset.content_hash[:FINGERPRINT_SHOWN])]
    opinions = [m for m in r.means() if m not in (r("means_expert"), r("means_documents"))]
    materials = [r("material_plan")]
    if opinions:
        materials.append(r("material_opinions", means=r.join(opinions)))
    materials += [r("material_environment"), r("material_answers")]
    return {
        "sources": r.numbered("source", sources) or [r("no_sources")],
        "standard": standard,
        "materials": r.numbered("materials", [{"text": text} for text in materials]),
    }


# --- 三、评估主体、过程和方法


def _process(r: _Reader) -> dict[str, list[str]]:
    return {"subject": [_subject_paragraph(r)], "steps": _steps(r), "method": _method(r),
            "floors": _floor_rules(r), "caveats": [r("caveat", text=c.get(r.lang)) for c in r.a.caveats]}


def _subject_paragraph(r: _Reader) -> str:
    implementer = r.raw("implementing_body")
    if r.raw("third_party") is True:
        clause = r("implementer_third_party", name=implementer) if implementer else r("implementer_third_party_unnamed")
    else:
        same = implementer and _same_unit(implementer, r.assessing_body)
        clause = r("implementer_self", name=implementer) if implementer and not same else ""
    text = r("subject", assessing=r.assessing_body, implementer=clause)
    helpers = _units((r.raw(n) for n in ("project_owner", "competent_department", "locality")),
                     besides=[r.assessing_body])
    leader = r.raw("lead_official")
    if leader:
        text = r.sentences(text, r("leader", leader=leader) + (r("helpers", units=r.join(helpers)) if helpers else "")
                           + r("paragraph_end"))
    return text


def _steps(r: _Reader) -> list[str]:
    figures = ""
    if r.raw("survey_distributed"):
        figures = r.optional("survey_counts", distributed="survey_distributed", returned="survey_returned",
                             rate="response_rate") or ""
    return [
        r("step_prepare"),
        r("step_survey", means=r.join(r.means()), figures=figures).rstrip(),
        r("step_expert_yes") if r.raw("expert_review") is True else r("step_expert_no"),
        r("step_estimate"),
        r("step_measures"),
        r("step_report", date=format_date(r.a.assessed_at, r.lang)),
    ]


def _method(r: _Reader) -> list[str]:
    residual = r.ruleset.info.residual
    degrees = r.join(d.label.get(r.lang) for d in r.ruleset.matrix.degrees)
    lines = [r("method_intro"), r("method_identify"), r("method_single", degrees=degrees), r("method_index"),
             r("method_level"),
             r("method_residual", probability=residual.max_probability_drop, impact=residual.max_impact_drop,
               custom=residual.custom_measure_max_drop)]
    if any(f.raised_by for f in r.a.factors):
        lines.append(r("method_propagation"))
    return lines


def _floor_rules(r: _Reader) -> list[str]:
    """The floors of this kind of matter, in words: degree floors exactly, the kind's own ones counted."""
    floors = [c.floor for c in r.kind.floors] if r.kind else []
    if not floors:
        return [r("floors_none")]
    items = []
    for floor in floors:
        if floor.type == "critical":
            items.append(("floor_critical", {"level": r.level(floor.min_level)}))
        elif floor.type == "degree":
            items.append(("floor_degree_one" if floor.count == 1 else "floor_degree_many",
                          {"count": floor.count, "degree": r.degree(floor.degree), "level": r.level(floor.min_level)}))
    conditions = sum(f.type == "condition" for f in floors)
    if conditions:
        items.append(("floor_conditions", {"count": conditions}))
    return [r("floors_intro", count=len(floors)), *(
        r(key, number=n, end=r("paragraph_end" if n == len(items) else "item_end"), **values)
        for n, (key, values) in enumerate(items, start=1))]


def _scales(r: _Reader) -> list[dict[str, str]]:
    scales = r.ruleset.info.scales
    rows = []
    for probability, impact in zip(scales.probability, scales.impact):
        rows.append({
            "level": str(probability.level),
            "value": format_number(probability.value) if probability.value == impact.value
            else f"{format_number(probability.value)} / {format_number(impact.value)}",
            "probability": _scale_text(r, probability),
            "impact": _scale_text(r, impact),
        })
    return rows


def _scale_text(r: _Reader, step) -> str:
    label = step.label.get(r.lang)
    return r("scale_step", label=label, description=step.description.get(r.lang)) if step.description else label


def _bands(r: _Reader) -> list[dict[str, str]]:
    bands = r.ruleset.info.thresholds.bands
    rows = []
    for i, band in enumerate(bands):
        low, high = format_number(band.min_index), format_number(bands[i + 1].min_index) if i + 1 < len(bands) else None
        key = "band_range_low" if i == 0 else "band_range_top" if high is None else "band_range_mid"
        rows.append({"level": band.label.get(r.lang), "range": r(key, low=low, high=high),
                     "meaning": r(f"band_{band.level}")})
    return rows


# --- 四、风险调查


def _survey(r: _Reader) -> dict[str, Any]:
    groups = _groups(r)
    return {
        "scope": [_scope(r, groups)],
        "results": [p for p in (_rates(r), _activities(r)) if p],
        "figures": [{"item": _bare_label(r.answer_text.label(n)), "value": r.answer(n)}
                    for n in SURVEY_FIGURES if r.raw(n) is not None],
        "concerns": [r("concerns"), *_lines(r.raw("main_concerns"))] if r.raw("main_concerns") else [r("no_concerns")],
        "stakeholders": _stakeholder_text(r, groups),
        "groups": groups,
    }


def _scope(r: _Reader, groups: list) -> str:
    extra = r("scope_groups", count=len(groups)) if groups else ""
    return r("scope", households=r.answer("households_affected") or "—", people=r.answer("people_affected") or "—",
             means=r.join(r.means()), groups=extra)


def _rates(r: _Reader) -> str | None:
    return r.optional("results_rates", awareness="awareness_rate", support="support_rate", opposition="opposition_rate")


def _activities(r: _Reader) -> str | None:
    if r.raw("forums_held") is None or r.raw("public_notice_days") is None:
        return None
    return r("results_activities", forums=r.counted("forums_count", "forums_held"), notice=r.answer("public_notice_days"),
             hearing=r("hearing_yes" if r.raw("hearing_held") else "hearing_no"),
             expert=r("expert_yes" if r.raw("expert_review") else "expert_no"))


def _stakeholder_rows(r: _Reader) -> list[dict[str, Any]]:
    rows = r.raw("stakeholders")
    return [row for row in rows if isinstance(row, dict)] if isinstance(rows, list) else []


def _groups(r: _Reader) -> list[dict[str, str]]:
    cell = r.answer_text.cell
    return [{
        "name": str(row.get("group") or "—"),
        "kind": cell("stakeholders", "kind", row.get("kind")),
        "size": cell("stakeholders", "size", row.get("size")),
        "stance": cell("stakeholders", "stance", row.get("stance")),
        "demands": cell("stakeholders", "demands", row.get("demands")),
    } for row in _stakeholder_rows(r)]


def _stakeholder_text(r: _Reader, groups: list) -> list[str]:
    rows = _stakeholder_rows(r)
    if not rows:
        return [r("no_groups")]
    stances = Counter(row.get("stance") for row in rows)
    text = [r("groups", count=len(rows), **{s: stances.get(s, 0) for s in graph.STANCES})]
    analysis = graph.stakeholder_analysis(rows, r.raw("stakeholder_relations"))
    text += [r("groups_map"), *(_closed(r, s.get(r.lang)) for s in analysis.summary)]
    return text


def _closed(r: _Reader, sentence: str) -> str:
    return sentence if sentence[-1:] in "。.；;" else sentence + r("paragraph_end")


# --- 五、风险识别 and the factor tables of 六 and 八


def _identification(r: _Reader) -> list[str]:
    factors = r.a.factors
    if not factors:
        return [r("identified_none")]
    categories = Counter(f.category_name.get(r.lang) for f in factors)
    natures = Counter(f.nature for f in factors)
    nature_names = {v.nature: v.label.get(r.lang) for v in r.a.before.natures}
    return [r("identified", count=len(factors),
              categories=r.join(r("category_count", name=n, count=c) for n, c in categories.items()),
              natures=r.join(r("nature_count", name=nature_names.get(n, n), count=natures[n])
                             for n in nature_names if natures[n]))]


def _factor_row(r: _Reader, number: int, f: FactorResult) -> dict[str, str]:
    total = sum(x.weight for x in r.a.factors)
    share = f.weight / total
    return {
        "no": str(number),
        "category": f.category_name.get(r.lang),
        "name": f.name.get(r.lang),
        "basis": _identification_basis(r, f),
        "probability": r.probability(f.probability),
        "impact": r.impact(f.impact),
        "risk": f"{f.risk:.2f}",
        "degree": r.degree(f.degree),
        "weight": format_number(f.weight),
        "share": f"{share:.3f}",
        "weighted": f"{share * f.risk:.3f}",
        "after_risk": f"{f.residual_risk:.2f}",
        "after_degree": r.degree(f.residual_degree),
        "measures": r("list_join").join(str(n) for n in f.measures) or "—",  # a table cell: "1, 2", not "1 and 2"
    }


def _evidence_label(r: _Reader, name: str) -> str:
    """A question's label, or for a value derived from the answers (a stakeholder metric) its own name."""
    if r.answer_text.question(name) is None:
        metric = graph.STAKEHOLDER_METRICS.get(name)
        if metric is not None:
            return metric.get(r.lang)
    return _bare_label(r.answer_text.label(name))


def _identification_basis(r: _Reader, f: FactorResult) -> str:
    rules = r("rule_also", rule=f.rule, others=r.join(f.also_fired)) if f.also_fired else f.rule
    lines = [f.because.get(r.lang), r("basis_rule", rules=rules)]
    if f.raised_because:
        lines.append(f.raised_because.get(r.lang))
    evidence = [r("evidence", label=_evidence_label(r, name), value=r.answer_text.text(name, value, inline=True))
                for name, value in f.evidence.items() if value is not None]
    if evidence:
        lines.append(r("basis_evidence", evidence=r("sentence_join").join(evidence)))
    return "\n".join(lines)


# --- 六、风险估计


def _estimation(r: _Reader) -> dict[str, list[str]]:
    before = r.a.before
    return {
        "single": [_single(r)],
        "matrix": [r("matrix")],
        "index": [r("index", index=f"{before.index:.3f}")],
        "natures": _natures_text(r),
        "level": _level_text(r, before, "before"),
    }


def _single(r: _Reader) -> str:
    if not r.a.factors:
        return r("single_none")
    counts = Counter(f.degree for f in r.a.factors)
    ranked = sorted(counts, key=r.ruleset.degree_rank, reverse=True)
    return r("single", degrees=r.join(r("degree_count", name=r.degree(d), count=counts[d]) for d in ranked))


def _weights(r: _Reader) -> dict[str, str]:
    total = sum(f.weight for f in r.a.factors)
    return {"total": format_number(total) if total else "—", "share": "1.000" if total else "—",
            "index": f"{r.a.before.index:.3f}"}


def _natures(r: _Reader) -> list[dict[str, str]]:
    after = {v.nature: v for v in r.a.after.natures}
    separator = r("sentence_join")
    return [{
        "name": v.label.get(r.lang),
        "before": r.verdict(v.verdict),
        "reasons": separator.join(reason.get(r.lang) for reason in v.reasons),
        "after": r.verdict(after[v.nature].verdict) if v.nature in after else "—",
    } for v in r.a.before.natures]


def _natures_text(r: _Reader) -> list[str]:
    verdicts = r.a.before.natures
    summary = r("natures_summary", verdicts=r.join(
        r("nature_verdict", name=v.label.get(r.lang), verdict=r.verdict(v.verdict)) for v in verdicts))
    failing = [r("natures_fail", name=v.label.get(r.lang), reasons=r.join(x.get(r.lang) for x in v.reasons))
               for v in verdicts if v.verdict == "fail"]
    return [summary, *failing]


def _level_text(r: _Reader, stage: StageResult, which: str) -> list[str]:
    by_index = r("level_by_index" if which == "before" else "level_by_index_after", level=r.level(stage.level_by_index))
    lines = [by_index]
    if stage.floors:
        lines[0] = r.sentences(lines[0], r("floors_applied"))
        # the floors' ids are listed in attachment 3, not in the sentences
        lines += [r("floor_applied", number=n, because=_unclosed(f.because.get(r.lang)), level=_floor_level(r, f))
                  for n, f in enumerate(stage.floors, start=1)]
    meaning = r("meaning", text=r(f"band_{stage.level}"))
    lines.append(r(f"level_{which}", level=r.level(stage.level), meaning=meaning))
    return lines


def _floor_level(r: _Reader, floor: FloorApplied) -> str:
    """", 不低于中风险" unless the floor's reason says so already."""
    level = r.level(floor.min_level)
    return "" if level in floor.because.get(r.lang) else r("floor_level", level=level)


def _unclosed(sentence: str) -> str:
    return sentence.rstrip("。.；;")


# --- 七、防范化解措施


def _measure_row(r: _Reader, m: MeasureResult) -> dict[str, str]:
    named = [f for f in r.a.factors if f.factor in m.factors]
    unit = m.unit or r("not_set")
    if m.supporting_units:
        unit += "\n" + r("supporting", units=m.supporting_units)
    return {
        "no": str(m.number),
        "text": m.text.get(r.lang),
        "factors": "\n".join(f"{r.numbers[f.factor]}. {f.name.get(r.lang)}" for f in named) or "—",
        "unit": unit,
        "leader": m.leader or r("not_set"),
        "deadline": format_date(m.deadline, r.lang, narrow=True) if m.deadline else r("not_set"),
    }


def _measures_text(r: _Reader) -> dict[str, list[str]]:
    measures = r.a.measures
    intro = [r("measures_intro", count=len(measures))] if measures else [r("measures_none")]
    gaps = [r("measure_gap", number=m.number, reasons=r.join(x.get(r.lang) for x in m.not_counted_because))
            for m in measures if not m.counted]
    who = r.assessing_body
    if r.raw("locality") and not _same_unit(r.raw("locality"), who):
        who = r("require_supervise_who", assessing=who, locality=r.raw("locality"))
    return {
        "intro": intro,
        "notes": gaps + _duty_check(r) if measures else [],
        "requirements": [r("require_duty"), r("require_supervise", who=who), r("require_explain"), r("require_track")],
        "emergency": _emergency_status(r),
    }


def _duty_check(r: _Reader) -> list[str]:
    """What the responsibility check found, or that it found nothing."""
    if r.duty.ok:
        return [r("duty_ok")]
    lines = []
    if r.duty.gaps:
        lines.append(r("duty_gaps", factors=_gap_names(r)))
    lines += [r("duty_overloaded", leader=load.leader, count=len(load.measures),
                numbers=r.join(str(n) for n in load.measures)) for load in r.duty.overloaded]
    return lines


def _gap_names(r: _Reader) -> str:
    by_id = {f.factor: f for f in r.a.factors}
    return r.join(r("duty_gap_factor", name=by_id[g.factor].name.get(r.lang), degree=r.degree(g.degree))
                  for g in r.duty.gaps)


def _emergency_status(r: _Reader) -> list[str]:
    lines = [r("emergency", plan=r.answer("emergency_plan") or r("not_set"),
               team=r("team_yes" if r.raw("response_team") else "team_no"),
               channel=r("channel_yes" if r.raw("grievance_channel") else "channel_no"))]
    if r.raw("emergency_plan") not in PLAN_READY:
        lines.append(r("plan_missing"))
    return lines


# --- 八、落实措施后的风险等级


def _after(r: _Reader) -> dict[str, list[str]]:
    before, after = r.a.before, r.a.after
    return {
        "factors": [_after_factors(r)] + _attention(r),
        "matrix": [r("matrix_after")],
        "overall": [r("after_overall", before=f"{before.index:.3f}", after=f"{after.index:.3f}")],
        "level": _level_text(r, after, "after"),
    }


def _after_factors(r: _Reader) -> str:
    rank = r.ruleset.degree_rank
    lowered = sum(rank(f.residual_degree) < rank(f.degree) for f in r.a.factors)
    changes = [r("after_lowered", count=lowered) if lowered else None,
               r("after_unchanged", count=len(r.a.factors) - lowered) if len(r.a.factors) > lowered else None]
    return r("after_factors", changes=r.sentence(changes) or "").rstrip()


def _serious(r: _Reader, degree: str) -> bool:
    """Of the matrix's two highest degrees (较大 and 重大 in the default rule set)."""
    return r.ruleset.degree_rank(degree) >= len(r.ruleset.matrix.degrees) - 2


def _still_high(r: _Reader) -> list[FactorResult]:
    return [f for f in r.a.factors if _serious(r, f.residual_degree)]


def _attention(r: _Reader) -> list[str]:
    high = _still_high(r)
    return [r("after_attention", names=r.factor_names(high))] if high else []


def _overall(r: _Reader) -> dict[str, Any]:
    before, after = r.a.before, r.a.after
    return {
        "index": {"before": f"{before.index:.3f}", "after": f"{after.index:.3f}"},
        "by_index": {"before": r.level(before.level_by_index), "after": r.level(after.level_by_index)},
        "floors": {"before": _floor_cell(r, before.floors), "after": _floor_cell(r, after.floors)},
        "level": {"before": r.level(before.level), "after": r.level(after.level)},
        "natures": [{"name": row["name"], "before": row["before"], "after": row["after"]} for row in _natures(r)],
    }


def _floor_cell(r: _Reader, floors: Sequence[FloorApplied]) -> str:
    if not floors:
        return r("floors_row_none")
    highest = max((f.min_level for f in floors), key=LEVELS.index)
    return r("floors_row", level=r.level(highest), count=len(floors))


# --- 九、评估结论和建议


def _conclusion(r: _Reader, notes: Sequence[I18nText]) -> dict[str, list[str]]:
    return {"findings": _findings(r), "advice": _advice(r), "notes": _notes(r, notes), "model": _model(r)}


def _findings(r: _Reader) -> list[str]:
    a = r.a
    lines = [r("finding", before=r.level(a.before.level), after=r.level(a.after.level))]
    main = _main_factors(r)
    if main:
        lines.append(r("main_factors", names=r.factor_names(main)))
    decision = a.decision
    lines.append(r("decision_advice", policy=decision.policy_label.get(r.lang),
                   decision=t(f"decision.{decision.decision}", r.lang), text=decision.text.get(r.lang)))
    return lines


def _main_factors(r: _Reader) -> list[FactorResult]:
    """Factors of the two highest degrees before measures; else the riskiest three."""
    serious = [f for f in r.a.factors if _serious(r, f.degree)]
    return (serious or list(r.a.factors[:3]))[:MAIN_FACTORS]


def _advice(r: _Reader) -> list[str]:
    a = r.a
    items: list[tuple[str, dict]] = [("advice_measures", {})] if a.measures else []
    if r.duty.gaps:
        items.append(("advice_gaps", {"factors": _gap_names(r)}))
    if r.duty.overloaded:
        items.append(("advice_leaders", {"leaders": r.join(load.leader for load in r.duty.overloaded)}))
    high = _still_high(r)
    if high:
        items.append(("advice_focus", {"names": r.factor_names(high[:MAIN_FACTORS])}))
    for floor in a.after.floors:
        if floor.min_level == a.after.level and a.after.level_by_index != a.after.level:
            items.append(("advice_floor", {"because": _unclosed(floor.because.get(r.lang)),
                                           "level": _floor_level(r, floor)}))
    if r.raw("emergency_plan") not in PLAN_READY:
        items.append(("advice_emergency", {}))
    if r.raw("negative_online") is True or r.raw("media_attention") in ("online_hot", "national"):
        items.append(("advice_opinion", {}))
    items.append(("advice_track", {}))
    return [r(key, number=n, **values) for n, (key, values) in enumerate(items, start=1)]


def _notes(r: _Reader, extra: Sequence[I18nText]) -> list[str]:
    notes = [c.get(r.lang) for c in r.a.caveats]
    if r.a.ruleset.content_hash != r.ruleset.content_hash:
        notes.append(r("note_ruleset_changed", scored=f"{r.a.ruleset.id} {r.a.ruleset.version}",
                       current=f"{r.ruleset.info.id} {r.ruleset.info.version}"))
    notes += [n.get(r.lang) for n in extra]
    notes.append(r("note_data"))
    return [f"{n}. {text}" for n, text in enumerate(notes, start=1)] if len(notes) > 1 else notes


def _model(r: _Reader) -> list[str]:
    model = r.a.model
    if model is None:
        return []
    lines = [r("model_intro", version=model.version),
             r("model_estimate", probability=format_percent(model.probability), level=r.level(model.suggested_level))]
    reasons = [r("model_reason", label=_reason_label(r, reason),
                 direction=r("model_up" if reason.contribution > 0 else "model_down")) for reason in model.reasons]
    if reasons:
        lines.append(r("model_reasons", reasons=r.join(reasons)))
    # One statement of the model's standing: ours when it learnt from simulated data (it must be said in
    # these words), else the model card's own caveat.
    if model.trained_on_simulated_data:
        lines.append(r("model_simulated"))
    elif model.caveat:
        lines.append(_closed(r, model.caveat.get(r.lang)))
    if model.disagreement:
        lines.append(r("model_disagrees", text=_closed(r, model.disagreement.get(r.lang))))
    return lines


def _reason_label(r: _Reader, reason: ModelReason) -> str:
    """The model's name for a feature; for one on a log scale ("近12个月相关信访（对数）") the words of the
    question it is computed from, since how the model scales a count is no business of the report's reader."""
    answer = reason.feature.removesuffix(LOG_SCALE)
    if answer != reason.feature and r.answer_text.question(answer) is not None:
        return _bare_label(r.answer_text.label(answer))
    return reason.label.get(r.lang)


# --- 附件


def _annex(r: _Reader) -> dict[str, Any]:
    return {"stakeholders": _annex_stakeholders(r), "emergency": _emergency_plan(r), "versions": _versions(r),
            "versions_note": [r("versions_note")], "answers": _answer_sections(r)}


def _annex_stakeholders(r: _Reader) -> list[str]:
    if not _stakeholder_rows(r):
        return [r("annex_groups_none")]
    return [r("annex_legend")]


def _emergency_plan(r: _Reader) -> list[dict[str, Any]]:
    members = _units(r.raw(n) for n in ("assessing_body", "locality", "competent_department", "project_owner"))
    locality = r.raw("locality") or r.assessing_body
    command = r("em_command", leader=r.raw("lead_official") or r("em_leader_default"),
                members=r.join(members) if members else r("em_members_default"), office=r.assessing_body)
    plan = r.answer("emergency_plan") or r("not_set")
    return [
        {"heading": r("em_command_h"), "paragraphs": [r("emergency_status", plan=plan), command]},
        {"heading": r("em_warning_h"), "paragraphs": [r("em_warning", who=locality)]},
        {"heading": r("em_levels_h"), "paragraphs": [r("em_level_1"), r("em_level_2"), r("em_level_3")]},
        {"heading": r("em_actions_h"), "paragraphs": [r("em_actions")]},
        {"heading": r("em_support_h"), "paragraphs": [r("em_support")]},
    ]


def _versions(r: _Reader) -> list[dict[str, str]]:
    info, ref = r.ruleset.info, r.a.ruleset
    thresholds = info.thresholds
    bands = r("sentence_join").join(f"{row['range']} {row['level']}" for row in reversed(_bands(r)))
    bands += r("v_confirmed" if thresholds.confirmed else "v_unconfirmed")
    rows = [("v_name", _ruleset_name(r)), ("v_id", ref.id), ("v_version", ref.version),
            ("v_effective", format_date(info.effective, r.lang)), ("v_locality", info.locality.get(r.lang)),
            ("v_hash", ref.content_hash), ("v_bands", bands), ("v_floors", _floor_ids(r)),
            ("v_assessed", format_date(r.a.assessed_at, r.lang))]
    model = r.a.model
    rows.append(("v_model", model.version if model else r("v_model_none")))
    if model:
        rows.append(("v_model_data", r("v_simulated" if model.trained_on_simulated_data else "v_real")))
    return [{"item": r(key), "value": value} for key, value in rows]


def _floor_ids(r: _Reader) -> str:
    """The floors that applied before and after the measures, by id, for whoever checks them against the rules."""
    def ids(stage: StageResult) -> str:
        return r.join(f.floor for f in stage.floors) or r("floors_row_none")

    return r("v_floors_value", before=ids(r.a.before), after=ids(r.a.after))


def _answer_sections(r: _Reader) -> list[dict[str, Any]]:
    """The answers as filed, section by section, for the file (稳评事项基本情况表)."""
    if r.kind is None:
        return []
    sections = []
    for section in r.kind.sections:
        rows = [{"item": _bare_label(q.label.get(r.lang)), "value": _filed_answer(r, q.name)}
                for q in section.questions if r.raw(q.name) is not None]
        if rows:
            number = len(sections) + 1
            title = section.title.get(r.lang)
            sections.append({"title": f"（{_chinese_numeral(number)}）{title}" if r.lang == "zh" else f"{number}. {title}",
                             "rows": rows})
    return sections


def _filed_answer(r: _Reader, name: str) -> str:
    """An answer for attachment 4; the stakeholder tables are shown in full elsewhere, so only counted."""
    if name in ("stakeholders", "stakeholder_relations"):
        return r(f"filed_{name}", count=len(r.raw(name)))
    return r.answer_text.text(name, r.raw(name))


def _chinese_numeral(n: int) -> str:
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CHINESE_NUMERALS[tens - 1]) + "十" + (CHINESE_NUMERALS[ones - 1] if ones else "")


# --- charts (drawn by docx.py from this data)


def _charts(r: _Reader) -> dict[str, Any]:
    factors = r.a.factors
    matrix = {
        "before": [(str(n), f.probability, f.impact) for n, f in enumerate(factors, start=1)],
        "after": [(str(n), f.residual_probability, f.residual_impact) for n, f in enumerate(factors, start=1)],
        "grid": [list(row) for row in r.ruleset.matrix.grid],
        "degrees": [{"id": d.id, "name": d.label.get(r.lang), "colour": d.color} for d in r.ruleset.matrix.degrees],
        "probability_labels": [s.label.get(r.lang) for s in r.ruleset.info.scales.probability],
        "impact_labels": [s.label.get(r.lang) for s in r.ruleset.info.scales.impact],
    }
    rows = _stakeholder_rows(r)
    stakeholders = {"groups": rows, "relations": r.raw("stakeholder_relations") or []} if rows else None
    return {"risk_matrix": matrix, "stakeholders": stakeholders}
