from datetime import date
from decimal import Decimal
from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from ecozone.accounts import permissions
from ecozone.core.api import CleanStr, Number, ProblemOut, ShortStr, errors
from ecozone.indicators.models import IndicatorSystem
from ecozone.indicators.queries import editions
from ecozone.indicators.rules import RegionFacts, Reported, RuleSyntaxError, evaluate, parse_rule

router = Router(tags=["indicators"])


class EditionOut(Schema):
    code: str
    title: str
    issuer: str
    document_number: str
    effective_date: date | None
    status: str
    is_default: bool


class IndicatorOut(Schema):
    code: str
    number: str
    domain: str
    task: str
    name: str
    unit: str
    attribute: str
    kind: str
    scope: str
    condition: str
    value_type: str
    target_text: str
    rule: str
    data_source: str
    verified: str
    yoy_band: Decimal


class EditionDetailOut(EditionOut):
    indicators: list[IndicatorOut]


@router.get(
    "/indicator-systems",
    response={200: list[EditionOut], **errors(401, 403)},
    summary="Catalogue editions",
)
def list_editions(request):
    permissions.require(permissions.can_view_catalogues(request.auth))
    return list(editions())


@router.get(
    "/indicator-systems/{code}",
    response={200: EditionDetailOut, **errors(401, 403, 404, 422)},
    summary="One edition with its indicators",
)
def get_edition(request, code: ShortStr):
    permissions.require(permissions.can_view_catalogues(request.auth))
    system = get_object_or_404(IndicatorSystem, code=code)
    system.indicators_list = list(system.indicators.all())
    return EditionDetailOut(
        **{f: getattr(system, f) for f in EditionOut.model_fields},
        indicators=[
            IndicatorOut.model_validate(i, from_attributes=True) for i in system.indicators_list
        ],
    )


class ValueIn(Schema):
    value: Number | None = None
    task: bool | None = None
    yes: bool | None = None
    state: ShortStr | None = None


class RegionIn(Schema):
    level: Literal["city", "county", "province"] = "county"
    terrain: Literal["山区", "丘陵", "平原", ""] = ""
    coastal: bool = False
    mountain_county: bool = False


class EvaluateIn(Schema):
    rule: CleanStr  # parse_rule refuses rules too long or too deeply nested, saying so
    value: ValueIn | None = None
    previous: ValueIn | None = None
    region: RegionIn = RegionIn()


class EvaluateOut(Schema):
    rule: str
    verdict: str
    reason: str


def _reported(value: ValueIn | None) -> Reported | None:
    if value is None:
        return None
    return Reported(number=value.value, task=value.task, yes=value.yes, state=value.state)


@router.post(
    "/rules/evaluate",
    response={200: EvaluateOut, **errors(401, 403, 422)},
    summary="Judge a value against a target rule (nothing is stored)",
)
def evaluate_rule(request, payload: EvaluateIn):
    try:
        rule = parse_rule(payload.rule)
    except RuleSyntaxError as exc:
        return Status(422, ProblemOut(detail=exc.message, field="rule"))
    region = RegionFacts(**payload.region.dict())
    result = evaluate(rule, _reported(payload.value), _reported(payload.previous), region)
    return EvaluateOut(rule=str(rule), verdict=result.verdict.value, reason=result.reason)
