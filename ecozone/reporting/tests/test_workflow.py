from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from ecozone.indicators.models import IndicatorSystem
from ecozone.reporting import services
from ecozone.reporting.models import (
    AnnualReport,
    ReportEvent,
    ReportValue,
    UnlockRequest,
    ValueChange,
)
from ecozone.reporting.queries import form_rows
from ecozone.reporting.tests.conftest import fill, meeting_inputs

pytestmark = pytest.mark.django_db


def value(report, code) -> ReportValue:
    return ReportValue.objects.get(report=report, indicator__code=code)


def test_opening_a_year_creates_pinned_draft_reports(window, users):
    reports = AnnualReport.objects.filter(year=2024).order_by("region__code")
    assert [(r.region.code, r.status, r.system.code) for r in reports] == [
        ("330500", "draft", "N19"),
        ("330521", "draft", "N19"),
        ("330523", "draft", "N19"),
    ]
    # a new default edition does not swap the edition of a region that reported before
    admin = users["province_admin"]
    from ecozone.indicators import services as catalogue

    newer = catalogue.copy_edition(
        IndicatorSystem.objects.get(code="N19"), code="ZJ25", title="t", by=admin
    )
    catalogue.transition_edition(newer, action="publish", by=admin)
    catalogue.make_default_edition(newer, by=admin)
    services.open_reporting_year(
        by=admin,
        year=2025,
        opens_on=window.opens_on,
        deadline=window.deadline,
        locks_on=window.locks_on,
        regions=[r.region for r in reports],
    )
    assert set(AnnualReport.objects.filter(year=2025).values_list("system__code", flat=True)) == {
        "N19"
    }


def test_only_applicable_indicators_are_on_the_form(anji, huzhou):
    codes = [r.indicator.code for r in form_rows(anji)]
    assert len(codes) == 41
    assert "N19-09" not in codes  # coastal only; 安吉 is inland
    assert "N19-23" not in codes  # cities only
    assert "N19-25a" in codes  # counties only
    city_codes = [r.indicator.code for r in form_rows(huzhou)]
    assert "N19-23" in city_codes and "N19-25a" not in city_codes


def test_history_is_written_only_when_a_value_changes(anji, users):
    county = users["county"]
    result = services.save_values(
        anji, by=county, rows=[services.RowInput("N19-03", {"number": "21"})], version=0
    )
    assert (result.changed, result.errors) == (1, {})
    anji.refresh_from_db()
    assert anji.version == 1
    services.save_values(
        anji, by=county, rows=[services.RowInput("N19-03", {"number": "21.0"})], version=1
    )
    services.save_values(
        anji, by=county, rows=[services.RowInput("N19-03", {"number": "22"})], version=1
    )
    changes = list(ValueChange.objects.filter(value=value(anji, "N19-03")).order_by("pk"))
    assert [(c.changes, c.channel, c.by_name) for c in changes] == [
        ({"number": [None, "21"]}, "form", "county"),
        ({"number": ["21", "22"]}, "form", "county"),
    ]


def test_a_draft_with_errors_keeps_what_was_typed(anji, users):
    rows = [
        services.RowInput("N19-03", {"number": "二十"}, "说明"),
        services.RowInput("N19-05", {"number": "100"}),
    ]
    result = services.save_values(anji, by=users["county"], rows=rows, version=0)
    assert result.errors == {"N19-03": {"number": "“二十”不是数字"}}
    kept = value(anji, "N19-03")
    assert (kept.number, kept.raw_input) == (None, {"number": "二十", "explanation": "说明"})
    assert value(anji, "N19-05").number == Decimal("100")
    assert "N19-03 生态文明建设工作占党政实绩考核的比例：输入有误" in services.submission_problems(
        anji
    )


def test_a_stale_save_is_refused_showing_what_changed(anji, users):
    county = users["county"]
    services.save_values(
        anji, by=county, rows=[services.RowInput("N19-03", {"number": "21"})], version=0
    )
    with pytest.raises(services.StaleReport) as caught:
        services.save_values(
            anji, by=county, rows=[services.RowInput("N19-03", {"number": "30"})], version=0
        )
    assert [(c.indicator_code, c.changes) for c in caught.value.changes] == [
        ("N19-03", {"number": [None, "21"]})
    ]
    assert value(anji, "N19-03").number == Decimal("21")


def test_submission_needs_every_value_and_explained_flags(anji, users):
    county = users["county"]
    with pytest.raises(ValidationError) as caught:
        services.submit_report(anji, by=county)
    assert len(caught.value.messages) == 41
    fill(anji, county, **{"N19-03": {"raw": {"number": "15"}}})
    with pytest.raises(ValidationError) as caught:
        services.submit_report(anji, by=county)
    assert caught.value.messages == [
        "N19-03 生态文明建设工作占党政实绩考核的比例：约束性指标未达标 — 须填写说明"
    ]
    fill(
        anji,
        county,
        **{"N19-03": {"raw": {"number": "15"}, "explanation": "考核办法调整，次年恢复"}},
    )
    report = services.submit_report(anji, by=county)
    assert report.status == "submitted"


