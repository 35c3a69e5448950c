"""Applications as the tests need them: reports meeting every target, experts, and an
application walked forward to a given state through the services."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from ecozone.accounts.models import Organisation, Role, User
from ecozone.applications import services
from ecozone.indicators.models import IndicatorSystem
from ecozone.regions.models import Region
from ecozone.reporting.models import AnnualReport, ReportingYear, ReportValue
from ecozone.reporting.queries import form_rows

PDF = b"%PDF-1.4 plan"


def report_meeting_targets(code: str, year: int = 2023, **overrides) -> AnnualReport:
    window, _ = ReportingYear.objects.get_or_create(
        year=year,
        defaults={
            "opens_on": datetime.date(year + 1, 1, 1),
            "deadline": datetime.date(year + 1, 3, 1),
            "locks_on": datetime.date(year + 1, 6, 1),
        },
    )
    report = AnnualReport.objects.create(
        window=window,
        year=year,
        region=Region.objects.get(code=code),
        system=IndicatorSystem.objects.get(code="N19"),
        status="accepted",
    )
    for row in form_rows(report):
        vt = row.indicator.value_type
        value = ReportValue(report=report, indicator=row.indicator)
        if "percent" in vt or "number" in vt:
            value.number = 100
        if "+task" in vt:
            value.task = True
        if vt == "yesno":
            value.yes = True
        if vt == "state":
            value.state = row.spec.states[0]
        for field, new in overrides.get(row.indicator.code, {}).items():
            setattr(value, field, new)
        value.save()
    return report


def expert(username: str, organisation: str) -> User:
    user = User(
        username=username,
        role=Role.EXPERT,
        organisation=Organisation.objects.get(name=organisation),
    )
    user.set_password("pw")
    user.save()
    return user


def submitted_application(users, lianshan, *, code="330523", applicant="county", values=None):
    """An application submitted on a report meeting every target (but `values`, by code)."""
    report_meeting_targets(code, **(values or {}))
    application = services.create_application(
        by=users[applicant],
        region=Region.objects.get(code=code),
        programme=lianshan,
        base_year=2023,
    )
    services.add_material(
        application, by=users[applicant], kind="plan", upload=SimpleUploadedFile("规划.pdf", PDF)
    )
    return services.submit_application(application, by=users[applicant])


def accepted(users, lianshan, values=None):
    application = submitted_application(users, lianshan, values=values)
    services.transition(application, action="city_pass", by=users["city"])
    return services.transition(application, action="accept", by=users["province_admin"])


def review_all(application, panel, conclusions, opinions=None):
    review = services.current_round(application)
    for (person, _domains), conclusion in zip(panel, conclusions, strict=True):
        assignment = review.assignments.get(expert=person)
        services.save_review(
            assignment,
            by=person,
            opinions=(opinions or {}).get(person.username, {}),
            conclusion=conclusion,
            comment="",
            submit=True,
        )
