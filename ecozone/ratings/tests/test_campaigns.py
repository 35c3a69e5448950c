import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Q

from ecozone.accounts.models import Organisation, Role, User
from ecozone.demo.services import load_reports, load_roster
from ecozone.designations.models import Designation
from ecozone.ratings import engine, services
from ecozone.ratings.models import Campaign, ConsequenceCase, Reexamination, Scheme

pytestmark = pytest.mark.django_db
EXAMPLE = json.loads((Path(engine.__file__).parent / "simulator_example.json").read_text())


@pytest.fixture
def demo(db):

    load_roster()
    load_reports(["330500", "330502", "330503", "330521", "330522", "330523", "330127"])


def expert(username, organisation) -> User:
    user = User(
        username=username,
        role=Role.EXPERT,
        organisation=Organisation.objects.get(name=organisation),
    )
    user.set_password("pw")
    user.save()
    return user


def campaign_2024(admin) -> Campaign:
    scheme = Scheme.objects.get(code="default")
    due = services.due_designations(year=2024, scheme=scheme).filter(
        region__code__in=["330523", "330127"]
    )
    return services.create_campaign(
        year=2024, title="2024 复核", scheme=scheme, by=admin, designations=due
    )


PANEL = ["浙江省水利厅", "浙江省林业局", "浙江省农业农村厅"]


def score_part_b(zone, *, scores=("0", "0", "0")) -> None:
    """Three experts of provincial departments submit the zone's Part B (the scheme needs 3); by
    default they give nothing, so that the results are those of Part A and the recorded items."""
    for index, organisation in enumerate(PANEL):
        person = User.objects.filter(username=f"panel{index}").first() or expert(
            f"panel{index}", organisation
        )
        assignment = services.assign_expert(zone, expert=person, by=None)
        services.save_work_scores(
            assignment,
            by=person,
            scores=dict(zip(("推进力度", "试点创新", "建设成效"), scores, strict=True)),
            submit=True,
        )


def compute_all_zones(campaign) -> None:
    """Complete every zone's Part B where fewer than the three required experts scored, then
    compute."""
    for zone in (
        campaign.zones.annotate(
            submitted=Count("assignments", filter=Q(assignments__submitted_at__isnull=False))
        )
        .filter(submitted__lt=3)
        .select_related("campaign__scheme", "designation__region")
    ):
        score_part_b(zone)
    services.compute_zones(
        list(campaign.zones.select_related("campaign__scheme", "designation__region"))
    )


def published_2024(admin) -> Campaign:
    campaign = campaign_2024(admin)
    compute_all_zones(campaign)
    return services.publish_campaign(campaign, by=admin)


def test_the_default_scheme_ships_published_with_spec_values():
    scheme = Scheme.objects.get(code="default")
    settings = services.settings_of(scheme)
    assert scheme.status == "published"
    assert (
        settings.period_years,
        settings.part_a_max,
        settings.part_b_max,
        settings.feature_cap,
    ) == (3, 75, 25, 5)
    assert [(w.code, w.maximum) for w in settings.work_items] == [
        ("推进力度", 10),
        ("试点创新", 8),
        ("建设成效", 7),
    ]
    assert [c for c, _ in settings.veto_items] == [
        "major_incident",
        "inspection_unrectified",
        "data_fraud",
        "quality_decline",
    ]
    assert [c for c, _ in settings.bar_items] == ["inspection_notified"]
    assert settings.thresholds == ((5, 90), (4, 80), (3, 70))
    with pytest.raises(ValidationError):
        services.publish_scheme(scheme, by=None)


