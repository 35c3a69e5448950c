"""Pages and API endpoints: scope (404), forbidden actions (403), and what each page shows."""

import datetime
import io
import json

import pytest
from django.utils import timezone

from ecozone.reporting.models import AnnualReport, Evidence, ReportValue, ValueChange
from ecozone.reporting.tests.conftest import fill

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_a_county_cannot_reach_another_countys_report_by_changing_the_id(anji, users, client_as):
    deqing = AnnualReport.objects.get(region__code="330521", year=2024)
    client = client_as("county")
    assert client.get(f"/reporting/{anji.pk}/").status_code == 200
    assert client.get(f"/reporting/{deqing.pk}/").status_code == 404
    assert (
        client.post(
            f"/reporting/{deqing.pk}/", {"version": 0, "codes": ["N19-03"], "v-N19-03-number": "1"}
        ).status_code
        == 404
    )
    assert client.post(f"/reporting/{deqing.pk}/submit/").status_code == 404
    assert client.get(f"/reporting/{deqing.pk}/template.xlsx").status_code == 404
    assert client.post(f"/reporting/{deqing.pk}/check/N19-03/").status_code == 404
    assert client.get(f"/api/v1/reports/{deqing.pk}").status_code == 404
    response = client.patch(
        f"/api/v1/reports/{deqing.pk}/values",
        json.dumps({"version": 0, "values": [{"code": "N19-03", "number": "1"}]}),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not ReportValue.objects.filter(report=deqing).exists()


def test_the_city_reads_but_does_not_write_a_county_report(anji, client_as):
    client = client_as("city")
    assert client.get(f"/reporting/{anji.pk}/").status_code == 200
    response = client.post(
        f"/reporting/{anji.pk}/", {"version": 0, "codes": ["N19-03"], "v-N19-03-number": "1"}
    )
    assert response.status_code == 403
    assert client.post(f"/reporting/{anji.pk}/submit/").status_code == 403
    assert client_as("other_city").get(f"/reporting/{anji.pk}/").status_code == 404
    assert client_as("expert").get("/reporting/").status_code == 403


def test_saving_through_the_page_and_the_live_verdict(anji, client_as):
    client = client_as("county")
    data = {
        "version": 0,
        "codes": ["N19-03", "N19-05"],
        "v-N19-03-number": "15",
        "v-N19-05-number": "x",
    }
    response = client.post(f"/reporting/{anji.pk}/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "已保存为草稿。1 行有误，您输入的内容保留在下方。" in html
    assert 'value="x"' in html  # the bad input is kept
    assert "约束性指标未达标" in html
    verdict = client.post(
        f"/reporting/{anji.pk}/check/N19-03/", {"v-N19-03-number": "25"}, HTTP_HX_REQUEST="true"
    )
    assert 'data-verdict="met"' in verdict.content.decode()
    assert "25 达到 ≥ 20" in verdict.content.decode()
    verdict = client.post(f"/reporting/{anji.pk}/check/N19-03/", {"v-N19-03-number": "abc"})
    assert "“abc”不是数字" in verdict.content.decode()


def test_a_stale_page_save_shows_what_changed(anji, users, client_as):
    client = client_as("county")
    client.post(
        f"/reporting/{anji.pk}/", {"version": 0, "codes": ["N19-03"], "v-N19-03-number": "21"}
    )
    response = client.post(
        f"/reporting/{anji.pk}/", {"version": 0, "codes": ["N19-03"], "v-N19-03-number": "30"}
    )
    html = response.content.decode()
    assert "在您编辑期间，报告已被他人修改；本次内容未保存。" in html
    assert "N19-03" in html and "→ 21" in html
    assert str(ReportValue.objects.get(report=anji, indicator__code="N19-03").number) == "21.0000"


def test_the_api_detects_concurrent_edits(anji, client_as):
    client = client_as("county")
    url = f"/api/v1/reports/{anji.pk}/values"
    body = {"version": 0, "values": [{"code": "N19-03", "number": "21"}]}
    first = client.patch(url, json.dumps(body), content_type="application/json")
    assert first.json() == {"version": 1, "changed": 1, "errors": {}}
    body["values"][0]["number"] = "30"
    second = client.patch(url, json.dumps(body), content_type="application/json")
    assert second.status_code == 409
    assert second.json()["changes"][0]["changes"] == {"number": [None, "21"]}
    detail = client.get(f"/api/v1/reports/{anji.pk}").json()
    row = next(v for v in detail["values"] if v["code"] == "N19-03")
    assert (row["number"], row["verdict"], row["reason"]) == ("21.0000", "met", "21 达到 ≥ 20")


def test_the_api_moves_the_workflow_with_the_same_rules(anji, users, client_as):
    county, city = client_as("county"), client_as("city")
    url = f"/api/v1/reports/{anji.pk}/transitions"
    refused = county.post(url, {"action": "submit"}, content_type="application/json")
    assert refused.status_code == 422
    assert len(refused.json()["problems"]) == 41
    fill(anji, users["county"])
    assert (
        county.post(url, {"action": "submit"}, content_type="application/json").json()["status"]
        == "submitted"
    )
    assert (
        county.post(url, {"action": "city_accept"}, content_type="application/json").status_code
        == 403
    )
    response = city.post(
        url,
        {"action": "city_return", "returns": {"N19-05": "请核实"}},
        content_type="application/json",
    )
    assert response.json()["status"] == "returned"
    returned = ReportValue.objects.get(report=anji, indicator__code="N19-05")
    history = county.get(f"/api/v1/values/{returned.pk}/history")
    assert [h["channel"] for h in history.json()] == ["form"]


def test_evidence_is_checked_stored_and_served_only_in_scope(anji, client_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_as("county")
    bad = io.BytesIO(b"MZ executable")
    bad.name = "plan.pdf"
    client.post(f"/reporting/{anji.pk}/evidence/", {"indicator": "N19-03", "file-N19-03": bad})
    assert not Evidence.objects.exists()
    good = io.BytesIO(PNG)
    good.name = "监测报告.png"
    response = client.post(
        f"/reporting/{anji.pk}/evidence/", {"indicator": "N19-03", "file-N19-03": good}
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.original_name, evidence.content_type, evidence.size) == (
        "监测报告.png",
        "image/png",
        len(PNG),
    )
    download = client.get(f"/reporting/evidence/{evidence.pk}/")
    assert (download.status_code, b"".join(download.streaming_content)) == (200, PNG)
    assert client_as("city").get(f"/reporting/evidence/{evidence.pk}/").status_code == 200
    assert client_as("other_county").get(f"/reporting/evidence/{evidence.pk}/").status_code == 404
    assert client_as("other_city").get(f"/reporting/evidence/{evidence.pk}/").status_code == 404
    assert client_as("city").post(f"/reporting/evidence/{evidence.pk}/delete/").status_code == 403
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_value_history_page_follows_scope(anji, users, client_as):
    fill(anji, users["county"])
    value = ReportValue.objects.get(report=anji, indicator__code="N19-03")
    response = client_as("county").get(f"/reporting/values/{value.pk}/history/")
    assert [c.channel for c in response.context["changes"]] == ["form"]
    assert (
        client_as("other_county").get(f"/reporting/values/{value.pk}/history/").status_code == 404
    )
    assert client_as("other_county").get(f"/api/v1/values/{value.pk}/history").status_code == 404


def test_only_the_province_opens_years_and_the_board_counts(window, client_as):
    data = {
        "year": 2025,
        "opens_on": "2025-01-01",
        "deadline": "2025-03-31",
        "locks_on": "2025-06-30",
        "designated": "on",
    }
    for role in ("county", "city", "department"):
        assert client_as(role).post("/reporting/open/", data).status_code == 403
    response = client_as("province_admin").get("/reporting/years/2024/")
    assert response.context["totals"] == {
        "not_started": 3,
        "draft": 0,
        "submitted": 0,
        "city_checked": 0,
        "accepted": 0,
        "returned": 0,
    }
    assert client_as("county").get("/reporting/years/2024/").status_code == 403
    city_board = client_as("city").get("/reporting/years/2024/").context["cities"]
    assert [c.city.code for c in city_board] == ["330500"]


def test_the_province_opens_a_year_from_the_page(users, client_as):
    from ecozone.demo.services import load_roster

    load_roster()
    today = timezone.localdate()
    data = {
        "year": 2025,
        "opens_on": today.isoformat(),
        "deadline": (today + datetime.timedelta(days=90)).isoformat(),
        "locks_on": (today + datetime.timedelta(days=180)).isoformat(),
        "designated": "on",
        "confirm": "1",
    }
    response = client_as("province_admin").post("/reporting/open/", data)
    assert response["Location"] == "/reporting/years/2025/"
    assert AnnualReport.objects.filter(year=2025).count() == 97
    bad = {**data, "year": 2026, "deadline": (today - datetime.timedelta(days=1)).isoformat()}
    response = client_as("province_admin").post("/reporting/open/", bad)
    assert "日期须满足：开始日期 ≤ 截止日期 ≤ 锁定日期。" in response.content.decode()
    assert not AnnualReport.objects.filter(year=2026).exists()


def test_to_do_lists_what_awaits_each_user(anji, users, client_as):
    assert [i.title for i in client_as("county").get("/accounts/todo/").context["items"]] == [
        "填报安吉县 2024 年度数据"
    ]
    fill(anji, users["county"])
    from ecozone.reporting import services

    services.submit_report(anji, by=users["county"])
    assert [i.title for i in client_as("city").get("/accounts/todo/").context["items"]] == [
        "填报湖州市 2024 年度数据",  # its own report
        "审核安吉县 2024 年度报告",
    ]
    services.city_accept_report(anji, by=users["city"])
    titles = [i.title for i in client_as("province_admin").get("/accounts/todo/").context["items"]]
    assert titles == ["审定安吉县 2024 年度报告"]


def test_exports_follow_scope(anji, users, client_as):
    from ecozone.reporting.excel import values_for_export

    fill(anji, users["county"])
    fill(AnnualReport.objects.get(region__code="330521", year=2024), users["other_county"])
    assert {v.report.region.code for v in values_for_export(users["county"])} == {"330523"}
    assert {v.report.region.code for v in values_for_export(users["city"])} == {"330521", "330523"}
    response = client_as("county").get("/reporting/export.xlsx?year=2024")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert client_as("expert").get("/reporting/export.xlsx").status_code == 403
    assert ValueChange.objects.count() == 82


def test_department_page_is_for_department_users(anji, users, client_as):
    from ecozone.reporting.department import DepartmentRow, supply_department_values

    fill(anji, users["county"])
    supply_department_values(
        by=users["department"],
        year=2024,
        rows=[DepartmentRow(2, "330523", "N19-05", {"number": "98"})],
    )
    assert client_as("county").get("/reporting/department/").status_code == 403
    page = client_as("department").get("/reporting/department/")
    assert [(v.report.region.code, v.indicator.code) for v in page.context["mismatches"]] == [
        ("330523", "N19-05")
    ]
    response = client_as("department").get("/reporting/department/2024.xlsx")
    assert response.status_code == 200
