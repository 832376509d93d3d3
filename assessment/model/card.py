"""The model card: what a model was trained on, when, how well it does, and what to beware of.

Stored in the model's manifest (persistence.py) and printed by `wenping model card` in zh or en.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from assessment.domain.i18n_text import I18nText
from assessment.i18n import Lang, t

Source = Literal["reference", "recorded"]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CalibrationBin(_Strict):
    low: float
    high: float
    records: int
    mean_predicted: float
    observed: float


class Metrics(_Strict):
    records: int
    events: int
    auc: float | None  # None when the records hold only one outcome
    brier: float
    base_rate_brier: float
    calibration: list[CalibrationBin]


class DataSource(_Strict):
    source: Source
    records: int
    events: int
    trained_on: int
    held_out: int
    weight_each: float  # sample weight of one training record of this source


class SignCheck(_Strict):
    feature: str
    expected: int  # +1 or −1: the direction experts expect
    coefficient: float  # change in log-odds per unit of the feature
    ok: bool


class ModelCard(_Strict):
    created: date
    seed: int
    algorithm: str
    trained_on_simulated_data: bool
    reference_weight_in_records: float
    sources: list[DataSource]
    held_out: dict[Source, Metrics]
    sign_checks: list[SignCheck]
    calibration_increasing: bool
    monotone_in_opposition: bool
    notes: list[I18nText]

    @property
    def recorded_trained_on(self) -> int:
        """How many recorded real outcomes the model was fitted on."""
        return sum(s.trained_on for s in self.sources if s.source == "recorded")

    def caveat(self) -> I18nText | None:
        """The line every screen and report showing this model's opinion must carry, if any."""
        if not self.trained_on_simulated_data:
            return None
        recorded = self.recorded_trained_on
        key, params = ("model.caveat.mixed", {"recorded": recorded}) if recorded else ("model.caveat.simulated", {})
        return I18nText(zh=t(key, "zh", **params), en=t(key, "en", **params))


def render_card(card: ModelCard, version: str, versions: dict[str, str], lang: Lang = "zh") -> str:
    """The card as Markdown. `versions`: library name → version the model was saved with."""
    colon = t("punct.colon", lang)
    # The algorithm is stored in English; the standard one is worded in the reader's language.
    algorithm = t("model.card.algorithm_text", lang) if card.algorithm == t("model.card.algorithm_text", "en") \
        else card.algorithm
    lines = [f"# {t('model.card.title', lang)} {version}", ""]
    caveat = card.caveat()
    if caveat:
        lines += [f"> **{caveat.get(lang)}**", ""]
    lines += [
        f"- {t('model.card.created', lang)}{colon}{card.created.isoformat()}",
        f"- {t('model.card.algorithm', lang)}{colon}{algorithm}",
        f"- {t('model.card.target', lang)}",
        f"- {t('model.card.seed', lang)}{colon}{card.seed}",
        f"- {t('model.card.libraries', lang)}{colon}" + ", ".join(f"{k} {v}" for k, v in sorted(versions.items())),
        "", f"## {t('model.card.data', lang)}", "",
        f"| {t('model.card.source', lang)} | {t('model.card.records', lang)} | {t('model.card.events', lang)} "
        f"| {t('model.card.trained_on', lang)} | {t('model.card.held_out', lang)} | {t('model.card.weight', lang)} |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines += [f"| {t('model.source.' + s.source, lang)} | {s.records} | {s.events} | {s.trained_on} | {s.held_out} | {s.weight_each:.4g} |"
              for s in card.sources]
    lines += ["", t("model.card.merge", lang, weight=f"{card.reference_weight_in_records:g}")]
    for source, metrics in card.held_out.items():
        lines += ["", f"## {t('model.card.metrics', lang)}: {t('model.source.' + source, lang)}", "", *metric_lines(metrics, lang)]
    lines += ["", f"## {t('model.card.signs', lang)}", "",
              f"| {t('model.card.feature', lang)} | {t('model.card.expected', lang)} | {t('model.card.coefficient', lang)} | |",
              "|---|---|---:|---|"]
    lines += [f"| {c.feature} | {'+' if c.expected > 0 else '−'} | {c.coefficient:+.4f} | {'✓' if c.ok else '✗'} |"
              for c in card.sign_checks]
    lines += ["", t("model.card.monotone_yes" if card.monotone_in_opposition else "model.card.monotone_no", lang)]
    if card.notes:
        lines += ["", f"## {t('model.card.notes', lang)}", "", *(f"- {n.get(lang)}" for n in card.notes)]
    return "\n".join(lines) + "\n"


def metric_lines(metrics: Metrics, lang: Lang) -> list[str]:
    auc = "-" if metrics.auc is None else f"{metrics.auc:.3f}"
    lines = [
        f"- {t('model.card.records', lang)}: {metrics.records}, {t('model.card.events', lang)}: {metrics.events}",
        f"- AUC: {auc}",
        f"- Brier: {metrics.brier:.4f} ({t('model.card.base_rate_brier', lang)}: {metrics.base_rate_brier:.4f})",
        "",
        f"| {t('model.card.bin', lang)} | {t('model.card.records', lang)} | {t('model.card.predicted', lang)} | {t('model.card.observed', lang)} |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {b.low:.1f}–{b.high:.1f} | {b.records} | {b.mean_predicted:.3f} | {b.observed:.3f} |" for b in metrics.calibration]
    return lines
