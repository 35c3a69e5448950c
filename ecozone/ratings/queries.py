"""Reads of ratings: results in scope, the early-warning list."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Max
from django.utils.translation import gettext as _

from ecozone.accounts import permissions
from ecozone.core.models import LedgerEntry
from ecozone.designations.models import Designation
from ecozone.indicators.rules import describe_target, fmt
from ecozone.ratings import engine
from ecozone.ratings.inputs import zone_inputs
from ecozone.ratings.models import Campaign, Reexamination, Scheme
from ecozone.ratings.states import HISTORY_LABELS, CampaignStatus, SchemeStatus
from ecozone.reporting.models import AnnualReport


@dataclass(frozen=True)
class HistoryRow:
    at: datetime.datetime
    by_name: str
    kind: str
    label: str
    detail: str


def _history_detail(payload: dict) -> str:
    parts = [
        payload.get("region"),
        payload.get("expert_name"),
        payload.get("title"),
        payload.get("code"),
        " ".join(f"{k} {v}" for k, v in (payload.get("scores") or {}).items()),
        payload.get("reason"),
        payload.get("outcome"),
    ]
    if "results" in payload:
        parts.append(_("%(n)d zones") % {"n": len(payload["results"])})
    return " · ".join(str(part) for part in parts if part)


def campaign_history(campaign: Campaign, *, limit: int = 100) -> list[HistoryRow]:
    """The campaign's decisions, newest first, from the ledger (one query)."""
    entries = LedgerEntry.objects.filter(
        object_type=Campaign._meta.label_lower, object_id=str(campaign.pk)
    ).order_by("-pk")[:limit]
    return [
        HistoryRow(
            at=entry.at,
            by_name=entry.by_name,
            kind=entry.kind,
            label=str(HISTORY_LABELS.get(entry.kind, entry.kind)),
            detail=_history_detail(entry.payload),
        )
        for entry in entries
    ]


def can_view_result(user, zone: Reexamination) -> bool:
    if permissions.is_province_admin(user) or permissions.is_department(user):
        return True
    if zone.campaign.status != CampaignStatus.PUBLISHED:
        return False
    return permissions.can_view_region(user, zone.designation.region)


def results_for(user, campaign):
    zones = campaign.zones.select_related("designation__region__parent", "designation__programme")
    if permissions.is_province_admin(user) or permissions.is_department(user):
        return zones
    if campaign.status != CampaignStatus.PUBLISHED:
        return zones.none()
    return permissions.in_scope(user, zones, "designation__region")


@dataclass
class Step:
    code: str
    name: str
    lost: Decimal
    target: str


@dataclass
class WarningRow:
    designation: Designation
    card: engine.ScoreCard
    period: tuple[int, ...]
    costly: list[Step] = field(default_factory=list)
    next_stars: int | None = None
    needed: Decimal = Decimal(0)
    plan: list[Step] = field(default_factory=list)
    must_meet: list[Step] = field(default_factory=list)  # binding indicators limiting the rating
    recorded: list[str] = field(default_factory=list)  # veto / bar items: not lifted by data

    def as_json(self) -> dict:
        def step(s: Step) -> dict:
            return {
                "code": s.code,
                "name": s.name,
                "points_lost": fmt(s.lost.quantize(Decimal("0.01"))),
                "target": s.target,
            }

        return {
            "region_code": self.designation.region.code,
            "region_name": self.designation.region.name,
            "period": list(self.period),
            "provisional_total": str(self.card.total),
            "provisional_stars": self.card.stars,
            "rating": self.card.rating,
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


def early_warning(user, *, programme_code: str = "provincial") -> list[WarningRow]:
    """Every live zone's provisional rating on the data filed so far (any report status)."""
    scheme = Scheme.objects.filter(code="default", status=SchemeStatus.PUBLISHED).first()
    if scheme is None:
        return []
    settings = engine.SchemeSettings.from_dict(scheme.settings)
    designations = list(
        permissions.in_scope(
            user,
            Designation.objects.holding()
            .filter(programme__code=programme_code)
            .select_related("region__parent"),
            "region",
        ).order_by("region__code")
    )
    latest = AnnualReport.objects.aggregate(year=Max("year"))["year"]
    if not designations or latest is None:
        return []
    zones = []
    for designation in designations:
        first = max(latest - settings.period_years + 1, designation.named_on.year)
        zones.append(Reexamination(designation=designation, period=list(range(first, latest + 1))))
    inputs = zone_inputs(zones, settings, accepted_only=False, with_items=False)
    step = settings.score_step
    provisional_work = {
        w.code: (
            (w.maximum * settings.provisional_part_b_share / step).quantize(Decimal(1)) * step,
        )
        for w in settings.work_items
    }
    provisional = [
        replace(inputs[-position - 1][0], work=provisional_work) for position in range(len(zones))
    ]
    cards = engine.compute_all(provisional)
    return [
        _advise(zone.designation, card, data, settings)
        for zone, card, data in zip(zones, cards, provisional, strict=True)
    ]


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
