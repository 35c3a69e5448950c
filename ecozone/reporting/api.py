from datetime import datetime
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from pydantic import Field

from ecozone.accounts import permissions as scope
from ecozone.core.api import CleanStr, Id, ProblemOut, ShortStr, Year, errors
from ecozone.reporting import permissions, queries, services
from ecozone.reporting.models import ReportValue
from ecozone.reporting.states import Action, Channel

router = Router(tags=["annual reporting"])


class ValueOut(Schema):
    id: int | None
    code: str
    name: str
    number: Decimal | None
    task: bool | None
    yes: bool | None
    state: str
    explanation: str
    flags: list[str]
    returned: bool
    verdict: str | None
    reason: str | None


class ReportOut(Schema):
    id: int
    region_code: str
    region_name: str
    year: int
    edition: str
    status: str
    version: int


class ReportDetailOut(ReportOut):
    values: list[ValueOut]


def _summary(report) -> dict:
    return {
        "id": report.pk,
        "region_code": report.region.code,
        "region_name": report.region.name,
        "year": report.year,
        "edition": report.system.code,
        "status": report.status,
        "version": report.version,
    }


def _detail(report) -> ReportDetailOut:
    values = []
    for row in queries.form_rows(report):
        v = row.value
        values.append(
            ValueOut(
                id=v.pk if v else None,
                code=row.indicator.code,
                name=row.indicator.name,
                number=v.number if v else None,
                task=v.task if v else None,
                yes=v.yes if v else None,
                state=v.state if v else "",
                explanation=v.explanation if v else "",
                flags=v.flags if v else [],
                returned=v.returned if v else False,
                verdict=row.evaluation.verdict.value if row.evaluation else None,
                reason=row.evaluation.reason if row.evaluation else None,
            )
        )
    return ReportDetailOut(**_summary(report), values=values)


def _report(request, pk: int):
    return scope.get_in_scope_or_404(
        request.auth, queries.reports_for(request.auth), field="region", pk=pk
    )


@router.get(
    "/reports",
    response={200: list[ReportOut], **errors(401, 403, 422)},
    summary="Annual reports within your scope",
)
def list_reports(request, year: Year | None = None, status: ShortStr = ""):
    scope.require(scope.can_list_regions(request.auth))
    reports = queries.reports_for(request.auth).order_by("-year", "region__code")
    if year:
        reports = reports.filter(year=year)
    if status:
        reports = reports.filter(status=status)
    return [ReportOut(**_summary(r)) for r in reports]


@router.get(
    "/reports/{pk}",
    response={200: ReportDetailOut, **errors(401, 404, 422)},
    summary="One report with every applicable value and verdict",
)
def get_report(request, pk: Id):
    return _detail(_report(request, pk))


class ValueIn(Schema):
    """One row. Only the fields sent change; an explicit null clears a field."""

    code: ShortStr
    number: ShortStr | None = None
    task: bool | None = None
    yes: bool | None = None
    state: ShortStr | None = None
    text: CleanStr | None = None
    explanation: CleanStr | None = None
    reason: CleanStr = ""


class ValuesIn(Schema):
    version: Annotated[int, Field(ge=0, le=2**31 - 1)]
    values: Annotated[list[ValueIn], Field(max_length=1000)]
    reason: CleanStr = ""


class SaveOut(Schema):
    version: int
    changed: int
    errors: dict[str, dict[str, str]]


class InvalidOut(Schema):
    detail: str
    errors: dict[str, dict[str, str]]
    version: int


class ConflictChange(Schema):
    code: str
    by: str
    at: datetime
    changes: dict


class ConflictOut(Schema):
    detail: str
    version: int
    changes: list[ConflictChange]


def _text(value: bool | str | None) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    return value or ""


