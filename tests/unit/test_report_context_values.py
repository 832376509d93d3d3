"""Answers as the report shows them (assessment.report.values)."""

from __future__ import annotations

from datetime import date

import pytest

from assessment.loader import load_ruleset
from assessment.report.values import AnswerText, format_date, format_number, format_percent, tidy


@pytest.mark.parametrize(("value", "shown"), [(0.94, "94%"), (0.9527, "95.3%"), (0.00048, "0.048%"), (0, "0%"),
                                              (1, "100%")])
def test_format_percent__any_share__as_many_digits_as_needed(value, shown):
    assert format_percent(value) == shown


@pytest.mark.parametrize(("value", "shown"), [(186000, "186000"), (2.85, "2.85"), (5.700000000000001, "5.7"),
                                              (0.12345, "0.1235")])
def test_format_number__floats__no_float_noise(value, shown):
    assert format_number(value) == shown


def test_format_date__zh_and_en__arabic_numerals_and_month_names():
    assert format_date(date(2027, 3, 1), "zh") == "2027年3月1日"
    assert format_date("2027-03-01", "en") == "1 March 2027"
    assert format_date("not a date", "zh") == "not a date"


def test_tidy__spaces_between_chinese__removed_others_kept():
    assert tidy("老化。 拟征收 片区 a b 3 户") == "老化。拟征收片区 a b 3 户"


@pytest.fixture(scope="module")
def land_text():
    return AnswerText(load_ruleset().kind("land_expropriation"), "zh")


def test_answer_text__each_question_type__labels_units_and_yes_no(land_text):
    assert land_text.text("households_affected", 486) == "486户"
    assert land_text.text("hearing_held", False) == "否"
    assert land_text.text("funding_source", "mixed") == "多渠道筹措"
    assert land_text.text("approvals_missing", []) == "无"
    assert land_text.text("response_rate", 0.9527) == "95.3%"  # a calculated share
    assert land_text.text("planned_start", "2027-03-01") == "2027年3月1日"


def test_answer_text__unknown_question__raw_value_shown():
    assert AnswerText(None, "en").text("gone", [True, 1.5]) == "yes, 1.5"


def test_answer_text__table_question__one_line_per_row(land_text):
    rows = [{"group": "拒迁户", "stance": "oppose", "size": 26}]
    assert land_text.text("stakeholders", rows) == "群体名称：拒迁户；态度：反对；人数：26"
