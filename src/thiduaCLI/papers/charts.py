"""The charts of the papers and the board, drawn by matplotlib.

- :func:`progress_chart`: a ward indicator month by month against the road the plan expects
  (prorated, or through its quarterly milestones, which are marked), like a goal tracker;
  a level indicator against its annual target.
- :func:`ranking_chart`: a block's units by score, with the grades' thresholds.

:func:`to_svg` writes a chart for the board with its text as paths (no font is needed by the
browser and nothing is fetched), each chart's ids made unique in the page; :func:`to_png`
for Word. Names come from the plan and are drawn literally (never read as math text); the
axes' numbers are in the reader's format.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from thiduaCLI.domain.attainment import expected_share
from thiduaCLI.domain.calendar import month_end, quarter_ends
from thiduaCLI.text.i18n import _
from thiduaCLI.text.literal import visible
from thiduaCLI.text.numbers import format_number

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from thiduaCLI.domain.plan import Grade, Indicator
    from thiduaCLI.results import MonthPoint

INK, ROAD, DONE, GRID = "#1f2937", "#9ca3af", "#b91c1c", "#e5e7eb"
WIDTH = 7.0  # inches: a chart fills an A4 text column, or a phone's width on the board


@contextmanager
def _quiet() -> Iterator[None]:
    """matplotlib's own chatter (a glyph its font lacks, a cache it cannot write) never
    reaches the user's terminal or cron's mail."""
    logging.getLogger("matplotlib").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _figure(height: float, left: float = 0.9, bottom: float = 0.45, top: float = 0.35) -> Figure:
    """A white figure whose axes sit inside fixed margins (inches): measured layouts
    (``constrained``) cost a province's 102 ranking charts most of their time."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH, height), dpi=100)
    figure.patch.set_facecolor("white")
    figure.subplots_adjust(
        left=left / WIDTH, right=1 - 0.55 / WIDTH, bottom=bottom / height, top=1 - top / height
    )
    return figure


def _label(text: str) -> str:
    """Plan text as a chart shows it: control characters visible, never math text."""
    return visible(text)


def _day_of_year(day: date, year: int) -> int:
    return (day - date(year, 1, 1)).days + 1


def progress_chart(
    indicator: Indicator, points: Sequence[MonthPoint], year: int, measure: str
) -> Figure:
    """A ward indicator's figure month by month (``points``) against the expected road."""
    from matplotlib.ticker import FuncFormatter

    with _quiet():
        figure = _figure(3.2)
        axes = figure.add_subplot()
        target = float(indicator.target)
        if indicator.kind == "cumulative":
            ends = [date(year, 1, 1), *(month_end(year, month) for month in range(1, 13))]
            road = [float(indicator.target * expected_share(indicator, day, year)) for day in ends]
            road[0] = 0.0
            axes.plot(
                [_day_of_year(day, year) - (day.month == 1 and day.day == 1) for day in ends],
                road,
                color=ROAD,
                linestyle="--",
                linewidth=1.5,
                label=_("Kế hoạch đến từng ngày"),
            )
            if indicator.milestones is not None:
                marks = [*indicator.milestones, indicator.target]
                axes.scatter(
                    [_day_of_year(day, year) for day in quarter_ends(year)],
                    [float(mark) for mark in marks],
                    marker="D",
                    color=INK,
                    zorder=3,
                    label=_("Mốc quý"),
                )
        else:
            axes.axhline(target, color=ROAD, linestyle="--", linewidth=1.5, label=_("Chỉ tiêu năm"))
        shown = [point for point in points if point.value is not None]
        if shown:
            axes.plot(
                [_day_of_year(point.day, year) for point in shown],
                [float(point.value) for point in shown],  # type: ignore[arg-type]
                color=DONE,
                marker="o",
                linewidth=2,
                label=_("Thực hiện"),
            )
        axes.set_xlim(0, _day_of_year(date(year, 12, 31), year) + 1)
        axes.set_xticks(
            [_day_of_year(month_end(year, month), year) for month in range(1, 13)],
            [_("T{month}").format(month=month) for month in range(1, 13)],
        )
        axes.set_ylim(bottom=0)
        axes.yaxis.set_major_formatter(FuncFormatter(lambda value, position: _tick(value)))
        axes.set_ylabel(_label(measure), parse_math=False)
        axes.set_title(
            _label(f"{indicator.code} – {indicator.name}"),
            loc="left",
            fontsize=10,
            parse_math=False,
        )
        axes.grid(axis="y", color=GRID)
        axes.spines[["top", "right"]].set_visible(False)
        axes.legend(loc="upper left", fontsize=8, frameon=False)
    return figure


def _tick(value: float) -> str:
    """An axis number in the reader's format (1.400; 12,5)."""
    return format_number(Decimal(repr(float(value))).normalize(), 2)


def ranking_chart(
    title: str, rows: Sequence[tuple[str, Decimal]], grades: Sequence[Grade]
) -> Figure:
    """A block's units by score (``rows``: code and score, best first), with the minimum of
    each grade but the lowest as a dashed line."""
    with _quiet():
        longest = max((len(code) for code, _score in rows), default=4)
        figure = _figure(1.0 + 0.22 * max(len(rows), 1), left=0.25 + 0.075 * longest, bottom=0.6)
        axes = figure.add_subplot()
        codes = [_label(code) for code, _score in rows]
        scores = [float(score) for _code, score in rows]
        places = list(range(len(rows)))
        axes.barh(places, scores, color=DONE, height=0.6)  # the scores are in the table beside
        axes.set_yticks(places, codes, fontsize=8)
        axes.invert_yaxis()  # the first at the top
        top = max([100.0, *scores]) * 1.12
        for grade in grades[:-1]:
            axes.axvline(float(grade.min), color=ROAD, linestyle="--", linewidth=1)
        axes.set_xlim(0, top)
        axes.set_xlabel(_("Điểm"))
        axes.set_title(_label(title), loc="left", fontsize=10, parse_math=False)
        axes.spines[["top", "right"]].set_visible(False)
    return figure


_IDS = re.compile(r'(\bid="|href="#|url\(#)([^")]+)')


def to_svg(figure: Figure, prefix: str) -> str:
    """The chart as an inline ``<svg>`` element: text drawn as paths, ids prefixed with
    ``prefix`` so that many charts share one page."""
    import matplotlib

    buffer = io.StringIO()
    with _quiet(), matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": prefix}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    return _IDS.sub(lambda found: f"{found.group(1)}{prefix}-{found.group(2)}", text)


def to_png(figure: Figure, dpi: int = 110) -> bytes:
    """The chart as a PNG picture (for Word)."""
    buffer = io.BytesIO()
    with _quiet():
        figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
