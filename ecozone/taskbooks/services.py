"""The only code that writes task books and the annual assessment. Each function runs in one
transaction and appends a BookEvent; results are recomputed by `scoring` and stored."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecozone.core import ledger
from ecozone.core.flags import bump_showcase_version
from ecozone.core.uploads import check_upload
from ecozone.taskbooks import metrics, permissions, scoring
from ecozone.taskbooks.models import (
    Adjustment,
    AssessmentYear,
    BookEvent,
    Progress,
    Task,
    TaskBook,
)
from ecozone.taskbooks.states import (
    CITY_METRICS,
    DEPARTMENT_METRICS,
    EVENT_LABELS,
    TRANSITIONS,
    AdjustmentKind,
    BookKind,
    BookStatus,
    Method,
)

TASK_FIELDS = [
    "category",
    "title",
    "target_text",
    "points",
    "deadline",
    "evidence_required",
    "method",
    "metric",
    "comparison",
    "target_value",
    "scoring",
]
SCORABLE = (BookStatus.ISSUED, BookStatus.ACKNOWLEDGED)


def _event(book, *, by, action, comment="", changes=None, old=None) -> None:
    """The book's history row and its ledger entry, in the caller's transaction."""
    event = BookEvent.objects.create(
        book=book,
        by=by if getattr(by, "pk", None) else None,
        action=action,
        from_status=old or book.status,
        to_status=book.status,
        comment=comment,
        changes=changes or {},
    )
    ledger.append(
        kind=f"taskbooks.book.{action}",
        obj=book,
        payload={
            "event": event.pk,
            "from": event.from_status,
            "to": event.to_status,
            "comment": comment,
            "changes": event.changes,
        },
        by=by,
    )


def _require_province(by) -> None:
    if not permissions.can_manage(by):
        raise PermissionDenied


def _locked(book: TaskBook) -> TaskBook:
    return TaskBook.objects.select_for_update().get(pk=book.pk)


def _plain(value) -> object:
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


# ---------------------------------------------------------------------------- drafting


def assessment_year(year: int) -> AssessmentYear:
    found, _created = AssessmentYear.objects.get_or_create(year=year)
    return found


def create_book(*, by, year: int, region=None, organisation=None) -> TaskBook:
    _require_province(by)
    if (region is None) == (organisation is None):
        raise ValidationError(_("Choose one recipient: a city or a department."))
    if region is not None and region.level != "city":
        raise ValidationError(_("Task books go to cities, not to %(name)s.") % {"name": region})
    if organisation is not None and organisation.kind != "department":
        raise ValidationError(
            _("Task books go to provincial departments, not to %(name)s.") % {"name": organisation}
        )
    with transaction.atomic():
        exists = TaskBook.objects.filter(year=year)
        exists = (
            exists.filter(region=region) if region else exists.filter(organisation=organisation)
        )
        if exists.exists():
            raise ValidationError(
                _("%(name)s has a task book for %(year)d already.")
                % {"name": region or organisation, "year": year}
            )
        book = TaskBook.objects.create(
            assessment=assessment_year(year),
            year=year,
            kind=BookKind.CITY if region else BookKind.DEPARTMENT,
            region=region,
            organisation=organisation,
        )
        _event(book, by=by, action="create")
    return book


def _check_task(data: dict, book: TaskBook) -> None:
    if data["method"] == Method.MEASURED:
        if not data.get("metric") or data.get("target_value") is None:
            raise ValidationError(_("A measured task needs a platform measure and a target value."))
        allowed = CITY_METRICS if book.kind == BookKind.CITY else DEPARTMENT_METRICS
        if data["metric"] not in allowed:
            raise ValidationError(_("This measure does not apply to this kind of recipient."))
    if not (Decimal("0") < data["points"] <= Decimal("100")):
        raise ValidationError(_("Points are between 0 and 100."))


def save_task(*, by, book: TaskBook, data: dict, task: Task | None = None) -> Task:
    """Add or change a task of a draft book."""
    _require_province(by)
    _check_task(data, book)
    with transaction.atomic():
        book = _locked(book)
        if not book.is_editable:
            raise ValidationError(
                _("An issued task book changes only through a recorded amendment.")
            )
        task = task or Task(book=book, position=book.tasks.count() + 1)
        for name in TASK_FIELDS:
            setattr(task, name, data.get(name, getattr(task, name)))
        if task.method == Method.REPORTED:
            task.metric, task.target_value = "", None
        task.save()
        _event(book, by=by, action="edit", comment=task.title)
    return task


def delete_task(*, by, task: Task) -> None:
    _require_province(by)
    with transaction.atomic():
        book = _locked(task.book)
        if not book.is_editable:
            raise ValidationError(
                _("An issued task book changes only through a recorded amendment.")
            )
        title = task.title
        task.delete()
        _event(book, by=by, action="edit", comment=_("deleted: %(task)s") % {"task": title})


def replace_tasks(*, by, book: TaskBook, rows: list[dict]) -> int:
    """Replace every task of a draft book (an Excel import); all rows are checked first."""
    _require_province(by)
    for row in rows:
        _check_task(row, book)
    with transaction.atomic():
        book = _locked(book)
        if not book.is_editable:
            raise ValidationError(
                _("An issued task book changes only through a recorded amendment.")
            )
        book.tasks.all().delete()
        Task.objects.bulk_create(
            Task(book=book, position=n, **{k: row.get(k) for k in TASK_FIELDS})
            for n, row in enumerate(rows, start=1)
        )
        _event(book, by=by, action="import", comment=str(len(rows)))
    return len(rows)


def copy_year(*, by, source_year: int, year: int) -> int:
    """Draft `year`'s books by copying `source_year`'s (tasks, targets and the year's settings;
    deadlines move by the number of years). Recipients with a book already are left alone."""
    _require_province(by)
    if year <= source_year:
        raise ValidationError(_("Copy into a later year."))
    source = list(TaskBook.objects.filter(year=source_year).prefetch_related("tasks"))
    if not source:
        raise ValidationError(_("There are no task books for %(year)d.") % {"year": source_year})
    shift = year - source_year
    with transaction.atomic():
        settings = AssessmentYear.objects.filter(year=source_year).first()
        target, created = AssessmentYear.objects.get_or_create(year=year)
        if created and settings is not None:
            for name in ("excellent_from", "good_from", "pass_from", "deduction_cap", "bonus_cap"):
                setattr(target, name, getattr(settings, name))
            target.save()
        made = 0
        for old in source:
            taken = TaskBook.objects.filter(year=year)
            taken = (
                taken.filter(region=old.region_id)
                if old.region_id
                else taken.filter(organisation=old.organisation_id)
            )
            if taken.exists():
                continue
            book = TaskBook.objects.create(
                assessment=target,
                year=year,
                kind=old.kind,
                region_id=old.region_id,
                organisation_id=old.organisation_id,
            )
            Task.objects.bulk_create(
                Task(
                    book=book,
                    position=t.position,
                    deadline=_shifted(t.deadline, shift),
                    **{k: getattr(t, k) for k in TASK_FIELDS if k != "deadline"},
                )
                for t in old.tasks.all()
            )
            _event(book, by=by, action="copy", comment=str(source_year))
            made += 1
    return made


def _shifted(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# ---------------------------------------------------------------------------- workflow


def transition(book: TaskBook, *, action: str, by) -> TaskBook:
    """Move a book along TRANSITIONS: issue (province), acknowledge (recipient), publish."""
    with transaction.atomic():
        book = _locked(book)
        found = TRANSITIONS.get((book.status, action))
        if found is None:
            raise ValidationError(
                _("A task book that is “%(status)s” cannot be %(action)s.")
                % {"status": book.get_status_display(), "action": action_word(action)}
            )
        target, who = found
        allowed = (
            permissions.can_manage(by) if who == "province" else permissions.is_recipient(by, book)
        )
        if not allowed:
            raise PermissionDenied
        if action == "issue" and not book.tasks.exists():
            raise ValidationError(_("The task book has no tasks."))
        if action == "publish":
            missing = book.tasks.filter(awarded__isnull=True).count()
            if missing:
                raise ValidationError(_("%(n)d tasks are not scored yet.") % {"n": missing})
        old = book.status
        book.status = target
        now = timezone.now()
        if action == "issue":
            book.issued_at = now
        elif action == "acknowledge":
            book.acknowledged_at = now
        elif action == "publish":
            book.published_at = now
        book.save()
        _event(book, by=by, action=action, old=old)
        if action == "publish":
            _rerank(book.year)
            bump_showcase_version()
    return book


def action_word(action: str) -> str:
    """The action's label, as the history shows it."""
    return str(EVENT_LABELS.get(action, action))


