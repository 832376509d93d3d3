"""The report's title set in lines (assessment.report.titles): whole words, the fixed part on its own line."""

from __future__ import annotations

import re

import pytest

from assessment.report.titles import ELLIPSIS, set_title, width

SUFFIX = "社会稳定风险评估报告"


@pytest.mark.parametrize(("matter", "lines"), [
    # once "…国有土 / 地上…" on the cover and "…房 / 屋征收…" in the body
    ("江北区城东片区旧城区改建项目国有土地上房屋征收", ("江北区城东片区旧城区改建项目", "国有土地上房屋征收")),
    ("江北区静脉产业园生活垃圾焚烧发电项目", ("江北区静脉产业园", "生活垃圾焚烧发电项目")),
    ("江北区静脉产业园生活垃圾焚烧发电项目（一期）", ("江北区静脉产业园", "生活垃圾焚烧发电项目（一期）")),
    ("清源市2027年度居民生活用水价格调整方案", ("清源市2027年度", "居民生活用水价格调整方案")),
    ("市属国有企业改制重组方案", ("市属国有企业改制重组方案",)),
])
def test_set_title__cover_width__breaks_at_whole_words_suffix_on_its_own_line(matter, lines):
    title = set_title(matter, SUFFIX, per_line=16.5, max_lines=6)
    assert title.lines == (*lines, SUFFIX) and not title.shortened


@pytest.mark.parametrize("matter", ["江北区城东片区旧城区改建项目国有土地上房屋征收补偿安置方案及配套基础设施建设工程（一期）",
                                    "清源市2027年度居民生活用水价格调整及阶梯水价制度完善方案",
                                    "Waste-to-energy plant, phase 2 (2,000 t/d) at the 江北区 industrial park"])
@pytest.mark.parametrize("per_line", [16.5, 20])
def test_set_title__any_name__lines_fit_and_no_number_or_latin_word_split(matter, per_line):
    title = set_title(matter, SUFFIX, per_line=per_line, max_lines=6)
    assert "".join(title.lines[:-1]).replace(" ", "") == matter.replace(" ", "")  # nothing lost or added
    assert all(width(line) <= per_line for line in title.lines)
    for upper, lower in zip(title.lines, title.lines[1:]):
        inside_a_word = re.search(r"[A-Za-z0-9,]$", upper) and re.match(r"[A-Za-z0-9]", lower)
        assert not (inside_a_word and upper[-1] + lower[0] in matter), (upper, lower)  # broken only at a space
        assert not lower.startswith(("）", "，", "、")) and not upper.endswith(("（", "《"))


def test_set_title__english__the_fixed_part_first():
    title = set_title("江北区城东片区旧城区改建项目", "Social Stability Risk Assessment Report", per_line=20, max_lines=6,
                      suffix_first=True)
    assert title.lines == ("Social Stability Risk Assessment Report", "江北区城东片区旧城区改建项目")


def test_set_title__name_longer_than_the_lines_allowed__cut_with_an_ellipsis():
    """A 200-character name once pushed the cover to two pages; the whole name stays in the body text."""
    title = set_title("名" * 200, SUFFIX, per_line=20, max_lines=6)
    assert title.shortened and len(title.lines) == 7 and title.lines[-2].endswith(ELLIPSIS)
    assert all(width(line) <= 20 for line in title.lines)
