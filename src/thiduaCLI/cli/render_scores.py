"""Review-meeting output: rankings, movement, the shortlist and unit scorecards."""

from __future__ import annotations

from functools import partial

from rich.console import Group
from rich.table import Table
from rich.text import Text

from thiduaCLI.cli.render import (
    COMPARATOR_SIGNS,
    basis_label,
    new_table,
    review_title,
    stacked_pairs,
    state_text,
    target_text,
)
from thiduaCLI.domain.periods import Review
from thiduaCLI.domain.plan import Plan
from thiduaCLI.domain.scoring import NextGrade
from thiduaCLI.ledger import Card, Ranked
from thiduaCLI.text.dates import format_date
from thiduaCLI.text.i18n import N_, _
from thiduaCLI.text.literal import visible
from thiduaCLI.text.numbers import format_number, format_percent, format_quantity
from thiduaCLI.wording import arithmetic, movement, proposal_reason, score_text

UNRANKED = N_("không xếp hạng (báo cáo quá ít chỉ tiêu)")


def rank_tables(plan: Plan, review: Review, ranking: Ranked) -> list[Table]:
    """One table per block, for people."""
    tables: dict[str, Table] = {}
    codes: dict[str | None, list[str]] = {}  # each block's unit codes, for the code column
    for unit in plan.units.values():
        codes.setdefault(unit.block, []).append(unit.code)
    for row in ranking.rows:
        table = tables.get(row.block)
        if table is None:
            rank_heading, score_heading, before_heading = (
                _("Hạng"),
                _("Điểm"),
                _("Điểm kỳ trước"),
            )
            title = _("{block} – xếp hạng {review}").format(
                block=plan.blocks[row.block].name, review=review_title(review)
            )
            table = new_table(
                title,
                (
                    rank_heading,
                    _("Thay đổi"),
                    _("Mã"),
                    _("Đơn vị"),
                    score_heading,
                    before_heading,
                    _("Xếp loại"),
                    _("Đã báo cáo"),
                ),
                numeric=(rank_heading, score_heading, before_heading),
                codes=codes[row.block],
            )
            before = format_date(ranking.previous_end)
            compared = (
                _("Thay đổi: so với lần xếp hạng đến {date}.")
                if ranking.previous_available
                else _("Kỳ trước (đến {date}) chưa có kế hoạch: mọi đơn vị là 'mới'.")
            )
            table.caption = " ".join(
                (
                    compared.format(date=before),
                    _(
                        "Chỉ tiêu cộng dồn được so với kế hoạch đến ngày xét; chỉ tiêu mức so với "
                        "chỉ tiêu năm (xem thidua show MÃ)."
                    ),
                )
            )
            tables[row.block] = table
            table.whole_lines = True  # rather two lines a unit than its name on five
            # rank over movement, code over name, score over the one before, grade over
            # what was reported
            table.narrow = partial(
                stacked_pairs, table, title, ((0, 1), (2, 3), (4, 5), (6, 7)), (0, 2), 1
            )
        result = row.result
        reported = f"{result.reported}/{result.expected}"
        if result.missing:
            reported += " " + _("⚠ thiếu {codes} (tính 0 điểm)").format(
                codes=", ".join(result.missing)
            )
        table.add_row(
            "—" if row.rank is None else str(row.rank),
            _("mới") if movement(row) == "new" else movement(row),
            result.unit.code,
            result.unit.name,
            score_text(plan, result.score),
            "" if row.previous_score is None else score_text(plan, row.previous_score),
            result.grade if result.eligible else _(UNRANKED),
            reported,
        )
    return list(tables.values())


# --------------------------------------------------------------------------- shortlist


PROPOSAL_COLUMNS = (
    "block",
    "unit",
    "name",
    "rank",
    "block_size",
    "score",
    "grade",
    "commendation",
    "reason",
)


def shortlist_table(plan: Plan, review: Review, ranking: Ranked) -> Table:
    """The commendation shortlist for people."""
    title = _("Danh sách đề nghị khen thưởng {review}").format(review=review_title(review))
    codes = [proposal.row.result.unit.code for proposal in ranking.proposals]
    headings = (_("Khối"), _("Mã"), _("Đơn vị"), _("Hình thức"), _("Căn cứ"))
    table = new_table(title, headings, codes=codes)
    for proposal in ranking.proposals:
        row = proposal.row
        table.add_row(
            plan.blocks[row.block].name,
            row.result.unit.code,
            row.result.unit.name,
            proposal.commendation.name,
            proposal_reason(plan, proposal),
        )
    if not ranking.proposals:
        table.caption = _("Chưa có đơn vị nào đạt điều kiện khen thưởng của kế hoạch.")
    return table


