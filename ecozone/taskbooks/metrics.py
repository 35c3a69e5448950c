"""What the platform measures from its own data for a task book (reads only).

Each measure answers a value and the rows behind it, so a city sees why its task shows what it
shows. The annual reports of a book's year are those of the reporting window that opens in that
year (2024's book looks at the 2023 reports filed in 2024).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from ecozone.casebook.models import CaseStatus as TypicalCaseStatus
from ecozone.casebook.models import TypicalCase
from ecozone.designations.models import Designation
from ecozone.ratings.models import ConsequenceCase, Reexamination
from ecozone.ratings.states import CampaignStatus, CaseKind, CaseStatus
from ecozone.regions.models import Region
from ecozone.reporting.checks import DEPT_MISMATCH
from ecozone.reporting.models import AnnualReport, ReportingYear, ReportValue
from ecozone.taskbooks.states import Metric

HUNDRED = Decimal("100")


@dataclass
class Measurement:
    value: Decimal | None
    basis: str  # what was counted, in words
    rows: list[tuple[str, str]] = field(default_factory=list)  # (what, how it counts)


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (HUNDRED * part / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _city_regions(city) -> list:
    return [city, *Region.objects.filter(parent=city).order_by("code")]


def _window(year: int) -> ReportingYear | None:
    return ReportingYear.objects.filter(opens_on__year=year).order_by("year").first()


def measure(book, metric: str) -> Measurement:
    """The current value of `metric` for the book's recipient and year."""
    if metric == Metric.FEEDS_ON_TIME:
        return _feeds_on_time(book.organisation, book.year)
    regions = _city_regions(book.region)
    return MEASURES[metric](regions, book.year)


def _zones_named(regions, year) -> Measurement:
    named = (
        Designation.objects.filter(region__in=regions, named_on__year=year)
        .select_related("region", "programme")
        .order_by("named_on", "region__code")
    )
    rows = [(f"{d.region.name} · {d.programme}", d.named_on.isoformat()) for d in named]
    return Measurement(Decimal(len(rows)), _("titles named in %(year)d") % {"year": year}, rows)


def _reports(regions, year, *, counties_only: bool):
    window = _window(year)
    if window is None:
        return None, []
    reports = AnnualReport.objects.filter(window=window, region__in=regions).select_related(
        "region"
    )
    if counties_only:
        reports = reports.filter(region__level="county")
    return window, list(reports.order_by("region__code"))


def _reports_on_time(regions, year) -> Measurement:
    window, reports = _reports(regions, year, counties_only=True)
    if window is None:
        return Measurement(None, _("no reporting year opens in %(year)d") % {"year": year})
    deadline = datetime.datetime.combine(window.deadline, datetime.time.max, datetime.UTC)
    rows, on_time = [], 0
    for report in reports:
        ok = report.submitted_at is not None and report.submitted_at <= deadline
        on_time += ok
        when = report.submitted_at.date().isoformat() if report.submitted_at else _("not submitted")
        rows.append((report.region.name, f"{when} · {_('on time') if ok else _('late')}"))
    basis = _("%(year)d annual reports of the counties, deadline %(deadline)s") % {
        "year": window.year,
        "deadline": window.deadline.isoformat(),
    }
    return Measurement(_share(on_time, len(reports)), basis, rows)


def _reports_accepted(regions, year) -> Measurement:
    window, reports = _reports(regions, year, counties_only=False)
    if window is None:
        return Measurement(None, _("no reporting year opens in %(year)d") % {"year": year})
    rows = [(r.region.name, r.get_status_display()) for r in reports]
    accepted = sum(r.status == "accepted" for r in reports)
    basis = _("%(year)d annual reports of the city and its counties") % {"year": window.year}
    return Measurement(_share(accepted, len(reports)), basis, rows)


def _published_zones(regions, year):
    return list(
        Reexamination.objects.filter(
            designation__region__in=regions,
            campaign__year=year,
            campaign__status=CampaignStatus.PUBLISHED,
            stars__isnull=False,
        )
        .select_related("designation__region", "campaign")
        .order_by("designation__region__code")
    )


def _stars_rows(zones) -> list[tuple[str, str]]:
    return [(z.designation.region.name, "★" * z.stars if z.stars else _("revoked")) for z in zones]


def _four_stars(regions, year) -> Measurement:
    zones = _published_zones(regions, year)
    basis = _("re-examination results published in %(year)d") % {"year": year}
    return Measurement(
        _share(sum(z.stars >= 4 for z in zones), len(zones)), basis, _stars_rows(zones)
    )


def _revocations(regions, year) -> Measurement:
    zones = _published_zones(regions, year)
    basis = _("re-examination results published in %(year)d") % {"year": year}
    return Measurement(Decimal(sum(z.stars == 0 for z in zones)), basis, _stars_rows(zones))


def _cases_closed(regions, year) -> Measurement:
    cases = list(
        ConsequenceCase.objects.filter(
            designation__region__in=regions, kind=CaseKind.INTERVIEW, opened_at__year__lte=year
        )
        .select_related("designation__region")
        .order_by("opened_at")
    )
    rows = [(c.designation.region.name, c.get_status_display()) for c in cases]
    closed = sum(c.status != CaseStatus.OPEN for c in cases)
    basis = _("interview cases opened up to %(year)d") % {"year": year}
    return Measurement(_share(closed, len(cases)), basis, rows)


def _cases_published(regions, year) -> Measurement:
    cases = TypicalCase.objects.filter(
        region__in=regions, status=TypicalCaseStatus.PUBLISHED, published_at__year=year
    ).order_by("published_at")
    rows = [(c.title, c.published_at.date().isoformat()) for c in cases]
    basis = _("typical cases published in %(year)d") % {"year": year}
    return Measurement(Decimal(len(rows)), basis, rows)


def _feeds_on_time(organisation, year) -> Measurement:
    window = _window(year)
    if window is None:
        return Measurement(None, _("no reporting year opens in %(year)d") % {"year": year})
    keyword = organisation.data_source_keyword
    if not keyword:
        return Measurement(None, _("the department has no data-source keyword"))
    deadline = datetime.datetime.combine(window.deadline, datetime.time.max, datetime.UTC)
    values = ReportValue.objects.filter(
        report__window=window, indicator__data_source__contains=keyword
    ).values_list("dept_at", "flags")
    expected = good = late = mismatched = 0
    for dept_at, flags in values:
        expected += 1
        if dept_at is None or dept_at > deadline:
            late += 1
        elif DEPT_MISMATCH in (flags or []):
            mismatched += 1
        else:
            good += 1
    rows = [
        (_("values expected"), str(expected)),
        (_("delivered on time and matching"), str(good)),
        (_("missing or late"), str(late)),
        (_("not matching the zone's figure"), str(mismatched)),
    ]
    basis = _("%(year)d values whose data source names “%(keyword)s”") % {
        "year": window.year,
        "keyword": keyword,
    }
    return Measurement(_share(good, expected), basis, rows)


MEASURES = {
    Metric.ZONES_NAMED: _zones_named,
    Metric.REPORTS_ON_TIME: _reports_on_time,
    Metric.REPORTS_ACCEPTED: _reports_accepted,
    Metric.FOUR_STARS: _four_stars,
    Metric.REVOCATIONS: _revocations,
    Metric.CASES_CLOSED: _cases_closed,
    Metric.CASES_PUBLISHED: _cases_published,
}
