"""The papers' cells, as people read them: the words and numbers of the terminal's tables,
made from the result models (what ``--json`` prints), so that a test can check every cell of
the Word report, the workbook and the board against ``status --json`` and ``rank --json``."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from thiduaCLI.cli.render import COMPARATOR_SIGNS, STATE_LABELS
from thiduaCLI.cli.render_scores import UNRANKED
from thiduaCLI.domain.plan import Plan
from thiduaCLI.results import (
    IndicatorProgress,
    ProposalResult,
    RankedUnit,
    ReportingRateResult,
    ScorePartResult,
    Status,
)
from thiduaCLI.text.i18n import _
from thiduaCLI.text.numbers import format_number, format_percent, format_quantity
from thiduaCLI.wording import score_text


def status_headings(with_last_year: bool) -> list[str]:
    """The headings of the progress table."""
    headings = [
        _("STT"),
        _("Chỉ tiêu"),
        _("Chỉ tiêu giao"),
        _("Thực hiện"),
        _("Tỷ lệ"),
        _("Dự kiến đến nay"),
        _("Tình trạng"),
    ]
    if with_last_year:
        headings += [_("Cùng kỳ năm trước"), _("So với cùng kỳ")]
    return headings


def target_cell(row: IndicatorProgress | ScorePartResult, comparator: str, measure: str) -> str:
    """``≥ 96 %``, ``≈ 1.400 lao động``."""
    return f"{COMPARATOR_SIGNS[comparator]} {format_quantity(row.target, measure)}"


def state_cell(state: str) -> str:
    """The state in words: ``Chậm tiến độ``."""
    return _(STATE_LABELS[state])  # type: ignore[index]


def status_row(
    number: int, row: IndicatorProgress, before: IndicatorProgress | None, with_last_year: bool
) -> list[str]:
    """One indicator's row: what ``status`` shows, and the same time last year."""
    cells = [
        str(number),
        row.name,
        target_cell(row, row.comparator, row.measure),
        format_quantity(row.value, row.measure),
        format_percent(row.attainment),
        "" if row.expected is None else format_quantity(row.expected, row.measure),
        state_cell(row.state),
    ]
    if with_last_year:
        earlier = None if before is None else before.value
        cells.append(format_quantity(earlier, row.measure))
        compared = None
        if earlier is not None and earlier != 0 and row.value is not None:
            compared = row.value / earlier
        cells.append(format_percent(compared))
    return cells


def last_year_rows(status: Status, last_year: Status | None) -> dict[str, IndicatorProgress]:
    """Last year's row of each indicator this year's plan has (by code)."""
    if last_year is None:
        return {}
    codes = {row.code for row in status.indicators}
    return {row.code: row for row in last_year.indicators if row.code in codes}


def rank_headings() -> list[str]:
    return [_("Hạng"), _("Mã"), _("Đơn vị"), _("Điểm"), _("Xếp loại"), _("Đã báo cáo")]


def rank_row(plan: Plan, row: RankedUnit) -> list[str]:
    """A ranked unit as ``rank`` shows it."""
    return [
        "—" if row.rank is None else str(row.rank),
        row.unit,
        row.name,
        score_text(plan, row.score),
        row.grade if row.eligible else _(UNRANKED),
        f"{row.reported}/{row.expected}",
    ]


def blocks(rows: Sequence[RankedUnit]) -> Iterator[tuple[str, list[RankedUnit]]]:
    """The ranking's rows block by block, in the ranking's order."""
    grouped: dict[str, list[RankedUnit]] = {}
    for row in rows:
        grouped.setdefault(row.block or "", []).append(row)
    yield from grouped.items()


@dataclass(frozen=True)
class Behind:
    """A unit with indicators behind what was expected, and what each needs a month."""

    unit: str
    name: str
    block: str
    needs: tuple[str, ...]


def behind(plan: Plan, rows: Sequence[RankedUnit]) -> list[Behind]:
    """The units behind on at least one indicator, with what each needs."""
    found = []
    for row in rows:
        needs = tuple(
            need_text(plan, part) for part in row.parts if part.state in ("behind", "not_achieved")
        )
        if needs:
            found.append(Behind(row.unit, row.name, row.block or "", needs))
    return found


