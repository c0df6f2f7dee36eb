"""The public board: one self-contained HTML page (Jinja2), ``lang="vi"``, that makes no
network request at all — its styles inline, its charts inline SVG with their text drawn as
paths (no web font is needed; the page's own text uses the reader's system fonts), no
script. It reads on a phone (390 px: the chart and its table stack, wide tables scroll) and
prints on A4 (a print stylesheet). Each chart has its table beside it, for screen readers
and for copying; each unit of a ranking links to its scorecard on the same page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from thiduaCLI import __version__
from thiduaCLI.cli.render import review_title
from thiduaCLI.papers import cells
from thiduaCLI.text.dates import format_date
from thiduaCLI.text.i18n import _, language
from thiduaCLI.text.literal import visible
from thiduaCLI.text.numbers import format_percent, format_quantity

if TYPE_CHECKING:
    from thiduaCLI.domain.plan import Plan
    from thiduaCLI.results import Brief, IndicatorProgress, MonthPoint, RankedUnit, Scorecard

_COMMENTS = re.compile(r"<!--.*?-->", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>", re.DOTALL)


def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=PackageLoader("thiduaCLI.papers", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        undefined=StrictUndefined,
        trim_blocks=False,
    )


def clean_svg(svg: str) -> Any:
    """matplotlib's SVG as markup for the page: no comments, no metadata (nothing but the
    drawing, whose text is paths)."""
    from markupsafe import Markup

    return Markup(_METADATA.sub("", _COMMENTS.sub("", svg)))


def _words() -> dict[str, str]:
    return {
        "contents": _("Mục lục"),
        "indicators": _("Tiến độ các chỉ tiêu"),
        "summary": _("Tổng hợp các chỉ tiêu"),
        "ranking": _("Xếp hạng các khối thi đua"),
        "shortlist": _("Đề nghị khen thưởng"),
        "no_proposal": _("Chưa có đơn vị nào đạt điều kiện khen thưởng của kế hoạch."),
        "scorecards": _("Bảng điểm từng đơn vị"),
        "back_to_block": _("Về bảng xếp hạng của khối"),
    }


def _summary(row: IndicatorProgress) -> str:
    """``Chỉ tiêu ≥ 96 %; thực hiện 95,1 % (99,1 % chỉ tiêu năm): Chậm tiến độ.``"""
    target = cells.target_cell(row, row.comparator, row.measure)
    if row.value is None:
        return _("Chỉ tiêu {target}; chưa có số liệu.").format(target=target)
    return _("Chỉ tiêu {target}; thực hiện {value} ({rate} chỉ tiêu năm): {state}.").format(
        target=target,
        value=format_quantity(row.value, row.measure),
        rate=format_percent(row.attainment),
        state=cells.state_cell(row.state),
    )


def _month_rows(points: Sequence[MonthPoint], measure: str) -> list[list[str]]:
    return [
        [
            format_date(point.day),
            format_quantity(point.value, measure),
            "" if point.expected is None else format_quantity(point.expected, measure),
        ]
        for point in points
    ]


def _unit(plan: Plan, row: RankedUnit | Scorecard, link_block: bool) -> dict[str, Any]:
    summary = _(
        "Điểm {score}; xếp loại: {grade}; đã báo cáo {reported}/{expected} chỉ tiêu."
    ).format(
        score=cells.score_text(plan, row.score),
        grade=row.grade,
        reported=row.reported,
        expected=row.expected,
    )
    if row.rank is not None and row.block is not None:
        summary += " " + _("Hạng {rank} trong {block}.").format(
            rank=row.rank, block=plan.blocks[row.block].name
        )
    return {
        "code": row.unit,
        "title": f"{row.name} ({row.unit})",
        "summary": summary,
        "rows": [(cells.part_row(plan, part), part.state) for part in row.parts],
        "block": row.block if link_block else None,
    }


def board(
    plan: Plan,
    brief: Brief,
    progress_svg: Callable[[str], str],
    ranking_svg: Callable[[str], str],
) -> str:
    """The whole board of ``brief`` (``progress_svg``/``ranking_svg``: an indicator's or a
    block's chart as SVG, by code)."""
    review = review_title(brief.review)
    indicators = []
    for row in brief.status.indicators:
        indicator = plan.indicators[row.code]
        indicators.append(
            {
                "code": row.code,
                "name": f"{row.name} ({row.code})",
                "summary": _summary(row),
                "svg": clean_svg(progress_svg(row.code)),
                "chart_label": _(
                    "Biểu đồ tiến độ {name}: thực hiện từng tháng so với kế hoạch"
                ).format(name=row.name),
                "table_caption": _("Số liệu của biểu đồ ({measure})").format(
                    measure=indicator.measure
                ),
                "headings": [_("Đến ngày"), _("Thực hiện"), _("Kế hoạch đến ngày")],
                "rows": _month_rows(brief.series[row.code], row.measure),
            }
        )
    before = cells.last_year_rows(brief.status, brief.last_year)
    with_last_year = brief.last_year is not None
    blocks = []
    for block, rows in cells.blocks(brief.ranking.rows):
        name = plan.blocks[block].name
        blocks.append(
            {
                "code": block,
                "name": name,
                "svg": clean_svg(ranking_svg(block)),
                "chart_label": _("Biểu đồ điểm thi đua {block}").format(block=name),
                "table_caption": _("Xếp hạng {block} {review}").format(block=name, review=review),
                "rows": [(row.unit, cells.rank_row(plan, row)) for row in rows],
            }
        )
    proposals = [
        (commendation, [cells.proposal_row(plan, n, p) for n, p in enumerate(listed, 1)])
        for commendation, listed in cells.by_commendation(brief.shortlist.proposals).items()
    ]
    words = _words()
    contents = [
        ("chi-tieu", words["indicators"]),
        *([("xep-hang", words["ranking"])] if blocks else []),
        ("khen-thuong", words["shortlist"]),
        *([("bang-diem", words["scorecards"])] if brief.ranking.rows else []),
    ]
    return _render(
        title=f"{plan.title} – {review}",
        heading=plan.title,
        subheading=_("Kết quả phong trào thi đua {review}").format(review=review),
        contents=contents,
        indicators=indicators,
        status_headings=cells.status_headings(with_last_year),
        status_rows=[
            (cells.status_row(n, row, before.get(row.code), with_last_year), row.state)
            for n, row in enumerate(brief.status.indicators, 1)
        ],
        blocks=blocks,
        rank_headings=cells.rank_headings(),
        show_shortlist=True,
        proposals=proposals,
        proposal_headings=cells.proposal_headings(),
        units=[_unit(plan, row, True) for row in brief.ranking.rows],
        part_headings=cells.part_headings(),
        words=words,
    )


def unit_page(plan: Plan, card: Scorecard) -> str:
    """One unit's scorecard as a page of its own, to send to that unit."""
    review = review_title(card.review)
    return _render(
        title=f"{card.name} ({card.unit}) – {review}",
        heading=f"{card.name} ({card.unit})",
        subheading=_("Bảng điểm thi đua {review}").format(review=review),
        contents=[],
        indicators=[],
        status_headings=[],
        status_rows=[],
        blocks=[],
        rank_headings=[],
        show_shortlist=False,
        proposals=[],
        proposal_headings=[],
        units=[_unit(plan, card, False)],
        part_headings=cells.part_headings(),
        words=_words(),
    )


def _render(**values: Any) -> str:
    template = _environment().get_template("board.html.j2")
    footer = _("Lập bằng thidua {version}; số liệu trong cơ sở dữ liệu của phường.").format(
        version=__version__
    )
    values = {key: _visible(value) for key, value in values.items()}
    return template.render(lang=language(), version=__version__, footer=footer, **values)


def _visible(value: Any) -> Any:
    """Every text of the page as written, control characters shown (SVG markup kept)."""
    from markupsafe import Markup

    if isinstance(value, Markup):
        return value
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, list):
        return [_visible(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_visible(item) for item in value)
    if isinstance(value, dict):
        return {key: _visible(item) for key, item in value.items()}
    return value