# --------------------------------------------------------------------------- scorecard


def scorecard_view(plan: Plan, review: Review, card: Card) -> Group:
    """A unit's scorecard for people: a table of parts, then the arithmetic and the way up."""
    result = card.result
    columns = {  # heading: right-aligned?
        _("Chỉ tiêu"): False,
        _("Chỉ tiêu giao"): False,
        _("Thực hiện"): True,
        _("Tỷ lệ năm"): True,
        _("Cơ sở tính điểm"): False,
        _("So với cơ sở"): True,
        _("Tính điểm"): True,
        _("Trọng số"): True,
        _("Điểm"): True,
        _("Báo cáo gần nhất"): False,
        _("Dự báo cuối năm"): True,
        _("Tình trạng"): False,
    }
    table = new_table(
        _("{unit} ({code}) – bảng điểm {review}").format(
            unit=result.unit.name, code=result.unit.code, review=review_title(review)
        ),
        list(columns),
        numeric=[heading for heading, right in columns.items() if right],
    )
    for part in result.parts:
        indicator = plan.indicators[part.indicator]
        judged, observation = part.assessment, part.observation
        last = _("chưa báo cáo (tính 0)")
        if observation is not None:
            last = f"{format_date(observation.last_date)}, {observation.last_by}"
            if part.late:
                last += " " + _("⚠ trễ hạn")
        basis = _("chỉ tiêu năm")
        if judged.expected is not None:
            basis = _("dự kiến {expected} ({basis})").format(
                expected=format_quantity(judged.expected, indicator.measure),
                basis=basis_label(judged.basis),
            )
        projection = judged.projection
        table.add_row(
            f"{indicator.code} – {indicator.name}",
            target_text(indicator, judged.target),
            format_quantity(judged.value, indicator.measure),
            format_percent(judged.attainment),
            basis,
            format_percent(judged.progress),
            format_percent(part.capped),
            format_number(part.weight),
            score_text(plan, part.points),
            last,
            "" if projection is None else format_quantity(projection, indicator.measure),
            state_text(judged.state),
        )
    lines = [_line(_("Điểm = {arithmetic}").format(arithmetic=arithmetic(plan, result)))]
    if card.rank is not None:
        place = _(UNRANKED)
        if card.rank.rank is not None:
            place = _("hạng {rank} trong {block}").format(
                rank=card.rank.rank, block=plan.blocks[card.rank.block].name
            )
        lines.append(_line(_("Xếp hạng: {place}.").format(place=place)))
    lines.extend(_next_grade_lines(plan, card.next))
    return Group(table, *lines)


def _line(text: str) -> Text:
    """A line of prose holding plan names: shown as written, never as markup."""
    return Text(visible(text))


def _next_grade_lines(plan: Plan, step: NextGrade | None) -> list[Text]:
    if step is None:
        return [_line(_("Đã ở mức xếp loại cao nhất."))]
    lines = [
        _line(
            _(
                "Để đạt {grade} (từ {min} điểm) cần thêm {gap} điểm, "
                "chẳng hạn chỉ riêng một chỉ tiêu:"
            ).format(
                grade=step.grade.name,
                min=format_number(step.grade.min),
                gap=score_text(plan, step.gap),
            )
        )
    ]
    for path in step.paths:
        indicator = plan.indicators[path.indicator]
        needed = format_quantity(path.value_needed, indicator.measure)
        values = {
            "code": indicator.code,
            # a strict target is passed, not reached: "> 89 triệu đồng"
            "value": f"{COMPARATOR_SIGNS[indicator.comparator]} {needed}"
            if path.beyond
            else needed,
            "change": format_number(path.change),
        }
        if path.by_year_end is not None and path.per_month is not None:
            text = _(
                "  • {code}: đạt {value} (thêm {change}); cả năm {year_end}, "
                "bình quân {per_month} mỗi tháng từ nay"
            ).format(
                **values,
                year_end=format_quantity(path.by_year_end, indicator.measure),
                per_month=format_number(path.per_month),
            )
        else:
            text = _("  • {code}: đạt {value} (thêm {change})").format(**values)
        lines.append(_line(text))
    if not step.paths:
        lines.append(_line(_("  (không chỉ tiêu nào tự mình bù đủ số điểm còn thiếu)")))
    return lines
