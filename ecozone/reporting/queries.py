"""Reads for annual reporting, shared by the pages, the API, exports and the to-do list."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch
from django.utils import timezone

from ecozone.accounts.models import Role
from ecozone.accounts.permissions import home_region, in_scope, is_province_admin, role_of
from ecozone.indicators.models import Indicator
from ecozone.indicators.queries import carried_codes
from ecozone.indicators.rules import (
    Evaluation,
    RegionFacts,
    Reported,
    applies_to,
    evaluate,
    parse_rule,
)
from ecozone.reporting.checks import IndicatorSpec
from ecozone.reporting.models import (
    AnnualReport,
    Evidence,
    ReportingYear,
    ReportValue,
    UnlockRequest,
)
from ecozone.reporting.states import ReportStatus

DEFAULT_STATES = ("未开展", "正在推进")


def region_facts(region) -> RegionFacts:
    return RegionFacts(
        level=region.level,
        terrain=region.terrain,
        coastal=region.coastal,
        mountain_county=region.mountain_county,
    )


def spec_of(indicator: Indicator) -> IndicatorSpec:
    rule = parse_rule(indicator.rule)
    from ecozone.indicators.rules import required_states

    states = (
        tuple(dict.fromkeys([*required_states(rule), *DEFAULT_STATES]))
        if "state" in indicator.value_type
        else ()
    )
    return IndicatorSpec(
        code=indicator.code,
        value_type=indicator.value_type,
        attribute=indicator.attribute,
        rule=rule,
        yoy_band=indicator.yoy_band,
        states=states,
    )


def reported(value: ReportValue | None) -> Reported | None:
    if value is None:
        return None
    return Reported(number=value.number, task=value.task, yes=value.yes, state=value.state or None)


def dept_reported(value: ReportValue | None) -> Reported | None:
    if value is None or value.dept_at is None:
        return None
    return Reported(
        number=value.dept_number,
        task=value.dept_task,
        yes=value.dept_yes,
        state=value.dept_state or None,
    )


def applicable_indicators(report: AnnualReport) -> list[Indicator]:
    facts = region_facts(report.region)
    return [i for i in report.system.indicators.all() if applies_to(i.scope, i.condition, facts)]


def reports_for(user):
    return in_scope(
        user,
        AnnualReport.objects.select_related("region", "region__parent", "window", "system"),
        "region",
    )


@dataclass
class FormRow:
    indicator: Indicator
    spec: IndicatorSpec
    value: ReportValue | None
    previous: ReportValue | None
    evaluation: Evaluation | None
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def flags(self) -> list[str]:
        return self.value.flags if self.value else []


@dataclass
class FormGroup:
    domain: str
    task: str
    rows: list[FormRow]


def form_rows(report: AnnualReport) -> list[FormRow]:
    """Every applicable indicator with its value, last year's value, verdict and evidence.

    A fixed number of queries whatever the number of indicators (asserted in a test).
    """
    indicators = applicable_indicators(report)
    values = {
        v.indicator_id: v
        for v in report.values.prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("pk"))
        )
    }
    previous = previous_values(report)
    facts = region_facts(report.region)
    rows = []
    for indicator in indicators:
        spec = spec_of(indicator)
        value = values.get(indicator.pk)
        last = previous.get(indicator.code)
        evaluation = None
        if value is not None and not value.is_empty:
            evaluation = evaluate(spec.rule, reported(value), reported(last), facts)
        rows.append(
            FormRow(
                indicator,
                spec,
                value,
                last,
                evaluation,
                list(value.evidence.all()) if value else [],
            )
        )
    return rows


def grouped(rows: list[FormRow]) -> list[FormGroup]:
    groups: list[FormGroup] = []
    for row in rows:
        if not groups or (groups[-1].domain, groups[-1].task) != (
            row.indicator.domain,
            row.indicator.task,
        ):
            groups.append(FormGroup(row.indicator.domain, row.indicator.task, []))
        groups[-1].rows.append(row)
    return groups


def previous_values(report: AnnualReport) -> dict[str, ReportValue]:
    """Last year's values of the same region, by the indicator codes of `report`'s edition.

    When last year was reported on another edition, a published mapping between the two carries
    the values of unchanged and renumbered indicators (split, merged and new ones have none);
    without a mapping, values carry by equal code."""
    last = (
        AnnualReport.objects.filter(region_id=report.region_id, year=report.year - 1)
        .values_list("pk", "system_id")
        .first()
    )
    if last is None:
        return {}
    values = {
        v.indicator.code: v
        for v in ReportValue.objects.filter(report_id=last[0]).select_related("indicator")
    }
    carried = carried_codes(last[1], report.system_id)
    if carried is None:
        return values
    return {new: values[old] for new, old in carried.items() if old in values}


@dataclass
class SeriesPoint:
    year: int
    edition: str
    code: str  # the indicator's code in that year's edition
    value: ReportValue | None


def value_series(report: AnnualReport, code: str) -> list[SeriesPoint]:
    """A zone's values of one indicator over the years, newest first, following the indicator
    back across editions through published mappings (a renumbered code is followed; a split,
    merged or new indicator ends the series)."""
    reports = list(
        AnnualReport.objects.filter(region_id=report.region_id, year__lte=report.year)
        .select_related("system")
        .order_by("-year")
    )
    values = {
        (v.report_id, v.indicator.code): v
        for v in ReportValue.objects.filter(report__in=reports).select_related("indicator")
    }
    series: list[SeriesPoint] = []
    newer = None
    for current in reports:
        if newer is not None:
            if newer.year != current.year + 1:
                break  # a year missing: nothing to follow
            carried = carried_codes(current.system_id, newer.system_id)
            if carried is not None:
                if code not in carried:
                    break
                code = carried[code]
        series.append(
            SeriesPoint(current.year, current.system.code, code, values.get((current.pk, code)))
        )
        newer = current
    return series


# ---------------------------------------------------------------------------- opening a year


@dataclass(frozen=True)
class EditionChoice:
    """Which edition each group of regions reports on in a new year. A region named in `codes`
    takes `listed`; otherwise its level's edition; otherwise `everyone`; otherwise (all None) it
    keeps the edition of its latest report (the default edition for a first report)."""

    everyone: object = None
    cities: object = None
    counties: object = None
    listed: object = None
    codes: frozenset[str] = frozenset()

    def edition_for(self, region, current):
        if self.listed is not None and region.code in self.codes:
            return self.listed
        by_level = {"city": self.cities, "county": self.counties}.get(region.level)
        return by_level or self.everyone or current


@dataclass
class PlannedReport:
    region: object
    edition: object
    previous: object  # the edition of the region's latest report, or None
    exists: bool  # a report of that year exists already (its edition stays)

    @property
    def moves(self) -> bool:
        return self.previous is not None and self.previous.pk != self.edition.pk


def plan_year(*, year: int, regions, choice: EditionChoice | None = None) -> list[PlannedReport]:
    """The report each region will have in `year`, on which edition, in region-code order."""
    from ecozone.indicators.models import IndicatorSystem
    from ecozone.indicators.queries import default_edition

    choice = choice or EditionChoice()
    default = default_edition()
    regions = sorted(
        {r.pk: r for r in regions if r.is_creation_unit}.values(), key=lambda r: r.code
    )
    ids = [r.pk for r in regions]
    existing = dict(
        AnnualReport.objects.filter(year=year, region_id__in=ids).values_list(
            "region_id", "system_id"
        )
    )
    latest: dict[int, int] = {}
    for region_id, system_id in (
        AnnualReport.objects.filter(region_id__in=ids, year__lt=year)
        .order_by("region_id", "year")
        .values_list("region_id", "system_id")
    ):
        latest[region_id] = system_id
    systems = IndicatorSystem.objects.in_bulk({*existing.values(), *latest.values()})
    plan = []
    for region in regions:
        previous = systems.get(latest.get(region.pk))
        if region.pk in existing:
            plan.append(PlannedReport(region, systems[existing[region.pk]], previous, True))
            continue
        edition = choice.edition_for(region, previous or default)
        plan.append(PlannedReport(region, edition, previous, False))
    return plan


def missing_years(year: int) -> list[int]:
    """The years between the last opened year and `year` that were never opened."""
    opened = set(ReportingYear.objects.values_list("year", flat=True))
    before = [y for y in opened if y < year]
    if not before:
        return []
    return [y for y in range(max(before) + 1, year) if y not in opened]


# ---------------------------------------------------------------------------- to-do


def reports_to_fill(user):
    region = home_region(user)
    if region is None:
        return AnnualReport.objects.none()
    today = timezone.localdate()
    return (
        AnnualReport.objects.filter(
            region=region,
            status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED],
            window__opens_on__lte=today,
            window__locks_on__gte=today,
        )
        .select_related("region", "window")
        .order_by("year")
    )


def reports_to_check(user):
    if role_of(user) != Role.CITY or home_region(user) is None:
        return AnnualReport.objects.none()
    return (
        AnnualReport.objects.filter(
            region__parent=home_region(user), region__level="county", status=ReportStatus.SUBMITTED
        )
        .select_related("region")
        .order_by("year", "region__code")
    )


def reports_to_accept(user):
    if not is_province_admin(user):
        return AnnualReport.objects.none()
    from django.db.models import Q

    return (
        AnnualReport.objects.filter(
            Q(status=ReportStatus.CITY_CHECKED)
            | Q(status=ReportStatus.SUBMITTED, region__level="city")
        )
        .select_related("region")
        .order_by("year", "region__code")
    )


def pending_unlocks(user):
    if not is_province_admin(user):
        return UnlockRequest.objects.none()
    return UnlockRequest.objects.filter(status="pending").select_related("report", "report__region")


# ---------------------------------------------------------------------------- progress board

BOARD_STATES = ["not_started", "draft", "submitted", "city_checked", "accepted", "returned"]


@dataclass
class BoardRow:
    report: AnnualReport
    state: str
    filled: int
    overdue: bool


@dataclass
class CityBoard:
    city: object
    rows: list[BoardRow]

    @property
    def counts(self) -> dict[str, int]:
        counter = Counter(r.state for r in self.rows)
        return {state: counter.get(state, 0) for state in BOARD_STATES}

    @property
    def overdue(self) -> int:
        return sum(r.overdue for r in self.rows)


def board(user, window, today: date | None = None) -> list[CityBoard]:
    from django.db.models import Count

    today = today or timezone.localdate()
    reports = (
        reports_for(user)
        .filter(window=window)
        .annotate(filled=Count("values", distinct=True))
        .order_by("region__code")
    )
    by_city: dict[int, CityBoard] = {}
    cities = defaultdict(list)
    for report in reports:
        state = report.status
        if state == ReportStatus.DRAFT and report.filled == 0:
            state = "not_started"
        overdue = today > window.deadline and report.status in (
            ReportStatus.DRAFT,
            ReportStatus.RETURNED,
        )
        city = report.region if report.region.level == "city" else report.region.parent
        cities[city.pk].append(BoardRow(report, state, report.filled, overdue))
        by_city.setdefault(city.pk, CityBoard(city, cities[city.pk]))
    return sorted(by_city.values(), key=lambda b: b.city.code)