def issue_year(*, by, year: int) -> int:
    """Issue every draft book of `year` that has tasks."""
    _require_province(by)
    issued = 0
    for book in TaskBook.objects.filter(year=year, status=BookStatus.DRAFT):
        if book.tasks.exists():
            transition(book, action="issue", by=by)
            issued += 1
    return issued


def amend_task(*, by, task: Task, data: dict, reason: str) -> Task:
    """Change a task of an issued book; the change and its reason are recorded."""
    _require_province(by)
    if not reason.strip():
        raise ValidationError(_("A reason is required."))
    _check_task(data, task.book)
    with transaction.atomic():
        book = _locked(task.book)
        if book.status not in SCORABLE:
            raise ValidationError(_("Only an issued task book is amended."))
        task = Task.objects.select_for_update().get(pk=task.pk)
        changes = {}
        for name in TASK_FIELDS:
            new = data.get(name, getattr(task, name))
            if new != getattr(task, name):
                changes[name] = [_plain(getattr(task, name)), _plain(new)]
                setattr(task, name, new)
        if not changes:
            raise ValidationError(_("Nothing changed."))
        task.save()
        _event(
            book,
            by=by,
            action="amend",
            comment=f"{task.title}：{reason.strip()}",
            changes={str(task.pk): changes},
        )
    return task


