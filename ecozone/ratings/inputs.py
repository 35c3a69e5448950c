"""Reading a zone's rating inputs from the database: locked annual values, expert scores,
approved features and recorded items. One query per kind of input, whatever the number of zones."""

from __future__ import annotations

from collections import defaultdict
from decimal import Context, Decimal

from django.db import connection
from django.db.models import F, Q, TextField
from django.db.models.functions import Cast

from ecozone.core.batch import collector_paused
from ecozone.indicators.models import Indicator, IndicatorSystem
from ecozone.indicators.queries import carried_codes
from ecozone.indicators.rules import (
    RegionFacts,
    Reported,
    applies_to,
    parse_rule,
    uses_previous_year,
)
from ecozone.ratings.engine import IndicatorDef, RatingInput, SchemeSettings
from ecozone.ratings.models import ExpertAssignment, FeatureItem, RecordedItem, Reexamination
from ecozone.ratings.states import ItemStatus, RecordKind
from ecozone.reporting.models import AnnualReport, ReportValue
from ecozone.reporting.queries import region_facts


def indicator_definitions(system_ids) -> dict[int, tuple[IndicatorDef, ...]]:
    """The indicators of each edition in catalogue order, as the engine reads them."""
    return _catalogue(system_ids)[0]


def _catalogue(system_ids) -> tuple[dict[int, tuple[IndicatorDef, ...]], dict[int, IndicatorDef]]:
    """(indicators by edition in catalogue order, each indicator by its primary key)."""
    by_system: dict[int, list[IndicatorDef]] = defaultdict(list)
    by_pk: dict[int, IndicatorDef] = {}
    for i in Indicator.objects.filter(system_id__in=set(system_ids)).order_by("position"):
        by_pk[i.pk] = definition = IndicatorDef(
            i.code, i.name, i.attribute, i.kind, i.scope, i.condition, parse_rule(i.rule)
        )
        by_system[i.system_id].append(definition)
    return {pk: tuple(indicators) for pk, indicators in by_system.items()}, by_pk


def period_for(
    designation, *, campaign_year: int, years: int, first_reporting_year: int | None = None
) -> list[int]:
    """The last `years` complete reporting years before the campaign: none before the naming year,
    nor before the first year the province collected annual reports."""
    first = max(campaign_year - years, designation.named_on.year, first_reporting_year or 0)
    return list(range(first, campaign_year))


def _reports(region_ids, years, accepted_only: bool):
    reports = AnnualReport.objects.filter(region_id__in=region_ids, year__in=years)
    return reports.filter(status="accepted") if accepted_only else reports


def load_values(
    zones: list[Reexamination], *, accepted_only: bool, default: int | None
) -> tuple[dict, dict, dict]:
    """Read what the zones' scoring needs, and nothing more (`engine.years_read`): the values of
    the period years for the indicators that apply to each kind of region, and the year before
    the period only for indicators judged on a trend.

    Returns (values[region][code][year] → Reported, edition[region][year] → system id,
    definitions[system id] → indicators).
    """
    region_ids = {z.designation.region_id for z in zones}
    period_years = {y for z in zones for y in z.period}
    before_years = {min(z.period) - 1 for z in zones if z.period} - period_years
    editions: dict[int, dict[int, int]] = defaultdict(dict)
    where: dict[int, tuple[int, int]] = {}
    for report_id, region_id, year, system_id in _reports(
        region_ids, period_years | before_years, accepted_only
    ).values_list("pk", "region_id", "year", "system_id"):
        editions[region_id][year] = system_id
        where[report_id] = (region_id, year)
    scoring = {_scoring_edition(z, editions, default) for z in zones}
    systems = {s for by_year in editions.values() for s in by_year.values()}
    definitions, by_pk = _catalogue(scoring | systems)
    trend_codes = {
        d.code for pk in scoring for d in definitions.get(pk, ()) if uses_previous_year(d.rule)
    }
    codes = {pk: d.code for pk, d in by_pk.items()}
    # Regions by what decides applicability (level and coastal), one read for each kind.
    kinds: dict[RegionFacts, set[int]] = defaultdict(set)
    for zone in zones:
        region = zone.designation.region
        kinds[RegionFacts(region.level, coastal=region.coastal)].add(region.pk)
    values: dict = defaultdict(lambda: defaultdict(dict))
    seen: dict[tuple, Reported] = {}  # identical answers share one object
    for facts, regions in kinds.items():
        applicable = [pk for pk, d in by_pk.items() if applies_to(d.scope, d.condition, facts)]
        wanted = [(_reports(regions, period_years, accepted_only), applicable)]
        if before_years and trend_codes:
            trends = [pk for pk in applicable if codes[pk] in trend_codes]
            wanted.append((_reports(regions, before_years, accepted_only), trends))
        _read_values(wanted, where, codes, values, seen)
    _carry_across_editions(zones, values, editions, default)
    return values, editions, definitions


