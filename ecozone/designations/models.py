from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ecozone.designations.states import EVENT_LABELS, HOLDING, DesignationStatus


def stars_label(stars: int | None) -> str:
    """★★★★ for 4; 0 is a revoked rating (取消评星), None not yet rated."""
    if stars is None:
        return gettext("not yet re-examined")
    return "★" * stars if stars else gettext("rating revoked")


class Programme(models.Model):
    """A demonstration programme: provincial zone, national zone, 两山 base."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=50)
    short_name = models.CharField(_("short name"), max_length=20)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.name


class Batch(models.Model):
    """A naming round of a programme (year, number, optional quota)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="batches"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("batch number"))
    name = models.CharField(_("name"), max_length=100)
    quota = models.PositiveSmallIntegerField(_("quota"), null=True, blank=True)
    named_on = models.DateField(_("naming date"), null=True, blank=True)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["programme__position", "year", "number"]
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="unique_batch_number")
        ]

    def __str__(self) -> str:
        return self.name


class DesignationQuerySet(models.QuerySet):
    def holding(self):
        return self.filter(status__in=HOLDING)


class Designation(models.Model):
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="designations",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="designations",
    )
    batch = models.ForeignKey(
        Batch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="designations"
    )
    named_on = models.DateField(_("naming date"))
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DesignationStatus.choices,
        default=DesignationStatus.ACTIVE,
    )
    stars = models.PositiveSmallIntegerField(_("current stars"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    objects = DesignationQuerySet.as_manager()

    class Meta:
        ordering = ["programme__position", "region__code"]
        verbose_name = _("designation")
        verbose_name_plural = _("designations")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "programme"],
                condition=models.Q(status__in=["active", "warned"]),
                name="one_holding_designation_per_programme",
            ),
            models.CheckConstraint(
                condition=models.Q(stars__isnull=True) | models.Q(stars__in=[0, 3, 4, 5]),
                name="designation_stars_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.programme}"


class DesignationEvent(models.Model):
    """Append-only history: every change to a designation, who made it, when and why."""

    designation = models.ForeignKey(Designation, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    by = models.ForeignKey(
        "accounts.User", verbose_name=_("by"), null=True, on_delete=models.SET_NULL
    )
    action = models.CharField(_("action"), max_length=20)
    changes = models.JSONField(_("changes"), default=dict)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("designation history")
        verbose_name_plural = _("designation history")

    def __str__(self) -> str:
        return f"{self.designation} · {self.action} · {self.at:%Y-%m-%d %H:%M}"

    @property
    def action_label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action))

    @property
    def change_lines(self) -> list[tuple[str, str]]:
        """(field label, text) per change, in the user's language: a pair [old, new] reads
        "old → new", a single value as itself (the batch name of a naming)."""
        lines = []
        for name, change in self.changes.items():
            try:
                label = str(Designation._meta.get_field(name).verbose_name)
            except FieldDoesNotExist:
                label = name
            if isinstance(change, list) and len(change) == 2:
                old, new = change
                text = f"{_shown(name, old)} → {_shown(name, new)}"
            else:
                text = _shown(name, change)
            lines.append((label, text))
        return lines


def _shown(name: str, value) -> str:
    if name == "stars":
        return stars_label(value)
    if value in (None, ""):
        return "—"
    if name == "status" and value in DesignationStatus.values:
        return str(DesignationStatus(value).label)
    return str(value)