def report_progress(
    *, by, task: Task, period: str, text: str, value: Decimal | None = None, upload=None
) -> Progress:
    if not permissions.can_report(by, task.book):
        raise PermissionDenied
    if not text.strip():
        raise ValidationError(_("Describe the progress."))
    name = check_upload(upload)[0] if upload is not None else ""
    with transaction.atomic():
        progress = Progress(task=task, period=period, text=text.strip(), value=value, by=by)
        if upload is not None:
            progress.original_name = name
            progress.file.save(name, upload, save=False)
        progress.save()
        _event(
            task.book,
            by=by,
            action="progress",
            comment=f"{task.title} · {progress.get_period_display()}",
        )
    return progress


# ---------------------------------------------------------------------------- assessment


def score_task(*, by, task: Task, awarded: Decimal | None = None, reason: str = "") -> Task:
    """Score one task: a measured task by its rule from the platform's current value, a reported
    task by the assessor's points (0 to the task's points) with a reason."""
    _require_province(by)
    with transaction.atomic():
        book = _locked(task.book)
        if book.status not in SCORABLE:
            raise ValidationError(
                _("Only an issued task book is scored; a published result is corrected.")
            )
        task = Task.objects.select_for_update().get(pk=task.pk)
        _award(task, book, awarded=awarded, reason=reason)
        task.scored_by, task.scored_at = by, timezone.now()
        task.save()
        _recompute(book)
        _event(
            book, by=by, action="score", comment=f"{task.title}：{task.awarded}（{task.reason}）"
        )
    return task


def _award(task: Task, book: TaskBook, *, awarded, reason: str) -> None:
    if task.method == Method.MEASURED:
        found = metrics.measure(book, task.metric)
        task.measured_value = found.value
        if found.value is None:
            # A share over nothing (no case to close, no result published): nothing was missed.
            task.awarded = task.points
            task.reason = _("nothing to measure in the year (%(basis)s): counted as met") % {
                "basis": found.basis
            }
            return
        task.awarded = scoring.measured_points(
            value=found.value,
            target=task.target_value,
            comparison=task.comparison,
            scoring=task.scoring,
            points=task.points,
        )
        shown = "—" if found.value is None else _plain(found.value)
        task.reason = _("measured %(value)s against %(op)s %(target)s") % {
            "value": shown,
            "op": task.comparison,
            "target": _plain(task.target_value),
        }
        return
    if awarded is None or not (Decimal("0") <= awarded <= task.points):
        raise ValidationError(
            _("Award between 0 and %(points)s points.") % {"points": _plain(task.points)}
        )
    if not reason.strip():
        raise ValidationError(_("A reason is required."))
    task.awarded, task.reason = awarded, reason.strip()


def score_measured(*, by, book: TaskBook) -> int:
    """Score every platform-measured task of a book from the current data."""
    tasks = list(book.tasks.filter(method=Method.MEASURED))
    for task in tasks:
        score_task(by=by, task=task)
    return len(tasks)


