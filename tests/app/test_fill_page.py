"""Filling the questionnaire: one form per section, saved on submit; a wrong value shows its error at its
question and keeps everything typed; a question appears when an answer makes it apply."""

from __future__ import annotations

from app_pages.questions import widget_key
from app_pages.ui import plain
from assessment.i18n import t
from assessment.services import app_queries
from tests.app.conftest import DEPARTMENT, codes, detail, has_button, leaves, matter_of, no_crash, open_page, who


def _param(value) -> str:
    return value[0] if isinstance(value, list) else value


def _on_section(app_db, section: str):
    matter = matter_of(app_db, "land_expropriation", "draft")
    at = no_crash(open_page("app_pages/fill.py", who(app_db, DEPARTMENT), matter=matter))
    at.button(key=f"section-{matter}-{section}").click().run()
    return at, matter, detail(app_db, matter).current.number


def _save(at, matter: int, section: str):
    return no_crash(at.button(key=f"save-{matter}-{section}").click().run())


def test_section__a_value_against_a_constraint__shows_the_error_at_that_question_and_keeps_every_answer(app_db):
    at, matter, rev = _on_section(app_db, "population")
    key = lambda name: widget_key(matter, rev, name, "zh")  # noqa: E731
    at.number_input(key=key("households_affected")).set_value(500)
    at.number_input(key=key("people_affected")).set_value(20)  # fewer people than households
    at = _save(at, matter, "population")

    assert "ANS-307" in codes(at)
    drawn = list(leaves(at.main))
    question = next(i for i, e in enumerate(drawn) if getattr(e, "key", None) == key("people_affected"))
    assert drawn[question + 1].type == "error" and "ANS-307" in drawn[question + 1].value
    saved = detail(app_db, matter).current.answers
    assert saved["households_affected"] == 500 and saved["people_affected"] == 20  # nothing typed is lost
    assert at.number_input(key=key("people_affected")).value == 20


def test_section__good_answers__are_saved_and_the_next_unfinished_section_opens(app_db):
    at, matter, rev = _on_section(app_db, "population")
    at.number_input(key=widget_key(matter, rev, "people_affected", "zh")).set_value(1400)
    at = _save(at, matter, "population")
    assert detail(app_db, matter).current.answers["people_affected"] == 1400
    assert not codes(at)
    assert at.success[0].value in (t("fill.saved_next", "zh"), t("fill.saved_all", "zh"))


def test_section__an_answer_that_makes_a_question_apply__shows_that_question(app_db):
    at, matter, rev = _on_section(app_db, "population")
    key = lambda name: widget_key(matter, rev, name, "zh")  # noqa: E731
    at.number_input(key=key("vulnerable_households")).set_value(0)
    at = _save(at, matter, "population")
    assert key("vulnerable_support") not in [getattr(e, "key", None) for e in leaves(at.main)]
    at.number_input(key=key("vulnerable_households")).set_value(3)
    at = _save(at, matter, "population")
    assert key("vulnerable_support") in [getattr(e, "key", None) for e in leaves(at.main)]
    assert t("fill.appeared", "zh", count=1) in [s.value for s in at.success]


def test_fill__progress_bar__counts_the_required_questions(app_db):
    matter = matter_of(app_db, "land_expropriation", "draft")
    form = app_queries.questionnaire_form(app_db.uow(read_only=True), who(app_db, DEPARTMENT), matter)
    at = no_crash(open_page("app_pages/fill.py", who(app_db, DEPARTMENT), matter=matter))
    done, total = form.progress
    assert at.get("progress")[0].proto.text == t("fill.progress", "zh", done=done, total=total)


def test_fill__submitted_revision__cannot_be_saved(app_db):
    matter = matter_of(app_db, "land_expropriation", "submitted")
    at = no_crash(open_page("app_pages/fill.py", who(app_db, DEPARTMENT), matter=matter))
    assert t("fill.not_editable", "zh") in [i.value for i in at.info]
    assert has_button(at, f"save-{matter}-matter") and at.button(key=f"save-{matter}-matter").disabled


def test_new_matter__basic_facts__create_a_draft_and_open_the_questionnaire(app_db):
    at = no_crash(open_page("app_pages/new_matter.py", who(app_db, DEPARTMENT)))
    at.selectbox(key="new-kind").set_value("price_reform").run()
    at.text_input(key="new-matter_name").input("城区停车收费标准调整")
    at.text_input(key="new-decision_body").input("江北区人民政府")
    at.text_input(key="new-location").input("江北区城区")
    at.text_area(key="new-matter_summary").input("调整城区路内停车收费标准。")
    at.radio(key="new-ndrc_project").set_value(False)
    at = no_crash(at.button(key="new-create").click().run())
    assert at.title[0].value == t("page.fill", "zh")
    made = detail(app_db, int(_param(at.query_params["matter"])))
    assert made.summary.title == "城区停车收费标准调整" and made.summary.kind == "price_reform"
    assert made.current.answers["decision_body"] == "江北区人民政府"


