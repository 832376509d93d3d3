"""Answers as the report shows them (assessment.report.values)."""

from __future__ import annotations

from datetime import date

import pytest

from assessment.loader import load_ruleset
from assessment.report.values import (
    AnswerText, format_date, format_number, format_percent, format_yuan, inline_label, singular, tidy,
)


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
    assert format_date(date(2027, 12, 28), "zh", narrow=True) == "2027年\n12月28日"
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


@pytest.mark.parametrize(("yuan", "shown"), [(1.86e9, "CNY 1.86 billion"), (4.23e8, "CNY 423 million"),
                                             (1234567, "CNY 1.235 million"), (35000, "CNY 35,000")])
def test_format_yuan__english_amounts__in_words_not_10k_units(yuan, shown):
    assert format_yuan(yuan) == shown


@pytest.mark.parametrize(("plural", "one"), [("people", "person"), ("households", "household"), ("copies", "copy"),
                                             ("batches", "batch"), ("businesses", "business"), ("times", "time"),
                                             ("kV", "kV"), ("m²", "m²"), ("tonnes/day", "tonnes/day")])
def test_singular__english_units__one_of_each(plural, one):
    assert singular(plural) == one


def test_inline_label__english_choice_in_a_sentence__lower_case_unless_an_acronym():
    assert inline_label("Mixed sources") == "mixed sources" and inline_label("NDRC approval") == "NDRC approval"


def test_answer_text__english__counts_of_one_singular_and_10k_yuan_as_yuan():
    text = AnswerText(load_ruleset().kind("land_expropriation"), "en")
    assert text.text("collective_petitions_3y", 1) == "1 batch" and text.text("collective_petitions_3y", 2) == "2 batches"
    assert text.text("investment", 186000) == "CNY 1.86 billion"
    assert text.text("funding_source", "mixed") == "Mixed sources"  # a table cell
    assert text.text("funding_source", "mixed", inline=True) == "mixed sources"  # inside a sentence
