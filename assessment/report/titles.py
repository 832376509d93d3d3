"""The report's title set in lines, as GB/T 9704 §7.2 asks: broken where the meaning allows (词意完整),
never inside a word or a number, the fixed "社会稳定风险评估报告" on a line of its own.

Word and LibreOffice break Chinese text after any character, which splits "国有土地" or "2027" at a line
end; so the title carries its own line breaks, made here from the width of the line in characters.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

# Break after these and the line ends on a whole word: first the words that close a name (项目, 工程 …),
# then the joints inside one (a place, a kind of work, a conjunction).
STRONG_ENDS = ("项目", "工程", "方案", "政策", "规划", "改革", "计划", "办法", "规定", "意见")
MEDIUM_ENDS = ("片区", "街道", "社区", "小区", "新区", "城区", "公司", "集团", "地上", "征收", "搬迁", "改造", "改建",
               "建设", "调整", "设施", "中心", "年度", "的", "和", "与", "及", "暨", "省", "市", "区", "县", "镇", "乡",
               "村", "路", "站", "厂", "场", "港", "园")
OPENING = "（(《〈「『【〔“‘["
CLOSING = "）)》〉」』】〕”’]、，。；：？！,.;:?!%％"
STRONG, MEDIUM, WEAK = 0.0, 1.0, 3.0
EXTRA_LINE = 2.0  # the cost of one more line than the fewest possible
ELLIPSIS = "……"
# One unbreakable piece: a Latin word or a number with its joiners, else one character.
_PIECES = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-_/+·]*|\s+|.", re.S)


@dataclass(frozen=True)
class Title:
    lines: tuple[str, ...]
    shortened: bool  # the matter's name was cut (the whole name is in the body text)

    def text(self) -> str:
        return "\n".join(self.lines)


def width(text: str, latin: float = 0.6) -> float:
    """Width in characters of the text's size: a Chinese character is one, Latin letters and digits about
    half (a title counts them a little wider, so that a line estimated to fit does fit)."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else latin for c in text)


def set_title(matter: str, suffix: str, *, per_line: float, max_lines: int, suffix_first: bool = False) -> Title:
    """``matter`` broken into lines of at most ``per_line`` characters, with ``suffix`` ("社会稳定风险评估
    报告") as a line of its own after it (before it, for English). A name longer than ``max_lines`` lines
    is cut there with an ellipsis: a title is no place for a whole paragraph."""
    matter = " ".join(matter.split())
    shortened = width(matter) > per_line * max_lines
    if not matter:
        lines: tuple[str, ...] = ()
    elif shortened:
        lines = _filled(tuple(_PIECES.findall(matter)), per_line, max_lines)
    else:
        lines = _break(matter, per_line)
    return Title((suffix, *lines) if suffix_first else (*lines, suffix), shortened)


def _filled(pieces: tuple[str, ...], per_line: float, count: int) -> tuple[str, ...]:
    """``count`` full lines, the last ending in an ellipsis."""
    lines, line = [], ""
    for piece in pieces:
        room = per_line - (width(ELLIPSIS) if len(lines) == count - 1 else 0)
        if width(line + piece) > room:
            lines.append(line.strip())
            if len(lines) == count:
                break
            line = ""
        line += piece
    lines[-1] += ELLIPSIS
    return tuple(lines)


def _break(text: str, per_line: float) -> tuple[str, ...]:
    """The cheapest lines: the fewest, broken at the best joints, of even length."""
    pieces = tuple(_PIECES.findall(text))
    fewest = max(1, math.ceil(width(text) / per_line))
    cost, lines = min((_lines(pieces, per_line, count) for count in (fewest, fewest + 1)), key=lambda found: found[0])
    if cost == math.inf:  # a word longer than a line: the word processor has to break it
        return (text,)
    return tuple(line.strip() for line in lines)


def _lines(pieces: tuple[str, ...], per_line: float, count: int) -> tuple[float, tuple[str, ...]]:
    """(cost, lines) of the best split of ``pieces`` into ``count`` lines, by dynamic programming over the
    joints between pieces."""
    total = sum(width(p) for p in pieces)
    even = total / count
    ends = [0.0]
    for piece in pieces:
        ends.append(ends[-1] + width(piece))

    @cache
    def best(start: int, left: int) -> tuple[float, tuple[int, ...]]:
        if left == 1:
            line = ends[-1] - ends[start]
            return (0.0, ()) if line <= per_line else (math.inf, ())
        found: tuple[float, tuple[int, ...]] = (math.inf, ())
        for stop in range(start + 1, len(pieces)):
            line = ends[stop] - ends[start]
            if line > per_line:
                break
            joint = _joint_cost(pieces, stop)
            if joint == math.inf:
                continue
            rest, stops = best(stop, left - 1)
            cost = joint + abs(line - even) / per_line + rest
            if cost < found[0]:
                found = (cost, (stop, *stops))
        return found

    cost, stops = best(0, count)
    bounds = (0, *stops, len(pieces))
    lines = tuple("".join(pieces[a:b]) for a, b in zip(bounds, bounds[1:]))
    return cost + EXTRA_LINE * (count - 1), lines


def _joint_cost(pieces: tuple[str, ...], stop: int) -> float:
    """What breaking the line before ``pieces[stop]`` costs: nothing after a whole name, more inside one,
    never before closing or after opening punctuation."""
    before, after = "".join(pieces[:stop]), pieces[stop]
    if after[0] in CLOSING or before[-1] in OPENING:
        return math.inf
    if after[0] in OPENING:  # a bracket mostly qualifies the word before it: "项目（一期）"
        return MEDIUM
    if before[-1].isspace() or after[0].isspace() or before[-1] in CLOSING:
        return STRONG
    if before.endswith(STRONG_ENDS):
        return STRONG
    if before.endswith(MEDIUM_ENDS):
        return MEDIUM
    return WEAK
