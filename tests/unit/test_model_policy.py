"""The disagreement policy: when the model's opinion is flagged for the reviewer."""

from __future__ import annotations

import pytest

from assessment.errors import WenpingError
from assessment.loader import DEFAULT_RULES
from assessment.model.policy import load_policy

POLICY = load_policy(DEFAULT_RULES)


def test_policy__bundled_file__loads_with_documented_defaults():
    assert (POLICY.levels.medium, POLICY.levels.high) == (0.2, 0.5)
    assert (POLICY.flag.level_gap, POLICY.flag.probability_when_rules_low) == (1, 0.5)


@pytest.mark.parametrize("probability, level", [(0.0, "low"), (0.1999, "low"), (0.2, "medium"), (0.4999, "medium"), (0.5, "high")])
def test_level_for__cut_points__inclusive_from_below(probability, level):
    assert POLICY.level_for(probability) == level


def test_disagreement__same_level__not_flagged():
    assert POLICY.disagreement(0.3, "medium", "medium") is None


def test_disagreement__one_level_apart__flagged_in_both_languages():
    note = POLICY.disagreement(0.3, "medium", "high")
    assert "30%" in note.zh and "中风险" in note.zh and "高风险" in note.zh
    assert "30%" in note.en and "please review" in note.en


def test_disagreement__rules_low_and_probability_high__flagged_for_both_reasons():
    note = POLICY.disagreement(0.6, "high", "low")
    assert "2 level(s)" in note.en and "The rules say Low risk" in note.en


def test_disagreement__gap_two_required_and_rules_low_probability_high__still_flagged(tmp_path):
    (tmp_path / "model_policy.yaml").write_text(
        "levels: {medium: 0.2, high: 0.7}\nflag: {level_gap: 2, probability_when_rules_low: 0.5}\nreasons: 3\n", encoding="utf-8")
    policy = load_policy(tmp_path)
    assert policy.disagreement(0.6, "medium", "low") is not None
    assert policy.disagreement(0.3, "medium", "low") is None


def test_load_policy__medium_above_high__refused_naming_file_and_line(tmp_path):
    (tmp_path / "model_policy.yaml").write_text(
        "levels:\n  medium: 0.6\n  high: 0.5\nflag: {level_gap: 1, probability_when_rules_low: 0.5}\nreasons: 5\n", encoding="utf-8")
    with pytest.raises(WenpingError) as raised:
        load_policy(tmp_path)
    problem = raised.value.problems[0]
    assert problem.code.code == "MODEL-708" and problem.where.line == 1 and "model_policy.yaml" in problem.where.file


def test_load_policy__file_missing__refused(tmp_path):
    with pytest.raises(WenpingError) as raised:
        load_policy(tmp_path)
    assert raised.value.problems[0].code.code == "MODEL-708"
