"""Charts for the report, drawn with matplotlib (Agg) as PNG at their printed size."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from assessment.errors import ErrorCode, Lang, WenpingError
from assessment.graph import figure_png

CHART_FONT = "Noto Sans CJK SC"
# 150 mm, not the full 156 mm type area: LibreOffice pushes a picture exactly as wide as the line
# 3 mm to the right. Insert charts with InlineImage(..., width=Mm(WIDTH_MM)) so 9 pt stays 9 pt.
WIDTH_MM, HEIGHT_MM = 150, 114
DPI = 300

Point = tuple[str, int, int]  # (label such as "F1", probability 1–5, impact 1–5)

AXES = {
    "zh": {
        "probability": ("很低", "较低", "中等", "较高", "很高"),
        "impact": ("可忽略", "较小", "中等", "较大", "严重"),
        "x": "发生概率", "y": "影响程度", "before": "落实措施前", "after": "落实措施后",
    },
    "en": {
        "probability": ("very low", "low", "medium", "high", "very high"),
        "impact": ("negligible", "minor", "moderate", "major", "severe"),
        "x": "Probability", "y": "Impact", "before": "before measures", "after": "after measures",
    },
}

# Where markers go inside a cell (offsets from its centre), filled in this order; the top strip
# is left for the degree's name.
SLOTS = [(dx, dy) for dy in (0.08, -0.22) for dx in (-0.25, 0.0, 0.25)] + [(-0.25, 0.32), (0.25, 0.32)]


@dataclass(frozen=True)
class Degree:
    """A degree of the rule set's matrix: its id, its name in the report's language, its colour."""

    id: str
    name: str
    colour: str


def risk_matrix_png(
    points_before: Sequence[Point],
    points_after: Sequence[Point],
    *,
    lang: Lang,
    degree_of: Callable[[int, int], str],
    degrees: Sequence[Degree],
) -> bytes:
    """The 5×5 matrix coloured by ``degree_of(probability, impact)``, with each factor hollow before
    measures and filled after, an arrow joining the two. ``degrees`` run from the lowest to the highest."""
    text = AXES[lang]
    font = _chart_font()
    by_id = {degree.id: degree for degree in degrees}
    # Constrained layout makes room for the tick labels, which are much wider in English.
    figure = Figure(figsize=(WIDTH_MM / 25.4, HEIGHT_MM / 25.4), dpi=DPI, layout="constrained")
    axes = figure.add_subplot()

    for probability in range(1, 6):
        for impact in range(1, 6):
            degree = by_id[degree_of(probability, impact)]
            axes.add_patch(Rectangle((probability - 0.5, impact - 0.5), 1, 1, facecolor=degree.colour,
                                     edgecolor="white", linewidth=1.5))
            axes.text(probability - 0.45, impact + 0.45, degree.name, fontproperties=font, fontsize=7,
                      color="#333333", ha="left", va="top")

    before, after = _place(points_before, points_after)
    for label, start in before.items():
        if label in after:
            axes.annotate("", xy=after[label], xytext=start,
                          arrowprops={"arrowstyle": "->", "color": "#333333", "linewidth": 0.8,
                                      "shrinkA": 4, "shrinkB": 4})
    _markers(axes, before, font, filled=False)
    _markers(axes, after, font, filled=True)

    axes.set_xlim(0.5, 5.5)
    axes.set_ylim(0.5, 5.5)
    axes.set_xticks(range(1, 6), text["probability"], fontproperties=font, fontsize=9)
    axes.set_yticks(range(1, 6), text["impact"], fontproperties=font, fontsize=9)
    axes.tick_params(length=0)
    axes.set_xlabel(text["x"], fontproperties=font, fontsize=10)
    axes.set_ylabel(text["y"], fontproperties=font, fontsize=10)
    for spine in axes.spines.values():
        spine.set_visible(False)
    _legend(figure, degrees, text, font)

    return figure_png(figure)


def _chart_font() -> FontProperties:
    font = FontProperties(family=CHART_FONT)
    try:
        font_manager.findfont(font, fallback_to_default=False)
    except ValueError:
        raise WenpingError.of(ErrorCode.REPORT_CHART_FONT, font=CHART_FONT, packages="fonts-noto-cjk",
                              cache=matplotlib.get_cachedir()) from None
    return font


def _place(before: Sequence[Point], after: Sequence[Point]) -> tuple[dict[str, tuple], dict[str, tuple]]:
    """Marker positions: factors sharing a cell take its free slots, before-markers first."""
    taken: dict[tuple[int, int], int] = defaultdict(int)

    def position(probability: int, impact: int) -> tuple[float, float]:
        if not (1 <= probability <= 5 and 1 <= impact <= 5):
            raise ValueError(f"probability and impact must be 1–5, got {probability}, {impact}")
        dx, dy = SLOTS[taken[probability, impact] % len(SLOTS)]
        taken[probability, impact] += 1
        return probability + dx, impact + dy

    placed_before = {label: position(p, c) for label, p, c in before}
    placed_after = {label: position(p, c) for label, p, c in after}
    return placed_before, placed_after


def _markers(axes, placed: dict[str, tuple], font: FontProperties, *, filled: bool) -> None:
    for label, (x, y) in placed.items():
        axes.plot(x, y, marker="o", markersize=7, markeredgewidth=1.2, markeredgecolor="black",
                  markerfacecolor="black" if filled else "white", zorder=3)
        axes.text(x, y - 0.09, label, fontproperties=font, fontsize=7, ha="center", va="top", zorder=4)


def _legend(figure: Figure, degrees: Sequence[Degree], text: dict, font: FontProperties) -> None:
    handles = [Patch(facecolor=degree.colour, label=degree.name) for degree in degrees]
    handles += [
        Line2D([], [], marker="o", linestyle="", markeredgecolor="black", markerfacecolor="white",
               label=text["before"]),
        Line2D([], [], marker="o", linestyle="", markeredgecolor="black", markerfacecolor="black",
               label=text["after"]),
    ]
    figure.legend(handles=handles, loc="outside lower center", ncol=len(handles), frameon=False,
                  prop=FontProperties(family=CHART_FONT, size=8),
                  handlelength=1.2, columnspacing=1.0)
