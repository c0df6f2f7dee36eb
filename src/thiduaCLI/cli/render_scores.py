"""Review-meeting output: rankings, movement, the shortlist and unit scorecards."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from thiduaCLI.actions import Ranking, Review, Scorecard
from thiduaCLI.cli.render import (
    COMPARATOR_SIGNS,
    assessment_json,
    basis_label,
    new_table,
    review_json,
    review_title,
    rounded,
    state_text,
    target_text,
)
from thiduaCLI.domain.plan import Plan
from thiduaCLI.domain.scoring import GradePath, NextGrade, Proposal, RankRow, ScorePart, UnitScore
from thiduaCLI.text.dates import format_date
from thiduaCLI.text.i18n import N_, _
from thiduaCLI.text.literal import visible
from thiduaCLI.text.numbers import format_number, format_percent, format_quantity

UNRANKED = N_("không xếp hạng (báo cáo quá ít chỉ tiêu)")


def movement(row: RankRow) -> str:
    """``↑2``, ``↓1``, ``=``, ``new`` (not ranked before), or empty when not ranked now."""
    if row.rank is None:
        return ""
    if row.previous_rank is None:
        return "new"
    if row.move == 0:
        return "="
    return f"↑{row.move}" if (row.move or 0) > 0 else f"↓{-(row.move or 0)}"


def part_json(part: ScorePart) -> dict[str, Any]:
    """One indicator's contribution, with everything needed to recompute it."""
    judged, observation = part.assessment, part.observation
    return {
        "indicator": part.indicator,
        **assessment_json(judged),
        "attainment": judged.attainment,  # unrounded: the score is recomputed from these
        "progress": judged.progress,
        "basis_target": judged.basis_target,
        "capped": part.capped,
        "weight": part.weight,
        "points": part.points,
        "bonus": part.bonus,
        "deduction": part.deduction,
        "met": judged.met,
        "missing": part.missing,
        "late": part.late,
        "last_date": observation.last_date.isoformat() if observation else None,
        "last_by": observation.last_by if observation else None,
    }


def score_json(result: UnitScore) -> dict[str, Any]:
    """A unit's score and all of its parts."""
    return {
        "unit": result.unit.code,
        "name": result.unit.name,
        "block": result.unit.block,
        "score": result.score,
        "grade": result.grade,
        "eligible": result.eligible,
        "reported": result.reported,
        "expected": result.expected,
        "achieved": result.achieved,
        "missing": result.missing,
        "base": result.base,
        "bonus": result.bonus,
        "deduction": result.deduction,
        "parts": [part_json(part) for part in result.parts],
    }


def rank_row_json(row: RankRow) -> dict[str, Any]:
    """A ranked row: the unit's score, its place, and its place before."""
    return {
        "block": row.block,
        "rank": row.rank,
        "previous_rank": row.previous_rank,
        "previous_score": row.previous_score,
        "move": row.move,
        "movement": movement(row),
        **score_json(row.result),
    }


def scoring_json(plan: Plan) -> dict[str, Any]:
    """The plan's rules a script needs to recompute a score from its parts."""
    rules = plan.scoring
    return {
        "cap": rules.cap,
        "decimals": rules.decimals,
        "strict_penalty": rules.strict_penalty,
        "bonus_per_indicator": rules.bonus.per_indicator,
        "bonus_max": rules.bonus.max,
        "deduction_missing": rules.deductions.missing,
        "deduction_late": rules.deductions.late,
        "deduction_max": rules.deductions.max,
        "min_reported": rules.min_reported,
    }


def rank_json(plan: Plan, review: Review, ranking: Ranking) -> dict[str, Any]:
    """Units ranked within their blocks, for scripts."""
    return {
        **review_json(plan, review),
        "scoring": scoring_json(plan),
        "previous_as_of": ranking.previous_end.isoformat(),
        "previous_ranked": ranking.previous_available,
        "rows": [rank_row_json(row) for row in ranking.rows],
    }


