"""The city pre-reviews its counties' feature items before the province decides them."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ecozone.core.models import LedgerEntry
from ecozone.designations.models import Designation
from ecozone.ratings import services
from ecozone.ratings.models import FeatureItem, Scheme
from ecozone.ratings.states import HISTORY_LABELS
from ecozone.ratings.tests.test_campaigns import campaign_2024, compute_all_zones, demo

pytestmark = pytest.mark.django_db
__all__ = ["demo"]  # the fixture, imported for this module's tests


def item_of(zone, by=None, title="两山转化") -> FeatureItem:
    return services.submit_feature(
        zone, by=by, title=title, description="竹林碳汇", points=Decimal("1.5")
    )


@pytest.fixture
def anji(demo, users):
    """安吉县 (a county of 湖州市) in a 2024 campaign, with a feature item submitted."""
    campaign = campaign_2024(users["province_admin"])
    zone = campaign.zones.select_related("designation__region__parent").get(
        designation__region__code="330523"
    )
    return zone, item_of(zone, by=users["county"])


def reloaded(item) -> FeatureItem:
    return FeatureItem.objects.select_related("zone__designation__region__parent").get(pk=item.pk)


def ledger(kind: str) -> list[LedgerEntry]:
    return list(LedgerEntry.objects.filter(kind=kind))


# ---------------------------------------------------------------------------- the service


def test_prereview_recommended_records_the_city_and_one_ledger_entry(anji, users):
    zone, item = anji
    services.prereview_feature(item, by=users["city"], recommend=True, reason=" 亮点突出 ")
    item = reloaded(item)
    assert (item.city_status, item.city_reason, item.city_by, item.status) == (
        "recommended",
        "亮点突出",
        users["city"],
        "pending",
    )
    assert item.city_at is not None
    [entry] = ledger("ratings.feature.recommended")
    assert entry.payload == {
        "zone": zone.pk,
        "region": "330523",
        "item": item.pk,
        "title": "两山转化",
        "points": "1.5",
        "reason": "亮点突出",
        "from": "pending",
        "to": "recommended",
    }
    assert (entry.by_id, entry.object_id) == (users["city"].pk, str(zone.campaign_id))


def test_prereview_not_recommended_without_an_opinion_changes_nothing(anji, users):
    _zone, item = anji
    with pytest.raises(ValidationError):
        services.prereview_feature(item, by=users["city"], recommend=False, reason="  ")
    assert reloaded(item).city_status == "pending"
    assert ledger("ratings.feature.not_recommended") == []


def test_prereview_the_city_may_change_its_opinion_until_the_province_decides(anji, users):
    _zone, item = anji
    services.prereview_feature(item, by=users["city"], recommend=True, reason="")
    services.prereview_feature(item, by=users["city"], recommend=False, reason="材料不足")
    item = reloaded(item)
    assert (item.city_status, item.city_reason) == ("not_recommended", "材料不足")
    [entry] = ledger("ratings.feature.not_recommended")
    assert (entry.payload["from"], entry.payload["to"]) == ("recommended", "not_recommended")
    services.decide_feature(item, by=users["province_admin"], approve=False, reason="材料不足")
    with pytest.raises(ValidationError):
        services.prereview_feature(item, by=users["city"], recommend=True, reason="")
    assert reloaded(item).city_status == "not_recommended"


@pytest.mark.parametrize("who", ["other_city", "county", "province_admin", "expert"])
def test_prereview_by_anyone_but_the_zones_city_is_refused(anji, users, who):
    _zone, item = anji
    with pytest.raises(PermissionDenied):
        services.prereview_feature(item, by=users[who], recommend=True, reason="")
    assert reloaded(item).city_status == "pending"


def test_prereview_is_refused_once_the_campaign_is_published(anji, users):
    zone, item = anji
    services.prereview_feature(item, by=users["city"], recommend=True, reason="")
    services.decide_feature(item, by=users["province_admin"], approve=True, reason="")
    other = item_of(zone, title="第二项")
    FeatureItem.objects.filter(pk=other.pk).update(status="rejected")  # decided, not scored
    compute_all_zones(zone.campaign)
    services.publish_campaign(zone.campaign, by=users["province_admin"])
    pending = FeatureItem.objects.create(zone=zone, title="迟到", points=Decimal(1))
    with pytest.raises(ValidationError):
        services.prereview_feature(reloaded(pending), by=users["city"], recommend=True, reason="")
    assert reloaded(pending).city_status == "pending"


def test_decide_feature_of_a_county_waits_for_the_city(anji, users):
    _zone, item = anji
    with pytest.raises(ValidationError, match="湖州市"):
        services.decide_feature(item, by=users["province_admin"], approve=True, reason="")
    assert reloaded(item).status == "pending"
    assert ledger("ratings.feature.approved") == []
    # "not recommended" is an opinion: the province still decides
    services.prereview_feature(item, by=users["city"], recommend=False, reason="一般")
    services.decide_feature(
        reloaded(item), by=users["province_admin"], approve=True, reason="省级认定"
    )
    item = reloaded(item)
    assert (item.status, item.city_status, item.city_reason) == (
        "approved",
        "not_recommended",
        "一般",
    )


def test_decide_feature_keeps_the_city_opinion_given_after_the_item_was_read(anji, users):
    _zone, item = anji
    stale = reloaded(item)  # read by the province's page before the city's opinion
    services.prereview_feature(item, by=users["city"], recommend=True, reason="推荐")
    services.decide_feature(stale, by=users["province_admin"], approve=True, reason="")
    item = reloaded(item)
    assert (item.status, item.city_status, item.city_reason) == ("approved", "recommended", "推荐")


def test_decide_feature_of_a_city_level_zone_needs_no_prereview(demo, users):
    huzhou = Designation.objects.get(region__code="330500", programme__code="provincial")
    campaign = services.create_campaign(
        year=2024,
        title="2024",
        scheme=Scheme.objects.get(code="default"),
        by=users["province_admin"],
        designations=[huzhou],
    )
    zone = campaign.zones.select_related("designation__region").get()
    item = item_of(zone)
    with pytest.raises(PermissionDenied):  # nothing for the city to pre-review
        services.prereview_feature(item, by=users["city"], recommend=True, reason="")
    services.decide_feature(item, by=users["province_admin"], approve=True, reason="")
    assert (reloaded(item).status, reloaded(item).city_status) == ("approved", "pending")


def test_the_history_names_the_city_pre_review():
    assert set(HISTORY_LABELS) >= {
        "ratings.feature.recommended",
        "ratings.feature.not_recommended",
    }


# ---------------------------------------------------------------------------- the pages


def test_the_city_lists_its_counties_undecided_items_only(anji, users, client_as):
    zone, item = anji
    campaign = zone.campaign
    chunan = campaign.zones.get(designation__region__code="330127")  # 杭州市's county
    theirs = item_of(chunan)
    decided = item_of(zone, title="已定")
    services.prereview_feature(decided, by=users["city"], recommend=True, reason="")
    services.decide_feature(decided, by=users["province_admin"], approve=True, reason="")
    reviewed = item_of(zone, title="已初审")
    services.prereview_feature(reviewed, by=users["city"], recommend=True, reason="")
    page = client_as("city").get(reverse("ratings:city_features"))
    # awaiting the city first, then those it pre-reviewed
    assert [i.pk for i in page.context["items"]] == [item.pk, reviewed.pk]
    assert page.context["waiting"] == 1
    assert [
        i.pk for i in client_as("other_city").get("/ratings/features/city/").context["items"]
    ] == [theirs.pk]


@pytest.mark.parametrize("who", ["county", "expert", "province_admin", "department"])
def test_the_city_list_is_refused_to_other_roles(users, client_as, who):
    assert client_as(who).get(reverse("ratings:city_features")).status_code == 403


def test_the_prereview_page_recommends(anji, users, client_as):
    _zone, item = anji
    url = reverse("ratings:feature_prereview", args=[item.pk])
    response = client_as("city").post(
        url, {f"item-{item.pk}-decision": "recommend", f"item-{item.pk}-reason": "好"}
    )
    assert (response.status_code, response["Location"]) == (302, "/ratings/features/city/")
    assert (reloaded(item).city_status, reloaded(item).city_reason) == ("recommended", "好")


def test_the_prereview_page_keeps_the_typed_opinion_on_error(anji, users, client_as):
    _zone, item = anji
    typed = "材料" * 151  # 302 characters: over the 300 allowed
    response = client_as("city").post(
        reverse("ratings:feature_prereview", args=[item.pk]),
        {f"item-{item.pk}-decision": "not_recommend", f"item-{item.pk}-reason": typed},
    )
    assert response.status_code == 200
    [shown] = response.context["items"]
    assert shown.form.errors.keys() == {"reason"}
    assert typed in response.content.decode()
    assert reloaded(item).city_status == "pending"


def test_the_prereview_page_needs_an_opinion_to_not_recommend(anji, users, client_as):
    _zone, item = anji
    response = client_as("city").post(
        reverse("ratings:feature_prereview", args=[item.pk]),
        {f"item-{item.pk}-decision": "not_recommend", f"item-{item.pk}-reason": ""},
    )
    assert response.status_code == 200
    assert list(response.context["items"][0].form.errors) == ["reason"]
    assert reloaded(item).city_status == "pending"


@pytest.mark.parametrize(
    ("who", "status"), [("other_city", 404), ("other_county", 404), ("county", 403)]
)
def test_the_prereview_page_is_refused_out_of_scope_and_to_the_county(
    anji, users, client_as, who, status
):
    _zone, item = anji
    response = client_as(who).post(
        reverse("ratings:feature_prereview", args=[item.pk]),
        {f"item-{item.pk}-decision": "recommend"},
    )
    assert response.status_code == status
    assert reloaded(item).city_status == "pending"


def test_the_zone_page_shows_the_province_the_city_opinion_beside_the_decision(
    anji, users, client_as
):
    zone, item = anji
    url = reverse("ratings:zone", args=[zone.pk])
    decide = reverse("ratings:feature_decide", args=[item.pk, "approve"])
    page = client_as("province_admin").get(url).content.decode()
    assert f'data-testid="city-opinion-{item.pk}" data-city-status="pending"' in page
    assert decide not in page  # nothing to decide before the city's opinion
    services.prereview_feature(item, by=users["city"], recommend=False, reason="证明材料不足")
    page = client_as("province_admin").get(url).content.decode()
    assert f'data-testid="city-opinion-{item.pk}" data-city-status="not_recommended"' in page
    assert "证明材料不足" in page and decide in page
    # the county filing the item sees the page without the city's opinion block
    assert (
        f'data-testid="city-opinion-{item.pk}"' not in client_as("county").get(url).content.decode()
    )


def test_the_provinces_decision_before_the_city_changes_nothing(anji, users, client_as):
    _zone, item = anji
    client_as("province_admin").post(reverse("ratings:feature_decide", args=[item.pk, "approve"]))
    assert reloaded(item).status == "pending"
