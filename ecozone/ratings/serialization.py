"""Rating inputs and score cards to and from JSON (no Django model imported).

The stored inputs of a result use the same shape as the simulator's request, plus the indicator
definitions and the scheme's settings, so that `verify_ratings` recomputes exactly what was
computed, and the simulator and the campaigns share one parser.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from django.utils.translation import gettext as _

from ecozone.indicators.rules import RegionFacts, Reported, RuleSyntaxError, fmt, parse_rule
from ecozone.ratings.engine import (
    IndicatorDef,
    InputError,
    RatingInput,
    SchemeSettings,
    ScoreCard,
)

TERRAINS = ("山区", "丘陵", "平原", "")


def decimal_of(value, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InputError(field, _("a number written as a string, e.g. “93.2”"))
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise InputError(field, _("“%(value)s” is not a number") % {"value": value}) from None
    if not number.is_finite():
        raise InputError(field, _("“%(value)s” is not a number") % {"value": value})
    return number


def _bool(value, field: str) -> bool | None:
    if value is None:
        return None
    if not isinstance(value, bool):
        raise InputError(field, _("true or false"))
    return value


def region_of(data) -> RegionFacts:
    if not isinstance(data, dict):
        raise InputError("region", _("an object with level, terrain and coastal"))
    level = data.get("level")
    if level not in ("city", "county"):
        raise InputError("region.level", _("city or county"))
    terrain = data.get("terrain", "")
    if terrain not in TERRAINS:
        raise InputError("region.terrain", _("山区, 丘陵 or 平原"))
    coastal = _bool(data.get("coastal", False), "region.coastal")
    mountain = _bool(data.get("mountain_county", False), "region.mountain_county")
    return RegionFacts(
        level=level, terrain=terrain, coastal=bool(coastal), mountain_county=bool(mountain)
    )


def values_of(data, known: set[str]) -> dict[str, dict[int, Reported]]:
    if not isinstance(data, dict):
        raise InputError("values", _("an object keyed by indicator code"))
    result: dict[str, dict[int, Reported]] = {}
    for code, years in data.items():
        if code not in known:
            raise InputError(f"values.{code}", _("unknown indicator code in this edition"))
        if not isinstance(years, dict):
            raise InputError(f"values.{code}", _("an object keyed by year"))
        result[code] = {}
        for year_text, value in years.items():
            field = f"values.{code}.{year_text}"
            if not str(year_text).isdigit():
                raise InputError(field, _("the year is a number such as 2023"))
            if not isinstance(value, dict):
                raise InputError(field, _("an object with value, task, yes or state"))
            unknown = set(value) - {"value", "task", "yes", "state"}
            if unknown:
                raise InputError(f"{field}.{sorted(unknown)[0]}", _("unknown field"))
            number = (
                decimal_of(value["value"], f"{field}.value")
                if value.get("value") is not None
                else None
            )
            state = value.get("state")
            if state is not None and not isinstance(state, str):
                raise InputError(f"{field}.state", _("a text"))
            result[code][int(year_text)] = Reported(
                number=number,
                task=_bool(value.get("task"), f"{field}.task"),
                yes=_bool(value.get("yes"), f"{field}.yes"),
                state=state or None,
            )
    return result


def period_of(data) -> tuple[int, ...]:
    if (
        not isinstance(data, list)
        or not data
        or not all(isinstance(y, int) and not isinstance(y, bool) for y in data)
    ):
        raise InputError("period", _("a list of years such as [2021, 2022, 2023]"))
    years = tuple(sorted(set(data)))
    if years != tuple(range(years[0], years[-1] + 1)):
        raise InputError("period", _("the years must follow each other"))
    return years


def numbers_of(data, field: str) -> tuple[Decimal, ...]:
    if not isinstance(data, list):
        raise InputError(field, _("a list of numbers"))
    return tuple(decimal_of(v, f"{field}[{i}]") for i, v in enumerate(data))


def codes_of(data, field: str) -> tuple[str, ...]:
    if not isinstance(data, list) or not all(isinstance(c, str) for c in data):
        raise InputError(field, _("a list of item codes"))
    return tuple(data)


def build_input(
    payload: dict, indicators: tuple[IndicatorDef, ...], scheme: SchemeSettings
) -> RatingInput:
    """A RatingInput from a simulator request (or stored inputs) and the edition's indicators."""
    if not isinstance(payload, dict):
        raise InputError("body", _("a JSON object"))
    by_code = {i.code: i for i in indicators}
    values = values_of(payload.get("values", {}), set(by_code))
    work_data = payload.get("work", {})
    if not isinstance(work_data, dict):
        raise InputError("work", _("an object keyed by sub-item code"))
    work = {code: numbers_of(scores, f"work.{code}") for code, scores in work_data.items()}
    return RatingInput(
        scheme=scheme,
        region=region_of(payload.get("region")),
        period=period_of(payload.get("period")),
        indicators=tuple(indicators),
        values=values,
        work=work,
        features=numbers_of(payload.get("features", []), "features"),
        vetoes=codes_of(payload.get("vetoes", []), "vetoes"),
        bars=codes_of(payload.get("bars", []), "bars"),
    )


