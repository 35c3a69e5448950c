import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ecozone.core.tabular import ImportRejected, build_workbook
from ecozone.demo.services import load_roster
from ecozone.designations import queries
from ecozone.designations.excel import COLUMNS, SHEET, import_roster
from ecozone.designations.models import Designation, DesignationEvent, Programme
from ecozone.designations.services import (
    change_designation_status,
    get_or_create_batch,
    name_designation,
)
from ecozone.regions.models import Region

pytestmark = pytest.mark.django_db


def programme(code: str) -> Programme:
    return Programme.objects.get(code=code)


def roster_upload(rows) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    build_workbook([(SHEET, COLUMNS, rows)]).save(buffer)
    return SimpleUploadedFile("roster.xlsx", buffer.getvalue())


def test_demo_roster_reproduces_the_2023_coverage():
    load_roster()
    national = queries.coverage(programme("national"))
    provincial = queries.coverage(programme("provincial"))
    assert (
        national.province.designated,
        national.province.units,
        str(national.province.percent),
    ) == (49, 101, "48.5")
    assert (provincial.province.designated, str(provincial.province.percent)) == (97, "96.0")
    huzhou = next(r for r in national.cities if r.region.code == "330500")
    assert (huzhou.designated, huzhou.units, str(huzhou.percent)) == (6, 6, "100.0")
    assert sum(r.units for r in national.cities) == 101


def test_coverage_api_reports_one_decimal(client):
    load_roster()
    national = client.get("/api/v1/coverage?programme=national").json()
    provincial = client.get("/api/v1/coverage?programme=provincial").json()
    assert national["province"] == {
        "code": "330000",
        "name": "浙江省",
        "designated": 49,
        "units": 101,
        "percent": "48.5",
    }
    assert provincial["province"]["percent"] == "96.0"
    assert len(national["cities"]) == 11
    assert client.get("/api/v1/coverage?programme=nope").status_code == 404


def test_warned_titles_count_and_delisted_do_not(users):
    load_roster()
    designation = Designation.objects.get(region__code="330523", programme__code="national")
    change_designation_status(
        designation, to="warned", by=users["province_admin"], reason="取消评星"
    )
    assert queries.coverage(programme("national")).province.designated == 49
    change_designation_status(designation, to="delisted", by=users["province_admin"], reason="摘牌")
    assert queries.coverage(programme("national")).province.designated == 48
    assert [
        e.changes for e in DesignationEvent.objects.filter(designation=designation, action="status")
    ] == [
        {"status": ["warned", "delisted"]},
        {"status": ["active", "warned"]},
    ]
    with pytest.raises(ValidationError):
        change_designation_status(designation, to="active", by=users["province_admin"], reason="x")


def test_a_region_holds_one_live_title_per_programme(users):
    region = Region.objects.get(code="330523")
    batch = get_or_create_batch(programme=programme("national"), year=2020, number=4)
    name_designation(
        region=region,
        programme=programme("national"),
        batch=batch,
        named_on=datetime.date(2020, 10, 1),
        document_number="x",
        by=users["province_admin"],
    )
    with pytest.raises(ValidationError, match="已持有"):
        name_designation(
            region=region,
            programme=programme("national"),
            batch=batch,
            named_on=datetime.date(2020, 10, 1),
            document_number="x",
            by=users["province_admin"],
        )
    with pytest.raises(ValidationError):
        name_designation(
            region=Region.objects.get(code="330000"),
            programme=programme("national"),
            batch=batch,
            named_on=datetime.date(2020, 10, 1),
            document_number="x",
            by=None,
        )


def test_roster_import_names_every_row(users):
    count = import_roster(
        roster_upload(
            [
                ["330523", "安吉县", "国家示范区", 2017, 1, "2017-09-21", "环生态〔2017〕1号"],
                [
                    "330521",
                    "",
                    "national",
                    2017,
                    1,
                    datetime.date(2017, 9, 21),
                    "环生态〔2017〕1号",
                ],
            ]
        ),
        by=users["province_admin"],
    )
    assert count == 2
    assert Designation.objects.filter(programme__code="national").count() == 2
    assert DesignationEvent.objects.filter(action="named").count() == 2