def rank_tables(plan: Plan, review: Review, ranking: Ranking) -> list[Table]:
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
            table = new_table(
                _("{block} – xếp hạng {review}").format(
                    block=plan.blocks[row.block].name, review=review_title(review)
                ),
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


def proposal_reason(plan: Plan, proposal: Proposal) -> str:
    """Why a unit qualifies, in the words of the meeting."""
    row, rule = proposal.row, proposal.commendation
    block = plan.blocks[row.block].name
    reason = _("hạng {rank}/{size} {block}, {score} điểm, {grade}").format(
        rank=row.rank,
        size=proposal.block_size,
        block=block.lower(),
        score=score_text(plan, row.result.score),
        grade=row.result.grade.lower(),
    )
    needs = [_("từ {grade}").format(grade=rule.grade.lower())]
    if rule.top is not None:
        needs.append(_("hạng ≤ {top}").format(top=rule.top))
    if rule.complete:
        needs.append(_("đủ số liệu mọi chỉ tiêu"))
    return _("{reason} (điều kiện: {conditions})").format(
        reason=reason, conditions=", ".join(needs)
    )


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


def shortlist_json(plan: Plan, review: Review, ranking: Ranking) -> dict[str, Any]:
    """The commendation shortlist for scripts."""
    return {
        **review_json(plan, review),
        "proposals": [
            {
                "block": p.row.block,
                "unit": p.row.result.unit.code,
                "name": p.row.result.unit.name,
                "rank": p.row.rank,
                "block_size": p.block_size,
                "score": p.row.result.score,
                "grade": p.row.result.grade,
                "commendation": p.commendation.name,
                "reason": proposal_reason(plan, p),
            }
            for p in ranking.proposals
        ],
    }


def shortlist_table(plan: Plan, review: Review, ranking: Ranking) -> Table:
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


def score_text(plan: Plan, score: Decimal) -> str:
    """A score as every column of scores shows it: the plan's decimals, always all of them
    (95,87 / 98,20 / 68,00)."""
    return format_number(score, plan.scoring.decimals, fixed=True)


def arithmetic(plan: Plan, result: UnitScore) -> str:
    """How the score was computed, as a line a person can check with a calculator: the exact
    sum (to four more places than the score) and the score it rounds to, half up."""
    weight = sum(part.weight for part in result.parts)
    terms = " + ".join(
        f"{format_number(part.weight)} × {format_percent(part.capped, 2, fixed=False)}"
        for part in result.parts
    )
    places = plan.scoring.decimals + EXTRA_PLACES
    line = f"({terms}) / {format_number(weight)} × 100 = {format_number(result.base, places)}"
    if result.bonus or result.deduction:
        line += _("; + {bonus} điểm thưởng − {deduction} điểm trừ = {exact}").format(
            bonus=format_number(result.bonus),
            deduction=format_number(result.deduction),
            exact=format_number(result.exact, places),
        )
    return _("{line} → {score} điểm: {grade}").format(
        line=line, score=score_text(plan, result.score), grade=result.grade
    )


EXTRA_PLACES = 4  # the arithmetic's exact sum: four places beyond the score's


def path_json(path: GradePath) -> dict[str, Any]:
    """One way to reach the next grade."""
    return {
        "indicator": path.indicator,
        "value_needed": rounded(path.value_needed),
        "change": rounded(path.change),
        "by_year_end": rounded(path.by_year_end),
        "per_month": rounded(path.per_month),
        "beyond": path.beyond,
    }


def next_grade_json(step: NextGrade | None) -> dict[str, Any] | None:
    """The next grade and the ways to it, for scripts."""
    if step is None:
        return None
    return {
        "grade": step.grade.name,
        "min": step.grade.min,
        "gap": rounded(step.gap),
        "paths": [path_json(path) for path in step.paths],
    }


def scorecard_json(plan: Plan, review: Review, card: Scorecard) -> dict[str, Any]:
    """A unit's scorecard for scripts."""
    row = card.rank
    return {
        **review_json(plan, review),
        "scoring": scoring_json(plan),
        **score_json(card.result),
        "rank": row.rank if row else None,
        "arithmetic": arithmetic(plan, card.result),
        "next_grade": next_grade_json(card.next),
    }


def scorecard_view(plan: Plan, review: Review, card: Scorecard) -> Group:
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
                rank=card.rank.rank, block=plan.blocks[card.rank.block].name.lower()
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
                grade=step.grade.name.lower(),
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
