from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ecozone.core.models import WorkflowEvent
from ecozone.taskbooks.states import (
    EVENT_LABELS,
    AdjustmentKind,
    BookKind,
    BookStatus,
    Category,
    Comparison,
    Grade,
    Method,
    Metric,
    Period,
    Scoring,
)


class AssessmentYear(models.Model):
    """One year's annual assessment: the grade thresholds, caps and publicity."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    excellent_from = models.DecimalField(
        _("excellent from"), max_digits=6, decimal_places=2, default=Decimal("90")
    )
    good_from = models.DecimalField(
        _("good from"), max_digits=6, decimal_places=2, default=Decimal("80")
    )
    pass_from = models.DecimalField(
        _("pass from"), max_digits=6, decimal_places=2, default=Decimal("60")
    )
    deduction_cap = models.DecimalField(
        _("deductions at most"), max_digits=6, decimal_places=2, default=Decimal("10")
    )
    bonus_cap = models.DecimalField(
        _("bonus at most"), max_digits=6, decimal_places=2, default=Decimal("5")
    )
    ranking_public = models.BooleanField(
        _("show the city ranking on the public comparison page"), default=False
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("assessment year")
        verbose_name_plural = _("assessment years")

    def __str__(self) -> str:
        return str(self.year)


class TaskBook(models.Model):
    """The work task book the province issues to one city or one provincial department."""

    assessment = models.ForeignKey(
        AssessmentYear, verbose_name=_("year"), on_delete=models.PROTECT, related_name="books"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("recipient kind"), max_length=12, choices=BookKind.choices)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("city"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="task_books",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="task_books",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=BookStatus.choices, default=BookStatus.DRAFT
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # The result, stored when scored and frozen at publication (changed only by a correction).
    task_points = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    deductions = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal("0"))
    bonus = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal("0"))
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "kind", "region__code", "organisation__name"]
        verbose_name = _("work task book")
        verbose_name_plural = _("work task books")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "region"],
                condition=models.Q(region__isnull=False),
                name="one_book_per_city_year",
            ),
            models.UniqueConstraint(
                fields=["year", "organisation"],
                condition=models.Q(organisation__isnull=False),
                name="one_book_per_department_year",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="city", region__isnull=False, organisation__isnull=True)
                    | models.Q(kind="department", region__isnull=True, organisation__isnull=False)
                ),
                name="book_has_one_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.recipient_name}"

    @property
    def recipient_name(self) -> str:
        return self.region.name if self.region_id else self.organisation.name

    @property
    def is_editable(self) -> bool:
        return self.status == BookStatus.DRAFT


class Task(models.Model):
    book = models.ForeignKey(TaskBook, on_delete=models.CASCADE, related_name="tasks")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    title = models.CharField(_("task"), max_length=200)
    target_text = models.CharField(_("target"), max_length=200)
    points = models.DecimalField(_("full points"), max_digits=5, decimal_places=2)
    deadline = models.DateField(_("deadline"))
    evidence_required = models.CharField(_("evidence required"), max_length=300, blank=True)
    method = models.CharField(_("measured by"), max_length=10, choices=Method.choices)
    metric = models.CharField(
        _("platform measure"), max_length=20, choices=Metric.choices, blank=True
    )
    comparison = models.CharField(
        _("comparison"), max_length=2, choices=Comparison.choices, default=Comparison.AT_LEAST
    )
    target_value = models.DecimalField(
        _("target value"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    scoring = models.CharField(
        _("scoring"), max_length=12, choices=Scoring.choices, default=Scoring.THRESHOLD
    )
    # The assessment: the measured value frozen when scored, the points awarded and why.
    measured_value = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    awarded = models.DecimalField(
        _("points awarded"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["book", "position", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self) -> str:
        return self.title


class Progress(models.Model):
    """A mid-year or year-end self-report on one task, with evidence."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="progress")
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    text = models.TextField(_("progress"))
    value = models.DecimalField(
        _("reported value"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    file = models.FileField(_("evidence"), upload_to="taskbooks/%Y/", blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["task", "-at", "-pk"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self) -> str:
        return f"{self.task} · {self.get_period_display()}"


class Adjustment(models.Model):
    book = models.ForeignKey(TaskBook, on_delete=models.CASCADE, related_name="adjustments")
    kind = models.CharField(_("kind"), max_length=10, choices=AdjustmentKind.choices)
    points = models.DecimalField(_("number of points"), max_digits=5, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=300)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["book", "at", "pk"]
        verbose_name = _("deduction or bonus")
        verbose_name_plural = _("deductions and bonuses")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.points}"


class BookEvent(WorkflowEvent):
    """Append-only history of a task book: every issue, amendment, report, score and correction."""

    status_choices = BookStatus
    action_labels = EVENT_LABELS

    book = models.ForeignKey(TaskBook, on_delete=models.CASCADE, related_name="events")
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    def __str__(self) -> str:
        return f"{self.book} · {self.action}"
