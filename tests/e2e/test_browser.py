"""The whole cycle in a real browser: a department fills a questionnaire (its stakeholder tables typed into the
data editor), sees the result with the learned model's opinion, plans a measure and submits; a reviewer returns
it with a comment; the department sees why, revises and resubmits; the reviewer approves and downloads the
report; a user of another unit cannot open the matter, whichever address is typed. Then the same in English.
Every page visited is saved under test-artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest

from app_pages.questions import widget_key
from assessment.answer_files import read_answer_file
from assessment.i18n import t
from assessment.loader import load_ruleset
from tests.e2e.driver import ROOT, fill_question, fill_questionnaire, log_in, open_section, pick, rerun, shot

pytestmark = pytest.mark.e2e

DEPARTMENT, REVIEWER, OTHER_DEPARTMENT, ADMIN = "demo_jc_jb_zjj", "demo_jb_reviewer", "demo_jc_gzw", "demo_admin"
KIND = "price_reform"
TIMEOUT = 60_000
GRAPH = '[data-testid="stGraphVizChart"]'


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
    open_section(page, matter, "stakeholders")
    shot(page, "04b-fill-stakeholders")  # both tables as typed, with no problem left
    return matter


def _measure_and_submit(page, matter: int) -> None:
    page.get_by_role("link", name="2. 评估结果").click()
    _text(page, "风险矩阵")
    page.locator(f"{GRAPH}:visible").first.wait_for(timeout=TIMEOUT)  # the map of the groups typed in
    _text(page, "【模拟数据训练】")  # the learned model's opinion carries its label
    _text(page, "最大反对联盟")  # the graph's findings under it
    shot(page, "06-result-provisional")
    page.get_by_role("link", name="3. 措施").click()
    _text(page, "从措施库选择")
    pick(page, "library-pick")
    page.locator(".st-key-library-unit input").fill("江北区发展和改革局")
    page.locator(".st-key-library-leader input").fill("李强（副区长）")
    page.locator(".st-key-library-deadline input").fill("2027-06-30")
    rerun(page, page.locator(".st-key-library-add button").click)
    _text(page, "已加入措施")
    shot(page, "07-measures")
    page.get_by_role("link", name="4. 提交").click()
    _submit(page, matter, "08-submit")


def _submit(page, matter: int, screenshot: str) -> None:
    rerun(page, page.locator(f".st-key-confirm-{matter} label").click)
    shot(page, screenshot)
    page.locator(".st-key-submit-button button").click()
    _text(page, "已提交，等待审核。")


def _outsider_is_kept_out(page, base: str, matter: int) -> None:
    """Every matter address typed by a department of another unit: one answer, the same as for no such matter."""
    refusal = t("matter.unavailable", "zh", id=matter)
    for path in ("result", "fill", "measures", "submit", "tracking"):
        log_in(page, base, f"/{path}?matter={matter}", OTHER_DEPARTMENT)
        _text(page, refusal)
        assert not page.get_by_text("风险矩阵").count() and not page.locator(f".st-key-save-{matter}-matter").count()
        assert not page.get_by_text("JC-FGW").count() and not page.get_by_text("AUTH-607").count()
        shot(page, f"14-other-unit-{path}")
    log_in(page, base, "/result?matter=999999", OTHER_DEPARTMENT)
    _text(page, t("matter.unavailable", "zh", id=999999))
    log_in(page, base, f"/review?matter={matter}", OTHER_DEPARTMENT)
    _text(page, t("nav.not_for_role", "zh", page=t("page.review", "zh"), roles="审核人、管理员",
                  role=t("role.submitter", "zh")))
    assert not page.locator(".st-key-review-approve-send").count()
    shot(page, "15-other-unit-review")


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

    log_in(department, base_url, f"/result?matter={matter}", DEPARTMENT)
    _text(department, "审核记录")  # the department sees the reviewer's reason where it reads its result
    _text(department, "请补充价格听证会的会议记录")
    shot(department, "12a-result-returned")
    log_in(department, base_url, f"/fill?matter={matter}", DEPARTMENT)
    _text(department, "请补充价格听证会的会议记录")
    shot(department, "12-fill-returned")
    open_section(department, matter, "matter")
    department.locator(f".st-key-{widget_key(matter, 2, 'decision_body', 'zh')} input").fill("江北区人民政府（经区政府常务会议审议）")
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

    _outsider_is_kept_out(new_page(), base_url, matter)


def _in_english(page) -> None:
    rerun(page, lambda: page.locator(".st-key-lang-switch").get_by_text("English").click())


def test_department__in_english__pages_and_saved_choices_read_in_english(new_page, base_url):
    page = new_page()
    log_in(page, base_url, "/", DEPARTMENT)
    _in_english(page)
    _text(page, t("page.my_matters", "en"))
    shot(page, "30-en-home")
    log_in(page, base_url, "/fill?matter=6", DEPARTMENT)  # the department's land expropriation draft (demo data)
    _in_english(page)
    _text(page, t("fill.progress", "en", done=66, total=66).split(":")[0])
    # A choice saved in Chinese still shows as chosen once the page is in English.
    ndrc = page.locator(f".st-key-{widget_key(6, 1, 'ndrc_project', 'en')}")
    assert ndrc.get_by_role("radio", name="No").is_checked()
    shot(page, "31-en-fill")
    page.get_by_role("link", name="2. Result").click()
    _text(page, t("result.matrix", "en"))
    _text(page, t("result.model.simulated", "en"))
    shot(page, "32-en-result")
    page.get_by_role("link", name="3. Measures").click()
    _text(page, t("measures.from_library", "en"))
    shot(page, "33-en-measures")
    log_in(page, base_url, "/followup", DEPARTMENT)
    _in_english(page)
    _text(page, t("followup.only_overdue", "en"))
    shot(page, "34-en-followup")


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
