"""The incentive entitlements' pages: the province's list with counts and filters, its Excel
export, each role's scope, the zone's own measures on its page, the menu entry."""

import io
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext
from openpyxl import load_workbook

from ecozone.accounts.navigation import navigation_for
from ecozone.demo.services import load_roster
from ecozone.designations.models import Designation
from ecozone.ratings import services
from ecozone.ratings.models import Campaign, Entitlement, Scheme
from ecozone.ratings.states import EntitlementStatus

pytestmark = pytest.mark.django_db

FUNDS, PILOT = "重点项目资金支持", "试点名额分配优先"
URL = "/ratings/incentives/"
EXPORT = "/ratings/incentives/export.xlsx"


def provincial(code: str) -> Designation:
    return Designation.objects.select_related("region").get(
        region__code=code, programme__code="provincial"
    )


def published_campaign(year: int, codes: list[str], *, status: str = "published") -> Campaign:
    """A campaign of these zones, marked published (or withdrawn) directly: the pages read the
    entitlements, whichever service wrote them."""
    campaign = services.create_campaign(
        year=year,
        title=f"{year} 复核",
        scheme=Scheme.objects.get(code="default"),
        by=None,
        designations=[provincial(code) for code in codes],
    )
    Campaign.objects.filter(pk=campaign.pk).update(status=status)
    campaign.refresh_from_db()
    return campaign


def grant(campaign, code: str, stars: int, *measures: str, status=EntitlementStatus.ACTIVE):
    zone = campaign.zones.get(designation__region__code=code)
    return [
        Entitlement.objects.create(
            campaign=campaign,
            zone=zone,
            designation=zone.designation,
            stars=stars,
            measure=measure,
            first_year=campaign.year,
            last_year=campaign.year + 2,
            status=status,
        )
        for measure in measures
    ]


@pytest.fixture
def granted(db):
    """2024 (published): 安吉 ★★★★★ both measures, 德清 ★★★★ funds, 湖州市 ★★★★ pilot places,
    淳安 ★★★★ both. 2021 (withdrawn): 安吉 ★★★★ funds, withdrawn with its campaign."""
    load_roster()
    current = published_campaign(2024, ["330500", "330521", "330523", "330127"])
    earlier = published_campaign(2021, ["330523"], status="withdrawn")
    rows = {
        "anji": grant(current, "330523", 5, FUNDS, PILOT),
        "deqing": grant(current, "330521", 4, FUNDS),
        "huzhou": grant(current, "330500", 4, PILOT),
        "chun_an": grant(current, "330127", 4, FUNDS, PILOT),
        "old": grant(earlier, "330523", 4, FUNDS, status=EntitlementStatus.WITHDRAWN),
    }
    return {"current": current, "earlier": earlier, **rows}


def listed(response) -> list[tuple[str, int, str, str]]:
    return [
        (e.designation.region.code, e.stars, e.measure, e.status)
        for e in response.context["page"].object_list
    ]


def counts(response) -> list[tuple[str, tuple[int, ...], int]]:
    return [(c.measure, c.by_stars, c.total) for c in response.context["counts"]]


def test_the_incentive_list_shows_the_entitlements_in_force_by_default(client_as, granted):
    response = client_as("province_admin").get(URL)
    assert response.status_code == 200
    assert listed(response) == [
        ("330127", 4, FUNDS, "active"),
        ("330127", 4, PILOT, "active"),
        ("330500", 4, PILOT, "active"),
        ("330521", 4, FUNDS, "active"),
        ("330523", 5, FUNDS, "active"),
        ("330523", 5, PILOT, "active"),
    ]
    assert response.context["total"] == 6
    # star classes in the order 5, 4, 3
    # a tie is ordered by the measure's text
    assert counts(response) == [(PILOT, (1, 2, 0), 3), (FUNDS, (1, 2, 0), 3)]
    page = response.content.decode()
    assert f'data-testid="entitlement-{granted["old"][0].pk}"' not in page
    assert f'data-testid="entitlement-{granted["anji"][0].pk}"' in page
    assert "2024–2026" in page


