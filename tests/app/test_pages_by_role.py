"""Every page for every role: the pages a role has open and draw without error; the others say that the role
cannot use them (also when the address is typed), and a matter out of reach reads the same as one that does
not exist."""

from __future__ import annotations

import pytest

from app_pages.ui import PAGES
from assessment.i18n import t
from tests.app.conftest import (
    DEPARTMENT,
    OTHER_DEPARTMENT,
    OTHER_REVIEWER,
    REVIEWER,
    ROLE_USERS,
    codes,
    errors,
    has_button,
    matter_of,
    no_crash,
    open_page,
    who,
)

# The matter a page is opened on, by the state it should be in (None: the page needs no matter).
MATTER_STATE = {"fill": "draft", "measures": "draft", "submit": "draft", "result": "submitted",
                "review": "submitted", "tracking": "approved"}
HOME_TITLES = {t("page.home", "zh"), t("page.my_matters", "zh")}


def _title(at) -> str:
    return at.title[0].value if at.title else ""


@pytest.mark.parametrize("role", sorted(ROLE_USERS))
@pytest.mark.parametrize("spec", PAGES, ids=lambda s: s.url or "home")
def test_page__for_each_role__opens_if_the_role_has_it_else_says_why(app_db, role, spec):
    state = MATTER_STATE.get(spec.url)
    matter = matter_of(app_db, "land_expropriation", state) if state else None
    at = no_crash(open_page(spec.path, who(app_db, ROLE_USERS[role]), matter=matter))
    if spec.url == "":
        assert _title(at) in HOME_TITLES
    elif role in spec.roles:
        assert _title(at) == t(spec.title, "zh")
        assert not codes(at), codes(at)
    else:
        assert not at.title  # nothing of the page is drawn
        refusal = [w.value for w in at.warning]
        assert len(refusal) == 1 and t(spec.title, "zh") in refusal[0] and t(f"role.{role}", "zh") in refusal[0]


@pytest.mark.parametrize("page", ["app_pages/fill.py", "app_pages/result.py", "app_pages/measures.py",
                                  "app_pages/submit.py", "app_pages/tracking.py"])
def test_matter_page__another_units_matter_and_a_missing_one__read_the_same(app_db, page):
    matter = matter_of(app_db, "land_expropriation", "approved" if "tracking" in page else "draft")
    other = no_crash(open_page(page, who(app_db, OTHER_DEPARTMENT), matter=matter))
    missing = no_crash(open_page(page, who(app_db, OTHER_DEPARTMENT), matter=999_999))
    assert errors(other) == [t("matter.unavailable", "zh", id=matter)]
    assert errors(missing) == [t("matter.unavailable", "zh", id=999_999)]
    assert not other.subheader  # no matter header drawn
    assert "JC-JB-ZJJ" not in " ".join(errors(other))  # the owning unit is not given away


def test_review_page__reviewer_outside_the_jurisdiction__is_refused(app_db):
    matter = matter_of(app_db, "land_expropriation", "submitted")
    at = no_crash(open_page("app_pages/review.py", who(app_db, OTHER_REVIEWER), matter=matter))
    assert errors(at) == [t("matter.unavailable", "zh", id=matter)]
    assert not has_button(at, "review-start") and not has_button(at, "review-approve-send")


def test_review_page__reviewer_of_the_jurisdiction__sees_actions_and_result(app_db):
    matter = matter_of(app_db, "land_expropriation", "submitted")
    at = no_crash(open_page("app_pages/review.py", who(app_db, REVIEWER), matter=matter))
    assert has_button(at, "review-start") and has_button(at, "review-approve-send")
    assert any(t("result.factors", "zh") in s.value for s in at.subheader)


def test_lists__show_only_matters_in_scope(app_db):
    own = no_crash(open_page("app_pages/home.py", who(app_db, DEPARTMENT)))
    other = no_crash(open_page("app_pages/home.py", who(app_db, OTHER_DEPARTMENT)))
    own_titles = set(own.dataframe[0].value[t("list.title", "zh")])
    other_titles = set(other.dataframe[0].value[t("list.title", "zh")])
    assert own_titles and other_titles and not own_titles & other_titles


def test_review_page__department_typing_its_address__is_told_it_is_for_reviewers(app_db):
    matter = matter_of(app_db, "land_expropriation", "submitted")
    at = no_crash(open_page("app_pages/review.py", who(app_db, DEPARTMENT), matter=matter))
    assert [w.value for w in at.warning] == [t("nav.not_for_role", "zh", page=t("page.review", "zh"),
                                              roles="审核人、管理员", role=t("role.submitter", "zh"))]
    assert not has_button(at, "review-approve-send")


def test_home__many_matters__are_paginated(app_db):
    at = no_crash(open_page("app_pages/home.py", who(app_db, "demo_admin")))
    first = list(at.dataframe[0].value["#"])
    at = no_crash(at.number_input(key="home-page").set_value(2).run())
    second = list(at.dataframe[0].value["#"])
    assert len(first) == 20 and second and not set(first) & set(second)