def add_adjustment(*, by, book: TaskBook, kind: str, points: Decimal, reason: str) -> Adjustment:
    _require_province(by)
    if not reason.strip():
        raise ValidationError(_("A reason is required."))
    if not (Decimal("0") < points <= Decimal("100")):
        raise ValidationError(_("Points are between 0 and 100."))
    with transaction.atomic():
        book = _locked(book)
        if book.status not in SCORABLE:
            raise ValidationError(
                _("Only an issued task book is scored; a published result is corrected.")
            )
        adjustment = Adjustment.objects.create(
            book=book, kind=kind, points=points, reason=reason.strip(), by=by
        )
        _recompute(book)
        _event(
            book,
            by=by,
            action="adjust",
            comment=f"{adjustment.get_kind_display()} {_plain(points)}：{reason.strip()}",
        )
    return adjustment


def correct_result(*, by, task: Task, awarded: Decimal, reason: str) -> Task:
    """Change the points of a task in a published result: a recorded amendment."""
    _require_province(by)
    if not reason.strip():
        raise ValidationError(_("A reason is required."))
    with transaction.atomic():
        book = _locked(task.book)
        if book.status != BookStatus.PUBLISHED:
            raise ValidationError(_("Only a published result is corrected."))
        task = Task.objects.select_for_update().get(pk=task.pk)
        if not (Decimal("0") <= awarded <= task.points):
            raise ValidationError(
                _("Award between 0 and %(points)s points.") % {"points": _plain(task.points)}
            )
        old_score = book.score
        changes = {"awarded": [_plain(task.awarded), _plain(awarded)]}
        task.awarded, task.reason = awarded, reason.strip()
        task.scored_by, task.scored_at = by, timezone.now()
        task.save()
        _recompute(book)
        changes["score"] = [_plain(old_score), _plain(book.score)]
        _event(
            book,
            by=by,
            action="correct",
            comment=f"{task.title}：{reason.strip()}",
            changes=changes,
        )
        _rerank(book.year)
        bump_showcase_version()
    return task


def _recompute(book: TaskBook) -> None:
    settings = book.assessment
    adjustments = list(book.adjustments.all())
    result = scoring.total(
        [t.awarded for t in book.tasks.all() if t.awarded is not None],
        [a.points for a in adjustments if a.kind == AdjustmentKind.DEDUCTION],
        [a.points for a in adjustments if a.kind == AdjustmentKind.BONUS],
        deduction_cap=settings.deduction_cap,
        bonus_cap=settings.bonus_cap,
    )
    book.task_points, book.deductions, book.bonus, book.score = result
    book.grade = scoring.grade(
        result.score,
        excellent=settings.excellent_from,
        good=settings.good_from,
        passing=settings.pass_from,
    )
    book.save(update_fields=["task_points", "deductions", "bonus", "score", "grade"])


def _rerank(year: int) -> None:
    """The ranking of the cities among the published results of the year."""
    books = list(
        TaskBook.objects.filter(year=year, kind=BookKind.CITY, status=BookStatus.PUBLISHED)
    )
    found = scoring.ranks({b.pk: b.score for b in books if b.score is not None})
    for book in books:
        book.rank = found.get(book.pk)
    TaskBook.objects.bulk_update(books, ["rank"])


def save_year_settings(*, by, assessment: AssessmentYear, data: dict) -> AssessmentYear:
    _require_province(by)
    if not (data["excellent_from"] > data["good_from"] > data["pass_from"] >= 0):
        raise ValidationError(_("The thresholds must run: excellent > good > pass ≥ 0."))
    with transaction.atomic():
        assessment = AssessmentYear.objects.select_for_update().get(pk=assessment.pk)
        if assessment.books.filter(status=BookStatus.PUBLISHED).exists() and any(
            data[name] != getattr(assessment, name)
            for name in ("excellent_from", "good_from", "pass_from", "deduction_cap", "bonus_cap")
        ):
            raise ValidationError(
                _("Results of %(year)d are published: its thresholds and caps are frozen.")
                % {"year": assessment.year}
            )
        for name, value in data.items():
            setattr(assessment, name, value)
        assessment.save()
        for book in assessment.books.filter(status__in=SCORABLE, score__isnull=False):
            _recompute(book)
        bump_showcase_version()
    return assessment
