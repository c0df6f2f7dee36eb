"""Which files ``thidua brief`` writes, and how each is made: the charts drawn once and
shared by the Word report (PNG) and the board (SVG)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import IO, TYPE_CHECKING

from thiduaCLI.papers import charts

if TYPE_CHECKING:
    from thiduaCLI.domain.plan import Plan
    from thiduaCLI.files.progress import Progress
    from thiduaCLI.papers.documents import Letterhead
    from thiduaCLI.results import Brief, Scorecard


@dataclass(frozen=True)
class Paper:
    """A file of the papers: its name, what writes it, and the charts it draws (if any)."""

    name: str
    write: Callable[[IO[bytes]], None]
    charts: Charts | None = None


def report_charts(papers: list[Paper], progress: Progress) -> None:
    """Have the charts of ``papers`` told to ``progress`` as they are drawn."""
    for paper in papers:
        if paper.charts is not None:
            paper.charts.progress = progress


@dataclass
class Charts:
    """Each chart of a brief, drawn on first use, kept as SVG and PNG."""

    plan: Plan
    brief: Brief
    drawn: dict[tuple[str, str], tuple[str, bytes]] = field(default_factory=dict)
    progress: Progress | None = None  # told of each chart drawn ("charts")

    @cached_property
    def total(self) -> int:
        """How many charts there are: one an indicator, one a block with ranked units."""
        blocks = {row.block for row in self.brief.ranking.rows}
        return len(self.brief.status.indicators) + len(blocks)

    def _get(self, kind: str, code: str) -> tuple[str, bytes]:
        key = (kind, code)
        if key not in self.drawn:
            plan = self.plan
            if kind == "indicator":
                indicator = plan.indicators[code]
                figure = charts.progress_chart(
                    indicator, self.brief.series[code], plan.year, indicator.measure
                )
            else:
                rows = [
                    (row.unit, row.score) for row in self.brief.ranking.rows if row.block == code
                ]
                figure = charts.ranking_chart(plan.blocks[code].name, rows, plan.scoring.grades)
            self.drawn[key] = (charts.to_svg(figure, f"{kind[0]}-{code}"), charts.to_png(figure))
            figure.clear()  # its artists hold one another: freed now, not at exit
            if self.progress is not None:
                self.progress("charts", len(self.drawn), self.total)
        return self.drawn[key]

    def progress_svg(self, code: str) -> str:
        return self._get("indicator", code)[0]

    def progress_png(self, code: str) -> bytes:
        return self._get("indicator", code)[1]

    def ranking_svg(self, block: str) -> str:
        return self._get("block", block)[0]

    def ranking_png(self, block: str) -> bytes:
        return self._get("block", block)[1]


def papers(plan: Plan, brief: Brief, letterhead: Letterhead, label: str) -> list[Paper]:
    """The report, the proposal, the workbook and the board of ``brief``."""
    from thiduaCLI.papers import board, documents, workbook

    drawn = Charts(plan, brief)

    def report(target: IO[bytes]) -> None:
        documents.report(plan, brief, letterhead, drawn.progress_png, drawn.ranking_png, target)

    def page(target: IO[bytes]) -> None:
        html = board.board(plan, brief, drawn.progress_svg, drawn.ranking_svg)
        target.write(html.encode("utf-8"))

    return [
        Paper(f"bao-cao-{label}.docx", report, drawn),
        Paper(
            f"to-trinh-khen-thuong-{label}.docx",
            lambda target: documents.proposal(plan, brief, letterhead, target),
        ),
        Paper(f"so-lieu-{label}.xlsx", lambda target: workbook.workbook(plan, brief, target)),
        Paper(f"bang-tin-{label}.html", page),
    ]


def unit_papers(plan: Plan, card: Scorecard, letterhead: Letterhead, label: str) -> list[Paper]:
    """One unit's scorecard, as Word and as a page."""
    from thiduaCLI.papers import board, documents

    def page(target: IO[bytes]) -> None:
        target.write(board.unit_page(plan, card).encode("utf-8"))

    return [
        Paper(
            f"bang-diem-{card.unit}-{label}.docx",
            lambda target: documents.scorecard(plan, card, letterhead, target),
        ),
        Paper(f"bang-diem-{card.unit}-{label}.html", page),
    ]
