"""A full, explained Assessment as plain text for the terminal, in zh or en."""

from __future__ import annotations

from assessment.domain.result import Assessment, StageResult
from assessment.domain.ruleset import RuleSet
from assessment.i18n import Lang, t


def render_text(assessment: Assessment, ruleset: RuleSet, lang: Lang = "zh") -> str:
    lines = [
        f"== {t('result.title', lang)} ==",
        f"{t('result.matter', lang)}: {assessment.matter_name or '-'}",
        f"{t('result.kind', lang)}: {assessment.kind_title.get(lang)} ({assessment.kind})",
        f"{t('result.assessed_at', lang)}: {assessment.assessed_at.isoformat()}",
        f"{t('result.ruleset', lang)}: {assessment.ruleset.id} {assessment.ruleset.version} ({assessment.ruleset.content_hash[:12]})",
        "",
        _stage_line(assessment.before, "result.level_before", lang),
        _stage_line(assessment.after, "result.level_after", lang),
        *_floors(assessment, lang),
        "",
        f"-- {t('result.natures', lang)} --",
        *_natures(assessment.before, lang),
        "",
        f"-- {t('result.factors', lang)} ({len(assessment.factors)}) --",
        *_factors(assessment, ruleset, lang),
        "",
        f"-- {t('result.measures', lang)} ({len(assessment.measures)}) --",
        *_measures(assessment, lang),
        "",
        f"-- {t('result.decision', lang)} --",
        f"{t('decision.' + assessment.decision.decision, lang)}: {assessment.decision.text.get(lang)}",
        f"  ({assessment.decision.policy_label.get(lang)})",
    ]
    if assessment.model is not None:
        lines += ["", *_model_opinion(assessment, lang)]
    if assessment.caveats:
        lines += ["", f"-- {t('result.caveats', lang)} --", *(f"* {c.get(lang)}" for c in assessment.caveats)]
    return "\n".join(lines) + "\n"


def _stage_line(stage: StageResult, key: str, lang: Lang) -> str:
    return (f"{t(key, lang)}: {t('level.' + stage.level, lang)}   "
            f"{t('result.index', lang)} R = {stage.index:.4f} ({t('result.by_index', lang)}: {t('level.' + stage.level_by_index, lang)})")


def _floors(assessment: Assessment, lang: Lang) -> list[str]:
    floors = [*assessment.before.floors, *assessment.after.floors]
    if not floors:
        return []
    stage = {"before": t("result.level_before", lang), "after": t("result.level_after", lang)}
    return [f"{t('result.floors', lang)}:"] + [
        f"  [{f.floor}] {stage[f.stage]} ≥ {t('level.' + f.min_level, lang)}: {f.because.get(lang)}" for f in floors
    ]


def _natures(stage: StageResult, lang: Lang) -> list[str]:
    return [
        f"{n.label.get(lang)}: {t('verdict.' + n.verdict, lang)} — {'; '.join(r.get(lang) for r in n.reasons)}"
        for n in stage.natures
    ]


def _factors(assessment: Assessment, ruleset: RuleSet, lang: Lang) -> list[str]:
    degree = {d.id: d.label.get(lang) for d in ruleset.matrix.degrees}
    lines = []
    for i, f in enumerate(assessment.factors, start=1):
        lines += [
            f"{i}. {f.name.get(lang)} [{f.factor}] ({f.category_name.get(lang)}; {t('result.factor.weight', lang)} {f.weight:g})",
            f"   {t('result.factor.pc', lang)} {f.probability}/{f.impact}, r = {f.risk:.2f}, {t('result.factor.degree', lang)}: {degree[f.degree]}"
            f"  →  {t('result.factor.after', lang)} {f.residual_probability}/{f.residual_impact}, r = {f.residual_risk:.2f}, {degree[f.residual_degree]}",
            f"   {t('result.factor.because', lang)}: {f.because.get(lang)}  ({t('result.factor.rule', lang)} {', '.join((f.rule, *f.also_fired))})",
        ]
    return lines or [t("result.none", lang)]


def _measures(assessment: Assessment, lang: Lang) -> list[str]:
    lines = []
    for m in assessment.measures:
        status = "✓" if m.counted else f"✗ {t('result.measure.not_counted', lang)}: " + "; ".join(r.get(lang) for r in m.not_counted_because)
        lines += [
            f"{m.number}. {m.text.get(lang)} {('[' + m.measure + ']') if m.measure else ''}",
            f"   → {', '.join(m.factors)} | {t('result.measure.unit', lang)}: {m.unit or '-'} | "
            f"{t('result.measure.leader', lang)}: {m.leader or '-'} | {t('result.measure.deadline', lang)}: {m.deadline or '-'} | {status}",
        ]
    return lines or [t("result.none", lang)]


def _model_opinion(assessment: Assessment, lang: Lang) -> list[str]:
    """The learned second opinion, beside the rules' level and never instead of it."""
    opinion = assessment.model
    lines = [f"-- {t('model.opinion.title', lang)} ({opinion.version}) --"]
    if opinion.caveat:
        lines.append(f"!! {opinion.caveat.get(lang)}")
    lines.append(f"{t('model.opinion.probability', lang)}: {opinion.probability:.1%}; "
                 f"{t('model.opinion.suggested', lang)}: {t('level.' + opinion.suggested_level, lang)}")
    lines += [f"  {r.contribution:+.2f}  {r.label.get(lang)} = {r.value}" for r in opinion.reasons]
    if opinion.disagreement:
        lines.append(f"{t('model.opinion.disagreement', lang)}: {opinion.disagreement.get(lang)}")
    return lines
