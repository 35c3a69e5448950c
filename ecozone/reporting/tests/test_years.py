"""Opening years across editions: gaps, past dates, editions by group, mappings, date changes."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ecozone.demo.editions import load_provincial_edition
from ecozone.indicators.mapping import MappingLine
from ecozone.indicators.models import IndicatorSystem
from ecozone.indicators.queries import diff_editions
from ecozone.indicators.services import MappingRejected, save_mapping
from ecozone.regions.models import Region
from ecozone.reporting import services
from ecozone.reporting.models import AnnualReport, ReportingYear, ReportingYearChange
from ecozone.reporting.queries import EditionChoice, previous_values, value_series
from ecozone.reporting.tests.conftest import fill

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def open_year(admin, year, regions, **kwargs):
    return services.open_reporting_year(
        by=admin,
        year=year,
        opens_on=TODAY,
        deadline=TODAY + 30 * DAY,
        locks_on=TODAY + 60 * DAY,
        regions=regions,
        **kwargs,
    )


@pytest.fixture
def provincial(db):
    load_provincial_edition()
    return IndicatorSystem.objects.get(code="ZJ23")


def test_a_year_after_a_gap_needs_confirmation(window, users):
    admin, regions = users["province_admin"], Region.objects.filter(code="330523")
    with pytest.raises(services.YearGap) as refused:
        open_year(admin, 2027, regions)
    assert refused.value.missing == [2025, 2026]
    assert refused.value.messages == [
        "2025、2026 年度从未开启。请确认 2027 年度在空缺之后开启，或先开启缺失的年度。"
    ]
    assert not ReportingYear.objects.filter(year=2027).exists()
    open_year(admin, 2027, regions, confirm_gap=True)
    assert AnnualReport.objects.filter(year=2027).count() == 1


def test_dates_in_the_past_are_refused(users):
    with pytest.raises(ValidationError) as refused:
        services.open_reporting_year(
            by=users["province_admin"],
            year=2025,
            opens_on=TODAY - DAY,
            deadline=TODAY + DAY,
            locks_on=TODAY + 2 * DAY,
            regions=Region.objects.filter(code="330523"),
        )
    assert refused.value.messages == [
        f"不接受已过去的日期：开始日期（今天是 {TODAY.isoformat()}）。"
    ]
    assert not ReportingYear.objects.exists()


def test_editions_are_chosen_by_level_and_list_and_a_move_needs_a_mapping(
    window, anji, users, provincial
):
    admin = users["province_admin"]
    regions = Region.objects.filter(code__in=["330523", "330521", "330500"])
    fill(anji, users["county"], **{"N19-33": {"raw": {"number": "61"}}})
    choice = EditionChoice(
        counties=provincial,
        listed=IndicatorSystem.objects.get(code="N19"),
        codes=frozenset({"330521"}),
    )
    _window, created = open_year(admin, 2025, regions, editions=choice)
    assert created == 3
    assert dict(
        AnnualReport.objects.filter(year=2025).values_list("region__code", "system__code")
    ) == {"330500": "N19", "330521": "N19", "330523": "ZJ23"}
    history = ReportingYearChange.objects.get(window__year=2025)
    assert (history.action, history.changes) == (
        "open",
        {"reports": 3, "editions": {"N19": 2, "ZJ23": 1}},
    )
    # last year's value follows the renumbered indicator: N19-33 → ZJ23-33
    report = AnnualReport.objects.get(year=2025, region__code="330523")
    carried = previous_values(report)
    assert str(carried["ZJ23-33"].number) == "61.0000"
    assert carried["ZJ23-33"].indicator.code == "N19-33"
    assert "ZJ23-41" not in carried and "N19-33" not in carried
    series = value_series(report, "ZJ23-33")
    assert [(p.year, p.edition, p.code) for p in series] == [
        (2025, "ZJ23", "ZJ23-33"),
        (2024, "N19", "N19-33"),
    ]
    assert series[0].value is None and str(series[1].value.number) == "61.0000"


def test_moving_without_a_published_mapping_is_refused(window, users):
    admin = users["province_admin"]
    from ecozone.indicators import services as catalogue

    n19 = IndicatorSystem.objects.get(code="N19")
    newer = catalogue.copy_edition(n19, code="ZJ25", title="t", by=admin)
    newer = catalogue.transition_edition(newer, action="publish", by=admin)
    with pytest.raises(ValidationError) as refused:
        open_year(
            admin,
            2025,
            Region.objects.filter(code="330523"),
            editions=EditionChoice(everyone=newer),
        )
    assert refused.value.messages == [
        "安吉县将从 N19 改用 ZJ25，但两个版本之间没有已发布的对应关系。"
    ]
    assert not ReportingYear.objects.filter(year=2025).exists()


def test_year_dates_change_with_a_reason_and_history(window, users):
    admin = users["province_admin"]
    with pytest.raises(ValidationError):
        services.change_year_dates(
            window,
            by=admin,
            opens_on=window.opens_on,
            deadline=TODAY - DAY,
            locks_on=window.locks_on,
            reason="延期",
        )
    with pytest.raises(ValidationError):
        services.change_year_dates(
            window,
            by=admin,
            opens_on=window.opens_on,
            deadline=TODAY + 40 * DAY,
            locks_on=window.locks_on,
            reason=" ",
        )
    services.change_year_dates(
        window,
        by=admin,
        opens_on=window.opens_on,
        deadline=TODAY + 40 * DAY,
        locks_on=window.locks_on,
        reason="疫情延期",
    )
    window.refresh_from_db()
    assert window.deadline == TODAY + 40 * DAY
    change = window.changes.get(action="dates")
    assert (change.changes, change.reason, change.by) == (
        {"deadline": [(TODAY + 20 * DAY).isoformat(), (TODAY + 40 * DAY).isoformat()]},
        "疫情延期",
        admin,
    )
    with pytest.raises(PermissionDenied):
        services.change_year_dates(
            window,
            by=users["city"],
            opens_on=window.opens_on,
            deadline=TODAY + 50 * DAY,
            locks_on=window.locks_on,
            reason="x",
        )


def test_the_open_page_shows_the_plan_and_the_gap(window, client_as, provincial):
    data = {
        "year": 2026,
        "opens_on": TODAY.isoformat(),
        "deadline": (TODAY + 30 * DAY).isoformat(),
        "locks_on": (TODAY + 60 * DAY).isoformat(),
        "designated": "",
        "preparing": [Region.objects.get(code="330523").pk],
        "counties": provincial.pk,
        "preview": "1",
    }
    # 安吉 holds no title in this test: it is offered as a region preparing an application
    page = client_as("province_admin").post("/reporting/open/", data)
    html = page.content.decode()
    assert "从未开启的年度：2025" in html
    plan = page.context["plan"]
    assert [(p.region.code, p.previous.code, p.edition.code) for p in plan] == [
        ("330523", "N19", "ZJ23")
    ]
    refused = client_as("province_admin").post("/reporting/open/", {**data, "confirm": "1"})
    assert "请确认" in refused.content.decode()
    assert not ReportingYear.objects.filter(year=2026).exists()
    done = client_as("province_admin").post(
        "/reporting/open/", {**data, "confirm": "1", "confirm_gap": "on"}
    )
    assert done["Location"] == "/reporting/years/2026/"
    assert AnnualReport.objects.get(year=2026).system.code == "ZJ23"
    for role in ("county", "city", "department"):
        assert client_as(role).post("/reporting/open/", data).status_code == 403
        assert client_as(role).get("/reporting/years/2024/dates/").status_code == 403


def test_the_diff_shows_renumbered_rows_as_changed(provincial):
    diff = diff_editions(IndicatorSystem.objects.get(code="N19"), provincial)
    assert [i.code for i in diff.added] == ["ZJ23-41"]
    assert diff.removed == []
    changed = {c.code: [(f.field, f.old, f.new) for f in c.changes] for c in diff.changed}
    assert changed["ZJ23-33"] == [
        ("code", "N19-33", "ZJ23-33"),
        ("target_text", "≥50", "≥55"),
        ("rule", ">=50", ">=55"),
    ]
    assert changed["N19-26"] == [("target_text", "≥80", "≥85"), ("rule", ">=80", ">=85")]
    assert sorted(changed) == ["N19-12a", "N19-26", "ZJ23-25b", "ZJ23-33"]


def test_an_invalid_mapping_is_refused_whole(provincial, users):
    n19 = IndicatorSystem.objects.get(code="N19")
    lines = [
        MappingLine("N19-01", "N19-01", "same"),
        MappingLine("N19-02", "N19-01", "renumbered"),
        MappingLine("N19-33", "ZJ23-33", "same"),
        MappingLine("", "ZJ23-41", "dropped"),
    ]
    with pytest.raises(MappingRejected) as refused:
        save_mapping(source=n19, target=provincial, lines=lines, by=users["province_admin"])
    rows = [row for row, _message in refused.value.problems if row]
    assert rows == [1, 2, 3, 4, 4]
    unaccounted = [m for row, m in refused.value.problems if not row]
    # 52 N19 indicators less N19-01, N19-02 and N19-33; 53 ZJ23 ones less N19-01, ZJ23-33, -41
    assert (len(unaccounted), unaccounted[0], unaccounted[-1]) == (
        49 + 50,
        "原版本指标 N19-03 没有对应行",
        "新版本指标 ZJ23-25b 没有对应行",
    )


def test_the_value_history_page_follows_the_indicator_across_editions(
    window, anji, users, provincial, client_as
):
    admin = users["province_admin"]
    fill(anji, users["county"], **{"N19-33": {"raw": {"number": "61"}}})
    open_year(
        admin,
        2025,
        Region.objects.filter(code="330523"),
        editions=EditionChoice(counties=provincial),
    )
    report = AnnualReport.objects.get(year=2025, region__code="330523")
    services.save_values(
        report,
        by=users["county"],
        rows=[services.RowInput("ZJ23-33", {"number": "63"})],
        version=0,
    )
    value = report.values.get(indicator__code="ZJ23-33")
    page = client_as("county").get(f"/reporting/values/{value.pk}/history/")
    html = page.content.decode()
    assert "<title>数值变更记录 · " in html
    assert [(p.year, p.code, str(p.value.number)) for p in page.context["series"]] == [
        (2025, "ZJ23-33", "63.0000"),
        (2024, "N19-33", "61.0000"),
    ]
    assert (
        client_as("other_county").get(f"/reporting/values/{value.pk}/history/").status_code == 404
    )
