"""Scoring-scheme versions as people read and edit them (no Django model imported).

Every setting has a label, a help text and a unit shared by the version page and the edit form;
`complete` fills a stored scheme's optional settings with their defaults; `validate_settings`
checks the shape of a (possibly hostile) settings object before `SchemeSettings.from_dict`
checks its values; `describe` and `diff` write the settings out in words.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecozone.core.text import text_problem
from ecozone.indicators.rules import fmt
from ecozone.ratings.default_scheme import DEFAULT_SCHEME
from ecozone.ratings.engine import SEED_INCENTIVES, SchemeError, SchemeSettings

STAR_CLASSES = ("5", "4", "3")
# Star classes a cap or the incentives may start from.
STAR_CHOICES = (5, 4, 3)

# What a stored scheme may leave out, and what it means then (SchemeSettings.from_dict).
OPTIONAL_DEFAULTS: dict[str, object] = {
    "provisional_part_b_share": "0.8",
    "experts_required": 3,
    "withdraw_days": 30,
    "partial_credit_cap": "0.99",
    "weights": {},
}

# Bounds of what a scheme may hold, so that a file cannot fill the database or the page.
MAX_ITEMS = 30  # work, veto and bar items
MAX_WEIGHTS = 500
MAX_MEASURES = 20  # per star class
MAX_NUMBER_TEXT = 30
CODE_RE = re.compile(r"^[A-Za-z0-9_\-\u4e00-\u9fff]{1,40}$")  # items and indicators
# A version's code is part of its address (/ratings/schemes/<code>/).
SCHEME_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,29}$")


@dataclass(frozen=True)
class Setting:
    key: str
    label: str
    help: str
    unit: str  # how the value is written out: see `_value_text`
    section: str


SECTIONS = (
    ("part_a", gettext_lazy("Part A — construction indicators")),
    ("part_b", gettext_lazy("Part B — work effectiveness")),
    ("part_c", gettext_lazy("Part C — feature points")),
    ("stars", gettext_lazy("Star classes and rules")),
    ("campaign", gettext_lazy("Campaign settings")),
    ("incentives", gettext_lazy("Incentives")),
)


def _s(key, label, help_text, unit, section) -> Setting:
    return Setting(key, label, help_text, unit, section)


SETTINGS: tuple[Setting, ...] = (
    _s(
        "period_years",
        gettext_lazy("Period"),
        gettext_lazy("The last this many complete reporting years are judged."),
        "years",
        "part_a",
    ),
    _s(
        "part_a_max",
        gettext_lazy("Points of Part A"),
        gettext_lazy("Full marks of the construction indicators."),
        "points",
        "part_a",
    ),
    _s(
        "binding_share",
        gettext_lazy("Share of binding indicators"),
        gettext_lazy("Part of Part A for binding indicators; with the reference share, 100 %."),
        "share",
        "part_a",
    ),
    _s(
        "reference_share",
        gettext_lazy("Share of reference indicators"),
        gettext_lazy("Part of Part A for reference indicators."),
        "share",
        "part_a",
    ),
    _s(
        "tolerance",
        gettext_lazy("Tolerance of a missed numeric target"),
        gettext_lazy(
            "A missed year earns 1 − shortfall ÷ (tolerance × target), never below 0; "
            "as a share of the target."
        ),
        "share",
        "part_a",
    ),
    _s(
        "partial_credit_cap",
        gettext_lazy("Most credit for a missed year"),
        gettext_lazy("A year whose target was missed earns at most this share of a met year."),
        "share",
        "part_a",
    ),
    _s(
        "weights",
        gettext_lazy("Own weights of indicators"),
        gettext_lazy("Indicators not listed weigh 1 within their class (binding or reference)."),
        "weights",
        "part_a",
    ),
    _s(
        "work_items",
        gettext_lazy("Sub-items of Part B"),
        gettext_lazy("Each assigned expert scores every sub-item from 0 to its full marks."),
        "work_items",
        "part_b",
    ),
    _s(
        "score_step",
        gettext_lazy("Step of expert scores"),
        gettext_lazy("Experts score in steps of this many points."),
        "points",
        "part_b",
    ),
    _s(
        "trim_from",
        gettext_lazy("Dropping the highest and lowest score"),
        gettext_lazy(
            "With this many expert scores or more, the highest and the lowest are dropped."
        ),
        "scores",
        "part_b",
    ),
    _s(
        "experts_required",
        gettext_lazy("Expert assessments required"),
        gettext_lazy("Submitted expert assessments a zone's Part B needs."),
        "experts",
        "part_b",
    ),
    _s(
        "provisional_part_b_share",
        gettext_lazy("Part B assumed by the early warning"),
        gettext_lazy("Before experts have scored, the early warning counts this share of Part B."),
        "share",
        "part_b",
    ),
    _s(
        "feature_min",
        gettext_lazy("Smallest feature item"),
        gettext_lazy("Points an approved feature item is worth at least."),
        "points",
        "part_c",
    ),
    _s(
        "feature_max",
        gettext_lazy("Largest feature item"),
        gettext_lazy("Points an approved feature item is worth at most."),
        "points",
        "part_c",
    ),
    _s(
        "feature_cap",
        gettext_lazy("Most feature points in total"),
        gettext_lazy("Part C never counts more than this."),
        "points",
        "part_c",
    ),
    _s(
        "thresholds",
        gettext_lazy("Minimum totals of the star classes"),
        gettext_lazy("Below the lowest class the rating is revoked (取消评星)."),
        "thresholds",
        "stars",
    ),
    _s(
        "veto_items",
        gettext_lazy("Veto items"),
        gettext_lazy("Any one revokes the rating whatever the total."),
        "items",
        "stars",
    ),
    _s(
        "bar_items",
        gettext_lazy("Bar-excellence items"),
        gettext_lazy("Any one caps the rating at the class below."),
        "items",
        "stars",
    ),
    _s(
        "cap_stars",
        gettext_lazy("Cap of a bar-excellence rule"),
        gettext_lazy("A bar-excellence item or rule caps the rating at this class."),
        "stars",
        "stars",
    ),
    _s(
        "revoke_after_failures",
        gettext_lazy("Revoked after consecutive misses"),
        gettext_lazy("A binding indicator not met this many years in a row revokes the rating."),
        "years",
        "stars",
    ),
    _s(
        "bar_after_failures",
        gettext_lazy("Capped after consecutive misses"),
        gettext_lazy("A binding indicator not met this many years in a row caps the rating."),
        "years",
        "stars",
    ),
    _s(
        "bar_on_latest_year",
        gettext_lazy("Capped when missed in the latest year"),
        gettext_lazy("A binding indicator not met in the latest year of the period caps it."),
        "yesno",
        "stars",
    ),
    _s(
        "due_after_years",
        gettext_lazy("Due for re-examination after"),
        gettext_lazy("Years after the naming or the last re-examination."),
        "years",
        "campaign",
    ),
    _s(
        "interview_due_days",
        gettext_lazy("Interview due within"),
        gettext_lazy("Days from a revoked rating to the interview (约谈)."),
        "days",
        "campaign",
    ),
    _s(
        "reapply_bar_years",
        gettext_lazy("No new application after delisting for"),
        gettext_lazy("Years a delisted region may not apply again."),
        "years",
        "campaign",
    ),
    _s(
        "withdraw_days",
        gettext_lazy("Withdrawal possible within"),
        gettext_lazy("Days after publication in which the province may withdraw a campaign."),
        "days",
        "campaign",
    ),
    _s(
        "incentive_min_stars",
        gettext_lazy("Incentives from"),
        gettext_lazy("The lowest star class eligible for incentives."),
        "min_stars",
        "incentives",
    ),
    _s(
        "incentives",
        gettext_lazy("Incentive measures"),
        gettext_lazy("The measures each star class is entitled to, one per line."),
        "incentives",
        "incentives",
    ),
)
BY_KEY = {s.key: s for s in SETTINGS}

# Every setting a scheme may hold: the engine's, the seed's and ours.
KNOWN_KEYS = frozenset({f.name for f in fields(SchemeSettings)} | set(DEFAULT_SCHEME) | set(BY_KEY))
INTEGER_KEYS = {
    s.key
    for s in SETTINGS
    if s.unit in ("years", "days", "scores", "experts", "stars", "min_stars")
}
NUMBER_KEYS = {s.key for s in SETTINGS if s.unit in ("points", "share")}


def stars_text(stars: int | str) -> str:
    return "★" * int(stars)


def threshold_label(stars: str) -> str:
    return _("Minimum total for %(stars)s") % {"stars": stars_text(stars)}


def incentives_label(stars: str) -> str:
    return _("Incentive measures for %(stars)s") % {"stars": stars_text(stars)}


def label_of(field: str) -> str:
    """The words for a setting named as SchemeError names it ("thresholds.4", "weights.N19-03",
    "work_items.推进力度.max")."""
    head, _dot, rest = field.partition(".")
    if head == "thresholds" and rest in STAR_CLASSES:
        return threshold_label(rest)
    if head == "incentives" and rest in STAR_CLASSES:
        return incentives_label(rest)
    if head == "weights" and rest:
        return _("Weight of %(indicator)s") % {"indicator": rest}
    if head == "work_items" and rest:
        return _("Sub-item %(code)s of Part B") % {"code": rest.rsplit(".", 1)[0]}
    setting = BY_KEY.get(head)
    return str(setting.label) if setting else field


# ---------------------------------------------------------------------------- completing


def seed_incentives(min_stars: int) -> dict[str, list[str]]:
    return {s: list(SEED_INCENTIVES) if int(s) >= min_stars else [] for s in STAR_CLASSES}


def complete(settings: dict) -> dict:
    """A copy of stored settings with every optional setting present (its default when left out)."""
    result = copy.deepcopy(settings)
    for key, default in OPTIONAL_DEFAULTS.items():
        result.setdefault(key, copy.deepcopy(default))
    if "incentives" not in result:
        result["incentives"] = seed_incentives(int(result["incentive_min_stars"]))
    result["incentives"] = {s: list(result["incentives"].get(s, [])) for s in STAR_CLASSES}
    return result


# ---------------------------------------------------------------------------- validation


def _text(field: str, value, *, limit: int, required: bool = True) -> None:
    if not isinstance(value, str):
        raise SchemeError(field, _("a text is required"))
    if required and not value.strip():
        raise SchemeError(field, _("must not be empty"))
    if len(value) > limit:
        raise SchemeError(field, _("at most %(n)d characters") % {"n": limit})
    if problem := text_problem(value):
        raise SchemeError(field, problem)


def _number(field: str, value, low: Decimal | None = None, high: Decimal | None = None) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise SchemeError(field, _("a number written as text, e.g. “0.5”"))
    if len(str(value)) > MAX_NUMBER_TEXT:
        raise SchemeError(field, _("not a number"))
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise SchemeError(field, _("not a number")) from None
    if (
        not number.is_finite()
        or (low is not None and number < low)
        or (high is not None and number > high)
    ):
        raise SchemeError(field, _("out of range"))
    return number


def _items(key: str, value, names: tuple[str, ...], *, limit_name: int) -> None:
    if not isinstance(value, list):
        raise SchemeError(key, _("a list of items is required"))
    if len(value) > MAX_ITEMS:
        raise SchemeError(key, _("at most %(n)d items") % {"n": MAX_ITEMS})
    codes = []
    for index, item in enumerate(value):
        where = f"{key}.{index + 1}"
        if not isinstance(item, dict) or set(item) != set(names):
            raise SchemeError(
                where, _("each item has exactly %(names)s") % {"names": "、".join(names)}
            )
        code = item["code"]
        _text(f"{where}.code", code, limit=40)
        if not CODE_RE.fullmatch(code):
            raise SchemeError(
                f"{where}.code", _("a code of letters, digits, “_” and “-”, without spaces")
            )
        _text(f"{where}.name", item["name"], limit=limit_name)
        if "max" in item:
            _number(f"{key}.{code}.max", item["max"], Decimal(0), Decimal(100))
        codes.append(code)
    if len(set(codes)) != len(codes):
        raise SchemeError(key, _("a code appears twice"))


def validate_settings(data) -> SchemeSettings:
    """The parsed settings, or SchemeError naming the first bad setting. Stricter than
    `SchemeSettings.from_dict` (which trusts its shape): unknown settings, wrong types,
    oversized lists and texts are refused before it runs."""
    if not isinstance(data, dict):
        raise SchemeError("settings", _("an object of settings is required"))
    for key in data:
        if key not in KNOWN_KEYS:
            raise SchemeError(str(key)[:60], _("unknown setting"))
    for key in sorted(set(DEFAULT_SCHEME) - set(OPTIONAL_DEFAULTS) - {"incentives"}):
        if key not in data:
            raise SchemeError(key, _("the setting is missing"))
    for key in INTEGER_KEYS & set(data):
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10_000:
            raise SchemeError(key, _("a whole number is required"))
    for key in ("cap_stars", "incentive_min_stars"):
        if data[key] not in STAR_CHOICES:
            raise SchemeError(key, _("one of the star classes 5, 4 and 3"))
    for key in NUMBER_KEYS & set(data):
        _number(key, data[key])
    if not isinstance(data["bar_on_latest_year"], bool):
        raise SchemeError("bar_on_latest_year", _("yes or no (true or false)"))
    if "partial_credit_cap" in data:
        _number("partial_credit_cap", data["partial_credit_cap"], Decimal(0), Decimal(1))
    _items("work_items", data["work_items"], ("code", "name", "max"), limit_name=100)
    _items("veto_items", data["veto_items"], ("code", "name"), limit_name=200)
    _items("bar_items", data["bar_items"], ("code", "name"), limit_name=200)
    thresholds = data["thresholds"]
    if (
        not isinstance(thresholds, dict)
        or not thresholds
        or not set(thresholds) <= set(STAR_CLASSES)
    ):
        raise SchemeError("thresholds", _("a minimum total for the star classes 5, 4 and 3"))
    previous = None
    for stars in STAR_CLASSES:
        if stars in thresholds:
            minimum = _number(f"thresholds.{stars}", thresholds[stars], Decimal(0), Decimal(100))
            if previous is not None and minimum > previous:
                raise SchemeError(
                    f"thresholds.{stars}", _("higher than the minimum of a better class")
                )
            previous = minimum
    weights = data.get("weights", {})
    if not isinstance(weights, dict) or len(weights) > MAX_WEIGHTS:
        raise SchemeError("weights", _("an object of indicator codes and weights"))
    for code, weight in weights.items():
        if not isinstance(code, str) or not CODE_RE.fullmatch(code) or len(code) > 20:
            raise SchemeError(
                "weights", _("“%(code)s” is not an indicator code") % {"code": str(code)[:40]}
            )
        _number(f"weights.{code}", weight, Decimal(0), Decimal(100))
    if "incentives" in data:
        incentives = data["incentives"]
        if not isinstance(incentives, dict) or not set(incentives) <= set(STAR_CLASSES):
            raise SchemeError("incentives", _("a list of measures for each star class is required"))
        for stars, measures in incentives.items():
            if not isinstance(measures, list) or len(measures) > MAX_MEASURES:
                raise SchemeError(
                    f"incentives.{stars}", _("at most %(n)d measures") % {"n": MAX_MEASURES}
                )
            for measure in measures:
                _text(f"incentives.{stars}", measure, limit=200)
    return SchemeSettings.from_dict(data)


# ---------------------------------------------------------------------------- in words


def _normal(value):
    """A setting's value compared by meaning: "0.70" equals "0.7"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            return fmt(Decimal(value))
        except InvalidOperation:
            return value
    if isinstance(value, list):
        return [_normal(v) for v in value]
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    return value


