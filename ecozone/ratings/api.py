import datetime
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
from ecozone.ratings import engine, queries, scheme_queries, schemes, warning
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
    period: list[int]  # the next campaign's period
    provisional_total: str | None  # None: nothing to judge yet (see note)
    provisional_stars: int | None
    rating: str | None
    rules: list[RuleEffectOut]
    costing_points: list[StepOut]
    next_stars: int | None
    points_needed: str | None
    to_reach_next: list[StepOut]
    must_meet: list[StepOut]
    recorded_items: list[str]
    judged_years: list[int]  # the period's years accepted for the zone: the only ones judged
    unfiled_years: list[int]  # the period's other years: not yet filed, never judged
    note: str
    scheme: str
    scheme_title: str
    computed_at: datetime.datetime
    stale: bool  # the data changed since; a refresh is under way


@router.get(
    "/ratings/early-warning",
    response={200: list[WarningOut], **errors(401, 403)},
    summary="Provisional ratings of the zones in your scope (stored, refreshed in the background)",
)
def early_warning(request):
    scope.require(scope.can_list_regions(request.auth))
    state = warning.warning_state(request.auth)
    return [warning.result_json(row, stale=state.stale) for row in state.rows]


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


# ---------------------------------------------------------------------------- scheme versions
# Published versions are readable by every signed-in user (the simulator names them); drafts by
# the province office and the departments only. Decimals are strings.


class SchemeOut(Schema):
    code: str
    title: str
    status: str
    base: str | None
    published_at: datetime.datetime | None


class SchemeWorkItemOut(Schema):
    code: str
    name: str
    max: str


class SchemeItemOut(Schema):
    code: str
    name: str


class SchemeSettingsOut(Schema):
    period_years: int
    part_a_max: str
    binding_share: str
    reference_share: str
    tolerance: str
    partial_credit_cap: str
    weights: dict[str, str]
    work_items: list[SchemeWorkItemOut]
    score_step: str
    trim_from: int
    experts_required: int
    provisional_part_b_share: str
    feature_min: str
    feature_max: str
    feature_cap: str
    thresholds: dict[str, str]
    cap_stars: int
    veto_items: list[SchemeItemOut]
    bar_items: list[SchemeItemOut]
    revoke_after_failures: int
    bar_after_failures: int
    bar_on_latest_year: bool
    due_after_years: int
    interview_due_days: int
    reapply_bar_years: int
    withdraw_days: int
    incentive_min_stars: int
    incentives: dict[str, list[str]]


class SchemeDetailOut(SchemeOut):
    note: str
    settings: SchemeSettingsOut


def _visible_schemes(user):
    found = Scheme.objects.select_related("base").order_by("code")
    if not scheme_queries.can_read_schemes(user):
        found = found.filter(status=SchemeStatus.PUBLISHED)
    return found


def _scheme_json(scheme: Scheme) -> dict:
    return {
        "code": scheme.code,
        "title": scheme.title,
        "status": scheme.status,
        "base": scheme.base.code if scheme.base_id else None,
        "published_at": scheme.published_at,
    }


def _settings_json(stored: dict) -> dict:
    data = schemes.complete(stored)
    out = {key: data[key] for key in SchemeSettingsOut.model_fields}
    for key in schemes.NUMBER_KEYS:
        out[key] = str(data[key])
    out["work_items"] = [{**w, "max": str(w["max"])} for w in data["work_items"]]
    out["thresholds"] = {k: str(v) for k, v in data["thresholds"].items()}
    out["weights"] = {k: str(v) for k, v in data["weights"].items()}
    return out


@router.get(
    "/schemes",
    response={200: list[SchemeOut], **errors(401)},
    summary="Scoring-scheme versions (drafts for the province and the departments)",
)
def scheme_list(request):
    return [_scheme_json(s) for s in _visible_schemes(request.auth)]


@router.get(
    "/schemes/{code}",
    response={200: SchemeDetailOut, **errors(401, 404, 422)},
    summary="A scoring-scheme version with its settings",
)
def scheme_detail(request, code: ShortStr):
    scheme = _visible_schemes(request.auth).filter(code=code).first()
    if scheme is None:
        raise Http404
    return {
        **_scheme_json(scheme),
        "note": scheme.note,
        "settings": _settings_json(scheme.settings),
    }