def test_the_incentive_list_columns_name_the_zone_its_city_and_campaign(client_as, granted):
    response = client_as("province_admin").get(URL, {"stars": "4", "city": "330500"})
    rows = [
        (e.designation.region.name, e.city_name, e.first_year, e.last_year, e.campaign.title)
        for e in response.context["page"].object_list
    ]
    assert rows == [
        ("湖州市", "湖州市", 2024, 2026, "2024 复核"),
        ("德清县", "湖州市", 2024, 2026, "2024 复核"),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"stars": "5"}, [("330523", 5, FUNDS, "active"), ("330523", 5, PILOT, "active")]),
        (
            {"city": "330100"},
            [("330127", 4, FUNDS, "active"), ("330127", 4, PILOT, "active")],
        ),
        ({"status": "withdrawn"}, [("330523", 4, FUNDS, "withdrawn")]),
        (
            {"status": "all", "city": "330500", "stars": "5"},
            [("330523", 5, FUNDS, "active"), ("330523", 5, PILOT, "active")],
        ),
    ],
)
def test_the_incentive_list_filters_by_star_class_city_and_status(
    client_as, granted, query, expected
):
    assert listed(client_as("province_admin").get(URL, query)) == expected


def test_the_incentive_list_filters_by_campaign_across_statuses(client_as, granted):
    client = client_as("province_admin")
    earlier = granted["earlier"].pk
    assert listed(client.get(URL, {"campaign": earlier})) == []  # none in force
    response = client.get(URL, {"campaign": earlier, "status": "all"})
    assert listed(response) == [("330523", 4, FUNDS, "withdrawn")]
    assert counts(response) == [(FUNDS, (0, 1, 0), 1)]


def test_an_invalid_filter_falls_back_to_the_entitlements_in_force(client_as, granted):
    response = client_as("province_admin").get(URL, {"stars": "9", "status": "all"})
    assert response.context["form"].errors["stars"]
    assert response.context["total"] == 6
    assert {row[3] for row in listed(response)} == {"active"}


def test_a_department_reads_the_whole_province(client_as, granted):
    response = client_as("department").get(URL)
    assert response.status_code == 200
    assert response.context["total"] == 6


def test_a_city_sees_its_own_and_its_counties_zones_only(client_as, granted):
    response = client_as("city").get(URL, {"status": "all"})
    assert listed(response) == [
        ("330500", 4, PILOT, "active"),
        ("330521", 4, FUNDS, "active"),
        ("330523", 5, FUNDS, "active"),
        ("330523", 5, PILOT, "active"),
        ("330523", 4, FUNDS, "withdrawn"),
    ]
    assert "city" not in response.context["form"].fields  # nothing to choose
    # a city filter for another city is not a field for it: ignored, the scope holds
    assert client_as("city").get(URL, {"city": "330100"}).context["total"] == 4


def test_a_county_sees_only_its_own_zone(client_as, granted):
    response = client_as("county").get(URL)
    assert listed(response) == [("330523", 5, FUNDS, "active"), ("330523", 5, PILOT, "active")]
    assert counts(response) == [(PILOT, (1, 0, 0), 1), (FUNDS, (1, 0, 0), 1)]
    assert client_as("other_city").get(URL).context["total"] == 2  # 杭州: 淳安's two


@pytest.mark.parametrize("url", [URL, EXPORT])
def test_experts_may_not_see_the_incentives(client_as, granted, url):
    assert client_as("expert").get(url).status_code == 403