def test_roster_import_is_atomic_and_names_every_problem(users):
    rows = [
        ["330523", "安吉县", "国家示范区", 2017, 1, "2017-09-21", "ok"],
        ["999999", "", "国家示范区", 2017, 1, "2017-09-21", ""],
        ["330521", "安吉县", "示范区", "二〇一七", 1, "2017/13/01", ""],
        ["330523", "", "国家示范区", 2018, 1, "2018-01-01", ""],
        ["330000", "", "国家示范区", 2017, 1, "2017-09-21", ""],
    ]
    with pytest.raises(ImportRejected) as caught:
        import_roster(roster_upload(rows), by=users["province_admin"])
    assert [str(e) for e in caught.value.errors] == [
        "工作表“命名名单”，第 3 行，“行政区划代码”列：未知的行政区划代码“999999”",
        "工作表“命名名单”，第 4 行，“行政区名称”列：代码 330521 是德清县，不是“安吉县”",
        "工作表“命名名单”，第 4 行，“称号”列：未知的称号；可用：省级示范区、国家示范区、两山基地",
        "工作表“命名名单”，第 4 行，“批次年份”列：年份应为整数，例如 2023",
        "工作表“命名名单”，第 4 行，“命名日期”列：命名日期应写作 2023-12-31",
        "工作表“命名名单”，第 5 行，“行政区划代码”列：安吉县在第 2 行已列入该称号",
        "工作表“命名名单”，第 5 行，“批次年份”列：第 1 批在第 2 行的年份为 2017",
        "工作表“命名名单”，第 6 行，“行政区划代码”列：浙江省不是设区市或县（市、区）",
    ]
    assert Designation.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "文件为空。"), (b"hello", "文件不是 Excel 工作簿（.xlsx）。")],
)
def test_roster_import_refuses_non_workbooks(users, content, message):
    with pytest.raises(ImportRejected) as caught:
        import_roster(SimpleUploadedFile("r.xlsx", content), by=users["province_admin"])
    assert [e.message for e in caught.value.errors] == [message]


def test_roster_page_follows_scope_with_a_fixed_number_of_queries(client_as):
    load_roster()
    county = client_as("county")
    response = county.get("/designations/")
    assert [(d.region.code, d.programme.code) for d in response.context["page"]] == [
        ("330523", "provincial"),
        ("330523", "national"),
        ("330523", "lianshan"),
    ]
    admin = client_as("province_admin")
    with CaptureQueriesContext(connection) as few:
        small = admin.get("/designations/?city=330500")  # 湖州: 6 + 6 + 1 titles
    with CaptureQueriesContext(connection) as many:
        large = admin.get("/designations/?city=330100")  # 杭州: 21 titles
    assert (len(small.context["page"]), len(large.context["page"])) == (13, 21)
    assert len(few.captured_queries) == len(many.captured_queries)
    other = Designation.objects.get(region__code="330521", programme__code="national")
    assert county.get(f"/designations/{other.pk}/").status_code == 404
    assert county.get(f"/api/v1/designations/{other.pk}").status_code == 404
    assert client_as("expert").get("/designations/").status_code == 403


def test_designations_api_filters_within_scope(client_as):
    load_roster()
    city = client_as("city").get("/api/v1/designations?programme=national").json()
    assert {d["region_code"] for d in city} == {
        "330500",
        "330502",
        "330503",
        "330521",
        "330522",
        "330523",
    }
    assert all(d["demo"] for d in city)
    admin = (
        client_as("province_admin")
        .get("/api/v1/designations?city=330800&programme=national")
        .json()
    )
    assert len(admin) == 7


def test_status_change_page_is_for_the_province_admin(client_as):
    load_roster()
    designation = Designation.objects.get(region__code="330523", programme__code="national")
    data = {"status": "warned", "reason": "测试"}
    assert client_as("county").post(f"/designations/{designation.pk}/", data).status_code == 403
    assert Designation.objects.get(pk=designation.pk).status == "active"
    assert (
        client_as("province_admin").post(f"/designations/{designation.pk}/", data).status_code
        == 302
    )
    assert Designation.objects.get(pk=designation.pk).status == "warned"


def test_import_and_export_pages_need_the_right_role(client_as):
    load_roster()
    assert client_as("county").get("/designations/import/").status_code == 403
    assert client_as("expert").get("/designations/export.xlsx").status_code == 403
    response = client_as("county").get("/designations/export.xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert (
        client_as("county").get("/designations/coverage/").context["coverage"].province.designated
        == 97
    )