def submitted(report, user, **overrides):
    fill(report, user, **overrides)
    return services.submit_report(report, by=user)


def test_the_county_report_journey_return_correct_accept_unlock(anji, users):
    county, city, province = users["county"], users["city"], users["province_admin"]
    submitted(anji, county)
    with pytest.raises(PermissionDenied):
        services.province_accept_report(anji, by=province)  # the city checks first
    with pytest.raises(ValidationError, match="请为每个退回的指标填写原因"):
        services.city_return_report(anji, by=city, reasons={"N19-05": " "})
    services.city_return_report(anji, by=city, reasons={"N19-05": "与监测数据不符"})
    anji.refresh_from_db()
    assert anji.status == "returned"
    assert services.editable_codes(anji) == {"N19-05"}
    # a row that was not returned stays locked
    result = services.save_values(
        anji, by=county, rows=[services.RowInput("N19-03", {"number": "50"})], version=anji.version
    )
    assert result.errors == {"N19-03": {"indicator": "该指标未被退回，仍处于锁定状态"}}
    services.save_values(
        anji,
        by=county,
        rows=[services.RowInput("N19-05", {"number": "100"}, "已核对")],
        version=anji.version,
    )
    services.submit_report(anji, by=county)
    services.city_accept_report(anji, by=city)
    report = services.province_accept_report(anji, by=province)
    assert report.status == "accepted"
    assert [e.action for e in ReportEvent.objects.filter(report=anji).order_by("pk")] == [
        "open",
        "submit",
        "city_return",
        "submit",
        "city_accept",
        "province_accept",
    ]
    # locked: no save, then an unlock request reopens only the named indicator
    with pytest.raises(PermissionDenied):
        services.save_values(report, by=county, rows=meeting_inputs(report), version=report.version)
    request = services.request_unlock(report, by=county, codes=["N19-27"], reason="水质数据更正")
    with pytest.raises(PermissionDenied):
        services.decide_unlock(request, by=city, approve=True)
    services.decide_unlock(request, by=province, approve=True)
    report.refresh_from_db()
    assert (report.status, services.editable_codes(report)) == ("returned", {"N19-27"})
    assert UnlockRequest.objects.get(pk=request.pk).status == "approved"


def test_a_city_report_goes_straight_to_the_province(huzhou, users):
    city, province = users["city"], users["province_admin"]
    submitted(huzhou, city)
    with pytest.raises(PermissionDenied):
        services.city_accept_report(huzhou, by=city)
    services.province_return_report(huzhou, by=province, reasons={"N19-23": "请补充依据"})
    huzhou.refresh_from_db()
    assert huzhou.status == "returned"


def test_others_cannot_write_or_move_a_report(anji, users):
    for key in ("other_county", "city", "province_admin", "department", "expert"):
        with pytest.raises(PermissionDenied):
            services.save_values(anji, by=users[key], rows=meeting_inputs(anji), version=0)
    fill(anji, users["county"])
    with pytest.raises(PermissionDenied):
        services.submit_report(anji, by=users["city"])
    services.submit_report(anji, by=users["county"])
    with pytest.raises(PermissionDenied):
        services.city_accept_report(anji, by=users["other_city"])


def test_the_form_renders_with_a_fixed_number_of_queries(anji, users, client_as):
    from django.test.utils import CaptureQueriesContext

    from ecozone.indicators import services as catalogue

    # 德清 reports against an edition with a third of the indicators
    small = catalogue.copy_edition(
        IndicatorSystem.objects.get(code="N19"), code="SMALL", title="t", by=users["province_admin"]
    )
    small.indicators.filter(position__gt=18).delete()
    deqing = AnnualReport.objects.get(region__code="330521", year=2024)
    AnnualReport.objects.filter(pk=deqing.pk).update(system=small)
    fill(anji, users["county"])
    fill(deqing, users["other_county"])
    assert (len(form_rows(anji)), len(form_rows(AnnualReport.objects.get(pk=deqing.pk)))) == (
        41,
        16,
    )
    county, other = client_as("county"), client_as("other_county")
    county.get("/accounts/todo/")  # warm the site-flag cache
    with CaptureQueriesContext(connection) as full:
        assert county.get(f"/reporting/{anji.pk}/").status_code == 200
    with CaptureQueriesContext(connection) as fewer:
        assert other.get(f"/reporting/{deqing.pk}/").status_code == 200
    assert len(fewer.captured_queries) == len(full.captured_queries)
