"""Output of the checks cron runs and of the reporting rates."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table

from thiduaCLI.cli.render import STATE_LABELS, new_table, review_title
from thiduaCLI.domain.calendar import local_day
from thiduaCLI.domain.periods import Length, Period, Review
from thiduaCLI.domain.plan import Plan
from thiduaCLI.domain.timeliness import Finding, ReportingRate
from thiduaCLI.text.dates import format_date
from thiduaCLI.text.i18n import N_, _, ngettext
from thiduaCLI.text.numbers import format_number, format_percent

CHECK_LABELS = {
    "behind": N_("chậm tiến độ"),
    "overdue": N_("quá hạn báo cáo"),
    "missing": N_("thiếu báo cáo kỳ vừa qua"),
    "below": N_("điểm thấp"),
}


FINDING_COLUMNS = ("check", "unit", "name", "indicator", "value", "threshold", "state")


def _finding_text(plan: Plan, finding: Finding) -> str:
    """What was found, in words: the state, the figures, the period."""
    if finding.check == "behind":
        state = _(STATE_LABELS[finding.state]).lower()  # type: ignore[index]
        if finding.threshold is None:
            return state
        if finding.value is None:
            return _("{state}, dự kiến {expected}").format(
                state=state, expected=format_number(finding.threshold)
            )
        return _("{state}: {value} so với {expected} dự kiến").format(
            state=state,
            value=format_number(finding.value),
            expected=format_number(finding.threshold),
        )
    if finding.check == "missing":
        length: Length = "month" if plan.reporting_cycle == "monthly" else "quarter"
        period = Period(length, plan.year, int(finding.value or 1))
        return _("chưa có số liệu {period} (đã quá hạn)").format(period=period.words)
    if finding.check == "overdue":
        if finding.value is None:
            return _("chưa từng báo cáo")
        limit = format_number(finding.threshold or 0)
        days = ngettext(
            "{days} ngày chưa báo cáo (quá {limit})",
            "{days} ngày chưa báo cáo (quá {limit})",
            int(finding.value),
        )
        return days.format(days=format_number(finding.value), limit=limit)
    return _("{score} điểm < {threshold}").format(
        score=format_number(finding.value or 0, fixed=True),  # a score: as every score shows
        threshold=format_number(finding.threshold or 0),
    )


def check_tables(
    plan: Plan, review: Review, answer: tuple[Sequence[str], Sequence[Finding]]
) -> list[object]:
    """What ``check`` found (``answer``: the checks run, the findings), for people: a table
    per problem, a row per unit with each of its indicators on a line."""
    from rich.text import Text

    checks, findings = answer
    title = _("Kiểm tra ({checks}) {review}").format(
        checks=", ".join(_(CHECK_LABELS[c]) for c in checks), review=review_title(review)
    )
    shown: list[object] = [Text(title, style="table.title")]
    for check in checks:
        by_unit: dict[str, list[Finding]] = {}
        for finding in findings:
            if finding.check == check:
                by_unit.setdefault(finding.unit, []).append(finding)
        if not by_unit:
            continue
        found = sum(map(len, by_unit.values()))
        units = ngettext("{count} đơn vị", "{count} đơn vị", len(by_unit)).format(
            count=format_number(len(by_unit))
        )
        items = ngettext("{count} mục", "{count} mục", found).format(count=format_number(found))
        heading = _("{problem}: {units}, {items}").format(
            problem=_(CHECK_LABELS[check]).capitalize(), units=units, items=items
        )
        table = new_table(heading, (_("Mã"), _("Đơn vị"), _("Chi tiết")), codes=list(by_unit))
        for code, listed in by_unit.items():
            details = (
                _finding_text(plan, finding)
                if finding.indicator is None
                else f"{finding.indicator}: {_finding_text(plan, finding)}"
                for finding in listed
            )
            table.add_row(code, listed[0].name, "\n".join(details))
        shown.append(table)
    found = len(findings)
    shown.append(
        Text(
            ngettext("Tìm thấy {n} vấn đề.", "Tìm thấy {n} vấn đề.", found).format(
                n=format_number(found)
            )
            if found
            else _("Không có vấn đề nào.")
        )
    )
    return shown


def rates_table(plan: Plan, review: Review, rates: Sequence[ReportingRate]) -> Table:
    """Reporting rates for people: the "kịp thời" half of the movement."""
    title = (
        ngettext(
            "Tình hình báo cáo (hằng tháng, hạn {days} ngày sau kỳ) {review}",
            "Tình hình báo cáo (hằng tháng, hạn {days} ngày sau kỳ) {review}",
            plan.due_days,
        )
        if plan.reporting_cycle == "monthly"
        else ngettext(
            "Tình hình báo cáo (hằng quý, hạn {days} ngày sau kỳ) {review}",
            "Tình hình báo cáo (hằng quý, hạn {days} ngày sau kỳ) {review}",
            plan.due_days,
        )
    )
    numeric = (_("Phải nộp"), _("Đã nộp"), _("Đúng hạn"), _("Tỷ lệ đúng hạn"))
    table = new_table(
        title.format(days=plan.due_days, review=review_title(review)),
        (_("Mã"), _("Đơn vị"), *numeric, _("Báo cáo gần nhất")),
        numeric=numeric,
        codes=[rate.unit.code for rate in rates],
    )
    for rate in rates:
        table.add_row(
            rate.unit.code,
            rate.unit.name,
            str(rate.expected),
            str(rate.received),
            str(rate.on_time),
            format_percent(rate.on_time_rate),
            "—" if rate.last_report is None else format_date(local_day(rate.last_report)),
        )
    return table
