"""The early warning (issue 12): stored provisional ratings on the accepted years of the next
campaign's period, under the scheme the province chose, refreshed in the background."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ecozone.core.models import SiteFlag
from ecozone.demo.services import load_provincial_edition, load_reports, load_roster, load_year_2024
from ecozone.designations.models import Designation
from ecozone.ratings import warning
from ecozone.ratings.models import ProvisionalResult, Scheme
from ecozone.ratings.tasks import refresh_provisional_task
from ecozone.regions.models import Region
from ecozone.reporting import services as reporting
from ecozone.reporting.models import AnnualReport

pytestmark = pytest.mark.django_db

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
FILED = ["330500", "330502", "330503", "330521", "330522", "330523", "330127"]
API = "/api/v1/ratings/early-warning"
PAGE = "/ratings/early-warning/"


@pytest.fixture
def demo(db):
    load_roster()
    load_reports(FILED)


@pytest.fixture
def queue(settings):
    """A database queue and no worker: what is queued stays queued until the test runs it."""
    settings.TASKS = DB_QUEUE


@pytest.fixture(autouse=True)
def signing_key(settings, tmp_path):
    settings.ECOZONE_SIGNING_KEY = str(tmp_path / "signing-key.pem")


def refresh() -> int:
    return warning.refresh_provisional(scheme=warning.chosen_scheme())


def stored() -> dict[str, ProvisionalResult]:
    results = ProvisionalResult.objects.select_related("designation__region", "scheme")
    return {r.designation.region.code: r for r in results}


def queued() -> int:
    return DBTaskResult.objects.filter(task_path=refresh_provisional_task.module_path).count()


def open_2024(users, codes=None) -> None:
    today = timezone.localdate()
    regions = Region.objects.filter(designations__in=Designation.objects.holding()).distinct()
    if codes is not None:
        regions = regions.filter(code__in=codes)
    reporting.open_reporting_year(
        by=users["province_admin"],
        year=2024,
        opens_on=today,
        deadline=today + datetime.timedelta(days=20),
        locks_on=today + datetime.timedelta(days=60),
        regions=regions,
    )


def second_scheme(**changes) -> Scheme:
    default = Scheme.objects.get(code="default")
    return Scheme.objects.create(
        code="v2",
        title="复核评星方法（第二版）",
        status="published",
        published_at=timezone.now(),
        settings={**default.settings, **changes},
    )


# ---------------------------------------------------------------------------- what is judged


def test_refresh_judges_the_accepted_years_of_the_next_campaigns_period(demo):
    assert refresh() == 97
    rows = stored()
    anji = rows["330523"]
    assert (anji.period, anji.judged_years, anji.unfiled_years) == (
        [2021, 2022, 2023],
        [2021, 2022, 2023],
        [],
    )
    assert (anji.total, anji.stars, anji.note, anji.scheme.code) == (
        Decimal("88.4"),
        3,
        "",
        "default",
    )
    # Capped at ★★★ by a rule; 1.6 points short of ★★★★★.
    assert (anji.advice["next_stars"], anji.advice["points_needed"]) == (5, "1.6")
    assert sum(1 for r in rows.values() if r.stars is not None) == 7


def test_opening_a_reporting_year_changes_no_provisional_stars_and_lists_it_as_not_filed(
    demo, users
):
    # 2021 is not accepted (returned for a correction): before and after opening 2024 the
    # zones are judged on the same years, 2022 and 2023, so nothing may change.
    AnnualReport.objects.filter(year=2021).update(status="returned")
    refresh()
    before = {code: (r.total, r.stars) for code, r in stored().items()}
    assert stored()["330523"].unfiled_years == [2021]
    open_2024(users)
    assert AnnualReport.objects.filter(year=2024, status="draft").count() == 97
    refresh()
    after = stored()
    assert {code: (r.total, r.stars) for code, r in after.items()} == before
    anji = after["330523"]
    assert (anji.period, anji.judged_years, anji.unfiled_years) == (
        [2022, 2023, 2024],
        [2022, 2023],
        [2024],
    )
    assert all(r.unfiled_years[-1:] == [2024] for r in after.values())
    assert sorted(c for c, r in after.items() if r.stars is not None) == sorted(FILED)


def test_acceptance_makes_the_results_stale_and_a_refresh_updates_them(demo, users, queue):
    # 安吉's 2023 report is checked by the city and waits for the province.
    AnnualReport.objects.filter(region__code="330523", year=2023).update(status="city_checked")
    refresh()
    assert (stored()["330523"].judged_years, stored()["330523"].unfiled_years) == (
        [2021, 2022],
        [2023],
    )
    assert warning.warning_state(users["province_admin"]).stale is False
    report = AnnualReport.objects.get(region__code="330523", year=2023)
    reporting.province_accept_report(report, by=users["province_admin"])
    state = warning.warning_state(users["province_admin"])
    assert (state.stale, state.pending, queued()) == (True, False, 1)
    assert warning.warning_state(users["province_admin"]).stale is True
    assert queued() == 1  # queued once for this version
    refresh_provisional_task.call()  # what the worker runs
    anji = stored()["330523"]
    assert (anji.judged_years, anji.unfiled_years, anji.total) == (
        [2021, 2022, 2023],
        [],
        Decimal("88.4"),
    )
    assert warning.warning_state(users["province_admin"]).stale is False


def test_page_shows_the_stored_rows_with_a_notice_while_the_refresh_is_queued(
    demo, users, client_as, queue
):
    page = client_as("province_admin").get(PAGE)
    assert page.context["state"].pending is True
    assert (page.context["rows"], queued()) == ([], 1)
    assert b'data-testid="warning-pending"' in page.content
    client_as("province_admin").get(PAGE)
    assert queued() == 1
    warning.refresh_chosen()
    page = client_as("province_admin").get(PAGE)
    assert (len(page.context["rows"]), page.context["state"].stale) == (97, False)
    open_2024(users, codes=["330523"])  # the data changes
    page = client_as("province_admin").get(PAGE)
    assert page.context["state"].stale is True
    assert b'data-testid="warning-stale"' in page.content
    assert [r.period for r in page.context["rows"] if r.designation.region.code == "330523"] == [
        [2021, 2022, 2023]
    ]  # the stored rows, until the refresh has run
    assert queued() == 2
    rows = client_as("county").get(API).json()
    assert [(r["region_code"], r["stale"]) for r in rows] == [("330523", True)]


# ---------------------------------------------------------------------------- never 500


def test_a_zone_named_after_the_latest_reporting_year_gets_a_clear_row(demo, client_as):
    Designation.objects.filter(region__code="330523").update(named_on=datetime.date(2025, 3, 1))
    page = client_as("province_admin").get(PAGE)
    assert page.status_code == 200
    row = next(r for r in client_as("county").get(API).json())
    assert (row["region_code"], row["period"], row["judged_years"]) == ("330523", [], [])
    assert (row["provisional_stars"], row["provisional_total"], row["rating"]) == (None, None, None)
    assert "2025" in row["note"]


def test_a_zone_without_any_report_gets_a_clear_row(demo, client_as):
    assert client_as("province_admin").get(PAGE).status_code == 200
    rows = {r["region_code"]: r for r in client_as("province_admin").get(API).json()}
    hangzhou = rows["330100"]
    assert (hangzhou["judged_years"], hangzhou["unfiled_years"]) == ([], [2021, 2022, 2023])
    assert (hangzhou["provisional_stars"], hangzhou["costing_points"]) == (None, [])
    assert hangzhou["note"] != ""
    assert rows["330523"]["note"] == ""


def test_zones_on_a_newer_catalogue_edition_are_scored_on_it(demo, client_as):
    load_provincial_edition()
    load_year_2024()  # 湖州市 and two districts report 2024 on the provincial edition
    assert client_as("province_admin").get(PAGE).status_code == 200
    rows = {r["region_code"]: r for r in client_as("province_admin").get(API).json()}
    for code in FILED:
        assert (rows[code]["judged_years"], rows[code]["unfiled_years"]) == (
            [2022, 2023, 2024],
            [],
        )
        assert rows[code]["provisional_stars"] in (0, 3, 4, 5)
    on_new = {c["code"] for c in rows["330500"]["costing_points"]} | {
        c["code"] for c in rows["330500"]["to_reach_next"]
    }
    assert not any(code.startswith("N19-25b") for code in on_new)


def test_an_empty_province_gets_an_empty_list_not_a_pending_one(db, users, client_as):
    assert refresh() == 0
    page = client_as("province_admin").get(PAGE)
    assert page.status_code == 200
    assert (page.context["rows"], page.context["state"].pending) == ([], False)
    assert client_as("province_admin").get(API).json() == []


def test_zones_before_any_reporting_year_get_a_clear_row(db, users, client_as):
    load_roster()
    assert client_as("province_admin").get(PAGE).status_code == 200
    rows = client_as("county").get(API).json()
    assert [(r["region_code"], r["period"], r["provisional_stars"]) for r in rows] == [
        ("330523", [], None)
    ]
    assert rows[0]["note"] != ""


# ---------------------------------------------------------------------------- scope and API


def test_county_sees_itself_city_its_counties_and_experts_are_refused(demo, client_as):
    county = client_as("county").get(API).json()
    assert [r["region_code"] for r in county] == ["330523"]
    page = client_as("county").get(PAGE)
    assert [r.designation.region.code for r in page.context["rows"]] == ["330523"]
    assert page.context["has_cities"] is False
    city = [r["region_code"] for r in client_as("city").get(API).json()]
    assert city == ["330500", "330502", "330503", "330521", "330522", "330523"]
    assert client_as("expert").get(PAGE).status_code == 403
    assert client_as("expert").get(API).status_code == 403


def test_the_api_keeps_its_keys_and_says_which_years_and_scheme(demo, client_as):
    row = next(r for r in client_as("county").get(API).json())
    assert set(row) == {
        "region_code",
        "region_name",
        "period",
        "provisional_total",
        "provisional_stars",
        "rating",
        "rules",
        "costing_points",
        "next_stars",
        "points_needed",
        "to_reach_next",
        "must_meet",
        "recorded_items",
        "judged_years",
        "unfiled_years",
        "note",
        "scheme",
        "scheme_title",
        "computed_at",
        "stale",
    }
    assert (row["provisional_total"], row["provisional_stars"], row["rating"]) == (
        "88.4",
        3,
        "三星",
    )
    assert (row["scheme"], row["judged_years"], row["stale"]) == (
        "default",
        [2021, 2022, 2023],
        False,
    )


def test_filters_select_a_city_and_a_provisional_star_class(demo, client_as):
    admin = client_as("province_admin")
    codes = [r.designation.region.code for r in admin.get(PAGE + "?city=330100").context["rows"]]
    assert codes[:2] == ["330100", "330102"] and "330127" in codes and "330523" not in codes
    three = admin.get(PAGE + "?stars=3").context["rows"]
    assert [r.designation.region.code for r in three] == ["330127", "330502", "330523"]
    assert len(admin.get(PAGE + "?stars=none").context["rows"]) == 90
    assert len(admin.get(PAGE + "?stars=9").context["rows"]) == 97  # not a choice: not applied


# ---------------------------------------------------------------------------- the scheme


def test_province_chooses_the_scheme_and_the_warning_is_refreshed_for_it(
    demo, users, client_as, django_capture_on_commit_callbacks
):
    second_scheme(provisional_part_b_share="0")  # the newest published: chosen by default
    refresh()
    anji = stored()["330523"]
    # Part B provisional at 0 instead of 8 + 6.5 + 5.5 = 20 points: 88.4 − 20 = 68.4, below ★★★.
    assert (anji.scheme.code, anji.total, anji.stars) == ("v2", Decimal("68.4"), 0)
    default = Scheme.objects.get(code="default")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("province_admin").post(PAGE + "scheme/", {"scheme": default.pk})
    assert response.status_code == 302
    assert warning.chosen_scheme() == default
    anji = stored()["330523"]  # refreshed right after the choice
    assert (anji.scheme.code, anji.total, anji.stars) == ("default", Decimal("88.4"), 3)
    page = client_as("province_admin").get(PAGE)
    assert page.context["state"].scheme == default
    assert "生态文明建设示范区复核评星默认方法" in page.content.decode()
    table = page.content.decode().split('data-testid="warning-table"')[1].split("</table>")[0]
    assert "v2" not in table and "default" not in table  # the scheme's title, not its code


def test_only_the_province_chooses_the_scheme(demo, users, client_as):
    v2 = second_scheme()
    for role in ("department", "city", "county", "expert"):
        assert client_as(role).post(PAGE + "scheme/", {"scheme": v2.pk}).status_code == 403
    assert not SiteFlag.objects.filter(name=warning.SCHEME_FLAG).exists()
    assert warning.chosen_scheme().code == "v2"  # the newest published, by default


def test_a_draft_scheme_cannot_be_chosen_and_nothing_changes(demo, client_as):
    draft = Scheme.objects.create(
        code="draft", title="草稿", settings=Scheme.objects.get(code="default").settings
    )
    response = client_as("province_admin").post(PAGE + "scheme/", {"scheme": draft.pk})
    assert response.status_code == 200
    assert response.context["scheme_form"].errors["scheme"]
    assert warning.chosen_scheme().code == "default"


# ---------------------------------------------------------------------------- queries


def test_the_page_reads_stored_rows_in_a_bounded_number_of_queries(
    demo, client_as, django_assert_max_num_queries
):
    admin, county = client_as("province_admin"), client_as("county")
    admin.get(PAGE)  # computes (the immediate backend of tests)
    with django_assert_max_num_queries(14):
        page = admin.get(PAGE)
    assert len(page.context["rows"]) == 97
    with django_assert_max_num_queries(14):
        assert len(county.get(PAGE).context["rows"]) == 1
    with django_assert_max_num_queries(12):
        assert len(admin.get(API).json()) == 97
