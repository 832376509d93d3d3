"""Charts for the report, drawn with matplotlib (Agg) as PNG at their printed size.

The risk matrix's grid, labels and legend are the same in every report of one rule set and language:
they are drawn once per process (with the layout matplotlib works out for them), and each report only
draws its markers on a copy. The picture is stored with the background's palette, a third of the size
of full colour and quicker to write.
"""

from __future__ import annotations

import functools
import math
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from PIL import Image, ImageColor

from assessment.errors import ErrorCode, Lang, WenpingError
from assessment.graph import canvas_image, png_bytes

CHART_FONT = "Noto Sans CJK SC"
# 150 mm, not the full 156 mm type area: LibreOffice pushes a picture exactly as wide as the line
# 3 mm to the right. Insert charts with InlineImage(..., width=Mm(WIDTH_MM)) so 9 pt stays 9 pt.
WIDTH_MM, HEIGHT_MM = 150, 114
DPI = 300
PALETTE = 64  # colours: the grid's, the text's, and the shades between them at the edges
NEAR = 8  # a shade this close to an exact colour (in every channel) is left out of the palette

Point = tuple[str, int, int]  # (label such as "1", probability 1–5, impact 1–5)

AXES = {  # the scales' level names come from the rule set (its ruleset.yaml)
    "zh": {"x": "发生概率", "y": "影响程度", "before": "落实措施前", "after": "落实措施后"},
    "en": {"x": "Probability", "y": "Impact", "before": "before measures", "after": "after measures"},
}
Scales = tuple[tuple[str, ...], tuple[str, ...]]  # names of the probability levels, then of the impact levels


@dataclass(frozen=True)
class Marks:
    """Where a cell's factors go (offsets from the cell's centre, filled row by row) and how big they are.
    The top strip of the cell holds the degree's name."""

    slots: tuple[tuple[float, float], ...]
    size: float  # marker diameter, points
    font: float  # label size, points
    beside: bool  # the label right of the mark (else under it)


def _grid(columns: Sequence[float], rows: Sequence[float]) -> tuple[tuple[float, float], ...]:
    return tuple((dx, dy) for dy in rows for dx in columns)


ROOMY = Marks(_grid((-0.33, -0.11, 0.11, 0.33), (0.12, -0.2)), size=7, font=7, beside=False)
CROWDED = Marks(_grid((-0.4, -0.16, 0.08, 0.32), (0.13, -0.06, -0.25, -0.42)), size=5, font=6, beside=True)


@dataclass(frozen=True)
class Degree:
    """A degree of the rule set's matrix: its id, its name in the report's language, its colour."""

    id: str
    name: str
    colour: str


def risk_matrix_png(
    points: Sequence[Point],
    *,
    after: bool,
    lang: Lang,
    degree_of: Callable[[int, int], str],
    degrees: Sequence[Degree],
    scales: Scales,
) -> bytes:
    """The 5×5 matrix coloured by ``degree_of(probability, impact)`` with each factor marked in its cell:
    hollow before the measures, filled after (``after``). ``degrees`` run from the lowest to the highest."""
    _chart_font()  # the grid may be drawn already, but a missing font is said every time
    grid = tuple(tuple(degree_of(p, c) for c in range(1, 6)) for p in range(1, 6))
    return _background(lang, grid, tuple(degrees), scales, after).with_marks(_place(points), after=after)


def _place(points: Sequence[Point]) -> list[tuple[float, float, str, Marks]]:
    """(x, y, label, marks) of each factor. A cell with more factors than the roomy slots uses small marks;
    beyond those, its last slot says how many more there are ("+3"), so no mark hides another."""
    cells: dict[tuple[int, int], list[str]] = defaultdict(list)
    for label, probability, impact in points:
        if not (1 <= probability <= 5 and 1 <= impact <= 5):
            raise ValueError(f"probability and impact must be 1–5, got {probability}, {impact}")
        cells[probability, impact].append(label)
    placed = []
    for (probability, impact), labels in cells.items():
        marks = ROOMY if len(labels) <= len(ROOMY.slots) else CROWDED
        if len(labels) > len(marks.slots):
            shown = len(marks.slots) - 1
            labels = [*labels[:shown], f"+{len(labels) - shown}"]
        for (dx, dy), label in zip(marks.slots, labels):
            placed.append((probability + dx, impact + dy, label, marks))
    return placed


def _chart_font() -> FontProperties:
    font = FontProperties(family=CHART_FONT)
    try:
        font_manager.findfont(font, fallback_to_default=False)
    except ValueError:
        raise WenpingError.of(ErrorCode.REPORT_CHART_FONT, font=CHART_FONT, packages="fonts-noto-cjk",
                              cache=matplotlib.get_cachedir()) from None
    return font


@functools.lru_cache(maxsize=16)
def _background(lang: Lang, grid: tuple[tuple[str, ...], ...], degrees: tuple[Degree, ...], scales: Scales,
                after: bool) -> _Matrix:
    return _Matrix(lang, grid, degrees, scales, after)