def need_text(plan: Plan, part: ScorePartResult) -> str:
    """``VIEC_LAM: 31,2 % kế hoạch đến nay; cần thêm 4,5 lao động/tháng``."""
    measure = plan.indicators[part.indicator].measure
    said = _("{indicator}: đạt {progress} so với dự kiến").format(
        indicator=part.indicator, progress=format_percent(part.progress)
    )
    if part.needed_per_month is not None:
        said += "; " + _("cần thêm {amount}/tháng").format(
            amount=format_quantity(part.needed_per_month, measure)
        )
    return said


@dataclass(frozen=True)
class Timeliness:
    """The "kịp thời" of reporting: figures due, on time, and the units late."""

    expected: int
    received: int
    on_time: int
    late_units: tuple[ReportingRateResult, ...]

    @property
    def on_time_share(self) -> Decimal | None:
        return None if not self.expected else Decimal(self.on_time) / Decimal(self.expected)


def timeliness(rates: Sequence[ReportingRateResult]) -> Timeliness:
    return Timeliness(
        expected=sum(rate.expected for rate in rates),
        received=sum(rate.received for rate in rates),
        on_time=sum(rate.on_time for rate in rates),
        late_units=tuple(rate for rate in rates if rate.on_time < rate.expected),
    )


def rate_headings() -> list[str]:
    return [_("Mã"), _("Đơn vị"), _("Phải nộp"), _("Đã nộp"), _("Đúng hạn"), _("Tỷ lệ đúng hạn")]


def rate_row(rate: ReportingRateResult) -> list[str]:
    return [
        rate.unit,
        rate.name,
        format_number(rate.expected),
        format_number(rate.received),
        format_number(rate.on_time),
        format_percent(rate.on_time_rate),
    ]


def proposal_headings() -> list[str]:
    return [_("STT"), _("Đơn vị"), _("Khối"), _("Hạng"), _("Điểm"), _("Xếp loại"), _("Căn cứ")]


def proposal_row(plan: Plan, number: int, proposal: ProposalResult) -> list[str]:
    return [
        str(number),
        f"{proposal.name} ({proposal.unit})",
        plan.blocks[proposal.block].name,
        "—" if proposal.rank is None else f"{proposal.rank}/{proposal.block_size}",
        score_text(plan, proposal.score),
        proposal.grade,
        proposal.reason,
    ]


def by_commendation(proposals: Sequence[ProposalResult]) -> dict[str, list[ProposalResult]]:
    """The proposals form of commendation by form, in the plan's order."""
    grouped: dict[str, list[ProposalResult]] = {}
    for proposal in proposals:
        grouped.setdefault(proposal.commendation, []).append(proposal)
    return grouped


def part_headings() -> list[str]:
    return [
        _("Chỉ tiêu"),
        _("Chỉ tiêu giao"),
        _("Thực hiện"),
        _("Tỷ lệ năm"),
        _("Tính điểm"),
        _("Trọng số"),
        _("Điểm"),
        _("Tình trạng"),
    ]


def part_row(plan: Plan, part: ScorePartResult) -> list[str]:
    """One indicator of a unit's scorecard."""
    indicator = plan.indicators[part.indicator]
    return [
        f"{indicator.code} – {indicator.name}",
        target_cell(part, indicator.comparator, indicator.measure),
        format_quantity(part.value, indicator.measure),
        format_percent(part.attainment),
        format_percent(part.capped),
        format_number(part.weight),
        format_number(part.points),
        state_cell(part.state),
    ]


def dated_place(place: str, day: date) -> str:
    """``Mỹ Thới, ngày 05 tháng 12 năm 2026``: the place and date line of a document, with a 0
    before a day below 10 and before months 1 and 2 (Decree 30/2020: ``ngày 05 tháng 02``,
    ``ngày 15 tháng 6``)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return _("{place}, ngày {day} tháng {month} năm {year}").format(
        place=place, day=f"{day.day:02d}", month=month, year=day.year
    )
