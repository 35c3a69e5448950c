from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Body, Router, Status

from ecozone.accounts import permissions as scope
from ecozone.indicators.models import IndicatorSystem
from ecozone.indicators.states import EditionStatus
from ecozone.ratings import engine, queries
from ecozone.ratings.inputs import indicator_definitions
from ecozone.ratings.models import Reexamination, Scheme
from ecozone.ratings.serialization import build_input, card_to_json
from ecozone.ratings.states import SchemeStatus

router = Router(tags=["ratings"])


def _error(field: str, message: str):
    return Status(422, {"detail": f"{field}: {message}", "field": field})


@router.post(
    "/ratings/simulate",
    response={200: dict, 422: dict},
    summary="Compute a score card from inline inputs (nothing is stored)",
)
def simulate(request, payload: dict = Body(...)):  # noqa: B008 - ninja's way to take a raw JSON body
    edition = IndicatorSystem.objects.filter(
        code=payload.get("edition"), status=EditionStatus.PUBLISHED
    ).first()
    if edition is None:
        return _error("edition", _("not the code of a published catalogue edition"))
    scheme = Scheme.objects.filter(
        code=payload.get("scheme", "default"), status=SchemeStatus.PUBLISHED
    ).first()
    if scheme is None:
        return _error("scheme", _("not a published scoring scheme version"))
    try:
        data = build_input(
            payload,
            indicator_definitions([edition.pk])[edition.pk],
            engine.SchemeSettings.from_dict(scheme.settings),
        )
        card = engine.compute(data)
    except engine.InputError as exc:
        return _error(exc.field, exc.message)
    return card_to_json(card)


@router.get(
    "/ratings/early-warning",
    response=list[dict],
    summary="Provisional ratings of the zones in your scope",
)
def early_warning(request):
    scope.require(scope.can_list_regions(request.auth))
    return [row.as_json() for row in queries.early_warning(request.auth)]


@router.get("/ratings/results/{pk}", response=dict, summary="A published score card")
def result(request, pk: int):
    zone = (
        Reexamination.objects.select_related("designation__region", "campaign")
        .filter(pk=pk)
        .first()
    )
    if zone is None or not queries.can_view_result(request.auth, zone):
        raise Http404
    if not zone.card:
        raise PermissionDenied
    return {"campaign": zone.campaign.title, "region": zone.designation.region.name, **zone.card}
