"""What the early warning advises a zone (pure: no model, no database): the indicators that cost
it the most points, and what it takes to reach the next star."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ecozone.indicators.rules import describe_target, fmt
from ecozone.ratings import engine


@dataclass
class Step:
    code: str
    name: str
    lost: Decimal
    target: str


@dataclass
class WarningRow:
    designation: object  # the Designation, or None in tests of the pure function
    card: engine.ScoreCard
    period: tuple[int, ...]
    costly: list[Step] = field(default_factory=list)
    next_stars: int | None = None
    needed: Decimal = Decimal(0)
    plan: list[Step] = field(default_factory=list)
    must_meet: list[Step] = field(default_factory=list)  # binding indicators limiting the rating
    recorded: list[str] = field(default_factory=list)  # veto / bar items: not lifted by data

    def advice(self) -> dict:
        """What a stored result keeps of the advice (the API's keys)."""

        def step(s: Step) -> dict:
            return {
                "code": s.code,
                "name": s.name,
                "points_lost": fmt(s.lost.quantize(Decimal("0.01"))),
                "target": s.target,
            }

        return {
            "rules": [
                {"code": r.code, "effect": r.effect, "reason": r.reason} for r in self.card.rules
            ],
            "costing_points": [step(s) for s in self.costly],
            "next_stars": self.next_stars,
            "points_needed": fmt(self.needed.quantize(Decimal("0.1"))),
            "to_reach_next": [step(s) for s in self.plan],
            "must_meet": [step(s) for s in self.must_meet],
            "recorded_items": self.recorded,
        }


def _advise(designation, card: engine.ScoreCard, data: engine.RatingInput, settings) -> WarningRow:
    """What costs the zone points, and what it takes to reach the next star: the indicators
    worth the most points, and every binding indicator whose rule now limits the rating."""
    row = WarningRow(designation, card, data.period)
    rules = {i.code: i for i in data.indicators}
    steps: dict[str, Step] = {}
    for item in card.indicators:
        if item.applicable and item.score < 1:
            lost = settings.part_a_max * item.weight * (1 - item.score)
            target = describe_target(rules[item.code].rule, data.region)
            steps[item.code] = Step(item.code, item.name, lost, target)
    ranked = sorted(steps.values(), key=lambda s: -s.lost)
    row.costly = ranked[:5]
    names = dict(settings.veto_items) | dict(settings.bar_items)
    for hit in card.rules:
        _kind, _sep, code = hit.code.partition(":")
        if code in steps:  # a binding indicator not met: the rating stays limited until it is
            row.must_meet.append(steps[code])
        elif not code:
            row.recorded.append(names.get(hit.code, hit.code))
    above = [(stars, minimum) for stars, minimum in settings.thresholds if minimum > card.total]
    if above:
        row.next_stars, minimum = above[-1]
        row.needed = minimum - card.total
        gained = Decimal(0)
        for step in ranked:
            if gained >= row.needed:
                break
            row.plan.append(step)
            gained += step.lost
    elif card.stars < card.stars_before_rules and not row.recorded:
        row.next_stars = card.stars_before_rules  # enough points: only the rules hold it back
    return row
