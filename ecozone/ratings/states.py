from django.db import models
from django.utils.translation import gettext_lazy as _


class SchemeStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")


class CampaignStatus(models.TextChoices):
    PREPARING = "preparing", _("collecting inputs")
    COMPUTED = "computed", _("computed, under review")
    PUBLISHED = "published", _("published")
    WITHDRAWN = "withdrawn", _("withdrawn")


# (from, action) → to; read by services.transition_campaign().
CAMPAIGN_TRANSITIONS = {
    (CampaignStatus.PREPARING, "computed"): CampaignStatus.COMPUTED,
    (CampaignStatus.COMPUTED, "computed"): CampaignStatus.COMPUTED,
    (CampaignStatus.COMPUTED, "publish"): CampaignStatus.PUBLISHED,
    (CampaignStatus.PUBLISHED, "withdraw"): CampaignStatus.WITHDRAWN,
}


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class RecordKind(models.TextChoices):
    VETO = "veto", _("veto item")
    BAR = "bar", _("bar-excellence item")


class CaseKind(models.TextChoices):
    INTERVIEW = "interview", _("interview (约谈)")
    DELISTING = "delisting", _("delisting (摘牌)")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")
    CONFIRMED = "confirmed", _("confirmed")
    DISMISSED = "dismissed", _("dismissed")
    WITHDRAWN = "withdrawn", _("withdrawn with the campaign")


class CityReview(models.TextChoices):
    """The city's pre-review of a feature item, before the province decides it."""

    PENDING = "pending", _("awaiting the city's pre-review")
    RECOMMENDED = "recommended", _("recommended by the city")
    NOT_RECOMMENDED = "not_recommended", _("not recommended by the city")


class EntitlementStatus(models.TextChoices):
    ACTIVE = "active", _("in force")
    WITHDRAWN = "withdrawn", _("withdrawn with the campaign")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


# Ledger kinds of a campaign's history (services._record) → what the campaign page shows.
HISTORY_LABELS = {
    "ratings.campaign.created": _("campaign created"),
    "ratings.campaign.computed": _("results computed"),
    "ratings.campaign.published": _("results published"),
    "ratings.campaign.withdrawn": _("campaign withdrawn"),
    "ratings.zone.excluded": _("zone excluded"),
    "ratings.zone.included": _("zone included again"),
    "ratings.entitlements.granted": _("incentive entitlements recorded"),
    "ratings.case.withdrawn": _("case withdrawn with the campaign"),
    "ratings.expert.assigned": _("expert assigned"),
    "ratings.scores.submitted": _("expert scores submitted"),
    "ratings.feature.submitted": _("feature item submitted"),
    "ratings.feature.recommended": _("feature item recommended by the city"),
    "ratings.feature.not_recommended": _("feature item not recommended by the city"),
    "ratings.feature.approved": _("feature item approved"),
    "ratings.feature.rejected": _("feature item rejected"),
    "ratings.item.recorded": _("veto or bar item recorded"),
    "ratings.case.opened": _("consequence case opened"),
    "ratings.case.closed": _("interview case closed"),
    "ratings.case.confirmed": _("delisting confirmed"),
    "ratings.case.dismissed": _("delisting dismissed"),
}
