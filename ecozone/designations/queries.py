"""Reads of designations and coverage, reused by views, the API, exports and the showcase."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, Q

from ecozone.accounts.permissions import in_scope
from ecozone.designations.models import Designation, Programme
from ecozone.designations.states import HOLDING
from ecozone.regions.models import Level, Region


def home_province() -> Region:
    return Region.objects.get(level=Level.PROVINCE, code=settings.ECOZONE_PROVINCE_CODE)


def roster():
    return Designation.objects.select_related("region", "region__parent", "programme", "batch")


def filtered_roster(user, *, programme=None, batch=None, city=None, status: str = "", q: str = ""):
    """The designations a user may see, narrowed by the roster filters."""
    designations = in_scope(user, roster(), field="region")
    if programme is not None:
        designations = designations.filter(programme=programme)
    if batch is not None:
        designations = designations.filter(batch=batch)
    if city is not None:
        designations = designations.filter(Q(region=city) | Q(region__parent=city))
    if status:
        designations = designations.filter(status=status)
    if q:
        designations = designations.filter(
            Q(region__name__contains=q) | Q(region__code__startswith=q)
        )
    return designations


def percent(part: int, whole: int) -> Decimal:
    """A share in percent, rounded half-up to one decimal (49/101 → 48.5)."""
    if not whole:
        return Decimal("0.0")
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CoverageRow:
    region: Region
    units: int
    designated: int

    @property
    def percent(self) -> Decimal:
        return percent(self.designated, self.units)


@dataclass(frozen=True)
class Coverage:
    programme: Programme
    province: CoverageRow
    cities: list[CoverageRow]


def coverage(programme: Programme, province: Region | None = None) -> Coverage:
    """Regions holding a live title ÷ creation units (cities + counties), province and by city.

    A city's row counts the city itself and its counties. Two queries whatever the size.
    """
    province = province or home_province()
    holding = Q(designations__programme=programme, designations__status__in=HOLDING)
    cities = list(
        Region.objects.filter(parent=province, level=Level.CITY).annotate(
            counties=Count("children", filter=Q(children__level=Level.COUNTY), distinct=True),
            counties_holding=Count(
                "children",
                filter=Q(
                    children__designations__programme=programme,
                    children__designations__status__in=HOLDING,
                ),
                distinct=True,
            ),
            self_holding=Count("designations", filter=holding, distinct=True),
        )
    )
    rows = [
        CoverageRow(city, 1 + city.counties, city.counties_holding + min(city.self_holding, 1))
        for city in cities
    ]
    total = CoverageRow(province, sum(r.units for r in rows), sum(r.designated for r in rows))
    return Coverage(programme, total, rows)
