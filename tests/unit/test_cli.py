"""The command line: explained results for every example in zh and en; bad input exits 2 without a traceback."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from assessment.cli import COMMAND_MODULES, main
from assessment.loader import DEFAULT_RULES
from tests.unit.rule_fixtures import CALM_ANSWERS, write

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


LAND = "kind: land_expropriation\nanswers:\n"
NEST = 100_000
BAD_INPUT_IDS = ['yaml-syntax', 'unknown-kind', 'nan', 'json-infinity', 'yaml-inf', 'yaml-400-digits', 'json-400-digits', 'yaml-5000-digits', 'json-5000-digits', 'json-nested-100000', 'text-for-integer', 'list-for-integer', 'mapping-for-yes-no', 'number-for-choice', 'no-kind', 'text-too-long', 'bad-assessed-at', 'unknown-measure', 'alias-bomb']


def run_assess(tmp_path: Path, content: str, suffix: str = ".yaml", *args: str):
    path = tmp_path / f"answers{suffix}"
    path.write_text(content, encoding="utf-8")
    return CliRunner().invoke(main, ["assess", str(path), *args])


@pytest.mark.parametrize(("content", "suffix", "fragments"), [
    ("kind: land_expropriation\nanswers: [unclosed\n", ".yaml", ["answers.yaml:", "ANS-320"]),
    ('{"kind": "moon_base", "answers": {}}', ".json", ["moon_base", "ANS-315"]),
    ('{"kind": "land_expropriation", "answers": {"opposition_rate": NaN}}', ".json", ["opposition_rate", "ANS-308"]),
    ('{"kind": "land_expropriation", "answers": {"investment": Infinity}}', ".json", ["investment", "ANS-308"]),
    (LAND + "  investment: .inf\n", ".yaml", ["investment", "ANS-308"]),
    (LAND + "  investment: " + "9" * 400 + "\n", ".yaml", ["investment", "ANS-314"]),
    ('{"kind": "land_expropriation", "answers": {"investment": ' + "9" * 400 + "}}", ".json", ["investment", "ANS-314"]),
    (LAND + "  investment: " + "9" * 5000 + "\n", ".yaml", ["investment", "ANS-314"]),
    ('{"kind": "land_expropriation", "answers": {"investment": ' + "9" * 5000 + "}}", ".json", ["investment", "ANS-314"]),
    ('{"kind": "land_expropriation", "answers": ' + "[" * NEST + "]" * NEST + "}", ".json", ["answers.json", "ANS-301"]),
    (LAND + "  households_affected: many\n", ".yaml", ["households_affected", "ANS-304"]),
    (LAND + "  households_affected: [1, 2]\n", ".yaml", ["households_affected", "ANS-304"]),
    (LAND + "  has_authority: {a: 1}\n", ".yaml", ["has_authority", "ANS-304"]),
    (LAND + "  comparison_risk: 3\n", ".yaml", ["comparison_risk", "ANS-306"]),
    ("answers: {}\n", ".yaml", ["kind", "ANS-311"]),
    (LAND + "  matter_name: " + "长" * 3000 + "\n", ".yaml", ["matter_name", "ANS-309"]),
    ("kind: land_expropriation\nassessed_at: 2026-13-45\nanswers: {}\n", ".yaml", ["assessed_at", "2026-13-45", "ANS-319"]),
    ("kind: land_expropriation\nmeasures:\n  - {measure: M-NOPE-01}\n", ".yaml", ["M-NOPE-01", "ANS-316"]),
    ("a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(f"a{i}: &a{i} [{', '.join(['*a' + ('' if i == 1 else str(i - 1))] * 9)}]\n" for i in range(1, 9))
     + "kind: land_expropriation\n", ".yaml", ["answers.yaml", "ANS-320"]),
], ids=BAD_INPUT_IDS)
def test_assess__bad_input__exit_2_clear_message_no_traceback(tmp_path: Path, content, suffix, fragments):
    result = run_assess(tmp_path, content, suffix)
    assert result.exit_code == 2, result.output + result.stderr
    assert all(fragment in result.stderr for fragment in fragments), result.stderr[:2000]
    assert "Traceback" not in result.stderr and isinstance(result.exception, SystemExit)
    assert len(result.stderr) < 100_000  # a huge value is never echoed whole


def test_assess__ten_megabyte_string__exit_2_named_and_not_echoed(tmp_path: Path):
    content = LAND + "  matter_summary: " + "x" * (10 * 1024 * 1024) + "\n"
    assert len(content.encode()) > 10 * 1024 * 1024
    result = run_assess(tmp_path, content)
    assert result.exit_code == 2 and "matter_summary" in result.stderr and "ANS-309" in result.stderr
    assert len(result.stderr) < 20_000


def test_assess__bad_input__message_in_english_when_asked(tmp_path: Path):
    result = run_assess(tmp_path, LAND + "  households_affected: many\n", ".yaml", "--lang", "en")
    assert result.exit_code == 2 and "Expected a whole number" in result.stderr


def test_assess__missing_file__exit_2():
    result = CliRunner().invoke(main, ["assess", "/nonexistent/answers.yaml"])
    assert result.exit_code == 2 and "/nonexistent/answers.yaml" in result.output


# --- the explained text result


def demo_file(tmp_path: Path, answers: dict, measures: list | None = None, **top) -> Path:
    path = tmp_path / "demo.yaml"
    document = {"kind": "demo", "assessed_at": date(2026, 11, 25), **top, "answers": {**CALM_ANSWERS, **answers}, "measures": measures or []}
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def assess_demo(rules_dir: Path, path: Path, *args: str):
    return CliRunner().invoke(main, ["assess", str(path), "--rules", str(rules_dir), *args])


OWNED = {"unit": "区住房和城乡建设局", "leader": "王建国（副区长）", "deadline": date(2027, 3, 31)}


def test_assess_text__factor_raised_by_propagation__rule_level_and_reason_shown(rules_dir, tmp_path):
    write(rules_dir, "risk_links.yaml", """