def _value_text(unit: str, value, names: dict[str, str]) -> str:
    none = _("none listed")
    if unit == "points":
        return _("%(n)s points") % {"n": fmt(Decimal(str(value)))}
    if unit == "share":
        return f"{fmt(Decimal(str(value)) * 100)}%"
    if unit == "years":
        return _("%(n)s years") % {"n": value}
    if unit == "days":
        return _("%(n)s days") % {"n": value}
    if unit == "scores":
        return _("%(n)s scores or more") % {"n": value}
    if unit == "experts":
        return _("%(n)s experts") % {"n": value}
    if unit == "stars":
        return stars_text(value)
    if unit == "min_stars":
        return _("%(stars)s and better") % {"stars": stars_text(value)}
    if unit == "yesno":
        return _("yes") if value else _("no")
    if unit == "work_items":
        return (
            "；".join(
                _("%(name)s, up to %(max)s points")
                % {"name": w["name"], "max": fmt(Decimal(str(w["max"])))}
                for w in value
            )
            or none
        )
    if unit == "items":
        return "；".join(i["name"] for i in value) or none
    if unit == "measures":
        return "；".join(value) or none
    if unit == "weight":
        return fmt(Decimal(str(value)))
    return str(value)


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    value: str
    help: str = ""


def _indicator(code: str, names: dict[str, str]) -> str:
    return f"{code} {names[code]}" if code in names else code


