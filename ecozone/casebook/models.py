from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed by the zone")
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")


class TypicalCase(models.Model):
    """A typical case (典型案例) of a demonstration zone or 两山 base; public once published."""

    title = models.CharField(_("title"), max_length=200)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="typical_cases",
    )
    programme = models.ForeignKey(
        "designations.Programme",
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    tags = models.CharField(
        _("tags"), max_length=200, blank=True, help_text=_("separated by commas")
    )
    summary = models.CharField(_("summary"), max_length=300)
    body = models.TextField(_("text"))
    image = models.FileField(_("image"), upload_to="cases/%Y/", blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("typical case")
        verbose_name_plural = _("typical cases")

    def __str__(self) -> str:
        return self.title

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.replace("，", ",").split(",") if t.strip()]
