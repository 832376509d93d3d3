"""`wenping report ANSWERS -o FILE`: the suffix picks the format; mistakes exit 2 with a message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from assessment.cli import main
from assessment.errors import WenpingError
from assessment.report import charts, export
from tests.conftest import require

LAND = Path(__file__).parents[2] / "examples" / "land_expropriation.yaml"


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv(export.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_report_command__json__the_whole_result(tmp_path):
    out = tmp_path / "report.json"
    result = invoke("report", str(LAND), "-o", str(out))
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["format"] == "wenping.assessment-report" and document["assessment"]["kind"] == "land_expropriation"
    assert document["report"]["lang"] == "zh"


def test_report_command__docx_in_english__cached_under_the_cache_dir(tmp_path, cache):
    try:
        charts._chart_font()
    except WenpingError as error:
        require("Noto Sans CJK SC", error.message("en"))
    out = tmp_path / "report.docx"
    result = invoke("report", str(LAND), "--lang", "en", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert Document(str(out)).paragraphs[0].text.startswith("Social Stability Risk Assessment Report\n江北区")
    assert [p.suffix for p in (cache / "reports").iterdir()] == [".docx"]


def test_report_command__no_cache_dir_set__the_users_cache_not_the_working_directory(tmp_path, monkeypatch):
    """It once made data/cache wherever it was run."""
    try:
        charts._chart_font()
    except WenpingError as error:
        require("Noto Sans CJK SC", error.message("en"))
    monkeypatch.delenv(export.CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    work = tmp_path / "somewhere"
    work.mkdir()
    monkeypatch.chdir(work)
    result = invoke("report", str(LAND), "-o", "report.docx")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in work.iterdir()) == ["report.docx"]
    assert [p.suffix for p in (tmp_path / "xdg" / "wenping" / "reports").iterdir()] == [".docx"]


@pytest.mark.parametrize("name", ["report.txt", "report"])
def test_report_command__unknown_suffix__exit_2_naming_the_formats(tmp_path, name):
    result = CliRunner().invoke(main, ["report", str(LAND), "-o", str(tmp_path / name)])
    assert result.exit_code == 2 and "docx, pdf, json" in result.output and "REPORT-407" in result.output
    assert not (tmp_path / name).exists()