def _carry_across_editions(zones, values: dict, editions: dict, default: int | None) -> None:
    """A zone whose period spans two editions is scored on the last one: the values of earlier
    years follow the published mapping to the last edition's codes (unchanged and renumbered
    indicators; decision 0010). Without a mapping, values carry by equal code."""
    carried: dict[tuple[int, int], dict[str, str] | None] = {}
    for zone in zones:
        region_id = zone.designation.region_id
        scoring = _scoring_edition(zone, editions, default)
        by_code = values[region_id]
        for year, system_id in editions[region_id].items():
            if system_id == scoring or scoring is None:
                continue
            key = (system_id, scoring)
            if key not in carried:
                carried[key] = carried_codes(system_id, scoring)
            codes = carried[key]
            if not codes:
                continue
            moved = {
                new: by_code[old][year]
                for new, old in codes.items()
                if new != old and year in by_code.get(old, {})
            }
            for new, value in moved.items():
                by_code.setdefault(new, {})[year] = value


def _read_values(wanted: list, where: dict, codes: dict, values: dict, seen: dict) -> None:
    """Read the values of each (reports, indicator ids) pair of `wanted`, in one query."""
    # No joins: reports and indicators are resolved in Python (this read dominates computing).
    # The SQL is Django's (portable); rows are read with a plain cursor, skipping model machinery.
    # The indicator is filtered as `indicator_id + 0`: an expression no index serves, so SQLite
    # walks each report's values once instead of looking up each wanted indicator on its own.
    # Figures are parsed once per distinct answer (`seen`): SQLite hands over a double cheaply,
    # but PostgreSQL's driver would build a Decimal for every row, so there the figure is text.
    figure = F("number") if connection.vendor == "sqlite" else Cast("number", TextField())
    selected = Q()
    for reports, indicator_ids in wanted:
        selected |= Q(report__in=reports, listed__in=indicator_ids)
    query = (
        ReportValue.objects.alias(listed=F("indicator_id") + 0)
        .filter(selected)
        .order_by()  # the model orders by region and position: a join and a sort not needed here
        .annotate(figure=figure)
        .values_list("report_id", "indicator_id", "figure", "task", "yes", "state")
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        report = by_code = year = None
        while rows := cursor.fetchmany(50000):
            for report_id, indicator_id, figure, task, yes, state in rows:
                if report_id != report:  # rows mostly come report by report
                    report = report_id
                    region_id, year = where[report_id]
                    by_code = values[region_id]
                key = (figure, task, yes, state)
                value = seen.get(key)
                if value is None:
                    value = seen[key] = Reported(
                        _figure(figure),
                        None if task is None else bool(task),
                        None if yes is None else bool(yes),
                        state or None,
                    )
                by_code[codes[indicator_id]][year] = value


_from_float = Context(prec=15).create_decimal_from_float


def _figure(raw) -> Decimal | None:
    """A figure as `_read_values` gets it: text from PostgreSQL; from SQLite, which keeps a decimal
    column as an integer or a double, a double is read to the 15 significant digits SQLite stores
    and Django reads (written without trailing zeros)."""
    if raw is None:
        return None
    if type(raw) is float:
        return _from_float(raw).normalize()
    return Decimal(raw)


def _judged_by_year(indicators, scoring: int, others, definitions) -> tuple[IndicatorDef, ...]:
    """The scoring edition's indicators with the rule of each year reported on another edition
    where it differs: that edition's rule for the indicator the mapping (or an equal code) names,
    None where that edition had no such indicator (decision 0010)."""
    by_year: dict[str, list] = {d.code: [] for d in indicators}
    for year, system_id in others:
        rules = {d.code: d.rule for d in definitions.get(system_id, ())}
        # Without a mapping, an indicator is the one with the same code.
        carried = carried_codes(system_id, scoring)
        if carried is None:
            carried = {code: code for code in rules}
        for d in indicators:
            old = carried.get(d.code)
            rule = rules.get(old) if old else None
            if rule is None or str(rule) != str(d.rule):
                by_year[d.code].append((year, rule))
    return tuple(d._replace(by_year=tuple(by_year[d.code])) for d in indicators)


def _scoring_edition(zone, editions: dict, default: int | None) -> int | None:
    """The edition a zone is scored on: the one it reported in for the period's last year."""
    if not zone.period:
        return default
    return editions[zone.designation.region_id].get(max(zone.period), default)


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
    with collector_paused():
        return _zone_inputs(zones, scheme, accepted_only=accepted_only, with_items=with_items)


def _zone_inputs(zones, scheme, *, accepted_only: bool, with_items: bool):
    default = IndicatorSystem.objects.filter(is_default=True).values_list("pk", flat=True).first()
    values, editions, definitions = load_values(zones, accepted_only=accepted_only, default=default)
    wanted = {_scoring_edition(z, editions, default) for z in zones}
    codes = dict(IndicatorSystem.objects.filter(pk__in=wanted).values_list("pk", "code"))
    work = defaultdict(lambda: defaultdict(list))
    features = defaultdict(list)
    vetoes, bars = defaultdict(list), defaultdict(list)
    if with_items:
        ids = [z.pk for z in zones if z.pk is not None]
        for zone_id, scores in (
            ExpertAssignment.objects.filter(zone_id__in=ids, submitted_at__isnull=False)
            .order_by("pk")
            .values_list("zone_id", "scores")
        ):
            for code, score in scores.items():
                work[zone_id][code].append(Decimal(score))
        for zone_id, points in (
            FeatureItem.objects.filter(zone_id__in=ids, status=ItemStatus.APPROVED)
            .order_by("pk")
            .values_list("zone_id", "points")
        ):
            features[zone_id].append(points)
        for zone_id, kind, code in (
            RecordedItem.objects.filter(zone_id__in=ids)
            .order_by("pk")
            .values_list("zone_id", "kind", "code")
        ):
            (vetoes if kind == RecordKind.VETO else bars)[zone_id].append(code)
    result = {}
    spanning: dict[tuple, tuple[IndicatorDef, ...]] = {}
    for position, zone in enumerate(zones):
        region = zone.designation.region
        system_id = _scoring_edition(zone, editions, default)
        others = tuple(
            (year, editions[region.pk][year])
            for year in zone.period
            if editions[region.pk].get(year, system_id) != system_id
        )
        indicators = definitions.get(system_id, ())
        if others:
            key = (system_id, others)
            if key not in spanning:
                spanning[key] = _judged_by_year(indicators, system_id, others, definitions)
            indicators = spanning[key]
        data = RatingInput(
            scheme=scheme,
            region=region_facts(region),
            period=tuple(zone.period),
            indicators=indicators,
            values=values[region.pk],
            work={code: tuple(scores) for code, scores in work[zone.pk].items()},
            features=tuple(features[zone.pk]),
            vetoes=tuple(vetoes[zone.pk]),
            bars=tuple(bars[zone.pk]),
        )
        result[zone.pk if zone.pk is not None else -position - 1] = (data, codes[system_id])
    return result
