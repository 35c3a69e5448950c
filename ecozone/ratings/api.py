from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from ecozone.accounts import permissions as scope
from ecozone.core.api import Id, Number, ProblemOut, ShortStr, Year, errors
from ecozone.indicators.models import IndicatorSystem
from ecozone.indicators.states import EditionStatus
from ecozone.ratings import engine, queries
from ecozone.ratings.inputs import indicator_definitions
from ecozone.ratings.models import Reexamination, Scheme
from ecozone.ratings.serialization import build_input, card_to_json
from ecozone.ratings.states import SchemeStatus

router = Router(tags=["ratings"])


# ---------------------------------------------------------------------------- simulator request
# The shape of ratings.serialization.build_input (which checks what depends on the edition and
# the scheme: indicator codes, work items, ranges); numbers may be sent as strings.


class ReportedIn(Schema):
    model_config = ConfigDict(extra="forbid")

    value: Number | None = None
    task: bool | None = None
    yes: bool | None = None
    state: ShortStr | None = None


class SimulatedRegionIn(Schema):
    level: Literal["city", "county"]
    terrain: Literal["山区", "丘陵", "平原", ""] = ""
    coastal: bool = False
    mountain_county: bool = False


class SimulateIn(Schema):
    edition: ShortStr
    scheme: ShortStr = "default"
    region: SimulatedRegionIn
    period: Annotated[list[Year], Field(min_length=1, max_length=20)]
    values: dict[ShortStr, dict[Year, ReportedIn]] = {}
    work: dict[ShortStr, Annotated[list[Number], Field(max_length=100)]] = {}
    features: Annotated[list[Number], Field(max_length=100)] = []
    vetoes: Annotated[list[ShortStr], Field(max_length=100)] = []
    bars: Annotated[list[ShortStr], Field(max_length=100)] = []


# ---------------------------------------------------------------------------- score cards
# The shape of ratings.serialization.card_to_json; decimals are strings.


class RuleEffectOut(Schema):
    code: str
    effect: str
    reason: str


class YearScoreOut(Schema):
    verdict: str
    score: str
    reason: str


class IndicatorScoreOut(Schema):
    code: str
    name: str
    attribute: str
    kind: str
    applicable: bool
    score: str
    weight: str
    points: str
    years: dict[str, YearScoreOut]


class ScoreCardOut(Schema):
    total: str
    part_a: str
    part_b: str
    part_c: str
    stars: int
    rating: str
    stars_before_rules: int
    work: dict[str, str]
    rules: list[RuleEffectOut]
    indicators: list[IndicatorScoreOut]


class ResultOut(ScoreCardOut):
    campaign: str
    region: str


def _error(field: str, message: str):
    return Status(422, ProblemOut(detail=f"{field}: {message}", field=field))


@router.post(
    "/ratings/simulate",
    response={200: ScoreCardOut, **errors(401, 403, 422)},
    summary="Compute a score card from inline inputs (nothing is stored)",
)
def simulate(request, payload: SimulateIn):
    edition = IndicatorSystem.objects.filter(
        code=payload.edition, status=EditionStatus.PUBLISHED
    ).first()
    if edition is None:
        return _error("edition", _("not the code of a published catalogue edition"))
    scheme = Scheme.objects.filter(code=payload.scheme, status=SchemeStatus.PUBLISHED).first()
    if scheme is None:
        return _error("scheme", _("not a published scoring scheme version"))
    try:
        data = build_input(
            payload.model_dump(mode="json", exclude_none=True),
            indicator_definitions([edition.pk])[edition.pk],
            engine.SchemeSettings.from_dict(scheme.settings),
        )
        card = engine.compute(data)
    except engine.InputError as exc:
        return _error(exc.field, exc.message)
    return card_to_json(card)


class StepOut(Schema):
    code: str
    name: str
    points_lost: str
    target: str


class WarningOut(Schema):
    region_code: str
    region_name: str
    period: list[int]
    provisional_total: str
    provisional_stars: int
    rating: str
    rules: list[RuleEffectOut]
    costing_points: list[StepOut]
    next_stars: int | None
    points_needed: str
    to_reach_next: list[StepOut]
    must_meet: list[StepOut]
    recorded_items: list[str]


@router.get(
    "/ratings/early-warning",
    response={200: list[WarningOut], **errors(401, 403)},
    summary="Provisional ratings of the zones in your scope",
)
def early_warning(request):
    scope.require(scope.can_list_regions(request.auth))
    return [row.as_json() for row in queries.early_warning(request.auth)]


@router.get(
    "/ratings/results/{pk}",
    response={200: ResultOut, **errors(401, 403, 404, 422)},
    summary="A published score card",
)
def result(request, pk: Id):
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
