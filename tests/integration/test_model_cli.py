"""`wenping model train|card|evaluate|explain`, with and without recorded outcomes in the database."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from assessment.cli import main
from assessment.services import followup
from model_helpers import demo_rules
from storage_world import _world_postgres, _world_sqlite, world  # noqa: F401  (fixtures)
from tests.unit.rule_fixtures import CALM_ANSWERS


def invoke(env: dict[str, str], *args: str):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    # No database yet (a file that is not there): training never writes into a developer's data/.
    return {"WENPING_MODEL_DIR": str(tmp_path / "models"), "WENPING_DATABASE_URL": f"sqlite:///{tmp_path / 'none.db'}"}


def test_train_card_evaluate__reference_data__work_and_say_simulated(env):
    trained = invoke(env, "model", "train", "--reference", "4000", "--lang", "en")
    assert trained.exit_code == 0, trained.output
    assert "No database yet" in trained.output
    assert "Trained model" in trained.output and "simulated reference data" in trained.output and "AUC" in trained.output
    card = invoke(env, "model", "card", "--lang", "en")
    for text in ("trained on simulated reference data", "AUC", "Brier", "Observed rate", "Monotonicity", "opposition_rate"):
        assert text in card.output
    assert "模拟的专家先验" in invoke(env, "model", "card").output
    document = json.loads(invoke(env, "model", "card", "--format", "json").output)
    assert document["card"]["trained_on_simulated_data"] is True and len(document["sha256"]) == 64
    evaluated = invoke(env, "model", "evaluate", "--reference", "2000", "--lang", "en")
    assert evaluated.exit_code == 0 and "AUC" in evaluated.output and "seed" in evaluated.output
    assert "simulated reference data" in evaluated.output


def test_train__same_seed_twice__same_version(env):
    first = invoke(env, "model", "train", "--reference", "2000", "--seed", "5").output
    second = invoke(env, "model", "train", "--reference", "2000", "--seed", "5").output
    assert first.splitlines()[0] == second.splitlines()[0]


def test_card__no_model__clear_message_and_status_2(env):
    result = CliRunner().invoke(main, ["model", "card", "--lang", "en"], env=env)
    assert result.exit_code == 2 and "MODEL-701" in result.output and "wenping model train" in result.output


def test_explain__answer_file__rules_level_then_opinion_with_caveat(env, tmp_path):
    rules = demo_rules(tmp_path / "rules")
    answers = tmp_path / "calm.yaml"
    answers.write_text(yaml.safe_dump({"kind": "demo", "answers": CALM_ANSWERS, "assessed_at": "2026-11-25"},
                                      allow_unicode=True), encoding="utf-8")
    assert "No learned model yet" in invoke(env, "model", "explain", str(answers), "--rules", str(rules), "--lang", "en").output
    invoke(env, "model", "train", "--reference", "3000")
    result = invoke(env, "model", "explain", str(answers), "--rules", str(rules), "--lang", "en")
    assert result.output.startswith("Level before measures: Low risk")
    assert "trained on simulated reference data" in result.output and "Main reasons" in result.output


def test_explain__tampered_model__refused_with_status_2(env, tmp_path):
    invoke(env, "model", "train", "--reference", "2000")
    model = next(Path(env["WENPING_MODEL_DIR"]).glob("*.skops"))
    model.write_bytes(model.read_bytes() + b"x")
    result = CliRunner().invoke(main, ["model", "evaluate", "--lang", "en"], env=env)
    assert result.exit_code == 2 and "MODEL-704" in result.output and "Traceback" not in result.output


def test_train_from_db__empty_database__trains_on_reference_and_says_so(env, tmp_path):
    env = {**env, "WENPING_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"}
    assert invoke(env, "db", "upgrade").exit_code == 0
    result = invoke(env, "model", "train", "--from-db", "--reference", "2000", "--lang", "en")
    assert result.exit_code == 0 and "No usable recorded outcomes" in result.output


def test_train_from_db__decided_matters__events_used_and_open_12_months_left_out(env, world):
    reviewer = world.who("rev_in")
    with_event = [world.new_matter("approved", title=f"事项{i}") for i in range(3)]
    world.new_matter("approved", title="尚无结果")
    for matter in with_event:
        followup.record_outcome(world.db.uow(), reviewer, matter, kind="collective_petition", occurred_on=date.today())
    env = {**env, "WENPING_DATABASE_URL": world.db.engine.url.render_as_string(hide_password=False)}
    result = invoke(env, "model", "train", "--from-db", "--reference", "2000", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "3 usable" in result.output and "1 still inside their 12 months" in result.output
    card = json.loads(invoke(env, "model", "card", "--format", "json").output)["card"]
    recorded = next(s for s in card["sources"] if s["source"] == "recorded")
    assert recorded["records"] == 3 and recorded["events"] == 3
    assert "3 recorded real outcomes" in invoke(env, "model", "card", "--lang", "en").output
    with world.db.uow(read_only=True) as uow:
        activations = [(e.entity_id, json.loads(e.details)["recorded_outcomes"]) for e in uow.audit.by_action("model.activate")]
    current = json.loads(invoke(env, "model", "card", "--format", "json").output)["version"]
    assert activations == [(current, 3)]
