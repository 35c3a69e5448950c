"""Every view not covered by its app's tests, refused to a user who may not use it:
404 when the object is outside the user's scope, 403 when the action is not theirs, a redirect
to sign in for anonymous visitors."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from ecozone.applications.models import Application, Objection
from ecozone.demo.services import load_roster
from ecozone.designations.models import Designation, Programme
from ecozone.indicators.models import Indicator, IndicatorSystem
from ecozone.ratings.models import (
    Campaign,
    ComputationJob,
    ConsequenceCase,
    FeatureItem,
    Reexamination,
    Scheme,
)
from ecozone.regions.models import Region
from ecozone.reporting.models import AnnualReport, Evidence, ReportingYear, ReportValue

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load_roster()
    today = timezone.localdate()
    window = ReportingYear.objects.create(
        year=2024,
        opens_on=today - datetime.timedelta(days=1),
        deadline=today + datetime.timedelta(days=9),
        locks_on=today + datetime.timedelta(days=30),
    )
    n19 = IndicatorSystem.objects.get(code="N19")
    anji = AnnualReport.objects.create(
        window=window, year=2024, region=Region.objects.get(code="330523"), system=n19
    )
    deqing = AnnualReport.objects.create(
        window=window, year=2024, region=Region.objects.get(code="330521"), system=n19
    )
    value = ReportValue.objects.create(
        report=anji, indicator=n19.indicators.get(code="N19-03"), number=Decimal(21)
    )
    evidence = Evidence(value=value, original_name="a.png", size=3, content_type="image/png")
    evidence.file.save("a.png", ContentFile(b"png"))
    campaign = Campaign.objects.create(
        year=2024, title="复核", scheme=Scheme.objects.get(code="default")
    )
    designation = Designation.objects.get(region__code="330523", programme__code="provincial")
    zone = Reexamination.objects.create(
        campaign=campaign, designation=designation, period=[2021, 2022, 2023]
    )
    feature = FeatureItem.objects.create(zone=zone, title="特色", points=Decimal("1.5"))
    case = ConsequenceCase.objects.create(designation=designation, zone=zone, kind="interview")
    job = ComputationJob.objects.create(campaign=campaign, total=1)
    application = Application.objects.create(
        region=Region.objects.get(code="330523"),
        programme=Programme.objects.get(code="national"),
        system=n19,
        base_year=2023,
        status="named",
        designation=designation,
    )
    objection = Objection.objects.create(
        application=application, name="甲", contact="1", text="异议"
    )
    return {
        "indicator": n19.indicators.get(code="N19-05").pk,
        "anji": anji.pk,
        "deqing": deqing.pk,
        "evidence": evidence.pk,
        "campaign": campaign.pk,
        "zone": zone.pk,
        "feature": feature.pk,
        "case": case.pk,
        "job": job.pk,
        "application": application.pk,
        "objection": objection.pk,
    }


MATRIX = [
    # (who, method, url, expected status)
    ("county", "post", "/indicators/N19/indicators/{indicator}/delete/", 403),
    (None, "get", "/indicators/diff/?a=N19&b=N19", 302),
    ("expert", "get", "/designations/coverage/", 403),
    (None, "get", "/accounts/tokens/", 302),
    ("expert", "get", "/reporting/import/", 403),
    ("county", "get", "/reporting/department/2024.xlsx", 403),
    ("city", "get", "/reporting/cities/330100/2024.xlsx", 404),
    ("city", "post", "/reporting/{anji}/unlock/", 403),
    ("county", "post", "/reporting/{deqing}/evidence/", 404),
    ("other_county", "get", "/reporting/evidence/{evidence}/", 404),
    (None, "get", "/ratings/", 302),
    ("county", "get", "/ratings/{campaign}/", 404),
    ("county", "get", "/ratings/jobs/{job}/", 403),
    ("county", "post", "/ratings/zones/{zone}/assign/", 403),
    ("city", "post", "/ratings/zones/{zone}/record/", 403),
    ("other_county", "post", "/ratings/zones/{zone}/features/", 404),
    ("county", "post", "/ratings/features/{feature}/approve/", 403),
    ("expert", "get", "/ratings/cases/", 403),
    ("other_county", "get", "/ratings/cases/{case}/", 404),
    ("county", "post", "/ratings/cases/{case}/close/", 403),
    ("county", "post", "/ratings/cases/{case}/delist/", 403),
    ("county", "post", "/ratings/cases/{case}/dismiss/", 403),
    ("county", "get", "/ratings/schemes/", 403),
    ("expert", "get", "/ratings/incentives/export.xlsx", 403),
    ("expert", "get", "/ratings/incentives/", 403),
    (None, "get", "/ratings/simulator/", 302),
    ("city", "post", "/applications/{application}/files/", 403),
    ("other_county", "get", "/applications/{application}/certificate.pdf", 404),
    ("county", "post", "/applications/objections/{objection}/uphold/", 403),
    ("province_admin", "get", "/applications/new/", 403),
    (None, "get", "/applications/notifications/", 302),
    ("expert", "get", "/casebook/new/", 403),
    (None, "get", "/indicators/N19/mapping/", 302),
    ("expert", "post", "/indicators/N19/mapping/", 403),
    ("county", "post", "/indicators/N19/mapping/?source=N19", 403),
    ("city", "post", "/indicators/N19/mapping/publish/?source=N19", 403),
    ("department", "post", "/indicators/N19/mapping/import/?source=N19", 403),
    (None, "get", "/indicators/N19/mapping/export.xlsx", 302),
    (None, "get", "/reporting/years/2024/dates/", 302),
    ("city", "post", "/reporting/years/2024/dates/", 403),
]


@pytest.mark.parametrize(
    ("who", "method", "url", "expected"), MATRIX, ids=[f"{m[0]}-{m[1]}-{m[2]}" for m in MATRIX]
)
def test_refused(users, objects, who, method, url, expected):
    client = Client()
    if who is not None:
        client.force_login(users[who])
    response = getattr(client, method)(
        url.format(**objects),
        {"outcome": "x", "item": "veto:data_fraud", "note": "n"} if method == "post" else None,
    )
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith("/accounts/login/")


def test_refusals_changed_nothing(users, objects):
    client = Client()
    client.force_login(users["county"])
    client.post(f"/ratings/features/{objects['feature']}/approve/")
    client.post(f"/ratings/cases/{objects['case']}/close/", {"outcome": "结案"})
    client.post(f"/indicators/N19/indicators/{objects['indicator']}/delete/")
    assert FeatureItem.objects.get(pk=objects["feature"]).status == "pending"
    assert ConsequenceCase.objects.get(pk=objects["case"]).status == "open"
    assert Indicator.objects.filter(pk=objects["indicator"]).exists()
