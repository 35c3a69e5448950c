"""The public showcase: figures, map data, search, and nothing unpublished ever shown."""

import pytest
from django.urls import reverse

from ecozone.casebook.models import TypicalCase
from ecozone.casebook.services import publish_case, save_case
from ecozone.demo.services import load_roster
from ecozone.designations.models import Designation, Programme
from ecozone.ratings.models import Campaign, Reexamination, Scheme
from ecozone.regions.models import Region

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/compare/",
    "/zones/",
    "/zones/?programme=national",
    "/zones/delisted/",
    "/zones/330523/",
    "/cases/",
    "/cases/?q=草稿",
    "/cases/?tag=秘密标签",
    "/api/v1/showcase/headline",
    "/api/v1/showcase/map",
    "/api/v1/showcase/cities",
    "/api/v1/showcase/cases",
    "/api/v1/coverage?programme=provincial",
]


def test_the_home_page_shows_the_roster_figures(client):
    load_roster()
    response = client.get("/")
    figures = {
        p["code"]: (p["count"], p["coverage"]) for p in response.context["headline"]()["programmes"]
    }
    assert figures == {"provincial": (97, "96.0"), "national": (49, "48.5"), "lianshan": (5, "5.0")}
    html = response.content.decode()
    assert "覆盖率 96.0%（共 101 个市县）" in html and "覆盖率 48.5%（共 101 个市县）" in html
    assert "示意图" in html


def test_the_map_data_colours_all_90_counties(client):
    load_roster()
    counties = client.get("/api/v1/showcase/map").json()["counties"]
    assert len(counties) == 90
    anji = next(c for c in counties if c["code"] == "330523")
    assert (anji["layer"], anji["lianshan"], [t["programme"] for t in anji["titles"]]) == (
        "national",
        True,
        ["provincial", "national", "lianshan"],
    )
    assert {c["layer"] for c in counties} == {"national", "provincial", "none"}


def test_the_boundary_file_has_the_90_counties_of_the_roster():
    import json
    from pathlib import Path

    from django.conf import settings

    path = Path(settings.BASE_DIR) / "ecozone/showcase/static/showcase/zhejiang-counties.json"
    codes = {f["properties"]["code"] for f in json.loads(path.read_text())["features"]}
    assert codes == set(
        Region.objects.filter(level="county", code__startswith="33").values_list("code", flat=True)
    )


def test_chinese_search_and_tag_filter_find_published_cases(client, users):
    anji = Region.objects.get(code="330523")
    case = save_case(
        None,
        by=users["province_admin"],
        region=anji,
        programme=None,
        title="竹林碳汇交易",
        tags="碳汇,两山转化",
        summary="竹林碳汇",
        body="安吉县开展竹林碳汇交易试点。",
    )
    publish_case(case, by=users["province_admin"])
    assert [c.title for c in client.get("/cases/?q=碳汇").context["page"]] == ["竹林碳汇交易"]
    assert [c.title for c in client.get("/cases/?q=试点").context["page"]] == ["竹林碳汇交易"]
    assert [c.title for c in client.get("/cases/?tag=两山转化").context["page"]] == ["竹林碳汇交易"]
    assert list(client.get("/cases/?q=海岛").context["page"]) == []
    assert client.get("/api/v1/showcase/cases?q=碳汇").json()[0]["tags"] == ["碳汇", "两山转化"]


