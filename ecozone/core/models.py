from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class SiteFlag(models.Model):
    """A named switch stored in the database, e.g. that demo data is loaded."""

    name = models.SlugField(_("name"), max_length=50, unique=True)
    value = models.TextField(_("value"), blank=True)

    class Meta:
        verbose_name = _("site flag")
        verbose_name_plural = _("site flags")

    def __str__(self) -> str:
        return self.name


class WorkflowEvent(models.Model):
    """Append-only history row of a state change: who, when, from, to, why.

    Subclasses add the object they belong to and name their states (`status_choices`) and action
    labels (`action_labels`) so that a history reads in the user's language.
    """

    status_choices: ClassVar[type[models.TextChoices]]
    action_labels: ClassVar[dict]

    at = models.DateTimeField(_("time"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        abstract = True
        ordering = ["-at", "-pk"]

    @property
    def action_label(self) -> str:
        return str(self.action_labels.get(self.action, self.action))

    @property
    def to_label(self) -> str:
        choices = self.status_choices
        return (
            str(choices(self.to_status).label)
            if self.to_status in choices.values
            else self.to_status
        )


class LedgerEntry(models.Model):
    """Append-only, hash-chained record of a decision or state change anywhere in the platform
    (campaign states, expert scores, titles, typical cases, accounts …), written by
    `core.ledger.append` in the same transaction as the history row it accompanies."""

    at = models.DateTimeField(_("time"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    by_name = models.CharField(_("by"), max_length=100)
    kind = models.CharField(_("kind"), max_length=50)  # e.g. "ratings.campaign.published"
    object_type = models.CharField(max_length=50)  # e.g. "ratings.campaign"
    object_id = models.CharField(max_length=40)
    payload = models.JSONField(_("content"), default=dict)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_type}:{self.object_id}"


class LedgerHead(models.Model):
    """The single row holding the ledger's last hash and length; locking it serialises appends."""

    last_hash = models.CharField(max_length=64)
    length = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return self.last_hash


class SigningKey(models.Model):
    """The public half of every key that has signed a checkpoint or a receipt (core.signing),
    kept after a rotation so that what an earlier key signed still verifies."""

    key_id = models.CharField(_("key id"), max_length=16, unique=True)
    public_key = models.CharField(_("public key"), max_length=64)  # base64 of the raw 32 bytes
    first_used_at = models.DateTimeField(_("first used at"))
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        ordering = ["first_used_at", "pk"]
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")

    def __str__(self) -> str:
        return self.key_id
