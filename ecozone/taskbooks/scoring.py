"""The annual assessment's arithmetic (pure: no models). Every number comes from the task or the
year's settings; the services store what these functions return."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

ZERO = Decimal("0")
CENT = Decimal("0.01")


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def measured_points(
    *, value: Decimal | None, target: Decimal, comparison: str, scoring: str, points: Decimal
) -> Decimal:
    """Points for a platform-measured task. `threshold`: all or nothing. `proportional`: at
    least-targets earn value/target of the points, at-most targets target/value (capped at all;
    a value of nothing measured earns nothing)."""
    if value is None:
        return ZERO
    met = value >= target if comparison == ">=" else value <= target
    if met:
        return _cents(points)
    if scoring == "threshold":
        return ZERO
    if comparison == ">=":
        share = value / target if target > 0 else ZERO
    else:
        share = target / value if value > 0 else ZERO
    return _cents(points * max(ZERO, min(Decimal(1), share)))


class Result(NamedTuple):
    task_points: Decimal
    deductions: Decimal  # as applied (capped)
    bonus: Decimal  # as applied (capped)
    score: Decimal


def total(
    awarded: list[Decimal],
    deductions: list[Decimal],
    bonuses: list[Decimal],
    *,
    deduction_cap: Decimal,
    bonus_cap: Decimal,
) -> Result:
    """Sum of the tasks' points, less the deductions and plus the bonus, each within its cap."""
    task_points = sum(awarded, ZERO)
    minus = min(sum(deductions, ZERO), deduction_cap)
    plus = min(sum(bonuses, ZERO), bonus_cap)
    return Result(
        _cents(task_points), _cents(minus), _cents(plus), _cents(task_points - minus + plus)
    )


def grade(score: Decimal, *, excellent: Decimal, good: Decimal, passing: Decimal) -> str:
    if score >= excellent:
        return "excellent"
    if score >= good:
        return "good"
    if score >= passing:
        return "pass"
    return "fail"


def ranks(scores: dict[int, Decimal]) -> dict[int, int]:
    """Competition ranking (1, 2, 2, 4) by score, highest first; equal scores share a rank."""
    ordered = sorted(scores.items(), key=lambda item: -item[1])
    result: dict[int, int] = {}
    for position, (key, score) in enumerate(ordered, start=1):
        if position > 1 and score == ordered[position - 2][1]:
            result[key] = result[ordered[position - 2][0]]
        else:
            result[key] = position
    return result
