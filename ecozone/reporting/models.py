from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ecozone.core.models import WorkflowEvent
from ecozone.reporting.states import EVENT_LABELS, Channel, ReportStatus, UnlockStatus, YearAction


class ReportingYear(models.Model):
    """The window in which regions file their values for one year."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    opens_on = models.DateField(_("opening date"))
    deadline = models.DateField(_("deadline"))
    locks_on = models.DateField(_("lock date"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("reporting year")
        verbose_name_plural = _("reporting years")

    def __str__(self) -> str:
        return str(self.year)


class AnnualReport(models.Model):
    """One region's indicator values for one year, against a pinned catalogue edition."""

    window = models.ForeignKey(
        ReportingYear,
        verbose_name=_("reporting year"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="reports"
    )
    system = models.ForeignKey(
        "indicators.IndicatorSystem",
        verbose_name=_("edition"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    # Raised by every write; a save that names an older version is refused (no lost updates).
    version = models.PositiveIntegerField(_("version"), default=0)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "region__code"]
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="one_report_per_region_year")
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}"


class ReportValue(models.Model):
    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.PROTECT, related_name="values"
    )
    number = models.DecimalField(
        _("figure"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    task = models.BooleanField(_("higher-level task completed"), null=True, blank=True)
    yes = models.BooleanField(_("yes / no"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=30, blank=True)
    text = models.TextField(_("text"), blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    # What the user typed when it could not be saved as a value; kept so no input is lost.
    raw_input = models.JSONField(_("unsaved input"), default=dict, blank=True)
    flags = models.JSONField(_("flags"), default=list, blank=True)
    # Returned by the city or province: only these rows reopen.
    returned = models.BooleanField(_("returned"), default=False)
    return_reason = models.CharField(_("reason for return"), max_length=300, blank=True)
    # The department's authoritative value, when a department supplied one.
    dept_number = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    dept_task = models.BooleanField(null=True, blank=True)
    dept_yes = models.BooleanField(null=True, blank=True)
    dept_state = models.CharField(max_length=30, blank=True)
    dept_organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dept_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["report", "indicator__position"]
        verbose_name = _("reported value")
        verbose_name_plural = _("reported values")
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="one_value_per_indicator")
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.indicator.code}"

    @property
    def is_empty(self) -> bool:
        return (
            self.number is None
            and self.task is None
            and self.yes is None
            and not self.state
            and not self.text
        )


class ValueChange(models.Model):
    """Append-only, hash-chained audit of every change to a reported value.

    `hash` covers this row's content and the previous row's hash (`previous_hash`), so editing,
    inserting or deleting a row behind the application's back breaks the chain, which
    `manage.py verify_audit` detects.
    """

    value = models.ForeignKey(ReportValue, on_delete=models.PROTECT, related_name="changes")
    report = models.ForeignKey(AnnualReport, on_delete=models.PROTECT, related_name="value_changes")
    indicator_code = models.CharField(max_length=20)
    report_version = models.PositiveIntegerField()
    at = models.DateTimeField(_("time"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    by_name = models.CharField(_("by"), max_length=100)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    changes = models.JSONField(_("changes"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("value change")
        verbose_name_plural = _("value changes")

    def __str__(self) -> str:
        return f"{self.report} · {self.indicator_code} · {self.at:%Y-%m-%d %H:%M}"


class AuditHead(models.Model):
    """The single row holding the chain's last hash; locking it serialises appends."""

    last_hash = models.CharField(max_length=64)
    length = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return self.last_hash


class ReportEvent(WorkflowEvent):
    """Append-only workflow history of a report."""

    status_choices = ReportStatus
    action_labels = EVENT_LABELS

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="events")
    indicators = models.JSONField(_("indicators"), default=list, blank=True)

    def __str__(self) -> str:
        return f"{self.report} · {self.action}"


class Evidence(models.Model):
    value = models.ForeignKey(ReportValue, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    content_type = models.CharField(max_length=100)
    # The content's digest at upload: `verify_audit` hashes the file again and compares.
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name


class UnlockRequest(models.Model):
    report = models.ForeignKey(
        AnnualReport, on_delete=models.CASCADE, related_name="unlock_requests"
    )
    indicator_codes = models.JSONField(_("indicators"))
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=UnlockStatus.choices, default=UnlockStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.CharField(_("comment"), max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("unlock request")
        verbose_name_plural = _("unlock requests")

    def __str__(self) -> str:
        return f"{self.report} · {', '.join(self.indicator_codes)}"


class ReportingYearChange(models.Model):
    """Append-only history of a reporting year: opened, extended to more regions, dates changed."""

    window = models.ForeignKey(ReportingYear, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20, choices=YearAction.choices)
    # field → [old, new] for date changes; {"reports": n, "editions": {code: n}} when opening.
    changes = models.JSONField(_("changes"), default=dict)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("reporting year change")
        verbose_name_plural = _("reporting year changes")

    def __str__(self) -> str:
        return f"{self.window} · {self.action}"


class Checkpoint(models.Model):
    """A signed statement of the length and head hash of the value chain and of the ledger at one
    moment (reporting.checkpoints). The signature covers neither `reason` nor `subject`."""

    class Reason(models.TextChoices):
        ACCEPTED = "report_accepted", _("report accepted")
        PUBLISHED = "campaign_published", _("campaign published")
        DAILY = "daily", _("daily")
        MANUAL = "manual", _("made by hand")

    values_length = models.PositiveBigIntegerField(_("value changes"))
    values_head = models.CharField(_("value chain head"), max_length=64)
    ledger_length = models.PositiveBigIntegerField(_("ledger entries"))
    ledger_head = models.CharField(_("ledger head"), max_length=64)
    signed_at = models.DateTimeField(_("signed at"))
    key_id = models.CharField(_("key id"), max_length=16)
    signature = models.CharField(max_length=100)  # base64 of the 64 raw bytes
    reason = models.CharField(_("occasion"), max_length=30, choices=Reason.choices)
    subject = models.CharField(_("subject"), max_length=200, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")

    def __str__(self) -> str:
        return f"{self.values_length}/{self.ledger_length} · {self.signed_at:%Y-%m-%d %H:%M}"


class Receipt(models.Model):
    """A signed receipt of a report at submission or acceptance (reporting.receipts); `document`
    is exactly what the filer downloads."""

    class Moment(models.TextChoices):
        SUBMITTED = "submitted", _("at submission")
        ACCEPTED = "accepted", _("at acceptance")

    report = models.ForeignKey(AnnualReport, on_delete=models.PROTECT, related_name="receipts")
    moment = models.CharField(_("moment"), max_length=20, choices=Moment.choices)
    issued_at = models.DateTimeField(_("issued at"))
    document = models.JSONField(_("receipt"))

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")

    def __str__(self) -> str:
        return f"{self.report} · {self.moment} · {self.issued_at:%Y-%m-%d %H:%M}"