def rows(settings: dict, names: dict[str, str] | None = None) -> list[Row]:
    """Every setting as a row of words, thresholds, incentives and weights one row each."""
    names = names or {}
    data = complete(settings)
    result = []
    for setting in SETTINGS:
        key, value = setting.key, data.get(setting.key)
        if setting.unit == "thresholds":
            for stars in STAR_CLASSES:
                if stars in value:
                    result.append(
                        Row(
                            f"thresholds.{stars}",
                            threshold_label(stars),
                            _value_text("points", value[stars], names),
                            str(setting.help) if stars == STAR_CLASSES[-1] else "",
                        )
                    )
        elif setting.unit == "incentives":
            for stars in STAR_CLASSES:
                result.append(
                    Row(
                        f"incentives.{stars}",
                        incentives_label(stars),
                        _value_text("measures", value.get(stars, []), names),
                    )
                )
        elif setting.unit == "weights":
            if not value:
                result.append(
                    Row(key, str(setting.label), _("equal within each class"), str(setting.help))
                )
            for code, weight in sorted(value.items()):
                result.append(
                    Row(
                        f"weights.{code}",
                        _("Weight of %(indicator)s") % {"indicator": _indicator(code, names)},
                        _value_text("weight", weight, names),
                    )
                )
        else:
            result.append(
                Row(
                    key,
                    str(setting.label),
                    _value_text(setting.unit, value, names),
                    str(setting.help),
                )
            )
    return result


