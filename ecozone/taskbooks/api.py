from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from ecozone.accounts import permissions as scope
from ecozone.core.api import Id, Year, errors
from ecozone.taskbooks import permissions, queries
from ecozone.taskbooks.models import TaskBook
from ecozone.taskbooks.states import Method, Period

router = Router(tags=["annual assessment"])


class AssessmentOut(Schema):
    id: int
    kind: str
    code: str
    name: str
    year: int
    status: str
    score: str | None
    grade: str | None
    rank: int | None


class TaskOut(Schema):
    id: int
    category: str
    title: str
    method: str
    target: str
    value: str | None
    points: str
    awarded: str | None
    reason: str


class AssessmentDetailOut(AssessmentOut):
    tasks: list[TaskOut]


def _text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


def _summary(book: TaskBook) -> dict:
    return {
        "id": book.pk,
        "kind": book.kind,
        "code": book.region.code if book.region_id else book.organisation.code,
        "name": book.recipient_name,
        "year": book.year,
        "status": book.status,
        "score": _text(book.score),
        "grade": book.get_grade_display() if book.grade else None,
        "rank": book.rank if book.kind == "city" else None,
    }


def _value(row) -> Decimal | None:
    """A measured task's value (frozen when scored, else the platform's current one); a reported
    task's latest reported figure (the year-end report first)."""
    task = row.task
    if task.method == Method.MEASURED:
        if task.awarded is not None or row.live is None:
            return task.measured_value
        return row.live.value
    reports = sorted(row.progress, key=lambda p: (p.period == Period.YEAR_END, p.at), reverse=True)
    return next((p.value for p in reports if p.value is not None), None)


@router.get(
    "/assessments",
    response={200: list[AssessmentOut], **errors(401, 403, 422)},
    summary="Task books of a year in your scope, with their assessment result",
)
def list_assessments(request, year: Year):
    scope.require(permissions.can_list(request.auth))
    books = queries.books_for(request.auth).filter(year=year)
    return [AssessmentOut(**_summary(b)) for b in books.order_by("kind", "region__code", "pk")]


@router.get(
    "/assessments/{pk}",
    response={200: AssessmentDetailOut, **errors(401, 404, 422)},
    summary="One task book with its tasks: target, measured or reported value, points, reason",
)
def get_assessment(request, pk: Id):
    book = get_object_or_404(queries.books_for(request.auth), pk=pk)
    tasks = [
        TaskOut(
            id=row.task.pk,
            category=row.task.category,
            title=row.task.title,
            method=row.task.method,
            target=row.task.target_text,
            value=_text(_value(row)),
            points=_text(row.task.points),
            awarded=_text(row.task.awarded),
            reason=row.task.reason,
        )
        for row in queries.task_rows(book)
    ]
    return AssessmentDetailOut(**_summary(book), tasks=tasks)
