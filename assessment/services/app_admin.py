"""The admin page's use cases beyond units and users: the rule set in use and its check, the learned
model's card, and retraining. Admin only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from assessment.domain.i18n_text import I18nText
from assessment.errors import Problem
from assessment.loader import default_rules_dir, load_ruleset
from assessment.ruleset_cases import failures_as_problems, run_cases
from assessment.services import audit_service
from assessment.services.followup import training_records
from assessment.services.permissions import Action, Principal, require
from assessment.services.scoring import model_refusal
from assessment.storage.uow import UnitOfWork


@dataclass(frozen=True)
class RuleSetStatus:
    id: str
    version: str
    effective: date
    name: I18nText
    locality: I18nText
    folder: str
    content_hash: str
    kinds: dict[str, I18nText]
    factors: int
    measures: int
    rules: int
    cases: int
    problems: tuple[Problem, ...]  # failed test cases; empty when the check passes


def ruleset_status(actor: Principal, rules_dir: Path | str | None = None) -> RuleSetStatus:
    """Load the rule set and run its test cases, like `wenping rules check` (a rule set that does not load
    raises its problems)."""
    require(actor, Action.ADMINISTER)
    root = Path(rules_dir) if rules_dir else default_rules_dir()
    ruleset = load_ruleset(root)
    runs = run_cases(ruleset, root)
    return RuleSetStatus(
        id=ruleset.info.id, version=ruleset.info.version, effective=ruleset.info.effective, name=ruleset.info.name,
        locality=ruleset.info.locality, folder=str(root), content_hash=ruleset.content_hash,
        kinds={k: ruleset.kinds[k].title for k in sorted(ruleset.kinds)}, factors=len(ruleset.factors),
        measures=len(ruleset.measures), rules=len({r.rule.id for k in ruleset.kinds.values() for r in k.rules}),
        cases=len(runs), problems=tuple(failures_as_problems(runs)),
    )


@dataclass(frozen=True)
class ModelStatus:
    version: str | None  # None: no model trained yet
    title: str  # the card's heading
    card_markdown: str  # the card below its heading, its section headings in bold (it sits inside a page)
    caveat: I18nText | None
    refused: tuple[Problem, ...] = ()  # why the current model file is not used (tampered, foreign, incompatible)


def model_status(actor: Principal, lang: str = "zh") -> ModelStatus:
    require(actor, Action.ADMINISTER)
    from assessment.model.card import render_card
    from assessment.model.persistence import current_version, read_manifest

    version = current_version()
    if version is None:
        return ModelStatus(None, "", "", None)
    refusal = model_refusal()
    if refusal is not None:
        return ModelStatus(version, "", "", None, tuple(refusal.problems))
    manifest = read_manifest(None, version)
    heading, _, body = render_card(manifest.card, version, manifest.libraries, lang).partition("\n")
    body = "\n".join(f"**{line[3:]}**" if line.startswith("## ") else line for line in body.splitlines()
                     if not line.startswith("> "))  # the caveat: the page shows it above the card
    return ModelStatus(version, heading.lstrip("# "), body, manifest.card.caveat())


def retrain_model(uow: UnitOfWork, actor: Principal, *, with_outcomes: bool, today: date) -> str:
    """Train a new model on the reference data (and the recorded outcomes in the database), make it current;
    gives its version."""
    require(actor, Action.ADMINISTER)
    from assessment.model.persistence import save
    from assessment.model.simulator import DEFAULT_SEED
    from assessment.model.training import DEFAULT_REFERENCE, recorded_records, reference_records, train

    records = reference_records(DEFAULT_REFERENCE, DEFAULT_SEED)
    if with_outcomes:
        records += recorded_records(training_records(uow, actor), today)[0]
    trained = train(records, seed=DEFAULT_SEED, created=today)
    manifest = save(trained.pipeline, trained.card)
    audit_service.record_model_activation(uow, actor, manifest)
    return manifest.version
