from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from ecozone.applications.states import (
    ACTION_LABELS,
    Conclusion,
    Handling,
    NationalOutcome,
    Opinion,
    RoundResult,
    Status,
)
from ecozone.core.models import WorkflowEvent


class ReviewSettings(models.Model):
    """The province's settings for creation review (one row)."""

    reference_share = models.DecimalField(
        _("share of applicable reference indicators to meet"),
        max_digits=3,
        decimal_places=2,
        default=0.80,
    )
    min_panel = models.PositiveSmallIntegerField(_("minimum panel size"), default=3)
    min_departments = models.PositiveSmallIntegerField(
        _("minimum number of departments on a panel"), default=2
    )
    notice_working_days = models.PositiveSmallIntegerField(
        _("public notice (working days)"), default=7
    )

    class Meta:
        verbose_name = _("review settings")
        verbose_name_plural = _("review settings")

    def __str__(self) -> str:
        return str(_("review settings"))


class ExpertProfile(models.Model):
    """An expert of the provincial pool: department, fields, affiliated region."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert_profile"
    )
    domains = models.JSONField(_("fields (indicator domains)"), default=list)
    affiliated_region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("affiliated region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )

    class Meta:
        verbose_name = _("expert profile")
        verbose_name_plural = _("expert profiles")

    def __str__(self) -> str:
        return str(self.user)


class Application(models.Model):
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    programme = models.ForeignKey(
        "designations.Programme", verbose_name=_("programme"), on_delete=models.PROTECT
    )
    # The naming round applied for; its batch is created when the province names it.
    target_year = models.PositiveSmallIntegerField(
        _("batch year applied for"), null=True, blank=True
    )
    system = models.ForeignKey(
        "indicators.IndicatorSystem", verbose_name=_("edition"), on_delete=models.PROTECT
    )
    base_year = models.PositiveSmallIntegerField(_("base year"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    open_items = models.JSONField(_("items to fix"), default=list, blank=True)
    # The self-assessment frozen when the applicant submits (queries.Compliance.as_json): what
    # every later page, review and ranking shows, whatever happens to the reports afterwards.
    compliance = models.JSONField(_("self-assessment at submission"), default=dict, blank=True)
    assessed_at = models.DateTimeField(_("self-assessment frozen at"), null=True, blank=True)
    notice_starts = models.DateField(_("notice from"), null=True, blank=True)
    notice_ends = models.DateField(_("notice until"), null=True, blank=True)
    designation = models.ForeignKey(
        "designations.Designation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self) -> str:
        return f"{self.region} · {self.programme}"


class ApplicationEvent(WorkflowEvent):
    """Append-only history: actor, time, from, to, comment and per-item reasons."""

    status_choices = Status
    action_labels = ACTION_LABELS

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    items = models.JSONField(_("items"), default=list, blank=True)

    def __str__(self) -> str:
        return f"{self.application} · {self.action}"


class Material(models.Model):
    PLAN, OTHER = "plan", "other"
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=[(PLAN, _("construction plan")), (OTHER, _("other material"))],
    )
    file = models.FileField(upload_to="applications/%Y/")
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "pk"]

    def __str__(self) -> str:
        return self.name


class GreenCase(models.Model):
    """A green-transformation typical case of the applicant (a tiebreaker at naming)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="green_cases"
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    image = models.FileField(_("image"), upload_to="applications/cases/%Y/", blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class ReviewRound(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("round"))
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=20, choices=RoundResult.choices, blank=True)
    late_experts = models.JSONField(_("late experts"), default=list, blank=True)
    snapshot = models.JSONField(_("values when the round opened"), default=dict)
    questioned = models.JSONField(_("questioned indicators"), default=list, blank=True)
    responses = models.JSONField(_("rectification responses"), default=dict, blank=True)

    class Meta:
        ordering = ["application", "number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="unique_round_number")
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.number}"


class ReviewAssignment(models.Model):
    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    domains = models.JSONField(_("domains"), default=list)
    conclusion = models.CharField(
        _("conclusion"), max_length=10, choices=Conclusion.choices, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "expert"], name="one_review_per_expert_round")
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.expert}"


class IndicatorOpinion(models.Model):
    assignment = models.ForeignKey(
        ReviewAssignment, on_delete=models.CASCADE, related_name="opinions"
    )
    indicator_code = models.CharField(max_length=20)
    opinion = models.CharField(_("opinion"), max_length=10, choices=Opinion.choices)
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "indicator_code"], name="one_opinion_per_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_code}: {self.opinion}"


# Anyone may send an objection: a bound on its size keeps a flood from filling the database.
OBJECTION_MAX_TEXT = 5000


class Objection(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="objections"
    )
    name = models.CharField(_("name"), max_length=50)
    contact = models.CharField(_("contact"), max_length=100)
    text = models.TextField(_("objection"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    handled = models.CharField(_("handling"), max_length=20, choices=Handling.choices, blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), OBJECTION_MAX_TEXT),
                name="objection_text_length",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.name}"


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    text = models.CharField(_("text"), max_length=300)
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text


class NationalRecommendation(models.Model):
    designation = models.OneToOneField(
        "designations.Designation", on_delete=models.PROTECT, related_name="national_recommendation"
    )
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recommended_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(
        _("national outcome"), max_length=10, choices=NationalOutcome.choices, blank=True
    )
    outcome_note = models.CharField(_("note"), max_length=300, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return str(self.designation)
