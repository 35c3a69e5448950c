"""An application is judged on settled data: its base-year values, frozen at submission
(decision 0009); its notice cannot start when that snapshot fails the pass rule."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ecozone.applications import naming, queries, services
from ecozone.applications.models import Application, ApplicationEvent, Notification
from ecozone.applications.states import Conclusion, Status
from ecozone.applications.tests.factories import (
    PDF,
    accepted,
    report_meeting_targets,
    review_all,
    submitted_application,
)
from ecozone.regions.models import Region
from ecozone.reporting.models import AnnualReport, ReportValue

pytestmark = pytest.mark.django_db
N19_03 = "N19-03 生态文明建设工作占党政实绩考核的比例"


def set_value(code: str, number) -> None:
    """A later change in annual reporting (after an unlock, or behind the application's back)."""
    ReportValue.objects.filter(report__region__code="330523", indicator__code=code).update(
        number=number
    )


def shown_value(page, code: str) -> str:
    match = re.search(rf'data-testid="value-{code}">([^<]*)<', page.content.decode())
    return match.group(1)


def passed(users, lianshan, panel, values=None) -> Application:
    application = accepted(users, lianshan, values=values)
    services.open_round(application, by=users["province_admin"], panel=panel)
    review_all(application, panel, [Conclusion.PASS] * 3)
    services.close_round(application, by=users["province_admin"])
    return Application.objects.get(pk=application.pk)


def test_the_self_assessment_is_frozen_at_submission(users, lianshan, client_as):
    application = submitted_application(users, lianshan, values={"N19-03": {"number": 30}})
    report = AnnualReport.objects.get(region__code="330523", year=2023)
    stored = Application.objects.get(pk=application.pk)
    assert stored.assessed_at is not None
    assert stored.compliance["report"] == {
        "id": report.pk,
        "year": 2023,
        "version": 0,
        "status": "accepted",
    }
    assert stored.compliance["passes"] is True

    set_value("N19-03", 15)

    live = queries.self_assessment(stored)
    assert [r.indicator.code for r in live.failing_binding] == ["N19-03"]
    frozen = queries.assessment(stored)
    row = next(r for r in frozen.rows if r.indicator.code == "N19-03")
    assert (frozen.frozen, frozen.passes, row.number, row.shown, row.verdict) == (
        True,
        True,
        Decimal(30),
        "30",
        "met",
    )
    page = client_as("city").get(f"/applications/{application.pk}/")
    assert shown_value(page, "N19-03") == "30"
    assert "（2023 年度经审核的填报数据，提交时固定）" in page.content.decode()
    api = client_as("county").get(f"/api/v1/applications/{application.pk}").json()
    assert api["compliance"] == stored.compliance
    row_json = next(r for r in api["compliance"]["rows"] if r["code"] == "N19-03")
    assert (Decimal(row_json["number"]), row_json["verdict"]) == (Decimal(30), "met")


def test_experts_review_the_frozen_figures(users, lianshan, panel, client_as):
    application = accepted(users, lianshan, values={"N19-03": {"number": 30}})
    set_value("N19-03", 15)
    review = services.open_round(application, by=users["province_admin"], panel=panel)
    assert review.snapshot == Application.objects.get(pk=application.pk).compliance
    page = client_as("expert").get(f"/applications/{application.pk}/review/")
    row = next(r for r in page.context["compliance"].rows if r.indicator.code == "N19-03")
    assert (row.shown, row.verdict_label) == ("30", "达标")


def test_a_draft_shows_the_live_values(users, lianshan, client_as):
    report_meeting_targets("330523", **{"N19-03": {"number": 30}})
    application = services.create_application(
        by=users["county"],
        region=Region.objects.get(code="330523"),
        programme=lianshan,
        base_year=2023,
    )
    set_value("N19-03", 25)
    page = client_as("county").get(f"/applications/{application.pk}/")
    assert (shown_value(page, "N19-03"), page.context["compliance"].frozen) == ("25", False)


def test_the_snapshot_names_the_report_it_was_taken_from(users, lianshan, client_as):
    report = report_meeting_targets("330523")
    AnnualReport.objects.filter(pk=report.pk).update(status="submitted", version=3)
    application = services.create_application(
        by=users["county"],
        region=Region.objects.get(code="330523"),
        programme=lianshan,
        base_year=2023,
    )
    services.add_material(
        application, by=users["county"], kind="plan", upload=SimpleUploadedFile("规划.pdf", PDF)
    )
    services.submit_application(application, by=users["county"])
    stored = Application.objects.get(pk=application.pk)
    assert stored.compliance["report"] == {
        "id": report.pk,
        "year": 2023,
        "version": 3,
        "status": "submitted",
    }
    # the report is accepted later: the application still shows what it was judged on
    AnnualReport.objects.filter(pk=report.pk).update(status="accepted", version=4)
    set_value("N19-03", 15)
    page = client_as("county").get(f"/applications/{application.pk}/").content.decode()
    assert "（2023 年度填报数据，提交时固定）" in page
    assert "（填报版本 3） · 已提交" in page


def test_submission_without_a_base_year_report_is_refused(users, lianshan):
    report_meeting_targets("330523", year=2022)
    application = services.create_application(
        by=users["county"],
        region=Region.objects.get(code="330523"),
        programme=lianshan,
        base_year=2023,
    )
    with pytest.raises(ValidationError) as caught:
        services.submit_application(application, by=users["county"])
    assert caught.value.messages == [
        "尚无 2023 年度填报：申报以该年度数据为准进行评判。",
        "请上传建设规划。",
    ]


def test_a_rectification_freezes_the_corrected_values_and_must_meet_the_rule(
    users, lianshan, panel
):
    admin = users["province_admin"]
    application = accepted(users, lianshan, values={"N19-03": {"number": 30}})
    services.open_round(application, by=admin, panel=panel)
    review_all(
        application,
        panel,
        [Conclusion.RECTIFY, Conclusion.PASS, Conclusion.PASS],
        {"expert": {"N19-03": ("doubt", "请核实")}},
    )
    services.close_round(application, by=admin)
    set_value("N19-03", 15)
    with pytest.raises(ValidationError) as caught:
        services.submit_rectification(application, by=users["county"], responses={"N19-03": "改"})
    assert caught.value.messages == [f"2023 年以下约束性指标未达标：{N19_03}"]
    assert Application.objects.get(pk=application.pk).status == Status.RECTIFICATION
    set_value("N19-03", 22)
    second = services.submit_rectification(
        application, by=users["county"], responses={"N19-03": "已按统计年报更正"}
    )
    stored = Application.objects.get(pk=application.pk)
    frozen = {r.indicator.code: r.shown for r in queries.assessment(stored).rows}
    assert (frozen["N19-03"], stored.status, second.snapshot) == (
        "22",
        Status.RE_REVIEW,
        stored.compliance,
    )


def test_the_notice_starts_on_the_frozen_values_whatever_changed_later(users, lianshan, panel):
    application = passed(users, lianshan, panel)
    set_value("N19-03", 15)  # after submission: it does not concern this application
    application = naming.start_notice(
        application, by=users["province_admin"], starts=datetime.date(2026, 11, 2)
    )
    assert (application.status, application.notice_ends) == (
        Status.PUBLIC_NOTICE,
        datetime.date(2026, 11, 11),
    )


def refreeze_from_live(application: Application) -> None:
    """A snapshot as it would have been frozen from the reports as they are now (as before the
    pass rule was checked at every submission)."""
    report = AnnualReport.objects.get(region=application.region, year=application.base_year)
    Application.objects.filter(pk=application.pk).update(
        compliance=queries.self_assessment(application).as_json(report)
    )


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        (15, f"2023 年以下约束性指标未达标：{N19_03}"),
        (None, f"2023 年以下约束性指标未填报：{N19_03}"),
    ],
)
def test_the_notice_is_refused_when_the_frozen_checks_fail(users, lianshan, panel, number, problem):
    application = passed(users, lianshan, panel)
    set_value("N19-03", number)
    refreeze_from_live(application)
    events = ApplicationEvent.objects.filter(application=application).count()
    notifications = Notification.objects.count()
    with pytest.raises(ValidationError) as caught:
        naming.start_notice(application, by=users["province_admin"])
    assert caught.value.messages == [
        "不能开始公示：提交时固定的自评结果不符合通过规则。",
        problem,
    ]
    stored = Application.objects.get(pk=application.pk)
    assert (stored.status, stored.notice_starts, stored.notice_ends) == (Status.PASSED, None, None)
    assert ApplicationEvent.objects.filter(application=application).count() == events
    assert Notification.objects.count() == notifications


