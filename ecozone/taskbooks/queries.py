"""Reads of task books, shared by the pages, the API, exports and the showcase."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from ecozone.accounts.models import Role
from ecozone.accounts.permissions import home_region, is_province_admin, role_of
from ecozone.taskbooks import metrics
from ecozone.taskbooks.models import AssessmentYear, Progress, Task, TaskBook
from ecozone.taskbooks.states import BookKind, BookStatus, Method


def books_for(user):
    """The books a user may see: all for the province, its own issued book for a recipient."""
    books = TaskBook.objects.select_related("region", "organisation", "assessment")
    if is_province_admin(user):
        return books
    visible = books.exclude(status=BookStatus.DRAFT)
    role = role_of(user)
    if role == Role.CITY and home_region(user) is not None:
        return visible.filter(kind=BookKind.CITY, region=home_region(user))
    if role == Role.DEPARTMENT and user.organisation_id:
        return visible.filter(kind=BookKind.DEPARTMENT, organisation_id=user.organisation_id)
    return books.none()


def years() -> list[int]:
    return list(AssessmentYear.objects.order_by("-year").values_list("year", flat=True))


@dataclass
class TaskRow:
    task: Task
    live: metrics.Measurement | None  # the platform's current value of a measured task
    progress: list[Progress]


def task_rows(book: TaskBook, *, live: bool = True) -> list[TaskRow]:
    """Every task with its progress reports and, for a measured task not yet frozen by
    publication, the platform's current value and the rows behind it."""
    tasks = book.tasks.prefetch_related(
        Prefetch("progress", queryset=Progress.objects.select_related("by").order_by("-at"))
    )
    rows = []
    for task in tasks:
        measured = None
        if live and task.method == Method.MEASURED and book.status != BookStatus.PUBLISHED:
            measured = metrics.measure(book, task.metric)
        rows.append(TaskRow(task, measured, list(task.progress.all())))
    return rows


def ranking(year: int, *, public: bool = False) -> list[TaskBook]:
    """The cities' published results of a year, best first (on the public page only when the
    province chose to show it)."""
    if public and not AssessmentYear.objects.filter(year=year, ranking_public=True).exists():
        return []
    return list(
        TaskBook.objects.filter(
            year=year, kind=BookKind.CITY, status=BookStatus.PUBLISHED, score__isnull=False
        )
        .select_related("region")
        .order_by("rank", "region__code")
    )


def latest_public_ranking() -> tuple[int | None, list[TaskBook]]:
    year = (
        AssessmentYear.objects.filter(ranking_public=True, books__status=BookStatus.PUBLISHED)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    return (year, ranking(year, public=True)) if year else (None, [])