links:
  - source: interest_imbalance
    target: public_opposition
    weight: 0.5
    because: {zh: 利益受损群体可能集体上访, en: Those who lose out may petition together}
""")
    path = demo_file(tmp_path, {"compensation_ratio": 0.78})
    zh, en = assess_demo(rules_dir, path), assess_demo(rules_dir, path, "--lang", "en")
    assert zh.exit_code == 0 and en.exit_code == 0, zh.output + zh.stderr
    assert "可能性/影响 3/3（规则给出的可能性为 1，经风险传导升至 3）" in zh.output
    assert "风险传导：" in zh.output and "由1级升至3级" in zh.output
    assert "(the rule gave 1; risk transmission raised it to 3)" in en.output and "Risk transmission:" in en.output


def test_assess_text__four_checks_shown_before_and_after_measures(rules_dir, tmp_path):
    # sensitive_timing 5/5 (major: the check fails) falls to 3/5 (significant: a concern) with M-TIME-01
    path = demo_file(tmp_path, {"has_graves": True, "graves": 120}, [{"measure": "M-TIME-01", **OWNED}])
    text = assess_demo(rules_dir, path).output
    document = json.loads(assess_demo(rules_dir, path, "--format", "json").stdout)
    verdict = {"pass": "通过", "concern": "存在风险", "fail": "不通过"}
    lines = text.splitlines()
    for before, after in zip(document["before"]["natures"], document["after"]["natures"]):
        at = lines.index(before["label"]["zh"])
        assert lines[at + 1].startswith(f"  措施前：{verdict[before['verdict']]} — ")
        assert lines[at + 2].startswith(f"  措施后：{verdict[after['verdict']]} — ")
    assert any(b["verdict"] != a["verdict"] for b, a in zip(document["before"]["natures"], document["after"]["natures"]))


def test_assess_text__factor_without_counted_measure__responsibility_gap_shown(rules_dir, tmp_path):
    gap = assess_demo(rules_dir, demo_file(tmp_path, {"compensation_ratio": 0.78}, [{"measure": "M-BAL-01", "unit": "区住建局"}]))
    assert "责任落实检查" in gap.output and "尚无明确责任单位、包案领导和时限的措施" in gap.output
    assert "措施1未计入：未明确包案领导" in gap.output
    calm = assess_demo(rules_dir, demo_file(tmp_path, {}))
    assert "均有计入的措施" in calm.output


def test_assess_text__leader_holding_too_many_measures__shown(rules_dir, tmp_path):
    measures = [{"measure": m, **OWNED} for m in ("M-BAL-01", "M-CONS-02", "M-PET-03", "M-PET-02", "M-LAW-02", "M-VULN-01")]
    result = assess_demo(rules_dir, demo_file(tmp_path, {"compensation_ratio": 0.78}, measures), "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert "Leader 王建国（副区长） holds 6 measures" in result.output


def test_assess__answers_to_questions_not_relevant__listed_as_ignored(rules_dir, tmp_path):
    path = demo_file(tmp_path, {"has_graves": False, "graves": 40})
    text = assess_demo(rules_dir, path)
    assert "-- 已忽略的答案 (1) --" in text.output and "坟墓数量 [graves]：此问题在当前情形下不适用，已忽略其答案 (ANS-310)" in text.output
    as_json = assess_demo(rules_dir, path, "--format", "json", "--lang", "en")
    assert json.loads(as_json.stdout)["kind"] == "demo"
    assert "[graves]: This question does not apply here; its answer was ignored (ANS-310)" in as_json.stderr
    assert "已忽略" not in assess_demo(rules_dir, demo_file(tmp_path, {"has_graves": True, "graves": 40})).output


@pytest.mark.parametrize(("named", "warned"), [
    ({"id": "wenping-default", "version": "2020.1"}, True),
    ("wenping-local", True),
    ({"content_hash": "0" * 64}, True),
    ("wenping-default", False),
])
def test_assess__answer_file_names_another_rule_set__warned_and_scored(rules_dir, tmp_path, named, warned):
    result = assess_demo(rules_dir, demo_file(tmp_path, {}, ruleset=named))
    assert result.exit_code == 0
    assert ("ANS-318" in result.stderr) == warned, result.stderr
    if warned:
        assert "当前使用的规则集为 wenping-default" in result.stderr


def test_assess__ruleset_key_of_wrong_shape__exit_2_naming_it(rules_dir, tmp_path):
    result = assess_demo(rules_dir, demo_file(tmp_path, {}, ruleset={"name": "x"}))
    assert result.exit_code == 2 and "ruleset" in result.stderr and "ANS-319" in result.stderr


# --- start-up: what `wenping assess` imports


def _assess_in_subprocess(path: Path, model_dir: Path) -> list[str]:
    code = ("import sys; from click.testing import CliRunner; from assessment.cli import main; "
            "r = CliRunner().invoke(main, ['assess', sys.argv[1]]); "
            "print(r.exit_code, *sorted(m for m in ('sklearn', 'skops', 'sqlalchemy', 'docxtpl') if m in sys.modules))")
    env = {**os.environ, "WENPING_MODEL_DIR": str(model_dir)}
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, env=env,
                          cwd=DEFAULT_RULES.parent, timeout=120)
    return done.stdout.split()


def test_assess__no_model__neither_scikit_learn_nor_the_database_imported(tmp_path):
    assert _assess_in_subprocess(EXAMPLES[0], tmp_path) == ["0"]


def test_assess__bad_answers_with_a_model__refused_before_the_model_loads(tmp_path):
    (tmp_path / "CURRENT").write_text("v1", encoding="ascii")  # a model is said to exist
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: land_expropriation\nanswers: {households_affected: many}\n", encoding="utf-8")
    assert _assess_in_subprocess(bad, tmp_path) == ["2"]


def test_command_modules__map_every_command_to_the_module_that_registers_it():
    for module in {m for modules in COMMAND_MODULES.values() for m in modules}:
        importlib.import_module(f"assessment.cli.{module}")
    assert set(main.commands) == set(COMMAND_MODULES)
    for name, modules in COMMAND_MODULES.items():
        assert main.commands[name].callback.__module__ == f"assessment.cli.{modules[0]}"


def test_questionnaire_excel__submission_commands_loaded_first__still_registered():
    # One process may load `submission` before `questionnaire` (the app, a test run): the group is one.
    code = ("import assessment.cli.submission_cmd, assessment.cli.assess_cmd; from assessment.cli import main; "
            "print(sorted(main.commands['questionnaire'].commands))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['excel', 'show']"


def test_assess__bad_answers__named_with_file_and_line(tmp_path: Path):
    content = LAND + "  matter_name: 某项目\n  households_affected: many\nmeasures:\n  - {measure: M-NOPE-01}\n"
    result = run_assess(tmp_path, content)
    assert f"{tmp_path / 'answers.yaml'}:4 [households_affected]" in result.stderr
    assert f"{tmp_path / 'answers.yaml'}:6 第 1 行 [measures]" in result.stderr