def test_the_notice_is_refused_on_a_legacy_snapshot_and_without_one(users, lianshan, panel):
    application = passed(users, lianshan, panel)
    legacy = {
        "passes": False,
        "met_share": "0.975",
        "reference_share": "1.000",
        "failing_binding": ["N19-03"],
        "values": {"N19-03": {"value": "15.0000", "task": None, "state": "", "verdict": "not_met"}},
    }
    Application.objects.filter(pk=application.pk).update(compliance=legacy)
    with pytest.raises(ValidationError) as caught:
        naming.start_notice(application, by=users["province_admin"])
    assert caught.value.messages[1] == f"2023 年以下约束性指标未达标：{N19_03}"
    Application.objects.filter(pk=application.pk).update(compliance={})
    with pytest.raises(ValidationError) as caught:
        naming.start_notice(application, by=users["province_admin"])
    assert caught.value.messages == ["不能开始公示：申报提交时未固定自评结果。"]


def test_the_notice_page_shows_the_refusal_and_is_for_the_province(
    users, lianshan, panel, client_as
):
    application = passed(users, lianshan, panel)
    set_value("N19-03", 15)
    refreeze_from_live(application)
    url = f"/applications/{application.pk}/start_notice/"
    assert client_as("county").post(url).status_code == 403
    assert client_as("city").post(url).status_code == 403
    assert client_as("other_county").post(url).status_code == 404
    page = client_as("province_admin").post(url, follow=True)
    assert "不能开始公示：提交时固定的自评结果不符合通过规则。" in page.content.decode()
    assert Application.objects.get(pk=application.pk).status == Status.PASSED
