"""Reads of the scoring-scheme pages: the versions with their campaigns, indicator names for the
weights, and the preview of a version on the latest published campaign's stored inputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, QuerySet

from ecozone.accounts import permissions
from ecozone.core import ledger
from ecozone.indicators.models import Indicator
from ecozone.indicators.states import EditionStatus
from ecozone.ratings import engine
from ecozone.ratings.models import Campaign, Reexamination, Scheme
from ecozone.ratings.serialization import build_input, indicator_defs
from ecozone.ratings.states import CampaignStatus


def can_read_schemes(user) -> bool:
    return permissions.is_province_admin(user) or permissions.is_department(user)


def versions() -> QuerySet[Scheme]:
    """Every version, newest first, with its base and the campaigns pinning it (two queries)."""
    return (
        Scheme.objects.select_related("base")
        .annotate(campaign_count=Count("campaigns"))
        .prefetch_related(
            Prefetch("campaigns", queryset=Campaign.objects.only("pk", "title", "scheme_id"))
        )
        .order_by("-created_at", "-pk")
    )


def indicator_names() -> dict[str, str]:
    """Code → name of the indicators of the published catalogue editions."""
    rows = (
        Indicator.objects.filter(system__status=EditionStatus.PUBLISHED)
        .order_by("-system__is_default", "system__code", "position")
        .values_list("code", "name")
    )
    names: dict[str, str] = {}
    for code, name in rows:
        names.setdefault(code, name)
    return names


@dataclass(frozen=True)
class ZoneChange:
    region: str
    stars_before: int
    stars_after: int
    total_before: Decimal
    total_after: Decimal


@dataclass
class Preview:
    """The latest published campaign's results recomputed under a version's settings."""

    campaign: Campaign | None
    compared: int = 0  # zones with a published result and stored inputs
    changes: list[ZoneChange] = field(default_factory=list)  # class changed
    not_recomputed: list[tuple[str, str]] = field(default_factory=list)  # (region, why)
    problem: str = ""  # the version's settings do not parse


def latest_published_campaign() -> Campaign | None:
    return (
        Campaign.objects.filter(status=CampaignStatus.PUBLISHED)
        .order_by("-published_at", "-year", "-pk")
        .first()
    )


def preview(scheme: Scheme) -> Preview:
    """Recompute every published result of the latest published campaign from its stored inputs
    (`Reexamination.inputs`, as verify_ratings does) under `scheme`, and list the zones whose star
    class would change."""
    campaign = latest_published_campaign()
    result = Preview(campaign)
    if campaign is None:
        return result
    try:
        settings = engine.SchemeSettings.from_dict(scheme.settings)
    except engine.SchemeError as exc:
        result.problem = str(exc)
        return result
    zones = (
        Reexamination.objects.filter(
            campaign=campaign, excluded_at__isnull=True, stars__isnull=False
        )
        .exclude(inputs={})
        .select_related("designation__region")
        .order_by("designation__region__code")
    )
    definitions: dict[str, tuple] = {}  # the zones of a campaign share their indicators
    ready = []
    for zone in zones:
        region = zone.designation.region.name
        stored = zone.inputs
        try:
            key = ledger.canonical(stored.get("indicators", []))
            if key not in definitions:
                definitions[key] = indicator_defs(stored["indicators"])
            data = build_input(stored, definitions[key], settings)
            engine.validate(data)
        except (engine.InputError, KeyError, TypeError) as exc:
            result.not_recomputed.append((region, getattr(exc, "message", str(exc))))
            continue
        ready.append((zone, region, data))
    cards = engine.compute_all([data for _zone, _region, data in ready])
    result.compared = len(ready)
    for (zone, region, _data), card in zip(ready, cards, strict=True):
        if card.stars != zone.stars:
            result.changes.append(
                ZoneChange(region, zone.stars, card.stars, zone.total, card.total)
            )
    return result
