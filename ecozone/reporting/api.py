from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from ecozone.accounts import permissions as scope
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


@router.get("/reports", response=list[ReportOut], summary="Annual reports within your scope")
def list_reports(request, year: int | None = None, status: str = ""):
    scope.require(scope.can_list_regions(request.auth))
    reports = queries.reports_for(request.auth).order_by("-year", "region__code")
    if year:
        reports = reports.filter(year=year)
    if status:
        reports = reports.filter(status=status)
    return [ReportOut(**_summary(r)) for r in reports]


@router.get(
    "/reports/{pk}",
    response=ReportDetailOut,
    summary="One report with every applicable value and verdict",
)
def get_report(request, pk: int):
    return _detail(_report(request, pk))


class ValueIn(Schema):
    code: str
    number: str | None = None
    task: bool | None = None
    yes: bool | None = None
    state: str | None = None
    text: str | None = None
    explanation: str | None = None


class ValuesIn(Schema):
    version: int
    values: list[ValueIn]


class SaveOut(Schema):
    version: int
    changed: int
    errors: dict[str, dict[str, str]]


class ConflictChange(Schema):
    code: str
    by: str
    at: datetime
    changes: dict


class ConflictOut(Schema):
    detail: str
    version: int
    changes: list[ConflictChange]


def _bool(value: bool | None) -> str:
    return "" if value is None else ("是" if value else "否")


def _conflict(exc: services.StaleReport):
    changes = [
        ConflictChange(code=c.indicator_code, by=c.by_name, at=c.at, changes=c.changes)
        for c in exc.changes
    ]
    return Status(409, ConflictOut(detail=str(exc), version=exc.report.version, changes=changes))


@router.patch(
    "/reports/{pk}/values",
    response={200: SaveOut, 409: ConflictOut, 422: dict},
    summary="Write values (send the version you read; a stale one answers 409 with the changes)",
)
def write_values(request, pk: int, payload: ValuesIn):
    report = _report(request, pk)
    if not permissions.can_edit_values(request.auth, report):
        raise PermissionDenied
    rows = [
        services.RowInput(
            v.code,
            {
                "number": v.number or "",
                "task": _bool(v.task),
                "yes": _bool(v.yes),
                "state": v.state or "",
                "text": v.text or "",
            },
            v.explanation,
        )
        for v in payload.values
    ]
    try:
        result = services.save_values(
            report, by=request.auth, rows=rows, version=payload.version, channel=Channel.API
        )
    except services.StaleReport as exc:
        return _conflict(exc)
    report.refresh_from_db()
    if result.errors:
        # Valid rows are saved; the invalid ones are reported (and kept as unsaved input).
        return Status(
            422,
            {
                "detail": _("Some values are invalid and were not saved; the others were."),
                "errors": result.errors,
                "version": report.version,
            },
        )
    return SaveOut(version=report.version, changed=result.changed, errors={})


class TransitionIn(Schema):
    action: str
    version: int | None = None
    comment: str = ""
    returns: dict[str, str] = {}


@router.post(
    "/reports/{pk}/transitions",
    response={200: ReportOut, 409: ConflictOut, 422: dict},
    summary="Move a report along its workflow (submit, city_accept/return, province_accept/return)",
)
def transition(request, pk: int, payload: TransitionIn):
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


@router.get("/values/{pk}/history", response=list[ChangeOut], summary="Every change of one value")
def value_history(request, pk: int):
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
