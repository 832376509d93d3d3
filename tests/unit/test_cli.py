"""The command line: explained results for every example in zh and en; bad input exits 2 without a traceback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from assessment.cli import main
from assessment.loader import DEFAULT_RULES

EXAMPLES = sorted((DEFAULT_RULES.parent / "examples").glob("*.yaml"))


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_every_kind__has_an_example():
    from assessment.loader import load_ruleset

    assert {p.stem for p in EXAMPLES} == set(load_ruleset(DEFAULT_RULES).kinds)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_assess_example__zh_and_en__full_explained_result(path):
    zh, en = invoke("assess", str(path)), invoke("assess", str(path), "--lang", "en")
    assert zh.exit_code == 0 and en.exit_code == 0, zh.output + en.output
    for heading in ("措施前风险等级", "措施后风险等级", "四性审查", "风险因素", "防范化解措施", "决策建议", "理由"):
        assert heading in zh.output
    for heading in ("Level before measures", "Level after measures", "Four checks", "Risk factors", "Decision advice", "Because"):
        assert heading in en.output


def test_assess_json__carries_the_whole_result():
    result = invoke("assess", str(EXAMPLES[0]), "--format", "json")
    document = json.loads(result.output)
    assert {"factors", "measures", "before", "after", "decision", "ruleset", "answers"} <= document.keys()
    assert document["before"]["level"] in ("low", "medium", "high")


def test_rules_check__default_rules__passes():
    result = invoke("rules", "check", str(DEFAULT_RULES))
    assert result.exit_code == 0, result.output
    assert "检查通过" in result.output


def test_rules_check__one_broken_rule__fails_naming_file_and_line(tmp_path):
    copy = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES, copy)
    scoring = copy / "scoring" / "common.yaml"
    text = scoring.read_text(encoding="utf-8")
    scoring.write_text(text.replace("factor: no_authority", "factor: no_such_factor", 1), encoding="utf-8")
    line = next(i for i, l in enumerate(scoring.read_text(encoding="utf-8").splitlines(), 1) if "no_such_factor" in l)
    result = CliRunner().invoke(main, ["rules", "check", str(copy)])
    assert result.exit_code == 2
    assert f"scoring/common.yaml:{line}" in result.output and "no_such_factor" in result.output
    assert "Traceback" not in result.output


def test_questionnaire_show__lists_common_and_kind_questions():
    result = invoke("questionnaire", "show", EXAMPLES[0].stem)
    assert result.exit_code == 0 and "opposition_rate" in result.output and "反对率" in result.output


@pytest.mark.parametrize(("content", "suffix", "fragment"), [
    ("kind: land_expropriation\nanswers: [unclosed\n", ".yaml", "answers.yaml:"),
    ('{"kind": "moon_base", "answers": {}}', ".json", "moon_base"),
    ('{"kind": "land_expropriation", "answers": {"opposition_rate": NaN}}', ".json", "opposition_rate"),
    ("answers: {}\n", ".yaml", "kind"),
    ("kind: land_expropriation\nanswers:\n  matter_name: " + "长" * 3000 + "\n", ".yaml", "matter_name"),
])
def test_assess__bad_input__exit_2_clear_message_no_traceback(tmp_path: Path, content, suffix, fragment):
    path = tmp_path / f"answers{suffix}"
    path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["assess", str(path)])
    assert result.exit_code == 2, result.output
    assert fragment in result.output and "Traceback" not in result.output


def test_assess__missing_file__exit_2():
    result = CliRunner().invoke(main, ["assess", "/nonexistent/answers.yaml"])
    assert result.exit_code == 2 and "/nonexistent/answers.yaml" in result.output
