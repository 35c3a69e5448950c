from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("province")
    CITY = "city", _("city")
    COUNTY = "county", _("county")


class Terrain(models.TextChoices):
    MOUNTAIN = "山区", _("mountainous")
    HILLY = "丘陵", _("hilly")
    PLAIN = "平原", _("plain")


class Region(models.Model):
    """A 省, 设区市 or county-level unit, identified by its GB/T 2260 code."""

    code = models.CharField(_("code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=50)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    terrain = models.CharField(
        _("terrain class"), max_length=4, choices=Terrain.choices, blank=True
    )
    coastal = models.BooleanField(_("coastal"), default=False)
    mountain_county = models.BooleanField(_("one of the 26 mountain counties"), default=False)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level="province", parent__isnull=True)
                | models.Q(parent__isnull=False),
                name="region_parent_unless_province",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_creation_unit(self) -> bool:
        """Cities and counties apply for titles; the province does not."""
        return self.level in (Level.CITY, Level.COUNTY)

    @property
    def city_id(self) -> int | None:
        """The 设区市 a region belongs to (itself for a city)."""
        if self.level == Level.CITY:
            return self.pk
        if self.level == Level.COUNTY:
            return self.parent_id
        return None


class RegionChange(models.Model):
    """Append-only record of every change to a region's attributes."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    by = models.ForeignKey(
        "accounts.User", verbose_name=_("by"), null=True, on_delete=models.SET_NULL
    )
    changes = models.JSONField(_("changes"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.region} · {self.at:%Y-%m-%d %H:%M}"
