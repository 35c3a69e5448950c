"""Reads of incentive entitlements (SPEC §7.2): the filtered list in the user's scope, its counts
per measure and star class, a zone's entitlements in force. Shared by the page and the export."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from ecozone.accounts import permissions
from ecozone.ratings.models import Campaign, Entitlement, Reexamination
from ecozone.ratings.states import EntitlementStatus

# The star classes a scheme may entitle (engine._incentives), best first.
ENTITLED_CLASSES = (5, 4, 3)


@dataclass(frozen=True)
class MeasureCount:
    measure: str
    by_stars: tuple[int, ...]  # in the order of ENTITLED_CLASSES
    total: int


def entitlements_for(
    user,
    *,
    campaign: Campaign | None = None,
    stars: int | None = None,
    city=None,
    status: str | None = EntitlementStatus.ACTIVE,
) -> QuerySet[Entitlement]:
    """The entitlements in the user's scope (a city its city's zones, a county its own), filtered;
    `status=None` keeps every status. `city` selects the city's own zone and its counties'."""
    rows = Entitlement.objects.select_related(
        "campaign", "designation__region__parent", "designation__programme"
    )
    rows = permissions.in_scope(user, rows, "designation__region")
    if campaign is not None:
        rows = rows.filter(campaign=campaign)
    if stars is not None:
        rows = rows.filter(stars=stars)
    if city is not None:
        rows = rows.filter(Q(designation__region=city) | Q(designation__region__parent=city))
    if status:
        rows = rows.filter(status=status)
    return rows


def measure_counts(rows: QuerySet[Entitlement]) -> list[MeasureCount]:
    """How many entitlements of each measure each star class holds (one query), the most
    frequent measure first."""
    cells: dict[str, dict[int, int]] = {}
    for row in rows.order_by().values("measure", "stars").annotate(n=Count("pk")):
        cells.setdefault(row["measure"], {})[row["stars"]] = row["n"]
    counts = [
        MeasureCount(
            measure=measure,
            by_stars=tuple(by_stars.get(stars, 0) for stars in ENTITLED_CLASSES),
            total=sum(by_stars.values()),
        )
        for measure, by_stars in cells.items()
    ]
    return sorted(counts, key=lambda count: (-count.total, count.measure))


def zone_entitlements(zone: Reexamination) -> QuerySet[Entitlement]:
    """A zone's entitlements in force, as the zone's own page shows them."""
    return zone.entitlements.filter(status=EntitlementStatus.ACTIVE).order_by("pk")