def test_nothing_unpublished_leaks_on_any_public_page(client, users):
    load_roster()
    anji = Region.objects.get(code="330523")
    draft = save_case(
        None,
        by=users["province_admin"],
        region=anji,
        programme=None,
        title="秘密草稿案例",
        tags="秘密标签",
        summary="秘密摘要",
        body="秘密正文",
    )
    proposed = save_case(
        None,
        by=users["county"],
        region=anji,
        programme=None,
        title="秘密推荐案例",
        tags="秘密",
        summary="秘密",
        body="秘密",
    )
    campaign = Campaign.objects.create(
        year=2024, title="秘密复核批次", scheme=Scheme.objects.get(code="default")
    )
    designation = Designation.objects.get(region=anji, programme__code="provincial")
    Reexamination.objects.create(
        campaign=campaign,
        designation=designation,
        period=[2021, 2022, 2023],
        total="42.0",
        stars=0,
        card={"total": "42.0"},
    )
    from ecozone.applications.models import Application
    from ecozone.indicators.models import IndicatorSystem

    Application.objects.create(
        region=Region.objects.get(code="330105"),
        programme=Programme.objects.get(code="provincial"),
        system=IndicatorSystem.objects.get(code="N19"),
        base_year=2023,
        status="passed",
    )
    Application.objects.create(
        region=Region.objects.get(code="330205"),
        programme=Programme.objects.get(code="provincial"),
        system=IndicatorSystem.objects.get(code="N19"),
        base_year=2023,
    )
    for url in [*PUBLIC_PAGES, "/notices/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "秘密" not in body, url
        assert "42.0" not in body, url
    notices = client.get("/notices/").content.decode()
    assert "拱墅区" not in notices  # passed, but not yet under notice
    assert "江北区" not in notices  # a draft
    assert client.get(f"/cases/{draft.pk}/").status_code == 404
    assert client.get(f"/cases/{proposed.pk}/").status_code == 404
    assert client.get(f"/cases/{draft.pk}/image/").status_code == 404
    assert client.get("/api/v1/showcase/map").json()["counties"][0]["stars"] is None


def test_statistics_are_cached_and_invalidated_by_publication(
    client, users, django_assert_max_num_queries
):
    load_roster()
    client.get("/api/v1/showcase/map")
    with django_assert_max_num_queries(2):  # the data version, and nothing else
        client.get("/api/v1/showcase/map")
    from ecozone.designations.services import set_designation_stars

    anji = Designation.objects.get(region__code="330523", programme__code="provincial")
    set_designation_stars(anji, stars=5, by=users["province_admin"], reason="复核")
    counties = client.get("/api/v1/showcase/map").json()["counties"]
    assert next(c for c in counties if c["code"] == "330523")["stars"] == 5


def test_the_city_figures_take_a_fixed_number_of_queries(django_assert_max_num_queries):
    """Built without the cache: the query count does not grow with the 151 designations."""
    from ecozone.showcase.queries import by_city

    load_roster()
    with django_assert_max_num_queries(15):
        rows = by_city()
    assert sum(r["provincial"] + r["national"] + r["lianshan"] for r in rows) == 151


def test_the_comparison_ranks_cities_and_sorts(client):
    load_roster()
    rows = client.get("/compare/?sort=national").context["rows"]
    assert len(rows) == 11
    assert [r["coverage_national"] for r in rows][:3] == ["100.0", "100.0", "100.0"]
    assert {r["name"] for r in rows[:3]} == {"湖州市", "衢州市", "丽水市"}


def test_the_casebook_is_written_by_the_province_and_proposed_by_zones(client_as, users):
    anji = Region.objects.get(code="330523")
    data = {"region": "330523", "title": "案例", "tags": "a", "summary": "s", "body": "b"}
    assert client_as("county").post("/casebook/new/", data).status_code == 302
    assert TypicalCase.objects.get().status == "proposed"
    assert (
        client_as("other_county").post("/casebook/new/", data).status_code == 200
    )  # 安吉 is not in its choices
    assert TypicalCase.objects.count() == 1
    case = TypicalCase.objects.get()
    assert (
        client_as("county").post(reverse("casebook:publish", args=[case.pk, "publish"])).status_code
        == 403
    )
    assert client_as("other_county").get(f"/casebook/{case.pk}/").status_code == 404
    assert client_as("expert").get("/casebook/").status_code == 403
    client_as("province_admin").post(reverse("casebook:publish", args=[case.pk, "publish"]))
    assert TypicalCase.objects.get().status == "published"
    assert anji.typical_cases.count() == 1
    assert Programme.objects.count() == 3
