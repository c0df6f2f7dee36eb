"""A review's numbers in the meeting's words: a score as its column shows it, a move in the
ranking, why a unit is proposed, and a score's arithmetic.

Shared by the results (the JSON says the same) and the tables, without the result models:
``thidua rank`` prints its tables from the domain rows and never builds those.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from thiduaCLI.text.i18n import _
from thiduaCLI.text.numbers import format_number, format_percent

if TYPE_CHECKING:
    from thiduaCLI.domain.plan import Plan
    from thiduaCLI.domain.scoring import Proposal, RankRow, UnitScore


def movement(row: RankRow) -> str:
    """``↑2``, ``↓1``, ``=``, ``new`` (not ranked before), or empty when not ranked now."""
    if row.rank is None:
        return ""
    if row.previous_rank is None:
        return "new"
    if row.move == 0:
        return "="
    return f"↑{row.move}" if (row.move or 0) > 0 else f"↓{-(row.move or 0)}"


def score_text(plan: Plan, score: Decimal) -> str:
    """A score as every column of scores shows it: the plan's decimals, always all of them
    (95,87 / 98,20 / 68,00)."""
    return format_number(score, plan.scoring.decimals, fixed=True)


def proposal_reason(plan: Plan, proposal: Proposal) -> str:
    """Why a unit qualifies, in the words of the meeting."""
    row, rule = proposal.row, proposal.commendation
    block = plan.blocks[row.block].name
    reason = _("hạng {rank}/{size} {block}, {score} điểm, {grade}").format(
        rank=row.rank,
        size=proposal.block_size,
        block=block,
        score=score_text(plan, row.result.score),
        grade=row.result.grade,
    )
    needs = [_("từ {grade}").format(grade=rule.grade)]
    if rule.top is not None:
        needs.append(_("hạng ≤ {top}").format(top=rule.top))
    if rule.complete:
        needs.append(_("đủ số liệu mọi chỉ tiêu"))
    return _("{reason} (điều kiện: {conditions})").format(
        reason=reason, conditions=", ".join(needs)
    )


EXTRA_PLACES = 4  # the arithmetic's exact sum: four places beyond the score's


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