def _row(value: ValueIn) -> services.RowInput:
    sent = value.model_fields_set
    raw = {
        name: _text(getattr(value, name))
        for name in ("number", "task", "yes", "state", "text")
        if name in sent
    }
    explanation = (value.explanation or "") if "explanation" in sent else None
    return services.RowInput(
        value.code, raw, explanation, partial=True, reason=value.reason.strip()
    )


def _conflict(exc: services.StaleReport):
    changes = [
        ConflictChange(code=c.indicator_code, by=c.by_name, at=c.at, changes=c.changes)
        for c in exc.changes
    ]
    return Status(409, ConflictOut(detail=str(exc), version=exc.report.version, changes=changes))


@router.patch(
    "/reports/{pk}/values",
    response={
        200: SaveOut,
        409: ConflictOut,
        422: InvalidOut | ProblemOut,
        **errors(401, 403, 404),
    },
    summary="Write values: only the fields sent change (null clears one); one invalid row saves "
    "nothing (422 lists every error); send the version you read (a stale one answers 409)",
)
def write_values(request, pk: Id, payload: ValuesIn):
    report = _report(request, pk)
    if not permissions.can_edit_values(request.auth, report):
        raise PermissionDenied
    try:
        result = services.save_values(
            report,
            by=request.auth,
            rows=[_row(v) for v in payload.values],
            version=payload.version,
            channel=Channel.API,
            reason=payload.reason.strip(),
            all_or_nothing=True,
        )
    except services.StaleReport as exc:
        return _conflict(exc)
    except services.InvalidValues as exc:
        report.refresh_from_db()
        return Status(
            422, InvalidOut(detail=str(exc.message), errors=exc.errors, version=report.version)
        )
    report.refresh_from_db()
    return SaveOut(version=report.version, changed=result.changed, errors={})


class TransitionIn(Schema):
    action: ShortStr
    version: Annotated[int, Field(ge=0, le=2**31 - 1)] | None = None
    comment: CleanStr = ""
    returns: dict[ShortStr, CleanStr] = {}


@router.post(
    "/reports/{pk}/transitions",
    response={200: ReportOut, 409: ConflictOut, **errors(401, 403, 404, 422)},
    summary="Move a report along its workflow (submit, city_accept/return, province_accept/return)",
)
def transition(request, pk: Id, payload: TransitionIn):
    report = _report(request, pk)
    if payload.action not in permissions.allowed_actions(request.auth, report):
        raise PermissionDenied
    try:
        if payload.action == Action.SUBMIT:
            report = services.submit_report(report, by=request.auth, version=payload.version)
        elif payload.action == Action.CITY_ACCEPT:
            report = services.city_accept_report(report, by=request.auth, comment=payload.comment)
        elif payload.action == Action.PROVINCE_ACCEPT:
            report = services.province_accept_report(
                report, by=request.auth, comment=payload.comment
            )
        elif payload.action == Action.CITY_RETURN:
            report = services.city_return_report(report, by=request.auth, reasons=payload.returns)
        else:
            report = services.province_return_report(
                report, by=request.auth, reasons=payload.returns
            )
    except services.StaleReport as exc:
        return _conflict(exc)
    except ValidationError as exc:
        return Status(422, {"detail": "；".join(exc.messages), "problems": exc.messages})
    return ReportOut(**_summary(report))


class ChangeOut(Schema):
    at: datetime
    by: str
    channel: str
    changes: dict
    reason: str
    hash: str


@router.get(
    "/values/{pk}/history",
    response={200: list[ChangeOut], **errors(401, 404, 422)},
    summary="Every change of one value",
)
def value_history(request, pk: Id):
    value = get_object_or_404(ReportValue.objects.select_related("report__region"), pk=pk)
    if not permissions.can_view_report(request.auth, value.report):
        raise Http404
    return [
        ChangeOut(
            at=c.at,
            by=c.by_name,
            channel=c.channel,
            changes=c.changes,
            reason=c.reason,
            hash=c.hash,
        )
        for c in value.changes.order_by("pk")
    ]
