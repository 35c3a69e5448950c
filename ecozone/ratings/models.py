from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecozone.ratings.states import (
    CampaignStatus,
    CaseKind,
    CaseStatus,
    CityReview,
    EntitlementStatus,
    ItemStatus,
    JobStatus,
    RecordKind,
    SchemeStatus,
)

AUTH_USER_MODEL = settings.AUTH_USER_MODEL


class Scheme(models.Model):
    """A versioned scoring scheme; a published version is immutable."""

    code = models.CharField(_("version"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=SchemeStatus.choices, default=SchemeStatus.DRAFT
    )
    settings = models.JSONField(_("settings"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # The version this one was copied from (its diff is shown against it).
    base = models.ForeignKey(
        "self",
        verbose_name=_("based on"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="versions",
    )
    note = models.TextField(_("what changed and why"), blank=True)
    # (`settings` in this class body is the field above, not django.conf.settings)
    created_by = models.ForeignKey(
        AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["code"]
        verbose_name = _("scoring scheme")
        verbose_name_plural = _("scoring schemes")

    def __str__(self) -> str:
        return f"{self.title}（{self.code}）"


class Campaign(models.Model):
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    scheme = models.ForeignKey(
        Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="campaigns"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=CampaignStatus.choices, default=CampaignStatus.PREPARING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdraw_reason = models.TextField(_("reason for withdrawal"), blank=True)

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("re-examination campaign")
        verbose_name_plural = _("re-examination campaigns")

    def __str__(self) -> str:
        return self.title


class Reexamination(models.Model):
    """One designation re-examined in a campaign, with its stored result."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="zones")
    designation = models.ForeignKey(
        "designations.Designation", on_delete=models.PROTECT, related_name="reexaminations"
    )
    period = models.JSONField(_("period"))
    total = models.DecimalField(_("total"), max_digits=5, decimal_places=1, null=True, blank=True)
    stars = models.PositiveSmallIntegerField(_("stars"), null=True, blank=True)
    card = models.JSONField(_("score card"), default=dict, blank=True)
    inputs = models.JSONField(_("inputs"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    # Why the stored result is incomplete (no star class) when it was computed: years not accepted
    # and locked, expert scores missing, feature items undecided. Empty when complete.
    missing = models.JSONField(_("missing inputs"), default=list, blank=True)
    # Excluded by the province with a reason: no result, no consequence.
    excluded_reason = models.TextField(_("reason for exclusion"), blank=True)
    excluded_at = models.DateTimeField(_("excluded at"), null=True, blank=True)
    excluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What publishing changed on the designation, so that a withdrawal can put it back.
    stars_before = models.PositiveSmallIntegerField(null=True, blank=True)
    status_before = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["campaign", "designation__region__code"]
        verbose_name = _("re-examination")
        verbose_name_plural = _("re-examinations")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "designation"], name="one_reexamination_per_campaign"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.designation}"


class ExpertAssignment(models.Model):
    zone = models.ForeignKey(Reexamination, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="rating_assignments"
    )
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("expert assignment")
        verbose_name_plural = _("expert assignments")
        constraints = [
            models.UniqueConstraint(fields=["zone", "expert"], name="one_assignment_per_expert")
        ]

    def __str__(self) -> str:
        return f"{self.zone} · {self.expert}"


class FeatureItem(models.Model):
    zone = models.ForeignKey(Reexamination, on_delete=models.CASCADE, related_name="features")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    points = models.DecimalField(_("points"), max_digits=3, decimal_places=1)
    evidence = models.FileField(_("evidence"), upload_to="ratings/features/%Y/", blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.PENDING
    )
    decision_reason = models.CharField(_("reason"), max_length=300, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The city pre-reviews its zones' items before the province decides them.
    city_status = models.CharField(
        _("city pre-review"), max_length=16, choices=CityReview.choices, default=CityReview.PENDING
    )
    city_reason = models.CharField(_("city's opinion"), max_length=300, blank=True)
    city_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    city_at = models.DateTimeField(_("pre-reviewed at"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("feature item")
        verbose_name_plural = _("feature items")

    def __str__(self) -> str:
        return self.title


class RecordedItem(models.Model):
    """A veto or bar-excellence item the province recorded, with evidence."""

    zone = models.ForeignKey(Reexamination, on_delete=models.CASCADE, related_name="recorded_items")
    kind = models.CharField(_("kind"), max_length=5, choices=RecordKind.choices)
    code = models.CharField(_("item"), max_length=40)
    note = models.TextField(_("evidence and note"))
    evidence = models.FileField(_("evidence file"), upload_to="ratings/items/%Y/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("recorded item")
        verbose_name_plural = _("recorded items")

    def __str__(self) -> str:
        return f"{self.kind}:{self.code}"


class ConsequenceCase(models.Model):
    designation = models.ForeignKey(
        "designations.Designation", on_delete=models.PROTECT, related_name="cases"
    )
    zone = models.ForeignKey(Reexamination, on_delete=models.PROTECT, related_name="cases")
    kind = models.CharField(_("kind"), max_length=10, choices=CaseKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    barred_until = models.DateField(_("may not re-apply before"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("consequence case")
        verbose_name_plural = _("consequence cases")

    def __str__(self) -> str:
        return f"{self.designation} · {self.get_kind_display()}"


class Entitlement(models.Model):
    """An incentive measure a published result entitles a zone to, for the period until its next
    re-examination (SPEC §7.2); withdrawn with its campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="entitlements")
    zone = models.ForeignKey(Reexamination, on_delete=models.PROTECT, related_name="entitlements")
    designation = models.ForeignKey(
        "designations.Designation", on_delete=models.PROTECT, related_name="entitlements"
    )
    stars = models.PositiveSmallIntegerField(_("stars"))
    measure = models.CharField(_("incentive measure"), max_length=200)
    first_year = models.PositiveSmallIntegerField(_("from year"))
    last_year = models.PositiveSmallIntegerField(_("until year"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EntitlementStatus.choices,
        default=EntitlementStatus.ACTIVE,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["-campaign__year", "designation__region__code", "pk"]
        verbose_name = _("incentive entitlement")
        verbose_name_plural = _("incentive entitlements")

    def __str__(self) -> str:
        return f"{self.designation} · {self.measure}"


class ProvisionalResult(models.Model):
    """A zone's stored early-warning result: its provisional rating on the accepted years of the
    next campaign's period, under the scheme the province chose. Refreshed in the background when
    the data it was computed from changes (`data_version`)."""

    designation = models.OneToOneField(
        "designations.Designation", on_delete=models.CASCADE, related_name="provisional"
    )
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="+")
    data_version = models.CharField(max_length=40)
    period = models.JSONField(_("period"), default=list)
    judged_years = models.JSONField(_("accepted years judged"), default=list)
    unfiled_years = models.JSONField(_("years not yet filed"), default=list)
    total = models.DecimalField(_("total"), max_digits=5, decimal_places=1, null=True, blank=True)
    stars = models.PositiveSmallIntegerField(_("stars"), null=True, blank=True)
    advice = models.JSONField(_("advice"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["designation__region__code"]
        verbose_name = _("provisional result")
        verbose_name_plural = _("provisional results")

    def __str__(self) -> str:
        return f"{self.designation} · {self.total}"


class ComputationJob(models.Model):
    """Progress of a background computation of a campaign (or one zone)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="jobs")
    zone = models.ForeignKey(
        Reexamination, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    # A worker holds a lease while it runs the job and renews it after every batch; a job whose
    # lease ran out lost its worker (killed, crashed) and is queued again or marked failed.
    attempts = models.PositiveSmallIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.status} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0


class IntegrityRun(models.Model):
    """One run of the full platform verification (`ratings.integrity.run_integrity`): both
    chains, live values against their history, evidence files, signed checkpoints and the
    published ratings. Nightly, after every publication and on request (decision 0013)."""

    class Trigger(models.TextChoices):
        NIGHTLY = "nightly", _("nightly")
        PUBLISHED = "published", _("after a publication")
        MANUAL = "manual", _("on request")

    trigger = models.CharField(_("occasion"), max_length=10, choices=Trigger.choices)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    ok = models.BooleanField(_("passed"), null=True)  # None while running
    # {check name: {"checked": n or null, "problems": n}}
    counts = models.JSONField(_("counts"), default=dict)
    # The first problems named: [{"check": name, "text": ...}]
    problems = models.JSONField(_("problems"), default=list)
    total_problems = models.PositiveIntegerField(_("problems found"), default=0)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("integrity run")
        verbose_name_plural = _("integrity runs")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} · {self.ok}"
