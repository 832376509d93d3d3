"""A full, explained Assessment as plain text for the terminal, in zh or en."""

from __future__ import annotations

from collections.abc import Sequence

from assessment.domain.result import Assessment, FactorResult, StageResult
from assessment.domain.ruleset import Kind, RuleSet
from assessment.errors import ErrorCode
from assessment.graph import responsibility_check
from assessment.i18n import Lang, t


def render_text(assessment: Assessment, ruleset: RuleSet, lang: Lang = "zh", ignored: Sequence[str] = ()) -> str:
    """`ignored`: the questions whose answers were left out because they do not apply (ValidatedAnswers.ignored)."""
    colon = t("punct.colon", lang)
    lines = [
        f"== {t('result.title', lang)} ==",
        f"{t('result.matter', lang)}{colon}{assessment.matter_name or '-'}",
        f"{t('result.kind', lang)}{colon}{assessment.kind_title.get(lang)} ({assessment.kind})",
        f"{t('result.assessed_at', lang)}{colon}{assessment.assessed_at.isoformat()}",
        f"{t('result.ruleset', lang)}{colon}{assessment.ruleset.id} {assessment.ruleset.version} ({assessment.ruleset.content_hash[:12]})",
        "",
        _stage_line(assessment.before, "result.level_before", lang),
        _stage_line(assessment.after, "result.level_after", lang),
        *_floors(assessment, lang),
        "",
        f"-- {t('result.natures', lang)} --",
        *_natures(assessment, lang),
        "",
        f"-- {t('result.factors', lang)} ({len(assessment.factors)}) --",
        *_factors(assessment, ruleset, lang),
        "",
        f"-- {t('result.measures', lang)} ({len(assessment.measures)}) --",
        *_measures(assessment, ruleset, lang),
        "",
        f"-- {t('text.responsibility', lang)} --",
        *_responsibility(assessment, lang),
        "",
        f"-- {t('result.decision', lang)} --",
        f"{t('decision.' + assessment.decision.decision, lang)}{colon}{assessment.decision.text.get(lang)}",
        f"  {t('punct.paren', lang, text=assessment.decision.policy_label.get(lang)).strip()}",
    ]
    if ignored:
        lines += ["", f"-- {t('text.ignored', lang)} ({len(ignored)}) --", *_ignored(ruleset.kind(assessment.kind), ignored, lang)]
    if assessment.model is not None:
        lines += ["", *_model_opinion(assessment, lang)]
    if assessment.caveats:
        lines += ["", f"-- {t('result.caveats', lang)} --", *(f"* {c.get(lang)}" for c in assessment.caveats)]
    return "\n".join(lines) + "\n"


def _stage_line(stage: StageResult, key: str, lang: Lang) -> str:
    return (f"{t(key, lang)}{t('punct.colon', lang)}{t('level.' + stage.level, lang)}   "
            f"{t('result.index', lang)} R = {stage.index:.4f} ({t('result.by_index', lang)}{t('punct.colon', lang)}"
            f"{t('level.' + stage.level_by_index, lang)})")


def _floors(assessment: Assessment, lang: Lang) -> list[str]:
    floors = [*assessment.before.floors, *assessment.after.floors]
    if not floors:
        return []
    stage = {"before": t("result.level_before", lang), "after": t("result.level_after", lang)}
    return [f"{t('result.floors', lang)}{t('punct.colon', lang)}".rstrip()] + [
        f"  [{f.floor}] {stage[f.stage]} ≥ {t('level.' + f.min_level, lang)}{t('punct.colon', lang)}{f.because.get(lang)}"
        for f in floors
    ]


def _natures(assessment: Assessment, lang: Lang) -> list[str]:
    """Each check before and after measures: a check failed before measures may pass after them."""
    lines = []
    for before, after in zip(assessment.before.natures, assessment.after.natures):
        lines.append(before.label.get(lang))
        for stage, verdict in (("before", before), ("after", after)):
            reasons = t("punct.semicolon", lang).join(r.get(lang) for r in verdict.reasons)
            lines.append(f"  {t('text.stage.' + stage, lang)}{t('punct.colon', lang)}{t('verdict.' + verdict.verdict, lang)} — {reasons}")
    return lines


