"""Readiness, exclusion, the preview, publishing with its consequences, and withdrawal."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from ecozone.core.models import LedgerEntry
from ecozone.designations.models import Designation
from ecozone.designations.services import change_designation_status
from ecozone.ratings import services
from ecozone.ratings.default_scheme import DEFAULT_SCHEME
from ecozone.ratings.models import Campaign, ConsequenceCase, Entitlement, Reexamination, Scheme
from ecozone.ratings.readiness import campaign_readiness
from ecozone.ratings.tests.test_campaigns import (
    campaign_2024,
    compute_all_zones,
    demo,
    score_part_b,
)
from ecozone.reporting.models import AnnualReport

pytestmark = pytest.mark.django_db
__all__ = ["demo"]  # the fixture, imported for this module's tests

FULL = ("10", "8", "7")  # the experts' top Part B: 25 points


def zone_of(campaign, code) -> Reexamination:
    return campaign.zones.select_related("campaign__scheme", "designation__region").get(
        designation__region__code=code
    )


def anji() -> Designation:
    return Designation.objects.get(region__code="330523", programme__code="provincial")


def test_a_zone_without_expert_scores_is_incomplete_not_revoked(demo, users):
    campaign = campaign_2024(users["province_admin"])
    services.compute_zones(list(campaign.zones.select_related("campaign__scheme")))
    zone = zone_of(campaign, "330523")
    assert (zone.total, zone.stars) == (None, None)
    assert zone.missing == ["还需 3 份专家评分（已提交 0 份，共需 3 份）"]
    assert zone.card["part_b"] == "0"  # the card stays for the province to review


def test_a_year_not_accepted_keeps_the_zone_incomplete_and_publishing_refused(demo, users):
    admin = users["province_admin"]
    campaign = campaign_2024(admin)
    AnnualReport.objects.filter(region__code="330523", year=2022).update(status="returned")
    compute_all_zones(campaign)
    zone = zone_of(campaign, "330523")
    readiness = campaign_readiness(campaign)[zone.pk]
    assert (readiness.accepted, readiness.missing_years) == ((2021, 2023), (2022,))
    assert (zone.stars, zone.missing) == (None, ["未受理锁定的年度：2022"])
    with pytest.raises(ValidationError) as refused:
        services.publish_campaign(campaign, by=admin)
    assert refused.value.messages == [
        "1 个示范区数据不完整：请补齐其数据后重新计算，或说明理由后将其排除。"
    ]
    assert Campaign.objects.get(pk=campaign.pk).status == "computed"
    assert anji().stars is None  # nothing was published


def test_a_period_year_that_was_never_opened_is_missing_not_failed(demo, users):
    admin = users["province_admin"]
    scheme = Scheme.objects.get(code="default")
    campaign = services.create_campaign(
        year=2025, title="2025", scheme=scheme, by=admin, designations=[anji()]
    )
    compute_all_zones(campaign)
    zone = campaign.zones.get()
    assert zone.period == [2022, 2023, 2024]
    assert (zone.stars, zone.missing) == (None, ["未受理锁定的年度：2024"])


def test_an_undecided_feature_item_keeps_the_zone_incomplete(demo, users):
    admin = users["province_admin"]
    campaign = campaign_2024(admin)
    zone = zone_of(campaign, "330127")
    services.submit_feature(zone, by=None, title="特色", description="…", points=1)
    compute_all_zones(campaign)
    zone.refresh_from_db()
    assert (zone.stars, zone.missing) == (None, ["1 个特色项目尚未决定"])


def test_an_excluded_zone_gets_no_result_and_no_consequence(demo, users):
    admin = users["province_admin"]
    campaign = campaign_2024(admin)
    AnnualReport.objects.filter(region__code="330523", year=2022).update(status="returned")
    compute_all_zones(campaign)
    with pytest.raises(ValidationError):
        services.exclude_zone(zone_of(campaign, "330523"), by=admin, reason="  ")
    services.exclude_zone(zone_of(campaign, "330523"), by=admin, reason="2022 年数据退回核查")
    preview = services.preview_publication(campaign)
    assert (preview.problems, preview.excluded, preview.interviews) == ([], 1, 0)
    services.publish_campaign(campaign, by=admin, figures=preview.figures())
    zone = zone_of(campaign, "330523")
    assert (zone.stars, zone.total, zone.excluded_reason) == (None, None, "2022 年数据退回核查")
    assert (anji().stars, anji().status) == (None, "active")
    assert not ConsequenceCase.objects.filter(zone=zone).exists()
    assert [
        e.payload["reason"] for e in LedgerEntry.objects.filter(kind="ratings.zone.excluded")
    ] == ["2022 年数据退回核查"]
    call_command("verify_ratings")  # the excluded zone is not a published result


def test_the_preview_names_the_figures_and_publishing_checks_them(demo, users):
    admin = users["province_admin"]
    campaign = campaign_2024(admin)
    services.record_item(
        zone_of(campaign, "330523"), by=admin, kind="veto", code="data_fraud", note="查实"
    )
    compute_all_zones(campaign)
    preview = services.preview_publication(campaign)
    assert preview.counts == {5: 0, 4: 0, 3: 1, 0: 1}
    assert (preview.interviews, preview.delistings, preview.warned, preview.entitlements) == (
        1,
        0,
        1,
        0,
    )
    assert [(c.zone.designation.region.code, c.before, c.after) for c in preview.changes] == [
        ("330127", None, 3),
        ("330523", None, 0),
    ]
    stale = preview.figures().replace("interviews:1", "interviews:0")
    with pytest.raises(ValidationError, match="预览之后数据已变化"):
        services.publish_campaign(campaign, by=admin, figures=stale)
    services.publish_campaign(campaign, by=admin, figures=preview.figures())
    assert ConsequenceCase.objects.filter(kind="interview").count() == 1


def test_inputs_changed_after_computing_must_be_computed_again(demo, users):
    admin = users["province_admin"]
    campaign = campaign_2024(admin)
    compute_all_zones(campaign)
    services.record_item(
        zone_of(campaign, "330127"), by=admin, kind="bar", code="inspection_notified", note="通报"
    )
    preview = services.preview_publication(campaign)
    assert [z.designation.region.code for z in preview.changed] == ["330127"]
    with pytest.raises(ValidationError, match="计算后数据发生变化"):
        services.publish_campaign(campaign, by=admin)
    compute_all_zones(campaign)
    services.publish_campaign(campaign, by=admin)


def test_a_warned_title_returns_to_active_with_three_stars_or_better(demo, users):
    admin = users["province_admin"]
    change_designation_status(anji(), to="warned", by=admin, reason="上轮取消评星")
    campaign = campaign_2024(admin)
    for code in ("330523", "330127"):
        score_part_b(zone_of(campaign, code), scores=FULL)
    compute_all_zones(campaign)
    zone = zone_of(campaign, "330523")
    assert zone.stars >= 3
    assert services.preview_publication(campaign).restored == 1
    services.publish_campaign(campaign, by=admin)
    assert anji().status == "active"
    assert anji().events.filter(action="status").order_by("pk").last().changes == {
        "status": ["warned", "active"]
    }


def test_publishing_records_the_entitlements_of_each_star_class(demo, users):
    admin = users["province_admin"]
    lenient = Scheme.objects.create(
        code="t-lenient",
        title="无否优项",
        status="published",
        settings={
            **DEFAULT_SCHEME,
            "bar_on_latest_year": False,
            "bar_after_failures": 9,
            "incentives": {
                "5": ["重点项目资金支持", "试点名额分配优先"],
                "4": ["试点名额分配优先"],
            },
        },
    )
    due = services.due_designations(year=2024, scheme=lenient).filter(
        region__code__in=["330523", "330127"]
    )
    campaign = services.create_campaign(
        year=2024, title="2024", scheme=lenient, by=admin, designations=due
    )
    for code in ("330523", "330127"):
        score_part_b(zone_of(campaign, code), scores=FULL)
    compute_all_zones(campaign)
    # Part A 70.93 and 68.36 (the demo's figures) + Part B 25: both five stars with no bar rule
    assert dict(campaign.zones.values_list("designation__region__code", "stars")) == {
        "330127": 5,
        "330523": 5,
    }
    assert services.preview_publication(campaign).entitlements == 4
    services.publish_campaign(campaign, by=admin)
    rows = Entitlement.objects.order_by("designation__region__code", "pk")
    assert [
        (e.designation.region.code, e.stars, e.measure, e.first_year, e.last_year) for e in rows
    ] == [
        (code, 5, measure, 2024, 2026)
        for code in ("330127", "330523")
        for measure in ("重点项目资金支持", "试点名额分配优先")
    ]


def published_with_a_revocation(admin) -> Campaign:
    campaign = campaign_2024(admin)
    services.record_item(
        zone_of(campaign, "330523"), by=admin, kind="veto", code="data_fraud", note="查实"
    )
    score_part_b(zone_of(campaign, "330127"), scores=FULL)
    compute_all_zones(campaign)
    return services.publish_campaign(campaign, by=admin)


def test_a_withdrawal_reverts_stars_status_cases_and_entitlements(demo, users):
    admin = users["province_admin"]
    campaign = published_with_a_revocation(admin)
    assert (anji().stars, anji().status) == (0, "warned")
    granted = Entitlement.objects.filter(campaign=campaign).count()
    with pytest.raises(ValidationError):
        services.withdraw_campaign(campaign, by=admin, reason=" ")
    services.withdraw_campaign(campaign, by=admin, reason="评分方案适用错误")
    campaign.refresh_from_db()
    assert (campaign.status, campaign.withdraw_reason) == ("withdrawn", "评分方案适用错误")
    assert (anji().stars, anji().status) == (None, "active")
    assert list(ConsequenceCase.objects.values_list("status", flat=True)) == ["withdrawn"]
    assert list(Entitlement.objects.values_list("status", flat=True)) == ["withdrawn"] * granted
    kinds = list(
        LedgerEntry.objects.filter(kind__startswith="ratings.campaign").values_list(
            "kind", flat=True
        )
    )
    assert kinds[-2:] == ["ratings.campaign.published", "ratings.campaign.withdrawn"]
    call_command("verify_ratings")  # a withdrawn campaign is no longer a published result
    with pytest.raises(ValidationError, match="只有已发布的复核"):
        services.withdraw_campaign(campaign, by=admin, reason="再次")


def test_a_withdrawal_is_refused_after_the_schemes_days(demo, users):
    admin = users["province_admin"]
    campaign = published_with_a_revocation(admin)
    Campaign.objects.filter(pk=campaign.pk).update(
        published_at=timezone.now() - datetime.timedelta(days=31)
    )
    with pytest.raises(ValidationError, match="时间已过"):
        services.withdraw_campaign(campaign, by=admin, reason="太迟")
    assert Campaign.objects.get(pk=campaign.pk).status == "published"


def test_a_withdrawal_is_refused_once_a_delisting_was_confirmed(demo, users):
    admin = users["province_admin"]
    scheme = Scheme.objects.get(code="default")
    for year in (2021, 2024):
        campaign = services.create_campaign(
            year=year, title=f"{year}", scheme=scheme, by=admin, designations=[anji()]
        )
        services.record_item(
            campaign.zones.get(), by=admin, kind="veto", code="major_incident", note="事件"
        )
        compute_all_zones(campaign)
        services.publish_campaign(campaign, by=admin)
    case = ConsequenceCase.objects.get(kind="delisting")
    services.decide_delisting(case, by=admin, confirm=True, outcome="连续两次取消评星")
    with pytest.raises(ValidationError, match="摘牌已确认"):
        services.withdraw_campaign(campaign, by=admin, reason="撤回")


# ---------------------------------------------------------------------------- pages


def test_the_campaign_page_shows_readiness_per_zone(demo, users, client_as):
    admin = users["province_admin"]
    campaign = campaign_2024(admin)
    score_part_b(zone_of(campaign, "330127"))
    page = client_as("province_admin").get(reverse("ratings:campaign", args=[campaign.pk]))
    html = page.content.decode()
    row = html.split('data-region="330127"')[1].split("</tr>")[0]
    assert "3/3" in row and "3/3" in row.split("</td>")[3]  # years 3/3, experts 3/3
    counts = html.split('data-testid="readiness-counts"')[1].split('data-testid="star-counts"')[0]
    assert [c.split("</div>")[0] for c in counts.split('ez-figure">')[1:]] == ["1", "1", "0"]


def test_the_publish_page_previews_then_publishes_with_the_confirmed_figures(
    demo, users, client_as
):
    admin = users["province_admin"]
    campaign = campaign_2024(admin)
    compute_all_zones(campaign)
    client = client_as("province_admin")
    url = reverse("ratings:publish", args=[campaign.pk])
    page = client.get(url)
    assert 'data-testid="publish-confirm"' in page.content.decode()
    figures = page.context["preview"].figures()
    refused = client.post(url, {"figures": figures})  # the confirmation box left empty
    assert refused.status_code == 200 and refused.context["form"].errors["confirm"]
    assert Campaign.objects.get(pk=campaign.pk).status == "computed"
    done = client.post(url, {"figures": figures, "confirm": "on"})
    assert done.status_code == 302
    assert Campaign.objects.get(pk=campaign.pk).status == "published"


def test_the_exclusion_form_keeps_the_reason_on_error_and_excludes(demo, users, client_as):
    campaign = campaign_2024(users["province_admin"])
    zone = zone_of(campaign, "330523")
    client = client_as("province_admin")
    url = reverse("ratings:exclude", args=[zone.pk])
    assert client.post(url, {"reason": ""}).context["form"].errors["reason"]
    assert client.post(url, {"reason": "数据核查中"}).status_code == 302
    assert Reexamination.objects.get(pk=zone.pk).excluded_reason == "数据核查中"


def test_the_withdrawal_page_names_what_it_reverts(demo, users, client_as):
    campaign = published_with_a_revocation(users["province_admin"])
    client = client_as("province_admin")
    url = reverse("ratings:withdraw", args=[campaign.pk])
    text = client.get(url).content.decode().split('data-testid="withdraw-consequences"')[1]
    assert "2 个示范区" in text and "1 个后果案件" in text
    kept = client.post(url, {"reason": "误用方案"})  # not confirmed
    assert kept.context["form"]["reason"].value() == "误用方案"
    assert client.post(url, {"reason": "误用方案", "confirm": "on"}).status_code == 302
    assert Campaign.objects.get(pk=campaign.pk).status == "withdrawn"


@pytest.mark.parametrize("who", ["county", "city", "expert", "department"])
def test_only_the_province_publishes_excludes_and_withdraws(demo, users, client_as, who):
    campaign = campaign_2024(users["province_admin"])
    zone = zone_of(campaign, "330523")
    client = client_as(who)
    for url in (
        reverse("ratings:publish", args=[campaign.pk]),
        reverse("ratings:withdraw", args=[campaign.pk]),
        reverse("ratings:exclude", args=[zone.pk]),
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, {"reason": "x", "confirm": "on", "figures": "x"}).status_code == 403
    assert Reexamination.objects.get(pk=zone.pk).excluded_at is None


def test_every_incomplete_zone_is_excluded_with_one_reason(demo, users, client_as):
    admin = users["province_admin"]
    campaign = campaign_2024(admin)
    score_part_b(zone_of(campaign, "330127"))
    services.compute_zones(list(campaign.zones.select_related("campaign__scheme")))
    url = reverse("ratings:exclude_incomplete", args=[campaign.pk])
    assert client_as("county").post(url, {"reason": "x"}).status_code == 403
    client_as("province_admin").post(url, {"reason": "专家评分未完成"})
    excluded = dict(campaign.zones.values_list("designation__region__code", "excluded_reason"))
    assert excluded == {"330127": "", "330523": "专家评分未完成"}  # 安吉 had no expert scores
    with pytest.raises(ValidationError, match="没有数据不完整的示范区"):
        services.exclude_incomplete(campaign, by=admin, reason="再次")
