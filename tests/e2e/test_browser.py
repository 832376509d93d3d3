"""The whole cycle in a real browser: a department fills a questionnaire, sees the result, plans a measure and
submits; a reviewer returns it with a comment; the department revises and resubmits; the reviewer approves
and downloads the report; a user of another unit cannot open the matter, even by typing its address.
Every page visited is saved under test-artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest

from assessment.answer_files import read_answer_file
from assessment.loader import load_ruleset
from tests.e2e.driver import ROOT, fill_question, fill_questionnaire, log_in, pick, rerun, shot

pytestmark = pytest.mark.e2e

DEPARTMENT, REVIEWER, OTHER_DEPARTMENT, ADMIN = "demo_jc_jb_zjj", "demo_jb_reviewer", "demo_jc_gzw", "demo_admin"
KIND = "price_reform"
TIMEOUT = 60_000


def _matter_id(page) -> int:
    return int(re.search(r"[?&]matter=(\d+)", page.url).group(1))


def _text(page, text: str) -> None:
    page.get_by_text(text).first.wait_for(timeout=TIMEOUT)


def _create_and_fill(page, base: str) -> int:
    example = read_answer_file(ROOT / "examples" / f"{KIND}.yaml")
    kind = load_ruleset().kind(KIND)
    log_in(page, base, "/", DEPARTMENT)
    shot(page, "01-department-home")
    page.get_by_role("link", name="新建评估").first.click()
    page.locator(".st-key-new-kind").wait_for(timeout=TIMEOUT)
    rerun(page, lambda: pick(page, "new-kind", kind.title.zh))
    for question in kind.sections[0].questions:
        if question.name in example.answers:
            fill_question(page, f"new-{question.name}", kind, question.name, example.answers[question.name])
    shot(page, "02-new-matter")
    page.locator(".st-key-new-create button").click()
    _text(page, "必填项已完成")
    matter = _matter_id(page)
    shot(page, "03-fill-first-section")
    fill_questionnaire(page, matter, 1, kind, example.answers,
                       on_section=lambda p, section: section == "participation" and shot(p, "04-fill-participation"))
    shot(page, "05-fill-complete")
    return matter


def _measure_and_submit(page, matter: int) -> None:
    page.get_by_role("link", name="2. 评估结果").click()
    _text(page, "风险矩阵")
    shot(page, "06-result-provisional")
    page.get_by_role("link", name="3. 措施").click()
    _text(page, "从措施库选择")
    pick(page, "library-pick")
    page.locator(".st-key-library-unit input").fill("江北区发展和改革局")
    page.locator(".st-key-library-leader input").fill("李强（副区长）")
    page.locator(".st-key-library-deadline input").fill("2027-06-30")
    rerun(page, page.locator(".st-key-library-add button").click)
    shot(page, "07-measures")
    page.get_by_role("link", name="4. 提交").click()
    _submit(page, matter, "08-submit")


def _submit(page, matter: int, screenshot: str) -> None:
    rerun(page, page.locator(f".st-key-confirm-{matter} label").click)
    shot(page, screenshot)
    page.locator(".st-key-submit-button button").click()
    _text(page, "已提交，等待审核。")


def test_department_and_reviewer__fill_return_revise_approve_download__and_other_unit_is_kept_out(new_page, base_url):
    department = new_page()
    matter = _create_and_fill(department, base_url)
    _measure_and_submit(department, matter)
    shot(department, "09-result-submitted")

    reviewer = new_page()
    log_in(reviewer, base_url, "/queue", REVIEWER)
    _text(reviewer, "审核队列")
    shot(reviewer, "10-review-queue")
    log_in(reviewer, base_url, f"/review?matter={matter}", REVIEWER)
    reviewer.get_by_role("tab", name="退回修改").click()
    reviewer.locator(".st-key-review-return-reason textarea").fill("请补充价格听证会的会议记录，并说明低收入群体补贴的资金来源。")
    reviewer.locator(".st-key-review-return-send button").click()
    _text(reviewer, "已退回修改。")
    shot(reviewer, "11-review-returned")

    log_in(department, base_url, f"/fill?matter={matter}", DEPARTMENT)
    _text(department, "请补充价格听证会的会议记录")
    shot(department, "12-fill-returned")
    department.locator(f".st-key-q-{matter}-2-decision_body input").fill("江北区人民政府（经区政府常务会议审议）")
    rerun(department, department.locator(f".st-key-save-{matter}-matter button").click)
    department.get_by_role("link", name="4. 提交").click()
    _submit(department, matter, "12b-resubmit")

    log_in(reviewer, base_url, f"/review?matter={matter}", REVIEWER)
    _text(reviewer, "第 1 版到第 2 版的变化")
    reviewer.get_by_role("tab", name="批准").click()
    reviewer.locator(".st-key-review-approve-send button").click()
    _text(reviewer, "已批准，措施已转入督查督办。")
    reviewer.locator(".st-key-make-pdf button").click()
    reviewer.locator(".st-key-get-pdf button").wait_for(timeout=120_000)
    with reviewer.expect_download() as download:
        reviewer.locator(".st-key-get-pdf button").click()
    assert open(download.value.path(), "rb").read().startswith(b"%PDF")
    assert download.value.suggested_filename.endswith(".pdf")
    shot(reviewer, "13-review-approved-downloads")

    outsider = new_page()
    log_in(outsider, base_url, f"/result?matter={matter}", OTHER_DEPARTMENT)
    _text(outsider, "AUTH-607")
    assert not outsider.get_by_text("风险矩阵").count()
    shot(outsider, "14-other-unit-refused")
    log_in(outsider, base_url, f"/review?matter={matter}", OTHER_DEPARTMENT)
    assert not outsider.locator(".st-key-review-approve-send").count()


TABS = {"/admin": ("用户", "规则集", "学习模型")}  # tabs whose content is drawn too


@pytest.mark.parametrize("username, paths", [
    (DEPARTMENT, ["/followup", "/tracking?matter=10", "/stats"]),
    (REVIEWER, ["/", "/review?matter=8", "/followup"]),
    (ADMIN, ["/admin", "/stats"]),
])
def test_pages__as_each_role__draw_without_errors(new_page, base_url, username, paths):
    page = new_page()
    for path in paths:
        log_in(page, base_url, path, username)
        assert not page.locator('[data-testid="stException"]').count()
        name = path.strip("/").replace("?matter=", "-") or "home"
        shot(page, f"20-{username}-{name}")
        for tab in TABS.get(path, ()):
            page.get_by_role("tab", name=tab).click()  # tabs switch in the browser, without a rerun
            shot(page, f"20-{username}-{name}-{tab}")
