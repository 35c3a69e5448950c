"""Public statistics: only published data (live titles, published ratings, published cases).

Built once per data version and cached: `core.flags.bump_showcase_version()` is called by every
service that publishes something the public sees.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.db.models import Q

from ecozone.casebook.models import CaseStatus, TypicalCase
from ecozone.core.flags import showcase_version
from ecozone.designations.models import Batch, Designation, Programme
from ecozone.designations.queries import coverage, home_province
from ecozone.designations.states import DesignationStatus
from ecozone.ratings.models import Reexamination
from ecozone.ratings.states import CampaignStatus
from ecozone.regions.models import Level, Region

TIMEOUT = 600


def cached(key: str, builder):
    return cache.get_or_set(f"showcase:{showcase_version()}:{key}", builder, TIMEOUT)


def _d(value) -> str:
    return str(Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def headline() -> dict:
    def build():
        province = home_province()
        figures = []
        for programme in Programme.objects.all():
            c = coverage(programme, province)
            figures.append(
                {
                    "code": programme.code,
                    "name": programme.name,
                    "short_name": programme.short_name,
                    "count": c.province.designated,
                    "units": c.province.units,
                    "coverage": str(c.province.percent),
                }
            )
        latest = (
            Batch.objects.filter(designations__isnull=False)
            .select_related("programme")
            .order_by("-named_on", "-pk")
            .first()
        )
        latest_batch = None
        if latest:
            latest_batch = {
                "name": latest.name,
                "named_on": latest.named_on.isoformat() if latest.named_on else None,
                "count": latest.designations.filter(
                    status__in=[DesignationStatus.ACTIVE, DesignationStatus.WARNED]
                ).count(),
                "demo": latest.is_demo,
            }
        stars = defaultdict(int)
        for value in _rated().values_list("stars", flat=True):
            stars[value] += 1
        return {
            "programmes": figures,
            "latest_batch": latest_batch,
            "stars": {str(k): stars.get(k, 0) for k in (5, 4, 3, 0)},
        }

    return cached("headline", build)


def _rated():
    """Live provincial designations whose stars come from a published re-examination."""
    return Designation.objects.holding().filter(programme__code="provincial", stars__isnull=False)


def map_data() -> dict:
    """Per county: titles and stars, for the map layers."""

    def build():
        counties = {}
        for region in Region.objects.filter(
            level=Level.COUNTY, parent__parent=home_province()
        ).select_related("parent"):
            counties[region.code] = {
                "code": region.code,
                "name": region.name,
                "city": region.parent.name,
                "titles": [],
                "stars": None,
                "layer": "none",
            }
        for d in (
            Designation.objects.holding()
            .filter(region__code__in=counties)
            .select_related("programme", "batch", "region")
        ):
            entry = counties[d.region.code]
            entry["titles"].append(
                {
                    "programme": d.programme.code,
                    "name": d.programme.short_name,
                    "batch": d.batch.name,
                }
            )
            if d.programme.code == "provincial" and d.stars is not None:
                entry["stars"] = d.stars
        for entry in counties.values():
            codes = {t["programme"] for t in entry["titles"]}
            entry["layer"] = (
                "national"
                if "national" in codes
                else "provincial"
                if "provincial" in codes
                else "none"
            )
            entry["lianshan"] = "lianshan" in codes
        return {"counties": sorted(counties.values(), key=lambda e: e["code"])}

    return cached("map", build)


def by_city() -> list[dict]:
    """Zones and stars per city, and the comparison (晾晒比拼) figures."""

    def build():
        province = home_province()
        programmes = {p.code: p for p in Programme.objects.all()}
        cover = {
            code: {row.region.code: row for row in coverage(p, province).cities}
            for code, p in programmes.items()
        }
        cities = list(Region.objects.filter(parent=province, level=Level.CITY).order_by("code"))
        holding = Designation.objects.holding().select_related("programme", "region__parent")
        counts = defaultdict(lambda: defaultdict(int))
        stars = defaultdict(list)
        for d in holding:
            city_code = (
                d.region.code
                if d.region.level == Level.CITY
                else d.region.parent.code
                if d.region.parent_id
                else None
            )
            if city_code is None:
                continue
            counts[city_code][d.programme.code] += 1
            if d.programme.code == "provincial" and d.stars is not None:
                stars[city_code].append(d.stars)
        change = _latest_change()
        rows = []
        for city in cities:
            rated = stars[city.code]
            rows.append(
                {
                    "code": city.code,
                    "name": city.name,
                    "provincial": counts[city.code]["provincial"],
                    "national": counts[city.code]["national"],
                    "lianshan": counts[city.code]["lianshan"],
                    "coverage_provincial": str(cover["provincial"][city.code].percent),
                    "coverage_national": str(cover["national"][city.code].percent),
                    "average_stars": _d(sum(rated) / len(rated)) if rated else None,
                    "five_star": rated.count(5),
                    "four_star": rated.count(4),
                    "three_star": rated.count(3),
                    "revoked": rated.count(0),
                    "change": change.get(city.code),
                }
            )
        return rows

    return cached("cities", build)


def _latest_change() -> dict[str, str]:
    """Change of each city's average stars between the two latest published campaigns."""
    campaigns = list(
        Reexamination.objects.filter(campaign__status=CampaignStatus.PUBLISHED)
        .values_list("campaign__year", flat=True)
        .distinct()
        .order_by("-campaign__year")[:2]
    )
    if len(campaigns) < 2:
        return {}
    averages = {}
    for year in campaigns:
        per_city = defaultdict(list)
        for code, parent, level, stars in Reexamination.objects.filter(
            campaign__year=year, campaign__status=CampaignStatus.PUBLISHED, stars__isnull=False
        ).values_list(
            "designation__region__code",
            "designation__region__parent__code",
            "designation__region__level",
            "stars",
        ):
            per_city[code if level == Level.CITY else parent].append(stars or 0)
        averages[year] = {city: Decimal(sum(v)) / len(v) for city, v in per_city.items()}
    latest, previous = campaigns
    return {
        city: ("+" if value - averages[previous][city] >= 0 else "")
        + _d(value - averages[previous][city])
        for city, value in averages[latest].items()
        if city in averages[previous]
    }


def zone(region: Region) -> dict:
    # Delisted titles stay on the public page (SPEC §7.2: delisting is publicly visible).
    titles = list(
        region.designations.select_related("programme", "batch").order_by("programme__position")
    )
    history = list(
        Reexamination.objects.filter(
            designation__region=region,
            campaign__status=CampaignStatus.PUBLISHED,
            stars__isnull=False,  # an excluded zone has no result
        )
        .select_related("campaign")
        .order_by("-campaign__year")
    )
    cases = list(TypicalCase.objects.filter(region=region, status=CaseStatus.PUBLISHED))
    return {"titles": titles, "history": history, "cases": cases}


def published_cases(*, q: str = "", tag: str = ""):
    cases = TypicalCase.objects.filter(status=CaseStatus.PUBLISHED).select_related(
        "region", "programme"
    )
    if q:
        cases = cases.filter(
            Q(title__icontains=q)
            | Q(summary__icontains=q)
            | Q(body__icontains=q)
            | Q(region__name__icontains=q)
            | Q(tags__icontains=q)
        )
    if tag:
        cases = cases.filter(tags__icontains=tag)
    return cases


def all_tags() -> list[str]:
    tags = set()
    for value in TypicalCase.objects.filter(status=CaseStatus.PUBLISHED).values_list(
        "tags", flat=True
    ):
        tags.update(t.strip() for t in value.replace("，", ",").split(",") if t.strip())
    return sorted(tags)
