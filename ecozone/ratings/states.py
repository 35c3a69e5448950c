from django.db import models
from django.utils.translation import gettext_lazy as _


class SchemeStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")


class CampaignStatus(models.TextChoices):
    PREPARING = "preparing", _("collecting inputs")
    COMPUTED = "computed", _("computed, under review")
    PUBLISHED = "published", _("published")


# (from, action) → to; read by services.transition_campaign().
CAMPAIGN_TRANSITIONS = {
    (CampaignStatus.PREPARING, "computed"): CampaignStatus.COMPUTED,
    (CampaignStatus.COMPUTED, "computed"): CampaignStatus.COMPUTED,
    (CampaignStatus.COMPUTED, "publish"): CampaignStatus.PUBLISHED,
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


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")
