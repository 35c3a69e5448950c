import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ecozone.accounts.models import Organisation
from ecozone.core.tabular import ImportRejected
from ecozone.regions.models import Region, RegionChange
from ecozone.regions.services import import_regions, update_region_attributes

pytestmark = pytest.mark.django_db

HEADER = "代码,名称,级别,上级代码,地形,沿海,山区县\n"


def csv_upload(body: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("regions.csv", (HEADER + body).encode("utf-8"))


def test_zhejiang_ships_with_102_regions():
    assert Region.objects.count() == 102
    assert Region.objects.filter(level="city").count() == 11
    assert Region.objects.filter(level="county").count() == 90
    assert Region.objects.filter(mountain_county=True).count() == 26
    anji = Region.objects.get(code="330523")
    assert (anji.name, anji.parent.name, anji.terrain, anji.coastal) == (
        "安吉县",
        "湖州市",
        "丘陵",
        False,
    )
    assert anji.source.startswith("GB/T 2260")


def test_attribute_change_is_recorded_once(users):
    region = Region.objects.get(code="330523")
    change = update_region_attributes(
        region,
        by=users["province_admin"],
        terrain="山区",
        coastal=False,
        mountain_county=False,
        reason="复核",
    )
    assert change.changes == {"terrain": ["丘陵", "山区"]}
    again = update_region_attributes(
        region,
        by=users["province_admin"],
        terrain="山区",
        coastal=False,
        mountain_county=False,
        reason="x",
    )
    assert again is None
    assert RegionChange.objects.filter(region=region).count() == 1


def test_import_adds_another_province_with_organisations(users):
    summary = import_regions(
        csv_upload(
            "320000,江苏省,省,,,是,否\n320100,南京市,市,320000,丘陵,否,否\n320102,玄武区,县,320100,平原,否,否\n"
        ),
        by=users["province_admin"],
        source="regions.csv",
    )
    assert (summary.created, summary.updated) == (3, 0)
    assert Region.objects.get(code="320102").parent.code == "320100"
    assert Organisation.objects.filter(region__code__in=["320100", "320102"]).count() == 2


def test_import_corrects_existing_regions_with_history(users):
    summary = import_regions(
        csv_upload("330523,安吉县,县,330500,山区,否,是\n"),
        by=users["province_admin"],
        source="fix.csv",
    )
    assert (summary.created, summary.updated) == (0, 1)
    anji = Region.objects.get(code="330523")
    assert (anji.terrain, anji.mountain_county) == ("山区", True)
    assert anji.changes.get().changes == {
        "terrain": ["丘陵", "山区"],
        "mountain_county": [False, True],
    }


def test_a_bad_file_changes_nothing_and_names_each_row(users):
    body = (
        "320000,江苏省,省,,,是,否\n"
        "32010,南京市,市,320000,,否,否\n"  # row 3: 5 digits
        "320200,无锡市,市,330000,,否,否\n"  # row 4: parent prefix
        "320000,江苏,省,,,否,否\n"  # row 5: duplicate
        "320300,徐州市,市,320000,高原,否,否\n"  # row 6: terrain
        "320301,某区,县,320399,,否,否\n"  # row 7: unknown parent
        "330523,安吉县,市,330000,,否,否\n"  # row 8: level cannot change
    )
    with pytest.raises(ImportRejected) as caught:
        import_regions(csv_upload(body), by=users["province_admin"], source="bad.csv")
    assert [str(e) for e in caught.value.errors] == [
        "工作表“行政区”，第 3 行，“代码”列：行政区划代码应为 6 位数字，实际为“32010”",
        "工作表“行政区”，第 4 行，“代码”列：代码 320200 与上级代码前缀 33 不一致",
        "工作表“行政区”，第 5 行，“代码”列：代码 320000 已在第 2 行出现",
        "工作表“行政区”，第 6 行，“地形”列：地形应为山区、丘陵或平原，或留空",
        "工作表“行政区”，第 7 行，“上级代码”列：上级代码 320399 既不在文件中，也不在系统中",
        "工作表“行政区”，第 8 行，“级别”列：行政区 330523 已存在，级别为县（市、区），不能更改",
    ]
    assert Region.objects.count() == 102
    assert not Region.objects.filter(code__startswith="32").exists()


def test_region_pages_follow_scope(client_as):
    county = client_as("county")
    assert county.get("/regions/330523/").status_code == 200
    assert county.get("/regions/330521/").status_code == 404  # 德清: another county
    assert county.get("/regions/330500/").status_code == 404  # its own city is not its data
    city = client_as("city")
    assert city.get("/regions/330521/").status_code == 200
    assert city.get("/regions/330127/").status_code == 404  # 淳安 is in 杭州
    response = county.get("/regions/")
    assert [r.code for r in response.context["page"]] == ["330523"]
    response = city.get("/regions/")
    assert [r.code for r in response.context["page"]] == [
        "330500",
        "330502",
        "330503",
        "330521",
        "330522",
        "330523",
    ]
    assert client_as("expert").get("/regions/").status_code == 403


def test_only_the_province_admin_edits_or_imports(client_as):
    data = {"terrain": "山区", "coastal": "", "mountain_county": "on", "reason": "r"}
    for role in ("county", "city", "department"):
        assert client_as(role).post("/regions/330523/edit/", data).status_code == 403
        assert client_as(role).get("/regions/import/").status_code == 403
        assert client_as(role).get("/regions/import/template.xlsx").status_code == 403
    assert Region.objects.get(code="330523").terrain == "丘陵"
    response = client_as("province_admin").post("/regions/330523/edit/", data)
    assert response.status_code == 302
    region = Region.objects.get(code="330523")
    assert (region.terrain, region.mountain_county) == ("山区", True)


def test_import_page_shows_errors_and_changes_nothing(client_as):
    response = client_as("province_admin").post(
        "/regions/import/", {"file": csv_upload("1234,x,县,330500,,否,否\n")}
    )
    assert response.status_code == 200
    assert "行政区划代码应为 6 位数字，实际为“1234”" in response.content.decode()
    assert Region.objects.count() == 102


def test_regions_api_follows_scope(client_as):
    county = client_as("county")
    assert [r["code"] for r in county.get("/api/v1/regions").json()] == ["330523"]
    assert county.get("/api/v1/regions/330521").status_code == 404
    assert county.get("/api/v1/regions/330523").json()["parent_code"] == "330500"
    assert client_as("expert").get("/api/v1/regions").status_code == 403
