"""The storage commands as an operator runs them (SQLite file under a temp dir)."""

import json
import sqlite3

import pytest
from click.testing import CliRunner

from assessment.cli import main


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WENPING_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)

    return invoke


def test_cli__before_db_upgrade__tells_the_operator_to_run_it(run):
    result = run("unit", "list")
    assert result.exit_code == 2 and "wenping db upgrade" in result.output


def test_cli__units_and_users__are_added_listed_and_disabled(run):
    assert run("db", "upgrade").exit_code == 0
    assert run("unit", "add", "C", "示范市", "--kind", "city").exit_code == 0
    assert run("unit", "add", "D1", "东区", "--kind", "district", "--parent", "C").exit_code == 0
    assert run("unit", "add", "D1-ZJ", "东区住建局", "--kind", "department", "--parent", "D1").exit_code == 0
    assert run("unit", "list").output.splitlines() == ["C\t示范市\tcity", "  D1\t东区\tdistrict", "    D1-ZJ\t东区住建局\tdepartment"]
    added = run("user", "add", "zhang", "--role", "submitter", "--unit", "D1-ZJ", "--password-stdin", input="river-stone-42\n")
    assert added.exit_code == 0, added.output
    weak = run("user", "add", "li", "--role", "reviewer", "--unit", "D1", "--password-stdin", input="li12345\n")
    assert weak.exit_code == 2 and "AUTH-604" in weak.output and "AUTH-606" in weak.output
    assert run("user", "disable", "zhang").exit_code == 0
    assert run("user", "list").output.split("\t")[:4] == ["zhang", "submitter", "D1-ZJ", "disabled"]


def test_cli__audit_verify__passes_then_names_an_entry_edited_with_raw_sql(run, tmp_path):
    run("db", "upgrade")
    run("unit", "add", "C", "示范市", "--kind", "city")
    run("unit", "add", "D1", "东区", "--kind", "district", "--parent", "C")
    ok = run("audit", "verify")
    assert ok.exit_code == 0 and ok.output.startswith("OK: 2 entries")
    with sqlite3.connect(tmp_path / "cli.db") as conn:
        conn.execute("DROP TRIGGER audit_log_no_update")  # someone with DDL rights
        conn.execute("UPDATE audit_log SET details = replace(details, '东区', '西区') WHERE seq = 2")
    broken = run("audit", "verify")
    assert broken.exit_code == 2 and "audit_log.seq=2" in broken.output and "STORE-506" in broken.output


def test_cli__demo_seed_then_export_and_import__round_trips_a_submission(run, tmp_path):
    from pathlib import Path

    examples = Path(__file__).resolve().parents[2] / "examples"
    seeded = run("demo", "seed", "--examples", str(examples))
    assert seeded.exit_code == 0, seeded.output
    assert run("audit", "verify").exit_code == 0
    exported = run("submission", "export", "2", "-o", "b.json")
    assert exported.exit_code == 0, exported.output
    data = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert data["format"] == "wenping.submission-bundle" and data["revision"]["content_hash"]
    imported = run("submission", "import", "b.json", "--as", "demo_jc_jb_zjj")
    assert imported.exit_code == 0 and "new draft matter" in imported.output
    data["revision"]["answers"]["matter_name"] = "被改过"
    (tmp_path / "bad.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    refused = run("submission", "import", "bad.json", "--as", "demo_jc_jb_zjj")
    assert refused.exit_code == 2 and "STORE-509" in refused.output
    denied = run("submission", "export", "2", "--as", "demo_jc_nh_nnj")
    assert denied.exit_code == 2 and "AUTH-607" in denied.output
    again = run("demo", "seed", "--examples", str(examples))
    assert again.exit_code == 2


def test_cli__questionnaire_excel__writes_a_workbook(run, tmp_path):
    result = run("questionnaire", "excel", "land_expropriation", "-o", "form.xlsx")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "form.xlsx").stat().st_size > 5000
