"""Output of the checks cron runs and of the reporting rates."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table

from thiduaCLI.cli.render import new_table, review_title
from thiduaCLI.domain.calendar import local_day
from thiduaCLI.domain.plan import Plan
from thiduaCLI.domain.timeliness import Finding, ReportingRate
from thiduaCLI.results import Review
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


def _finding_text(finding: Finding) -> str:
    if finding.check == "behind":
        return _("{state}: {value} so với {expected}").format(
            state=finding.state,
            value=format_number(finding.value) if finding.value is not None else "—",
            expected=format_number(finding.threshold or 0),
        )
    if finding.check == "missing":
        return _("chưa có số liệu kỳ {period} (đã quá hạn)").format(period=f"{finding.value:g}")
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


def check_table(
    plan: Plan, review: Review, answer: tuple[Sequence[str], Sequence[Finding]]
) -> Table:
    """What ``check`` found (``answer``: the checks run, the findings), for people."""
    checks, findings = answer
    title = _("Kiểm tra ({checks}) {review}").format(
        checks=", ".join(_(CHECK_LABELS[c]) for c in checks), review=review_title(review)
    )
    table = new_table(
        title,
        (_("Kiểm tra"), _("Mã"), _("Đơn vị"), _("Chỉ tiêu"), _("Chi tiết")),
        codes=[finding.unit for finding in findings],
    )
    for finding in findings:
        table.add_row(
            _(CHECK_LABELS[finding.check]),
            finding.unit,
            finding.name,
            finding.indicator or "",
            _finding_text(finding),
        )
    found = len(findings)
    table.caption = (
        ngettext("Tìm thấy {n} vấn đề.", "Tìm thấy {n} vấn đề.", found).format(n=found)
        if found
        else _("Không có vấn đề nào.")
    )
    return table


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
