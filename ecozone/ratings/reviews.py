"""The city's pre-review of its counties' feature items (特色项目) before the province decides
them: who may pre-review, which items wait for it, and whether an item still needs it."""

from __future__ import annotations

from django.db.models import Case, QuerySet, When

from ecozone.accounts.models import Role
from ecozone.accounts.permissions import home_region, role_of
from ecozone.ratings.models import FeatureItem, Reexamination
from ecozone.ratings.states import CampaignStatus, CityReview, ItemStatus

# Campaigns whose inputs may still change (services.common._require_preparing).
OPEN_CAMPAIGNS = (CampaignStatus.PREPARING, CampaignStatus.COMPUTED)


def needs_city_review(zone: Reexamination) -> bool:
    """A county's items go through its city first; a city-level zone's own items do not."""
    return zone.designation.region.level == "county"


def can_prereview_feature(user, zone: Reexamination) -> bool:
    """A city user of the zone's parent city, for a county zone."""
    home = home_region(user)
    return (
        role_of(user) == Role.CITY
        and home is not None
        and needs_city_review(zone)
        and zone.designation.region.parent_id == home.pk
    )


def city_features(user) -> QuerySet[FeatureItem]:
    """The feature items of the city's counties in the open campaigns that the province has not
    decided yet: first those still awaiting the city, then those it has pre-reviewed."""
    home = home_region(user)
    if role_of(user) != Role.CITY or home is None:
        return FeatureItem.objects.none()
    return (
        FeatureItem.objects.filter(
            zone__designation__region__parent=home,
            zone__designation__region__level="county",
            zone__campaign__status__in=OPEN_CAMPAIGNS,
            zone__excluded_at__isnull=True,
            status=ItemStatus.PENDING,
        )
        .select_related("zone__campaign", "zone__designation__region", "city_by")
        .annotate(reviewed=Case(When(city_status=CityReview.PENDING, then=0), default=1))
        .order_by(
            "reviewed",
            "zone__campaign_id",
            "zone__designation__region__code",
            "pk",
        )
    )
