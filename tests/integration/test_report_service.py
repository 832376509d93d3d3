"""generate_report: who may download a submission's report, which revision, each format, and the cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assessment.answer_files import read_answer_file
from assessment.errors import WenpingError
from assessment.report import charts, export
from assessment.report.pdf import libreoffice_available
from assessment.services import review, submissions
from assessment.services.reports import generate_report, report_filename
from assessment.services.scoring import RulesScorer
from storage_world import _world_sqlite, world  # noqa: F401  (fixtures)
from tests.conftest import require

LAND = Path(__file__).parents[2] / "examples" / "land_expropriation.yaml"


@pytest.fixture
def backend() -> str:
    return "sqlite"  # the storage tests cover PostgreSQL; reports read through the same services


def codes(error: WenpingError) -> list[str]:
    return [p.code.code for p in error.problems]


@pytest.fixture
def submitted(world) -> int:
    doc = read_answer_file(LAND)
    sub = world.who("sub_own")
    m = submissions.create_matter(world.db.uow(), sub, kind=doc.kind, title="城东片区房屋征收", answers=doc.answers,
                                  measures=doc.measures)
    submissions.submit(world.db.uow(), sub, m.id, RulesScorer())
    return m.id


def report(world, who: str, matter_id: int, tmp_path: Path, **options) -> tuple[str, bytes]:
    return generate_report(world.db.uow(read_only=True), world.who(who), matter_id, cache_dir=tmp_path, **options)


def as_json(content: bytes) -> dict:
    return json.loads(content.decode("utf-8"))


@pytest.mark.parametrize("who", ["sub_own", "rev_in", "rev_city", "admin"])
def test_generate_report__user_who_may_view__gets_the_json(world, submitted, tmp_path, who):
    name, content = report(world, who, submitted, tmp_path, fmt="json")
    document = as_json(content)
    assert name == "城东片区房屋征收-社会稳定风险评估报告-第1版.json"
    assert document["matter"] == {"id": submitted, "title": "城东片区房屋征收", "unit": "东区住建局", "revision": 1}
    assert document["assessment"]["kind"] == "land_expropriation" and document["assessment"]["factors"]


@pytest.mark.parametrize("who", ["sub_other", "rev_out"])
def test_generate_report__user_outside_the_unit__forbidden(world, submitted, tmp_path, who):
    with pytest.raises(WenpingError) as caught:
        report(world, who, submitted, tmp_path, fmt="json")
    assert codes(caught.value) == ["AUTH-607"]


def test_generate_report__draft_never_submitted__report_406(world, tmp_path):
    sub = world.who("sub_own")
    m = submissions.create_matter(world.db.uow(), sub, kind="land_expropriation", title="草稿")
    with pytest.raises(WenpingError) as caught:
        report(world, "sub_own", m.id, tmp_path, fmt="json")
    assert codes(caught.value) == ["REPORT-406"]


def test_generate_report__unknown_format__report_407(world, submitted, tmp_path):
    with pytest.raises(WenpingError) as caught:
        report(world, "sub_own", submitted, tmp_path, fmt="xlsx")
    assert codes(caught.value) == ["REPORT-407"]


def test_generate_report__result_not_an_assessment__report_408(world, tmp_path):
    matter = world.new_matter("submitted")  # the storage world's fake scorer stores a bare summary
    with pytest.raises(WenpingError) as caught:
        report(world, "sub_own", matter, tmp_path, fmt="json")
    assert codes(caught.value) == ["REPORT-408"]


def test_generate_report__returned_and_redrafted__latest_submitted_revision(world, submitted, tmp_path):
    version = world.version(submitted)
    review.start_review(world.db.uow(), world.who("rev_in"), submitted, expected_version=version)
    review.return_for_revision(world.db.uow(), world.who("rev_in"), submitted,
                               expected_version=world.version(submitted), reason="补充调查")
    assert world.detail(submitted).current.number == 2  # a draft, not scored yet
    name, content = report(world, "sub_own", submitted, tmp_path, fmt="json")
    assert as_json(content)["matter"]["revision"] == 1 and name.endswith("第1版.json")


def test_generate_report__reviewer_override__stated_with_its_reason(world, submitted, tmp_path):
    review.start_review(world.db.uow(), world.who("rev_in"), submitted, expected_version=world.version(submitted))
    review.override_level(world.db.uow(), world.who("rev_in"), submitted, expected_version=world.version(submitted),
                          level="high", reason="现场核查发现拒迁户较多")
    notes = as_json(report(world, "sub_own", submitted, tmp_path, fmt="json")[1])["report"]["conclusion"]["notes"]
    assert any("调整为高风险，理由：现场核查发现拒迁户较多" in note for note in notes)


def test_generate_report__docx_twice__second_served_from_the_cache(world, submitted, tmp_path, monkeypatch):
    try:
        charts._chart_font()
    except WenpingError as error:
        require("Noto Sans CJK SC", error.message("en"))
    renders = []
    real = export.render_docx
    monkeypatch.setattr(export, "render_docx", lambda *a: renders.append(a) or real(*a))
    first = report(world, "sub_own", submitted, tmp_path, fmt="docx")
    second = report(world, "rev_in", submitted, tmp_path, fmt="docx")
    assert first == second and len(renders) == 1
    english = report(world, "sub_own", submitted, tmp_path, fmt="docx", lang="en")
    assert english[0].endswith("-stability-risk-report-rev1.docx") and len(renders) == 2


def test_generate_report__pdf__a_pdf_named_for_the_matter(world, submitted, tmp_path):
    require("LibreOffice", libreoffice_available())
    name, content = report(world, "rev_in", submitted, tmp_path, fmt="pdf")
    assert name.endswith(".pdf") and content.startswith(b"%PDF")


def test_report_filename__slashes_and_control_characters__replaced():
    assert report_filename('a/b\\c:"d"\n', 3, "pdf", "en") == "a_b_c_d-stability-risk-report-rev3.pdf"
    assert report_filename("///", 1, "docx", "zh") == "report-社会稳定风险评估报告-第1版.docx"
