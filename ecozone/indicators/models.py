from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from ecozone.indicators.states import EditionStatus


class Issuer(models.TextChoices):
    NATIONAL = "national", _("national")
    PROVINCIAL = "provincial", _("provincial")


class Attribute(models.TextChoices):
    BINDING = "binding", _("binding")
    REFERENCE = "reference", _("reference")


class Kind(models.TextChoices):
    PROCESS = "process", _("process")
    ANNUAL = "annual", _("annual task")


class Scope(models.TextChoices):
    BOTH = "both", _("cities and counties")
    CITY = "city", _("cities only")
    COUNTY = "county", _("counties only")


class Condition(models.TextChoices):
    ALWAYS = "", _("always")
    COASTAL = "coastal", _("coastal regions only")


class ValueType(models.TextChoices):
    PERCENT = "percent", _("percentage")
    NUMBER = "number", _("number")
    YESNO = "yesno", _("yes / no")
    STATE = "state", _("state")
    TEXT = "text", _("text")
    PERCENT_TASK = "percent+task", _("percentage + higher-level task")
    NUMBER_TASK = "number+task", _("number + higher-level task")


class Verification(models.TextChoices):
    YES = "yes", _("verified against the official text")
    PARTLY = "partly", _("partly verified")
    NO = "no", _("not verified against the official text")


class IndicatorSystem(models.Model):
    """One edition of an indicator catalogue. Published editions are immutable."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    issuer = models.CharField(_("issuer"), max_length=20, choices=Issuer.choices)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    effective_date = models.DateField(_("effective date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=EditionStatus.choices, default=EditionStatus.DRAFT
    )
    is_default = models.BooleanField(_("default edition"), default=False)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        ordering = ["-effective_date", "code"]
        verbose_name = _("indicator catalogue edition")
        verbose_name_plural = _("indicator catalogue editions")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_indicator_system",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.code}）"

    @property
    def is_editable(self) -> bool:
        return self.status == EditionStatus.DRAFT


class Indicator(models.Model):
    system = models.ForeignKey(
        IndicatorSystem,
        verbose_name=_("edition"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    code = models.CharField(_("code"), max_length=20)
    position = models.PositiveIntegerField(_("position"), default=0)
    number = models.CharField(_("number"), max_length=10)
    domain = models.CharField(_("domain"), max_length=50)
    task = models.CharField(_("task"), max_length=100)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    attribute = models.CharField(_("attribute"), max_length=10, choices=Attribute.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    scope = models.CharField(_("applicable scope"), max_length=10, choices=Scope.choices)
    condition = models.CharField(
        _("applicability condition"), max_length=10, choices=Condition.choices, blank=True
    )
    value_type = models.CharField(_("value type"), max_length=20, choices=ValueType.choices)
    target_text = models.CharField(_("target as written"), max_length=200)
    rule = models.CharField(_("target rule"), max_length=300)
    data_source = models.CharField(_("data-source department"), max_length=100, blank=True)
    explanation = models.TextField(_("explanation / formula"), blank=True)
    verified = models.CharField(
        _("verification"), max_length=10, choices=Verification.choices, default=Verification.NO
    )
    yoy_band = models.DecimalField(
        _("year-on-year band (%)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("30"),
        help_text=_("A change from last year beyond this share needs an explanation."),
    )

    class Meta:
        ordering = ["system", "position", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["system", "code"], name="unique_indicator_code_per_edition"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_unverified(self) -> bool:
        return self.verified != Verification.YES


EDITION_ACTION_LABELS = {
    "copy": _("copied"),
    "import": _("imported"),
    "edit": _("indicator changed"),
    "delete": _("indicator deleted"),
    "publish": _("published"),
    "retire": _("retired"),
    "default": _("made the default"),
    "mapping": _("mapping saved"),
    "mapping_publish": _("mapping published"),
}


class EditionChange(models.Model):
    """Append-only history of an edition: created, copied, edited, imported, published, retired."""

    system = models.ForeignKey(IndicatorSystem, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL)
    action = models.CharField(_("action"), max_length=20)
    comment = models.CharField(_("comment"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.system.code} · {self.action}"

    @property
    def action_label(self) -> str:
        return str(EDITION_ACTION_LABELS.get(self.action, self.action))


class MappingKind(models.TextChoices):
    SAME = "same", _("same")
    RENUMBERED = "renumbered", _("renumbered")
    SPLIT = "split", _("split")
    MERGED = "merged", _("merged")
    NEW = "new", _("new")
    DROPPED = "dropped", _("dropped")


class EditionMapping(models.Model):
    """How the indicators of `source` become those of `target` (rows below). Published mappings
    are what carries last year's values, year-on-year checks and histories across editions."""

    source = models.ForeignKey(
        IndicatorSystem,
        verbose_name=_("from edition"),
        on_delete=models.PROTECT,
        related_name="mappings_out",
    )
    target = models.ForeignKey(
        IndicatorSystem,
        verbose_name=_("to edition"),
        on_delete=models.CASCADE,
        related_name="mappings_in",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=EditionStatus.choices, default=EditionStatus.DRAFT
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["target", "source"]
        verbose_name = _("edition mapping")
        verbose_name_plural = _("edition mappings")
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="one_mapping_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.source.code} → {self.target.code}"

    @property
    def is_published(self) -> bool:
        return self.status == EditionStatus.PUBLISHED


class MappingRow(models.Model):
    mapping = models.ForeignKey(EditionMapping, on_delete=models.CASCADE, related_name="rows")
    old_code = models.CharField(_("old code"), max_length=20, blank=True)
    new_code = models.CharField(_("new code"), max_length=20, blank=True)
    kind = models.CharField(_("kind of change"), max_length=12, choices=MappingKind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["mapping", "pk"]
        verbose_name = _("mapping row")
        verbose_name_plural = _("mapping rows")

    def __str__(self) -> str:
        return f"{self.old_code or '—'} → {self.new_code or '—'} ({self.kind})"