def sections(settings: dict, names: dict[str, str] | None = None) -> list[tuple[str, list[Row]]]:
    """`rows` grouped by the part of the method they belong to."""
    section_of = {}
    for setting in SETTINGS:
        section_of[setting.key] = setting.section
    grouped: dict[str, list[Row]] = {code: [] for code, _label in SECTIONS}
    for row in rows(settings, names):
        grouped[section_of[row.key.split(".")[0]]].append(row)
    return [(str(label), grouped[code]) for code, label in SECTIONS if grouped[code]]


@dataclass(frozen=True)
class Change:
    key: str
    label: str
    before: str
    after: str


def _flat(settings: dict) -> dict[str, object]:
    data = complete(settings)
    flat: dict[str, object] = {}
    for setting in SETTINGS:
        value = data.get(setting.key)
        if setting.unit in ("thresholds", "incentives"):
            for stars in STAR_CLASSES:
                flat[f"{setting.key}.{stars}"] = (value or {}).get(stars)
        elif setting.unit == "weights":
            for code, weight in value.items():
                flat[f"weights.{code}"] = weight
        else:
            flat[setting.key] = value
    return flat


def _flat_text(key: str, value, names: dict[str, str]) -> str:
    head = key.split(".")[0]
    if value is None:
        if head == "weights":
            return _("1 (equal weight)")
        return "—"
    unit = {"thresholds": "points", "incentives": "measures", "weights": "weight"}.get(
        head, BY_KEY[head].unit
    )
    return _value_text(unit, value, names)


def diff(base: dict, this: dict, names: dict[str, str] | None = None) -> list[Change]:
    """The settings that differ between two versions, in the order of the page."""
    names = names or {}
    before, after = _flat(base), _flat(this)
    keys = list(before) + [k for k in after if k not in before]
    order = {s.key: i for i, s in enumerate(SETTINGS)}
    keys.sort(key=lambda k: order[k.split(".")[0]])  # stable: stars 5, 4, 3 stay in order
    changes = []
    for key in keys:
        old, new = before.get(key), after.get(key)
        if _normal(old) == _normal(new):
            continue
        if key.startswith("weights."):
            label = _("Weight of %(indicator)s") % {
                "indicator": _indicator(key.split(".", 1)[1], names)
            }
        else:
            label = label_of(key)
        changes.append(Change(key, label, _flat_text(key, old, names), _flat_text(key, new, names)))
    return changes