def _factors(assessment: Assessment, ruleset: RuleSet, lang: Lang) -> list[str]:
    degree = {d.id: d.label.get(lang) for d in ruleset.matrix.degrees}
    colon = t("punct.colon", lang)
    lines = []
    for i, f in enumerate(assessment.factors, start=1):
        lines += [
            f"{i}. {f.name.get(lang)} [{f.factor}]"
            + t("punct.paren", lang, text=f"{f.category_name.get(lang)}{t('punct.semicolon', lang)}{t('result.factor.weight', lang)} {f.weight:g}"),
            f"   {t('result.factor.pc', lang)} {f.probability}/{f.impact}{_raised_note(f, lang)}, r = {f.risk:.2f}, "
            f"{t('result.factor.degree', lang)}{colon}{degree[f.degree]}"
            f"  →  {t('result.factor.after', lang)} {f.residual_probability}/{f.residual_impact}, r = {f.residual_risk:.2f}, {degree[f.residual_degree]}",
            f"   {t('result.factor.because', lang)}{colon}{f.because.get(lang)}  ({t('result.factor.rule', lang)} {', '.join((f.rule, *f.also_fired))})",
        ]
        if f.raised_because is not None:
            lines.append(f"   {f.raised_because.get(lang)}")
    return lines or [t("result.none", lang)]


def _raised_note(factor: FactorResult, lang: Lang) -> str:
    """The probability the rule gave, when other factors raised it by propagation."""
    if factor.probability == factor.rule_probability:
        return ""
    return t("punct.paren", lang, text=t("text.raised", lang, rule=factor.rule_probability, raised=factor.probability))


def _measures(assessment: Assessment, ruleset: RuleSet, lang: Lang) -> list[str]:
    colon, bar = t("punct.colon", lang), " | "
    lines = []
    for m in assessment.measures:
        status = "✓" if m.counted else f"✗ {t('result.measure.not_counted', lang)}{colon}" + t("punct.semicolon", lang).join(
            r.get(lang) for r in m.not_counted_because)
        factors = t("punct.list", lang).join(ruleset.factors[f].name.get(lang) if f in ruleset.factors else f for f in m.factors)
        lines += [
            f"{m.number}. {m.text.get(lang)}{(' [' + m.measure + ']') if m.measure else ''}",
            f"   → {factors}{bar}{t('result.measure.unit', lang)}{colon}{m.unit or '-'}{bar}"
            f"{t('result.measure.leader', lang)}{colon}{m.leader or '-'}{bar}{t('result.measure.deadline', lang)}{colon}{m.deadline or '-'}{bar}{status}",
        ]
    return lines or [t("result.none", lang)]


def _responsibility(assessment: Assessment, lang: Lang) -> list[str]:
    """Factors of degree moderate or above with no counted measure, and leaders holding too many (assessment.graph)."""
    report = responsibility_check(assessment.factors, assessment.measures)
    if report.ok:
        return [t("text.responsibility.ok", lang)]
    return [f"* {item.text.get(lang)}" for item in (*report.gaps, *report.overloaded)]


def _ignored(kind: Kind, names: Sequence[str], lang: Lang) -> list[str]:
    notice = ErrorCode.ANS_NOT_RELEVANT.text(lang)
    lines = []
    for name in names:
        compiled = kind.question(name)
        label = compiled.question.label.get(lang) if compiled else name
        lines.append(f"* {label} [{name}]{t('punct.colon', lang)}{notice} ({ErrorCode.ANS_NOT_RELEVANT.code})")
    return lines


def _model_opinion(assessment: Assessment, lang: Lang) -> list[str]:
    """The learned second opinion, beside the rules' level and never instead of it."""
    opinion = assessment.model
    colon = t("punct.colon", lang)
    lines = [f"-- {t('model.opinion.title', lang)} ({opinion.version}) --"]
    if opinion.caveat:
        lines.append(f"!! {opinion.caveat.get(lang)}")
    lines.append(f"{t('model.opinion.probability', lang)}{colon}{opinion.probability:.1%}{t('punct.semicolon', lang)}"
                 f"{t('model.opinion.suggested', lang)}{colon}{t('level.' + opinion.suggested_level, lang)}")
    lines += [f"  {r.contribution:+.2f}  {r.label.get(lang)} = {r.value}" for r in opinion.reasons]
    if opinion.disagreement:
        lines.append(f"{t('model.opinion.disagreement', lang)}{colon}{opinion.disagreement.get(lang)}")
    return lines
