"""Reading a zone's rating inputs from the database: locked annual values, expert scores,
approved features and recorded items. One query per kind of input, whatever the number of zones."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.db.models import TextField
from django.db.models.functions import Cast

from ecozone.indicators.models import Indicator, IndicatorSystem
from ecozone.indicators.rules import Reported, parse_rule
from ecozone.ratings.engine import IndicatorInput, RatingInput, SchemeSettings
from ecozone.ratings.models import ExpertAssignment, FeatureItem, RecordedItem, Reexamination
from ecozone.ratings.states import ItemStatus, RecordKind
from ecozone.reporting.models import AnnualReport, ReportValue
from ecozone.reporting.queries import region_facts


def indicator_inputs(system_ids) -> dict[int, list[IndicatorInput]]:
    by_system: dict[int, list[IndicatorInput]] = defaultdict(list)
    for i in Indicator.objects.filter(system_id__in=set(system_ids)).order_by("position"):
        by_system[i.system_id].append(
            IndicatorInput(
                i.code, i.name, i.attribute, i.kind, i.scope, i.condition, parse_rule(i.rule), {}
            )
        )
    return by_system


def period_for(
    designation, *, campaign_year: int, years: int, first_reporting_year: int | None = None
) -> list[int]:
    """The last `years` complete reporting years before the campaign: none before the naming year,
    nor before the first year the province collected annual reports."""
    first = max(campaign_year - years, designation.named_on.year, first_reporting_year or 0)
    return list(range(first, campaign_year))


def load_values(region_ids, years, *, accepted_only: bool) -> tuple[dict, dict]:
    """(values[region][code][year] → Reported, edition[region][year] → system id)."""
    reports = AnnualReport.objects.filter(region_id__in=region_ids, year__in=years)
    if accepted_only:
        reports = reports.filter(status="accepted")
    editions: dict[int, dict[int, int]] = defaultdict(dict)
    where: dict[int, tuple[int, int]] = {}
    for report_id, region_id, year, system_id in reports.values_list(
        "pk", "region_id", "year", "system_id"
    ):
        editions[region_id][year] = system_id
        where[report_id] = (region_id, year)
    systems = {s for by_year in editions.values() for s in by_year.values()}
    codes = dict(Indicator.objects.filter(system_id__in=systems).values_list("pk", "code"))
    values: dict = defaultdict(lambda: defaultdict(dict))
    # No joins: reports and indicators are resolved in Python (this read dominates computing).
    # The figure is read as text and parsed here: cheaper than the backend's decimal converter.
    # The SQL is Django's (portable); rows are read with a plain cursor, skipping model machinery.
    query = (
        ReportValue.objects.filter(report__in=reports)
        .annotate(figure=Cast("number", TextField()))
        .values_list("report_id", "indicator_id", "figure", "task", "yes", "state")
    )
    sql, params = query.query.sql_with_params()
    seen: dict[tuple, Reported] = {}  # identical answers share one object
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(50000):
            for report_id, indicator_id, figure, task, yes, state in rows:
                region_id, year = where[report_id]
                key = (figure, task, yes, state)
                value = seen.get(key)
                if value is None:
                    value = seen[key] = Reported(
                        None if figure is None else Decimal(figure),
                        None if task is None else bool(task),
                        None if yes is None else bool(yes),
                        state or None,
                    )
                values[region_id][codes[indicator_id]][year] = value
    return values, editions


def zone_inputs(
    zones: list[Reexamination],
    scheme: SchemeSettings,
    *,
    accepted_only: bool = True,
    with_items: bool = True,
) -> dict[int, tuple[RatingInput, str]]:
    """RatingInput and edition code for each zone (keyed by position for unsaved zones)."""
    if not zones:
        return {}
    region_ids = {z.designation.region_id for z in zones}
    years = {y for z in zones for y in z.period} | {min(z.period) - 1 for z in zones if z.period}
    values, editions = load_values(region_ids, years, accepted_only=accepted_only)
    default = IndicatorSystem.objects.filter(is_default=True).values_list("pk", flat=True).first()
    wanted = {
        editions[z.designation.region_id].get(max(z.period), default) if z.period else default
        for z in zones
    }
    definitions = indicator_inputs(wanted)
    codes = dict(IndicatorSystem.objects.filter(pk__in=wanted).values_list("pk", "code"))
    work = defaultdict(lambda: defaultdict(list))
    features = defaultdict(list)
    vetoes, bars = defaultdict(list), defaultdict(list)
    if with_items:
        for assignment in ExpertAssignment.objects.filter(
            zone__in=zones, submitted_at__isnull=False
        ).order_by("pk"):
            for code, score in assignment.scores.items():
                work[assignment.zone_id][code].append(Decimal(score))
        for item in FeatureItem.objects.filter(zone__in=zones, status=ItemStatus.APPROVED).order_by(
            "pk"
        ):
            features[item.zone_id].append(item.points)
        for item in RecordedItem.objects.filter(zone__in=zones).order_by("pk"):
            (vetoes if item.kind == RecordKind.VETO else bars)[item.zone_id].append(item.code)
    result = {}
    for position, zone in enumerate(zones):
        region = zone.designation.region
        system_id = editions[region.pk].get(max(zone.period), default) if zone.period else default
        zone_values = values[region.pk]
        indicators = tuple(
            IndicatorInput(
                d.code,
                d.name,
                d.attribute,
                d.kind,
                d.scope,
                d.condition,
                d.rule,
                dict(zone_values.get(d.code, {})),
            )
            for d in definitions[system_id]
        )
        data = RatingInput(
            scheme=scheme,
            region=region_facts(region),
            period=tuple(zone.period),
            indicators=indicators,
            work={code: tuple(scores) for code, scores in work[zone.pk].items()},
            features=tuple(features[zone.pk]),
            vetoes=tuple(vetoes[zone.pk]),
            bars=tuple(bars[zone.pk]),
        )
        result[zone.pk if zone.pk is not None else -position - 1] = (data, codes[system_id])
    return result
