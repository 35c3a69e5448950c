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