@pytest.mark.parametrize("url", [URL, EXPORT])
def test_the_incentives_need_a_sign_in(client, granted, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={quote(url)}"


def test_the_incentive_list_does_not_query_per_row(client_as, granted):
    client = client_as("province_admin")
    client.get(URL)  # warm the session and the scheme caches
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    more = published_campaign(2027, ["330521", "330127", "330500"])
    for code in ("330521", "330127", "330500"):
        grant(more, code, 5, FUNDS, PILOT, "生态补偿资金倾斜")
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert response.context["total"] == 15
    assert len(many) == len(few)


def read_export(response) -> list[tuple]:
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["激励措施"]
    return list(workbook["激励措施"].iter_rows(values_only=True))


def test_the_export_holds_the_filtered_list_with_a_chinese_header(client_as, granted):
    response = client_as("province_admin").get(EXPORT, {"city": "330500", "status": "all"})
    assert response["Content-Disposition"] == (
        f"attachment; filename*=UTF-8''{quote(gettext('incentives.xlsx'))}"
    )
    active = str(EntitlementStatus.ACTIVE.label)
    withdrawn = str(EntitlementStatus.WITHDRAWN.label)
    assert read_export(response) == [
        (
            "行政区划代码",
            "示范区",
            "所属设区市",
            "星级",
            "激励措施",
            "起始年度",
            "截止年度",
            "复核批次",
            "状态",
        ),
        ("330500", "湖州市", "湖州市", 4, PILOT, 2024, 2026, "2024 复核", active),
        ("330521", "德清县", "湖州市", 4, FUNDS, 2024, 2026, "2024 复核", active),
        ("330523", "安吉县", "湖州市", 5, FUNDS, 2024, 2026, "2024 复核", active),
        ("330523", "安吉县", "湖州市", 5, PILOT, 2024, 2026, "2024 复核", active),
        ("330523", "安吉县", "湖州市", 4, FUNDS, 2021, 2023, "2021 复核", withdrawn),
    ]


def test_the_export_keeps_to_the_county_scope(client_as, granted):
    rows = read_export(client_as("county").get(EXPORT, {"status": "all"}))
    assert [(row[0], row[4], row[5]) for row in rows[1:]] == [
        ("330523", FUNDS, 2024),
        ("330523", PILOT, 2024),
        ("330523", FUNDS, 2021),
    ]


def test_the_export_strips_control_characters_and_writes_no_formula(client_as, granted):
    Entitlement.objects.filter(pk=granted["deqing"][0].pk).update(measure="资金\x07支持")
    Entitlement.objects.filter(pk=granted["huzhou"][0].pk).update(measure="=1+1")
    rows = read_export(client_as("province_admin").get(EXPORT, {"city": "330500"}))
    assert [row[4] for row in rows[1:]] == ["=1+1", "资金支持", FUNDS, PILOT]


def test_the_zone_page_shows_its_entitlements_in_force(client_as, granted):
    zone = granted["current"].zones.get(designation__region__code="330523")
    response = client_as("county").get(f"/ratings/zones/{zone.pk}/")
    assert [(e.measure, e.first_year, e.last_year) for e in response.context["entitlements"]] == [
        (FUNDS, 2024, 2026),
        (PILOT, 2024, 2026),
    ]
    page = response.content.decode()
    assert 'data-testid="zone-incentives"' in page
    assert f'href="{URL}"' in page
    # the withdrawn campaign's zone lists none in force and shows no section
    old_zone = granted["earlier"].zones.get()
    old = client_as("county").get(f"/ratings/zones/{old_zone.pk}/")
    assert list(old.context["entitlements"]) == []
    assert 'data-testid="zone-incentives"' not in old.content.decode()


def test_the_zone_page_of_another_county_stays_out_of_reach(client_as, granted):
    zone = granted["current"].zones.get(designation__region__code="330523")
    assert client_as("other_county").get(f"/ratings/zones/{zone.pk}/").status_code == 404


def test_the_menu_lists_the_incentives_after_the_re_examination(users):
    urls = [item.url for item in navigation_for(users["province_admin"], URL)]
    assert urls[urls.index("/ratings/") + 1] == URL
    active = [item.url for item in navigation_for(users["county"], URL) if item.active]
    assert active == [URL]
    assert URL not in [item.url for item in navigation_for(users["expert"], "/")]
