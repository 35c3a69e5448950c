"""Experts in the re-examination: the zone's basis on the assessment page, the evidence they may
download, and the province's bulk assignment with the conflict-of-interest check."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.translation import gettext as _

from ecozone.core.models import LedgerEntry
from ecozone.ratings import services
from ecozone.ratings.models import ExpertAssignment, Reexamination
from ecozone.ratings.states import CampaignStatus
from ecozone.ratings.tests.test_campaigns import campaign_2024, compute_all_zones, demo, expert
from ecozone.reporting import permissions as reporting_permissions
from ecozone.reporting.models import AnnualReport, Evidence, ReportValue

pytestmark = pytest.mark.django_db
__all__ = ["demo"]  # the fixture, imported for this module's tests


@pytest.fixture
def campaign(demo, users):
    """安吉县 (湖州市) and 淳安县 (杭州市) re-examined in 2024, period 2021–2023."""
    return campaign_2024(users["province_admin"])


def zone_of(campaign, code: str) -> Reexamination:
    return Reexamination.objects.select_related(
        "campaign__scheme", "designation__region__parent"
    ).get(campaign=campaign, designation__region__code=code)


def evidence_for(code: str, year: int, indicator: str = "N19-03") -> Evidence:
    value = ReportValue.objects.get(
        report__region__code=code, report__year=year, indicator__code=indicator
    )
    evidence = Evidence(
        value=value, original_name="台账.pdf", size=3, content_type="application/pdf"
    )
    evidence.file.save("ledger.pdf", ContentFile(b"pdf"))
    return evidence


# ---------------------------------------------------------------------------- the basis


def test_the_basis_before_computing_is_judged_from_the_accepted_values(campaign, users, client_as):
    zone = zone_of(campaign, "330523")
    mine = services.assign_expert(zone, expert=users["expert"], by=users["province_admin"])
    AnnualReport.objects.filter(region__code="330523", year=2023).update(status="submitted")
    page = client_as("expert").get(reverse("ratings:assessment", args=[mine.pk]))
    basis = page.context["indicators"]
    assert (basis.computed, basis.not_accepted) == (False, (2023,))
    rows = {row.code: row for row in basis.rows}
    assert "N19-23" not in rows  # for cities only: 安吉县 is a county
    n03 = rows["N19-03"]
    assert (n03.name, n03.binding) == ("生态文明建设工作占党政实绩考核的比例", True)
    assert [(y.year, y.answer, y.target, y.verdict) for y in n03.years] == [
        (2021, "22.05 %", "≥ 20", "met"),
        (2022, "22.05 %", "≥ 20", "met"),
        (2023, "", "≥ 20", ""),  # submitted, not accepted: judged on nothing yet
    ]
    state = rows["N19-01"].years[0]
    assert (state.answer, state.verdict) == ("制定实施", "met")


def test_the_basis_of_a_computed_zone_is_read_from_its_stored_card(campaign, users, client_as):
    zone = zone_of(campaign, "330523")
    mine = services.assign_expert(zone, expert=users["expert"], by=users["province_admin"])
    compute_all_zones(campaign)
    zone.refresh_from_db()
    card = zone.card
    n03 = next(i for i in card["indicators"] if i["code"] == "N19-03")
    n03["years"]["2022"] = {"verdict": "not_met", "score": "0", "reason": "卡片所记"}
    Reexamination.objects.filter(pk=zone.pk).update(card=card)
    page = client_as("expert").get(reverse("ratings:assessment", args=[mine.pk]))
    basis = page.context["indicators"]
    assert basis.computed is True
    year = next(r for r in basis.rows if r.code == "N19-03").years[1]
    assert (year.year, year.answer, year.verdict, year.reason) == (
        2022,
        "22.05 %",
        "not_met",
        "卡片所记",
    )
    assert card["part_b"] not in ("", None)
    assert 'data-testid="basis-indicators"' in page.content.decode()
    assert "part_b" not in page.context  # blind: no Part B of the panel on the expert's page


def test_the_basis_lists_the_evidence_and_what_the_zone_wrote(campaign, users, client_as):
    zone = zone_of(campaign, "330523")
    mine = services.assign_expert(zone, expert=users["expert"], by=users["province_admin"])
    inside = evidence_for("330523", 2022)
    evidence_for("330523", 2020)  # before the period
    evidence_for("330521", 2022)  # another county
    ReportValue.objects.filter(
        report__region__code="330523", report__year=2021, indicator__code="N19-03"
    ).update(explanation="统计口径调整")
    feature = services.submit_feature(
        zone, by=users["county"], title="两山转化", description="竹林碳汇", points=Decimal(2)
    )
    page = client_as("expert").get(reverse("ratings:assessment", args=[mine.pk]))
    assert [e.pk for e in page.context["evidence"]] == [inside.pk]
    assert reverse("reporting:evidence", args=[inside.pk]) in page.content.decode()
    report = page.context["self_report"]
    assert [f.pk for f in report.features] == [feature.pk]
    explained = [(v.report.year, v.indicator.code, v.explanation) for v in report.explanations]
    assert (2021, "N19-03", "统计口径调整") in explained  # beside the demo's own explanations
    assert {year for year, _code, _text in explained} <= {2021, 2022, 2023}
    assert {v.report.region.code for v in report.explanations} == {"330523"}


def test_the_assessment_page_is_refused_to_an_unassigned_expert(campaign, users, client_as):
    zone = zone_of(campaign, "330523")
    other = expert("water_expert", "浙江省水利厅")
    theirs = services.assign_expert(zone, expert=other, by=users["province_admin"])
    assert (
        client_as("expert").get(reverse("ratings:assessment", args=[theirs.pk])).status_code == 404
    )


# ---------------------------------------------------------------------------- evidence


def test_an_assigned_expert_downloads_the_zones_evidence_of_the_period(campaign, users, client_as):
    zone = zone_of(campaign, "330523")
    inside = evidence_for("330523", 2022)
    before = evidence_for("330523", 2020)
    elsewhere = evidence_for("330127", 2022)  # 淳安县: in the campaign, not assigned to me
    url = lambda e: reverse("reporting:evidence", args=[e.pk])  # noqa: E731
    assert client_as("expert").get(url(inside)).status_code == 404  # not assigned yet
    services.assign_expert(zone, expert=users["expert"], by=users["province_admin"])
    response = client_as("expert").get(url(inside))
    assert (response.status_code, b"".join(response.streaming_content)) == (200, b"pdf")
    assert client_as("expert").get(url(before)).status_code == 404
    assert client_as("expert").get(url(elsewhere)).status_code == 404
    # downloading is all: deleting stays the filer's
    delete = reverse("reporting:evidence_delete", args=[inside.pk])
    assert client_as("expert").post(delete).status_code == 404
    assert Evidence.objects.filter(pk=inside.pk).exists()


def test_an_expert_no_longer_downloads_once_the_campaign_is_published(campaign, users, client_as):
    zone = zone_of(campaign, "330523")
    inside = evidence_for("330523", 2022)
    services.assign_expert(zone, expert=users["expert"], by=users["province_admin"])
    compute_all_zones(campaign)
    services.publish_campaign(campaign, by=users["province_admin"])
    assert (
        client_as("expert").get(reverse("reporting:evidence", args=[inside.pk])).status_code == 404
    )


def test_evidence_download_rules_follow_the_campaign_states():
    assert set(reporting_permissions.ASSESSING_CAMPAIGNS) == {
        CampaignStatus.PREPARING,
        CampaignStatus.COMPUTED,
    }


def test_a_county_user_is_not_let_in_by_an_assignment_rule(campaign, users, client_as):
    inside = evidence_for("330523", 2022)
    assert (
        client_as("other_county").get(reverse("reporting:evidence", args=[inside.pk])).status_code
        == 404
    )
    assert (
        client_as("county").get(reverse("reporting:evidence", args=[inside.pk])).status_code == 200
    )


# ---------------------------------------------------------------------------- bulk assignment


def test_assign_experts_writes_the_valid_pairs_and_returns_the_refused(campaign, users):
    admin = users["province_admin"]
    anji, chunan = zone_of(campaign, "330523"), zone_of(campaign, "330127")
    local = expert("anji_expert", "安吉县（330523）")
    services.assign_expert(chunan, expert=users["expert"], by=admin)
    assigned, refused = services.assign_experts(
        campaign, experts=[users["expert"], local], zones=[anji, chunan], by=admin
    )
    assert sorted((a.expert.username, a.zone_id) for a in assigned) == [
        ("anji_expert", chunan.pk),
        ("expert", anji.pk),
    ]
    conflict = _("Conflict of interest: %(reason)s.") % {
        "reason": services.conflict_of_interest(local, anji)
    }
    already = _("%(name)s is already assigned.") % {"name": users["expert"]}
    assert [(p.expert.username, p.zone.pk, p.reason) for p in refused] == [
        ("anji_expert", anji.pk, conflict),
        ("expert", chunan.pk, already),
    ]
    entries = LedgerEntry.objects.filter(kind="ratings.expert.assigned").order_by("pk")
    assert [e.payload["assignment"] for e in entries][1:] == [a.pk for a in assigned]


def test_assign_experts_refuses_a_zone_of_another_campaign_and_writes_nothing(campaign, users):
    admin = users["province_admin"]
    anji = zone_of(campaign, "330523")
    other = services.create_campaign(
        year=2024,
        title="另一批",
        scheme=campaign.scheme,
        by=admin,
        designations=[anji.designation],
    )
    foreign = other.zones.select_related("designation__region").get()
    with pytest.raises(ValidationError):
        services.assign_experts(
            campaign, experts=[users["expert"]], zones=[anji, foreign], by=admin
        )
    assert not ExpertAssignment.objects.exists()
    assert not LedgerEntry.objects.filter(kind="ratings.expert.assigned").exists()


def test_assign_experts_is_refused_once_the_campaign_is_published(campaign, users):
    admin = users["province_admin"]
    compute_all_zones(campaign)
    services.publish_campaign(campaign, by=admin)
    before = ExpertAssignment.objects.count()
    with pytest.raises(ValidationError):
        services.assign_experts(
            campaign,
            experts=[users["expert"]],
            zones=[zone_of(campaign, "330523")],
            by=admin,
        )
    assert ExpertAssignment.objects.count() == before


def test_the_bulk_page_previews_by_city_then_confirms(campaign, users, client_as):
    client = client_as("province_admin")
    url = reverse("ratings:bulk_assign", args=[campaign.pk])
    anji = zone_of(campaign, "330523")
    huzhou = anji.designation.region.parent
    local = expert("anji_expert", "安吉县（330523）")
    form = {"experts": [users["expert"].pk, local.pk], "city": huzhou.pk}
    preview = client.post(url, form)
    assert preview.status_code == 200
    assert [(p.expert.pk, p.zone.pk) for p in preview.context["valid"]] == [
        (users["expert"].pk, anji.pk)
    ]
    assert [(p.expert.pk, p.zone.pk) for p in preview.context["refused"]] == [(local.pk, anji.pk)]
    assert not ExpertAssignment.objects.exists()  # a preview writes nothing
    confirmed = client.post(
        url, {"experts": [users["expert"].pk, local.pk], "zones": [anji.pk], "confirm": "1"}
    )
    assert (confirmed.status_code, confirmed["Location"]) == (302, f"/ratings/{campaign.pk}/")
    assert list(ExpertAssignment.objects.values_list("expert_id", "zone_id")) == [
        (users["expert"].pk, anji.pk)
    ]


def test_the_bulk_page_takes_ticked_zones_and_needs_some(campaign, users, client_as):
    client = client_as("province_admin")
    url = reverse("ratings:bulk_assign", args=[campaign.pk])
    chunan = zone_of(campaign, "330127")
    ticked = client.post(url, {"experts": [users["expert"].pk], "zones": [chunan.pk]})
    assert [p.zone.pk for p in ticked.context["valid"]] == [chunan.pk]
    empty = client.post(url, {"experts": [users["expert"].pk]})
    assert empty.context["valid"] is None and empty.context["form"].non_field_errors()
    assert not ExpertAssignment.objects.exists()


@pytest.mark.parametrize("who", ["department", "city", "county", "expert"])
def test_the_bulk_page_is_for_the_province_only(campaign, users, client_as, who):
    url = reverse("ratings:bulk_assign", args=[campaign.pk])
    assert client_as(who).get(url).status_code == 403
    form = {
        "experts": [users["expert"].pk],
        "zones": [zone_of(campaign, "330523").pk],
        "confirm": "1",
    }
    assert client_as(who).post(url, form).status_code == 403
    assert not ExpertAssignment.objects.exists()
