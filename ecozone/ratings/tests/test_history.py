"""Re-examination keeps its history in the ledger: one entry per decision, shown on its page."""

import pytest
from django.urls import reverse

from ecozone.core import ledger
from ecozone.core.models import LedgerEntry
from ecozone.ratings import queries, services
from ecozone.ratings.models import ConsequenceCase
from ecozone.ratings.tests.test_campaigns import campaign_2024, compute_all_zones, demo, expert

pytestmark = pytest.mark.django_db
__all__ = ["demo"]  # the fixture, imported for this module's tests


def entries(kind: str) -> list[LedgerEntry]:
    return list(LedgerEntry.objects.filter(kind=kind))


def test_a_publication_appends_exactly_one_campaign_entry_with_the_results(demo, users):
    admin = users["province_admin"]
    campaign = campaign_2024(admin)
    compute_all_zones(campaign)
    services.publish_campaign(campaign, by=admin)
    [entry] = entries("ratings.campaign.published")
    results = {
        zone.designation.region.code: {"total": str(zone.total), "stars": zone.stars}
        for zone in campaign.zones.select_related("designation__region")
    }
    assert (entry.object_type, entry.object_id, entry.by_id) == (
        "ratings.campaign",
        str(campaign.pk),
        admin.pk,
    )
    assert entry.payload == {
        "campaign": campaign.pk,
        "from": "computed",
        "to": "published",
        "results": results,
        "figures": "5:0,4:0,3:1,0:1;interviews:1;delistings:0;warned:1;restored:0;entitlements:0",
    }
    assert sorted(results) == ["330127", "330523"]
    assert ledger.verify().problem == ""


def test_an_assignment_and_a_submitted_assessment_are_recorded(demo, users):
    admin = users["province_admin"]
    campaign = campaign_2024(admin)
    zone = campaign.zones.get(designation__region__code="330523")
    reviewer = expert("reviewer", "浙江省自然资源厅")
    assignment = services.assign_expert(zone, expert=reviewer, by=admin)
    services.save_work_scores(
        assignment, by=reviewer, scores={"推进力度": "8"}, comment="", submit=False
    )
    assert entries("ratings.scores.submitted") == []  # a draft is not a decision
    scores = {"推进力度": "8", "试点创新": "6.5", "建设成效": "6"}
    services.save_work_scores(assignment, by=reviewer, scores=scores, comment="好", submit=True)
    [assigned] = entries("ratings.expert.assigned")
    [submitted] = entries("ratings.scores.submitted")
    facts = {"zone": zone.pk, "region": "330523", "assignment": assignment.pk}
    assert assigned.payload == {**facts, "expert": reviewer.pk, "expert_name": "reviewer"}
    assert submitted.payload == {**facts, "expert": reviewer.pk, "scores": scores, "comment": "好"}
    assert (submitted.by_id, submitted.object_id) == (reviewer.pk, str(campaign.pk))


def test_the_campaign_page_shows_its_history_read_in_one_query(
    demo, users, client_as, django_assert_num_queries
):
    admin = users["province_admin"]
    campaign = campaign_2024(admin)
    compute_all_zones(campaign)
    services.publish_campaign(campaign, by=admin)
    with django_assert_num_queries(1):
        history = queries.campaign_history(campaign)
    cases = ConsequenceCase.objects.filter(zone__campaign=campaign).count()
    assert cases == 1  # 安吉县 revoked: its interview case opens after the publication
    experts = ("ratings.expert.assigned", "ratings.scores.submitted")
    assert [row.kind for row in history if row.kind not in experts] == [
        "ratings.case.opened",
        "ratings.campaign.published",
        "ratings.campaign.computed",
        "ratings.campaign.created",
    ]
    assert len(history) == 4 + 2 * 3 * 2  # and three experts assigned and scoring in each zone
    assert history[0].detail == "330523"
    page = client_as("province_admin").get(reverse("ratings:campaign", args=[campaign.pk]))
    section = page.content.decode().split('data-testid="campaign-history"')[1].split("</ul>")[0]
    assert section.count("<li>") == len(history)
    assert "结果已发布 · 2 个示范区" in section


def test_a_county_sees_no_campaign_history(demo, users, client_as):
    admin = users["province_admin"]
    campaign = campaign_2024(admin)
    compute_all_zones(campaign)
    services.publish_campaign(campaign, by=admin)
    page = client_as("county").get(reverse("ratings:campaign", args=[campaign.pk]))
    assert page.status_code == 200
    assert 'data-testid="campaign-history"' not in page.content.decode()
