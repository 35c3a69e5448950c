import datetime

import pytest
from django.utils import timezone

from ecozone.regions.models import Region
from ecozone.reporting import services
from ecozone.reporting.models import AnnualReport
from ecozone.reporting.queries import form_rows


@pytest.fixture
def window(users):
    """Reporting year 2024, opening today, for 安吉县, 德清县 and 湖州市."""
    today = timezone.localdate()
    regions = Region.objects.filter(code__in=["330523", "330521", "330500"])
    year, _count = services.open_reporting_year(
        by=users["province_admin"],
        year=2024,
        opens_on=today,
        deadline=today + datetime.timedelta(days=20),
        locks_on=today + datetime.timedelta(days=60),
        regions=regions,
    )
    return year


@pytest.fixture
def anji(window) -> AnnualReport:
    return AnnualReport.objects.get(region__code="330523", year=2024)


@pytest.fixture
def huzhou(window) -> AnnualReport:
    return AnnualReport.objects.get(region__code="330500", year=2024)


def meeting_inputs(report: AnnualReport, **overrides) -> list[services.RowInput]:
    """A value meeting the target for every applicable row ("100" meets every numeric target
    of N19 for a region without last year's value), with per-code overrides."""
    rows = []
    for row in form_rows(report):
        vt = row.indicator.value_type
        raw = {}
        if "percent" in vt or "number" in vt:
            raw["number"] = "100"
        if "+task" in vt:
            raw["task"] = "是"
        if vt == "yesno":
            raw["yes"] = "是"
        if vt == "state":
            raw["state"] = row.spec.states[0]
        code = row.indicator.code
        explanation = None
        if code in overrides:
            raw.update(overrides[code].get("raw", {}))
            explanation = overrides[code].get("explanation")
        rows.append(services.RowInput(code, raw, explanation))
    return rows


def fill(report, user, **overrides):
    report.refresh_from_db()
    return services.save_values(
        report, by=user, rows=meeting_inputs(report, **overrides), version=report.version
    )