class _Matrix:
    """One drawn matrix without markers, and its palette; markers are drawn on a fresh copy each time."""

    def __init__(self, lang: Lang, grid: tuple[tuple[str, ...], ...], degrees: tuple[Degree, ...], scales: Scales,
                 after: bool):
        text = AXES[lang]
        self.font = _chart_font()
        by_id = {degree.id: degree for degree in degrees}
        # Constrained layout makes room for the tick labels, which are much wider in English.
        figure = Figure(figsize=(WIDTH_MM / 25.4, HEIGHT_MM / 25.4), dpi=DPI, layout="constrained")
        axes = figure.add_subplot()
        for probability in range(1, 6):
            for impact in range(1, 6):
                degree = by_id[grid[probability - 1][impact - 1]]
                axes.add_patch(Rectangle((probability - 0.5, impact - 0.5), 1, 1, facecolor=degree.colour,
                                         edgecolor="white", linewidth=1.5))
                # a rule set's own names are text, never mathtext ("$" is a dollar sign)
                axes.text(probability - 0.45, impact + 0.45, degree.name, fontproperties=self.font, fontsize=7,
                          color="#333333", ha="left", va="top", parse_math=False)
        axes.set_xlim(0.5, 5.5)
        axes.set_ylim(0.5, 5.5)
        axes.set_xticks(range(1, 6), scales[0], fontproperties=self.font, fontsize=9)
        axes.set_yticks(range(1, 6), scales[1], fontproperties=self.font, fontsize=9)
        axes.tick_params(length=0)
        axes.set_xlabel(text["x"], fontproperties=self.font, fontsize=10)
        axes.set_ylabel(text["y"], fontproperties=self.font, fontsize=10)
        for spine in axes.spines.values():
            spine.set_visible(False)
        self.canvas = FigureCanvasAgg(figure)
        _legend(figure, self.canvas, degrees, text["after" if after else "before"], filled=after)
        figure.set_layout_engine("none")  # the layout found for the background holds for the markers
        self.axes = axes
        self.empty = self.canvas.copy_from_bbox(figure.bbox)
        self.palette = _palette(canvas_image(self.canvas), [d.colour for d in degrees])
        self.lock = threading.Lock()  # one canvas: reports drawn at once take turns

    def with_marks(self, placed: list[tuple[float, float, str, Marks]], *, after: bool) -> bytes:
        with self.lock:
            self.canvas.restore_region(self.empty)
            artists = []
            for marks in {m for _, _, _, m in placed}:
                points = [(x, y) for x, y, label, m in placed if m is marks and not label.startswith("+")]
                if points:
                    xs, ys = zip(*points)
                    artists += self.axes.plot(xs, ys, linestyle="", marker="o", markersize=marks.size,
                                              markeredgewidth=1.2 if marks is ROOMY else 1.0, markeredgecolor="black",
                                              markerfacecolor="black" if after else "white")
            for x, y, label, marks in placed:
                if marks.beside:  # 0.01 data units is about a quarter of a millimetre
                    artists.append(self.axes.text(x + 0.01 + marks.size / 100, y, label, fontproperties=self.font,
                                                  fontsize=marks.font, ha="left", va="center"))
                else:
                    artists.append(self.axes.text(x, y - 0.02 - marks.size / 100, label, fontproperties=self.font,
                                                  fontsize=marks.font, ha="center", va="top"))
            for artist in artists:
                self.axes.draw_artist(artist)
                artist.remove()
            image = canvas_image(self.canvas).quantize(palette=self.palette, dither=Image.Dither.NONE)
        return png_bytes(image)


def _palette(image: Image.Image, colours: Sequence[str]) -> Image.Image:
    """The picture's own colours, with the degrees', white, black and the text's grey exact: the shared
    shades at the edges come from the picture, flat fills keep their colour to the unit."""
    exact = [ImageColor.getrgb(c)[:3] for c in dict.fromkeys([*colours, "#ffffff", "#000000", "#333333"])]
    found = image.quantize(colors=PALETTE - len(exact), method=Image.Quantize.MEDIANCUT).getpalette()
    shades = [tuple(found[i:i + 3]) for i in range(0, 3 * (PALETTE - len(exact)), 3)]
    # a shade next to an exact colour would take its pixels (Pillow maps colours through a coarse cube)
    shades = [s for s in shades if all(max(abs(a - b) for a, b in zip(s, e)) > NEAR for e in exact)]
    palette = Image.new("P", (1, 1))
    palette.putpalette([value for rgb in [*exact, *shades] for value in rgb])
    return palette


def _legend(figure: Figure, canvas: FigureCanvasAgg, degrees: Sequence[Degree], marker: str, *, filled: bool) -> None:
    """The degrees' colours and the one kind of marker the chart shows; in two rows when one row would be
    wider than the picture (English names are long). Draws the figure."""
    handles = [Patch(facecolor=degree.colour, label=degree.name) for degree in degrees]
    handles.append(Line2D([], [], marker="o", linestyle="", markeredgecolor="black",
                          markerfacecolor="black" if filled else "white", label=marker))

    def draw(columns: int):
        legend = figure.legend(handles=handles, loc="outside lower center", ncol=columns, frameon=False,
                               prop=FontProperties(family=CHART_FONT, size=8), handlelength=1.2, columnspacing=1.0)
        for label in legend.get_texts():
            label.set_parse_math(False)
        canvas.draw()
        return legend

    legend = draw(len(handles))
    if legend.get_window_extent().width > figure.bbox.width:
        legend.remove()
        draw(math.ceil(len(handles) / 2))
