from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from ecozone.accounts import permissions
from ecozone.applications import queries, services
from ecozone.core.api import CleanStr, Id, ShortStr, errors

router = Router(tags=["creation applications"])


class EventOut(Schema):
    at: datetime
    by: str | None
    action: str
    from_status: str
    to_status: str
    comment: str
    items: list


class ApplicationOut(Schema):
    id: int
    region_code: str
    region_name: str
    programme: str
    base_year: int
    status: str
    open_items: list
    allowed_actions: list[str]


class ApplicationDetailOut(ApplicationOut):
    compliance: dict
    history: list[EventOut]


def _out(application, user) -> dict:
    return {
        "id": application.pk,
        "region_code": application.region.code,
        "region_name": application.region.name,
        "programme": application.programme.code,
        "base_year": application.base_year,
        "status": application.status,
        "open_items": application.open_items,
        "allowed_actions": services.allowed_actions(user, application),
    }


def _get(request, pk: int):
    return permissions.get_in_scope_or_404(
        request.auth, queries.applications_for(request.auth), field="region", pk=pk
    )


@router.get(
    "/applications",
    response={200: list[ApplicationOut], **errors(401, 403, 422)},
    summary="Applications within your scope",
)
def list_applications(request, status: ShortStr = ""):
    permissions.require(permissions.can_list_regions(request.auth))
    apps = queries.applications_for(request.auth)
    if status:
        apps = apps.filter(status=status)
    return [_out(a, request.auth) for a in apps]


@router.get(
    "/applications/{pk}",
    response={200: ApplicationDetailOut, **errors(401, 404, 422)},
    summary="One application with its self-assessment and history",
)
def get_application(request, pk: Id):
    application = _get(request, pk)
    history = [
        EventOut(
            at=e.at,
            by=str(e.by) if e.by else None,
            action=e.action,
            from_status=e.from_status,
            to_status=e.to_status,
            comment=e.comment,
            items=e.items,
        )
        for e in application.events.select_related("by").order_by("pk")
    ]
    return {
        **_out(application, request.auth),
        "compliance": queries.assessment_data(application),
        "history": history,
    }


class TransitionIn(Schema):
    action: ShortStr
    comment: CleanStr = ""
    items: dict[ShortStr, CleanStr] = {}


@router.post(
    "/applications/{pk}/transitions",
    response={200: ApplicationOut, **errors(401, 403, 404, 422)},
    summary="Submit, pre-review, accept, return (items with reasons) or withdraw",
)
def move(request, pk: Id, payload: TransitionIn):
    application = _get(request, pk)
    try:
        if payload.action == "submit":
            application = services.submit_application(application, by=request.auth)
        elif payload.action in ("city_return", "province_return"):
            application = services.return_application(
                application, by=request.auth, reasons=payload.items, action=payload.action
            )
        elif payload.action in ("city_pass", "accept", "withdraw"):
            application = services.transition(
                application, action=payload.action, by=request.auth, comment=payload.comment
            )
        else:
            return Status(
                422, {"detail": _("Unknown action “%(action)s”.") % {"action": payload.action}}
            )
    except ValidationError as exc:
        return Status(422, {"detail": "；".join(exc.messages), "problems": exc.messages})
    return _out(application, request.auth)


class ReviewIn(Schema):
    opinions: dict[ShortStr, dict[ShortStr, CleanStr]] = {}
    conclusion: ShortStr = ""
    comment: CleanStr = ""
    submit: bool = False


class ReviewOut(Schema):
    round: int
    conclusion: str
    submitted: bool
    opinions: dict[str, dict[str, str]]


@router.post(
    "/applications/{pk}/review",
    response={200: ReviewOut, **errors(401, 403, 404, 422)},
    summary="An expert's own review of the current round (blind: others are never returned)",
)
def review(request, pk: Id, payload: ReviewIn):
    from ecozone.applications.models import Application

    application = Application.objects.filter(pk=pk).first()
    assignment = services.my_assignment(application, request.auth) if application else None
    if assignment is None:
        raise Http404
    opinions = {
        code: (o.get("opinion", ""), o.get("comment", "")) for code, o in payload.opinions.items()
    }
    try:
        services.save_review(
            assignment,
            by=request.auth,
            opinions=opinions,
            conclusion=payload.conclusion,
            comment=payload.comment,
            submit=payload.submit,
        )
    except ValidationError as exc:
        return Status(422, {"detail": "；".join(exc.messages)})
    except PermissionDenied:
        raise
    return ReviewOut(
        round=assignment.round.number,
        conclusion=assignment.conclusion,
        submitted=assignment.submitted_at is not None,
        opinions={
            o.indicator_code: {"opinion": o.opinion, "comment": o.comment}
            for o in assignment.opinions.all()
        },
    )