def test_the_simulator_answers_the_contract(client_as):
    response = client_as("county").post(
        "/api/v1/ratings/simulate", EXAMPLE, content_type="application/json"
    )
    assert response.status_code == 200
    card = response.json()
    assert set(card) >= {
        "total",
        "part_a",
        "part_b",
        "part_c",
        "stars",
        "rating",
        "rules",
        "indicators",
    }
    assert (card["part_b"], card["part_c"], card["stars"], card["rating"]) == (
        "21.25",
        "3.5",
        0,
        "取消评星",
    )
    n03 = next(i for i in card["indicators"] if i["code"] == "N19-03")
    assert n03["applicable"] is True and n03["score"] == "1"
    assert n03["years"]["2021"] == {"verdict": "met", "score": "1", "reason": "22 达到 ≥ 20"}
    assert (
        next(i for i in card["indicators"] if i["code"] == "N19-09")["applicable"] is False
    )  # coastal only
    assert {r["effect"] for r in card["rules"]} <= {"revoke", "cap"}
    assert not Reexamination.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"values": {"N19-99": {"2021": {"value": "1"}}}}, "values.N19-99"),
        ({"values": {"N19-03": {"2021": {"value": "abc"}}}}, "values.N19-03.2021.value"),
        ({"work": {"推进力度": ["11"]}}, "work.推进力度[0]"),
        ({"features": ["3"]}, "features[0]"),
        ({"vetoes": ["nope"]}, "vetoes[0]"),
        ({"edition": "X99"}, "edition"),
        ({"region": {"level": "town"}}, "region.level"),
        ({"period": [2021, 2023]}, "period"),
    ],
)
def test_the_simulator_refuses_bad_input_naming_the_field(client_as, change, field):
    response = client_as("county").post(
        "/api/v1/ratings/simulate", {**EXAMPLE, **change}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["field"] == field


def test_the_simulator_is_for_signed_in_users(client):
    assert (
        client.post(
            "/api/v1/ratings/simulate", EXAMPLE, content_type="application/json"
        ).status_code
        == 401
    )


def test_conflicts_of_interest_are_refused_with_the_reason(demo, users):
    campaign = campaign_2024(users["province_admin"])
    zone = campaign.zones.get(designation__region__code="330523")
    local = expert("e1", "安吉县（330523）")
    city = expert("e2", "湖州市（330500）")
    with pytest.raises(ValidationError, match="专家隶属于安吉县本身"):
        services.assign_expert(zone, expert=local, by=users["province_admin"])
    with pytest.raises(ValidationError, match="专家隶属于湖州市，即安吉县所在的设区市"):
        services.assign_expert(zone, expert=city, by=users["province_admin"])
    with pytest.raises(ValidationError, match="不是专家"):
        services.assign_expert(zone, expert=users["county"], by=users["province_admin"])
    assert (
        services.assign_expert(zone, expert=users["expert"], by=users["province_admin"]).expert
        == users["expert"]
    )


def test_the_campaign_end_to_end(demo, users, client_as, django_capture_on_commit_callbacks):
    admin = users["province_admin"]
    campaign = campaign_2024(admin)
    zone = campaign.zones.get(designation__region__code="330523")
    assert zone.period == [2021, 2022, 2023]
    others = [expert(f"x{i}", org) for i, org in enumerate(["浙江省水利厅", "浙江省林业局"])]
    for person in [users["expert"], *others]:
        assignment = services.assign_expert(zone, expert=person, by=admin)
        services.save_work_scores(
            assignment,
            by=person,
            scores={"推进力度": "9", "试点创新": "7", "建设成效": "6"},
            submit=True,
        )
    with pytest.raises(ValidationError):  # submitted once: final
        services.save_work_scores(assignment, by=others[-1], scores={"推进力度": "1"}, submit=False)
    feature = services.submit_feature(
        zone, by=users["county"], title="两山转化", description="…", points=Decimal("2")
    )
    services.prereview_feature(feature, by=users["city"], recommend=True, reason="")
    services.decide_feature(feature, by=admin, approve=True, reason="")
    score_part_b(campaign.zones.get(designation__region__code="330127"))
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start_computation(campaign, by=admin)
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == ("done", 2, 2)
    zone.refresh_from_db()
    assert zone.card["part_b"] == "22" and zone.card["part_c"] == "2"
    assert Campaign.objects.get(pk=campaign.pk).status == "computed"
    services.record_item(zone, by=admin, kind="veto", code="data_fraud", note="查实")
    with django_capture_on_commit_callbacks(execute=True):
        services.start_computation(campaign, by=admin, zone=zone)
    zone.refresh_from_db()
    assert (zone.stars, zone.card["rules"][0]["code"]) == (0, "data_fraud")
    services.publish_campaign(campaign, by=admin)
    designation = Designation.objects.get(pk=zone.designation_id)
    assert (designation.stars, designation.status) == (0, "warned")
    assert list(ConsequenceCase.objects.values_list("kind", "status")) == [("interview", "open")]
    call_command("verify_ratings")
    with pytest.raises(ValidationError):
        services.record_item(
            zone, by=admin, kind="veto", code="data_fraud", note="again"
        )  # published


def test_a_second_revocation_opens_delisting_and_confirming_delists(demo, users):
    admin = users["province_admin"]
    scheme = Scheme.objects.get(code="default")
    anji = Designation.objects.get(region__code="330523", programme__code="provincial")
    for year in (2021, 2024):
        campaign = services.create_campaign(
            year=year, title=f"{year}", scheme=scheme, by=admin, designations=[anji]
        )
        zone = campaign.zones.get()
        services.record_item(zone, by=admin, kind="veto", code="major_incident", note="事件")
        compute_all_zones(campaign)
        services.publish_campaign(campaign, by=admin)
    case = ConsequenceCase.objects.get(kind="delisting")
    with pytest.raises(ValidationError):
        services.decide_delisting(case, by=admin, confirm=True, outcome=" ")
    services.decide_delisting(case, by=admin, confirm=True, outcome="连续两次取消评星，予以摘牌")
    anji.refresh_from_db()
    case.refresh_from_db()
    assert anji.status == "delisted"
    assert case.barred_until.year - case.closed_at.year == 3


@pytest.mark.parametrize(
    ("day", "later"),
    [
        (datetime.date(2024, 2, 29), datetime.date(2027, 2, 28)),
        (datetime.date(2024, 3, 1), datetime.date(2027, 3, 1)),
        (datetime.date(2025, 2, 28), datetime.date(2028, 2, 28)),
    ],
)
def test_a_re_application_bar_from_a_leap_day_ends_on_a_real_date(day, later):
    assert services.years_after(day, 3) == later


def test_verify_ratings_reports_a_changed_result(demo, users):
    campaign = published_2024(users["province_admin"])
    call_command("verify_ratings")
    zone = campaign.zones.first()
    Reexamination.objects.filter(pk=zone.pk).update(card={**zone.card, "total": "99.9"})
    with pytest.raises(CommandError, match="1 of 2 published results differ"):
        call_command("verify_ratings")


def test_cards_are_stored_in_chinese_and_verified_whatever_the_language_of_their_reasons(
    demo, users
):
    from django.utils import translation

    from ecozone.ratings import engine
    from ecozone.ratings.serialization import build_input, card_to_json, indicator_defs

    admin = users["province_admin"]
    campaign = campaign_2024(admin)
    with translation.override("en"):  # asked for from an English page
        compute_all_zones(campaign)
    services.publish_campaign(campaign, by=admin)
    zone = campaign.zones.get(designation__region__code="330523")
    assert zone.card["indicators"][0]["years"]["2023"]["reason"] == "状态为“制定实施”，符合要求"
    # A card written in English (as an earlier version could) still verifies.
    stored = zone.inputs
    data = build_input(
        stored,
        indicator_defs(stored["indicators"]),
        engine.SchemeSettings.from_dict(stored["scheme_settings"]),
    )
    with translation.override("en"):
        card = card_to_json(engine.compute(data))
    assert card["indicators"][0]["years"]["2023"]["reason"] == "state “制定实施” as required"
    Reexamination.objects.filter(pk=zone.pk).update(card=card)
    call_command("verify_ratings")
    # A verdict changed in the stored card is a difference, even with the same reason text.
    year = card["indicators"][0]["years"]["2023"]
    year["verdict"] = "not_met" if year["verdict"] == "met" else "met"
    Reexamination.objects.filter(pk=zone.pk).update(card=card)
    with pytest.raises(CommandError, match="1 of 2 published results differ"):
        call_command("verify_ratings")


def test_verify_ratings_ignores_stored_values_scoring_never_read(demo, users):
    campaign = published_2024(users["province_admin"])
    zone = campaign.zones.get(designation__region__code="330523")
    inputs = zone.inputs
    # As stored by an earlier version: a city-only indicator, and the year before the period of
    # an indicator not judged on a trend.
    inputs["values"]["N19-23"] = {"2022": {"task": True}}
    inputs["values"]["N19-03"]["2020"] = {"value": "21"}
    Reexamination.objects.filter(pk=zone.pk).update(inputs=inputs)
    call_command("verify_ratings")
    # A value scoring reads that no longer matches the locked one is a difference.
    inputs["values"]["N19-03"]["2022"] = {"value": "1"}
    Reexamination.objects.filter(pk=zone.pk).update(inputs=inputs)
    with pytest.raises(CommandError, match="1 of 2 published results differ"):
        call_command("verify_ratings")


def test_experts_see_only_their_own_assignment(demo, users, client_as):
    admin = users["province_admin"]
    campaign = campaign_2024(admin)
    zone = campaign.zones.get(designation__region__code="330523")
    mine = services.assign_expert(zone, expert=users["expert"], by=admin)
    # (a name with "_": a random CSRF token in the page can never contain it)
    other_expert = expert("water_expert", "浙江省水利厅")
    theirs = services.assign_expert(zone, expert=other_expert, by=admin)
    services.save_work_scores(
        theirs,
        by=other_expert,
        scores={"推进力度": "3", "试点创新": "3", "建设成效": "3"},
        submit=True,
    )
    client = client_as("expert")
    page = client.get(f"/ratings/assessments/{mine.pk}/").content.decode()
    assert "water_expert" not in page and "浙江省水利厅" not in page
    assert client.get(f"/ratings/assessments/{theirs.pk}/").status_code == 404
    assert (
        client.get(f"/ratings/zones/{zone.pk}/").status_code == 404
    )  # not published: no card, no panel
    with pytest.raises(PermissionDenied):
        services.save_work_scores(theirs, by=users["expert"], scores={}, submit=False)


def test_score_cards_follow_scope_and_publication(demo, users, client_as):
    admin = users["province_admin"]
    campaign = campaign_2024(admin)
    compute_all_zones(campaign)
    anji = campaign.zones.get(designation__region__code="330523")
    chunan = campaign.zones.get(designation__region__code="330127")
    assert (
        client_as("county").get(f"/ratings/zones/{anji.pk}/").context["card"] is None
    )  # not yet published
    assert client_as("county").get(f"/api/v1/ratings/results/{anji.pk}").status_code == 404
    assert client_as("county").get(f"/ratings/zones/{anji.pk}/card.pdf").status_code == 404
    # The departments review the cards before publication, on the page and in the PDF.
    assert client_as("department").get(f"/ratings/zones/{anji.pk}/").context["card"]
    assert client_as("department").get(f"/ratings/zones/{anji.pk}/card.pdf").status_code == 200
    services.publish_campaign(campaign, by=admin)
    assert client_as("county").get(f"/ratings/zones/{anji.pk}/").context["card"]["total"] == str(
        anji.total
    )
    assert client_as("county").get(f"/ratings/zones/{chunan.pk}/").status_code == 404
    assert client_as("county").get(f"/api/v1/ratings/results/{chunan.pk}").status_code == 404
    pdf = client_as("county").get(f"/ratings/zones/{anji.pk}/card.pdf")
    assert (pdf.status_code, pdf.content[:5]) == (200, b"%PDF-")
    assert client_as("county").get(f"/ratings/zones/{chunan.pk}/card.pdf").status_code == 404
    for url in (
        f"/ratings/{campaign.pk}/compute/",
        f"/ratings/{campaign.pk}/publish/",
        f"/ratings/zones/{anji.pk}/recompute/",
    ):
        assert client_as("county").post(url).status_code == 403
    assert client_as("city").get("/ratings/new/").status_code == 403


def test_early_warning_lists_provisional_ratings_in_scope(demo, users, client_as):
    rows = client_as("county").get("/api/v1/ratings/early-warning").json()
    assert [r["region_code"] for r in rows] == ["330523"]
    row = rows[0]
    assert row["period"] == [2021, 2022, 2023]
    assert row["provisional_stars"] in (0, 3, 4, 5)
    assert isinstance(row["must_meet"], list) and isinstance(row["recorded_items"], list)
    if row["next_stars"]:
        assert Decimal(row["points_needed"]) > 0 and row["to_reach_next"]
    assert len(client_as("city").get("/api/v1/ratings/early-warning").json()) == 6
    assert client_as("expert").get("/ratings/early-warning/").status_code == 403
    assert client_as("expert").get("/api/v1/ratings/early-warning").status_code == 403
    page = client_as("province_admin").get("/ratings/early-warning/")
    assert len(page.context["rows"]) == 97


def test_zone_inputs_read_what_the_scoring_needs_and_nothing_more(demo):
    from ecozone.indicators.models import Indicator
    from ecozone.ratings.inputs import zone_inputs
    from ecozone.reporting.models import AnnualReport, ReportValue

    designation = Designation.objects.get(region__code="330523", programme__code="provincial")
    report_2022 = AnnualReport.objects.get(region__code="330523", year=2022)
    # A stray value of an indicator for cities only (a county never reports it).
    ReportValue.objects.create(
        report=report_2022,
        indicator=Indicator.objects.get(system=report_2022.system, code="N19-23"),
        task=True,
    )
    settings = services.settings_of(Scheme.objects.get(code="default"))
    zone = Reexamination(designation=designation, period=[2021, 2022, 2023])
    data, edition = zone_inputs([zone], settings, with_items=False)[-1]
    assert edition == "N19"
    assert data.region.level == "county" and not data.region.coastal
    # The year before the period only for indicators judged on a trend.
    assert sorted(data.values["N19-07a"]) == [2020, 2021, 2022, 2023]
    assert sorted(data.values["N19-03"]) == [2021, 2022, 2023]
    assert "N19-23" not in data.values
    assert not {"N19-23", "N19-24", "N19-31"} & set(data.values)
    stored = ReportValue.objects.get(report=report_2022, indicator__code="N19-03")
    assert data.values["N19-03"][2022].number == stored.number
    assert len(data.indicators) == 52


@pytest.mark.parametrize(
    ("stored", "written"),
    [("93.20", "93.2"), ("20", "20"), ("0.0001", "0.0001"), ("2181032342188.375", None)],
)
def test_zone_inputs_read_figures_as_the_orm_does(demo, stored, written):
    """The read takes figures straight from the cursor (SQLite hands over a double): each must
    equal what Django reads for the same row, on either database."""
    from ecozone.indicators.rules import fmt
    from ecozone.ratings.inputs import zone_inputs
    from ecozone.reporting.models import ReportValue

    designation = Designation.objects.get(region__code="330523", programme__code="provincial")
    value = ReportValue.objects.get(
        report__region__code="330523", report__year=2022, indicator__code="N19-03"
    )
    ReportValue.objects.filter(pk=value.pk).update(number=Decimal(stored))
    settings = services.settings_of(Scheme.objects.get(code="default"))
    zone = Reexamination(designation=designation, period=[2021, 2022, 2023])
    data, _edition = zone_inputs([zone], settings, with_items=False)[-1]
    number = data.values["N19-03"][2022].number
    value.refresh_from_db()
    assert number == value.number
    assert fmt(number) == (written or fmt(value.number))


def _advice(values_b1, bars=()):
    """Three binding indicators; B1 is judged on a trend; Part B at its maximum."""
    from ecozone.indicators.rules import RegionFacts, Reported, parse_rule
    from ecozone.ratings import engine
    from ecozone.ratings.queries import _advise

    settings = services.settings_of(Scheme.objects.get(code="default"))
    defs = tuple(
        engine.IndicatorDef(code, code, "binding", "annual", "both", "", parse_rule(rule))
        for code, rule in [("B1", ">=60 & trend:higher"), ("B2", ">=20"), ("B3", ">=20")]
    )
    period = (2021, 2022, 2023)
    values = {
        "B1": {y: Reported(number=Decimal(v)) for y, v in zip(period, values_b1, strict=True)},
        "B2": dict.fromkeys(period, Reported(number=Decimal(30))),
        "B3": dict.fromkeys(period, Reported(number=Decimal(30))),
    }
    work = {w.code: (w.maximum,) for w in settings.work_items}
    data = engine.RatingInput(
        settings, RegionFacts("county"), period, defs, values, work, bars=tuple(bars)
    )
    card = engine.compute(data)
    return card, _advise(None, card, data, settings)


def test_early_warning_names_the_binding_indicator_that_caps_the_rating():
    card, row = _advice(["70", "72", "65"])  # B1 worse in the latest year
    # Part A = 75 × (1/3 × 2/3 + 2/3) = 66.67, Part B = 25: enough for five stars, capped at three.
    assert (card.total, card.stars_before_rules, card.stars) == (Decimal("91.7"), 5, 3)
    assert (row.next_stars, row.needed, row.plan) == (5, 0, [])
    assert [(s.code, s.target) for s in row.must_meet] == [("B1", "≥ 60且不低于上年")]
    assert row.must_meet[0].lost.quantize(Decimal("0.01")) == Decimal("8.33")
    assert row.recorded == []


def test_early_warning_says_a_recorded_item_is_not_lifted_by_data():
    card, row = _advice(["70", "72", "75"], bars=["inspection_notified"])
    assert (card.total, card.stars) == (Decimal("100.0"), 3)
    settings = services.settings_of(Scheme.objects.get(code="default"))
    assert row.recorded == [dict(settings.bar_items)["inspection_notified"]]
    assert (row.next_stars, row.must_meet) == (None, [])


def test_early_warning_asks_for_points_and_the_limit_together():
    card, row = _advice(["50", "40", "30"])  # B1 not met in any year: 取消评星
    # Part A = 75 × 2/3 = 50, Part B = 25: 75 points, three stars before the rule revokes.
    assert (card.total, card.stars_before_rules, card.stars) == (Decimal("75.0"), 3, 0)
    assert (row.next_stars, row.needed) == (4, Decimal("5.0"))
    assert [s.code for s in row.plan] == ["B1"]
    assert [s.code for s in row.must_meet] == ["B1"]