def indicator_defs(rows: list[dict]) -> tuple[IndicatorDef, ...]:
    result = []
    for row in rows:
        try:
            rule = parse_rule(row["rule"])
        except RuleSyntaxError as exc:
            raise InputError(f"indicators.{row['code']}.rule", exc.message) from None
        result.append(
            IndicatorDef(
                row["code"],
                row["name"],
                row["attribute"],
                row["kind"],
                row["scope"],
                row["condition"],
                rule,
                _by_year(row),
            )
        )
    return tuple(result)


def _by_year(row: dict) -> tuple:
    """Rules of years reported on another edition ({"2022": rule text or null})."""
    found = []
    for year, text in sorted((row.get("by_year") or {}).items()):
        try:
            found.append((int(year), None if text is None else parse_rule(text)))
        except (ValueError, RuleSyntaxError):
            raise InputError(
                f"indicators.{row['code']}.by_year", _("a rule for each year")
            ) from None
    return tuple(found)


def _json_value(value: Reported) -> dict:
    out = {}
    if value.number is not None:
        out["value"] = fmt(value.number)
    if value.task is not None:
        out["task"] = value.task
    if value.yes is not None:
        out["yes"] = value.yes
    if value.state:
        out["state"] = value.state
    return out


def input_to_json(
    data: RatingInput, *, edition: str, scheme_code: str, scheme_settings: dict
) -> dict:
    return {
        "edition": edition,
        "scheme": scheme_code,
        "scheme_settings": scheme_settings,
        "region": {
            "level": data.region.level,
            "terrain": data.region.terrain,
            "coastal": data.region.coastal,
            "mountain_county": data.region.mountain_county,
        },
        "period": list(data.period),
        "indicators": [
            {
                "code": i.code,
                "name": i.name,
                "attribute": i.attribute,
                "kind": i.kind,
                "scope": i.scope,
                "condition": i.condition,
                "rule": str(i.rule),
                **({"by_year": {str(y): r and str(r) for y, r in i.by_year}} if i.by_year else {}),
            }
            for i in data.indicators
        ],
        "values": {
            i.code: {str(y): _json_value(v) for y, v in sorted(data.values[i.code].items())}
            for i in data.indicators
            if data.values.get(i.code)
        },
        "work": {code: [fmt(s) for s in scores] for code, scores in data.work.items()},
        "features": [fmt(f) for f in data.features],
        "vetoes": list(data.vetoes),
        "bars": list(data.bars),
    }


@lru_cache(maxsize=65536)
def q(value: Decimal, places: str) -> str:
    """Rounded half-up to `places`, written without trailing zeros ("1", "0.75", "62.43").
    Remembered: a campaign's cards repeat the same yearly scores thousands of times."""
    return fmt(value.quantize(Decimal(places), rounding=ROUND_HALF_UP))


def card_to_json(card: ScoreCard) -> dict:
    """The score card in the simulator's answer shape (decimals as strings)."""
    return {
        "total": str(card.total),
        "part_a": q(card.part_a, "0.01"),
        "part_b": q(card.part_b, "0.01"),
        "part_c": q(card.part_c, "0.01"),
        "stars": card.stars,
        "rating": card.rating,
        "stars_before_rules": card.stars_before_rules,
        "work": {code: q(score, "0.01") for code, score in card.work.items()},
        "rules": [{"code": r.code, "effect": r.effect, "reason": r.reason} for r in card.rules],
        "indicators": [
            {
                "code": i.code,
                "name": i.name,
                "attribute": i.attribute,
                "kind": i.kind,
                "applicable": i.applicable,
                "score": q(i.score, "0.0001"),
                "weight": q(i.weight, "0.0001"),
                "points": q(i.points, "0.01"),
                "years": {
                    str(year): {
                        "verdict": str(y.verdict),
                        "score": q(y.score, "0.0001"),
                        "reason": y.reason,
                    }
                    for year, y in i.years.items()
                },
            }
            for i in card.indicators
        ],
    }