def test_new_matter__required_fact_missing__shows_it_at_the_question_and_creates_nothing(app_db):
    at = no_crash(open_page("app_pages/new_matter.py", who(app_db, DEPARTMENT)))
    at.text_input(key="new-decision_body").input("江北区人民政府")
    at = no_crash(at.button(key="new-create").click().run())
    assert "ANS-303" in codes(at) and at.title[0].value == t("page.new", "zh")
    assert at.text_input(key="new-decision_body").value == "江北区人民政府"


def test_matter_title__with_markup__is_shown_as_typed_not_interpreted(app_db):
    title = "<img src=x onerror=alert(1)> **粗体** [链接](http://example.com)"
    basics = {"matter_name": title, "decision_body": "区政府", "location": "城区", "matter_summary": "内容",
              "ndrc_project": False}
    made = app_queries.start_matter(app_db.uow(), who(app_db, DEPARTMENT), "price_reform", basics)
    at = no_crash(open_page("app_pages/fill.py", who(app_db, DEPARTMENT), matter=made.id))
    heading = at.subheader[0].value
    assert heading == f"\\#{made.id} {plain(title)}"
    assert "**" not in heading.replace("\\*", "") and "](" not in heading.replace("\\]\\(", "")


def _save_stakeholders(app_db, matter: int, groups, relations=None):
    return app_queries.save_section(app_db.uow(), who(app_db, DEPARTMENT), matter, "stakeholders",
                                    {"stakeholders": groups, "stakeholder_relations": relations},
                                    expected_version=detail(app_db, matter).summary.version)


def test_section__table_row_with_a_missing_cell__is_not_done_and_the_row_names_its_column(app_db):
    matter = matter_of(app_db, "land_expropriation", "draft")
    form = _save_stakeholders(app_db, matter, [{"group": "拒绝搬迁住户", "kind": "affected_households", "stance": "oppose"}])
    section = form.section("stakeholders")
    assert section.status == "problems" and form.problem_count > 0
    at, _, _ = _on_section(app_db, "stakeholders")
    size = t("form.row", "zh", row=1) + " · 人数"
    assert any(e.startswith(size) and "ANS-303" in e for e in [e.value for e in at.error])
    assert "size" not in " ".join(e.value for e in at.error)  # the column's label, not its id
    assert not any(t("fill.saved_all", "zh") in s.value for s in at.success)


def test_section__relation_naming_an_unknown_group__is_flagged_at_the_table_and_ends_offer_saved_groups(app_db):
    matter = matter_of(app_db, "land_expropriation", "draft")
    groups = [{"group": "拒绝搬迁住户", "kind": "affected_households", "size": 26, "stance": "oppose"},
              {"group": "街道办", "kind": "government", "size": 5, "stance": "support"}]
    form = _save_stakeholders(app_db, matter, groups, [{"source": "拒绝搬迁住户", "target": "街道办事处", "relation": "conflict"}])
    relations = next(q for q in form.section("stakeholders").questions if q.name == "stakeholder_relations")
    assert relations.column_names["source"] == ("拒绝搬迁住户", "街道办")
    at, _, _ = _on_section(app_db, "stakeholders")
    assert t("fill.unknown_groups", "zh", names="街道办事处") in [w.value for w in at.warning]


def test_calculated_share__of_exactly_one__reads_as_100_percent(app_db):
    matter = matter_of(app_db, "land_expropriation", "draft")
    app_queries.save_section(app_db.uow(), who(app_db, DEPARTMENT), matter, "la_compensation",
                             {"compensation_budget": 5000, "funds_in_account": 5000},
                             expected_version=detail(app_db, matter).summary.version)
    at, _, _ = _on_section(app_db, "la_compensation")
    assert "补偿费用到位率：**100%**" in [m.value for m in at.markdown]


def test_fill__section_list__marks_each_section_with_its_state_not_a_radio(app_db):
    matter = matter_of(app_db, "land_expropriation", "draft")
    _save_stakeholders(app_db, matter, [{"group": "住户", "kind": "affected_households", "stance": "oppose"}])
    at = no_crash(open_page("app_pages/fill.py", who(app_db, DEPARTMENT), matter=matter))
    assert not at.radio
    assert at.button(key=f"section-{matter}-stakeholders").label.startswith(":red[:material/error:]")
    assert at.button(key=f"section-{matter}-matter").label.startswith(":green[:material/check_circle:]")

