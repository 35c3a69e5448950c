"""The re-examination scoring engine (SPEC §7.1): pure functions over dataclasses, Decimal only.

`compute(RatingInput) -> ScoreCard` reads top to bottom as the method does:

1. each indicator: applicable or not; each period year judged by the target-rule evaluator on
   that year's own edition (decision 0010); completion (annual-task indicators) or stability
   (process indicators) over the period;
2. Part A: the class shares and weights, `A = part_a_max × Σ wᵢ·sᵢ / Σ wᵢ`;
3. Part B: each sub-item the mean of the experts' scores, trimmed from `trim_from` scores on;
4. Part C: the approved feature items, capped;
5. the total, rounded half-up to one decimal, and its star class;
6. the veto, consecutive-failure and bar-excellence rules.

Every number of the method comes from `SchemeSettings`, never from this code. No Django model is
imported here, and nothing is remembered between calls: `compute_all` is one `compute` per zone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Any, NamedTuple

from django.utils.translation import gettext as _

from ecozone.indicators.rules import (
    Compare,
    RegionFacts,
    Reported,
    Rule,
    Verdict,
    applies_to,
    evaluate,
    fmt,
    numeric_threshold,
    uses_previous_year,
)

ZERO, ONE, HALF = Decimal(0), Decimal(1), Decimal("0.5")
REVOKE, CAP = "revoke", "cap"
RATING_LABELS = {5: "五星", 4: "四星", 3: "三星", 0: "取消评星"}


class SchemeError(ValueError):
    """A scheme setting is malformed; `field` names it."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


class InputError(ValueError):
    """An input is malformed or out of range; `field` names it (the simulator answers 422)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class WorkItem:
    code: str
    name: str
    maximum: Decimal


@dataclass(frozen=True)
class SchemeSettings:
    period_years: int = 3
    part_a_max: Decimal = Decimal(75)
    binding_share: Decimal = Decimal("0.70")
    reference_share: Decimal = Decimal("0.30")
    tolerance: Decimal = Decimal("0.20")
    # A missed year's partial credit never reaches this (a miss never scores as met).
    partial_credit_cap: Decimal = Decimal("0.99")
    work_items: tuple[WorkItem, ...] = ()
    score_step: Decimal = HALF
    trim_from: int = 5  # drop the highest and lowest expert score from this many scores on
    feature_min: Decimal = HALF
    feature_max: Decimal = Decimal(2)
    feature_cap: Decimal = Decimal(5)
    thresholds: tuple[tuple[int, Decimal], ...] = (
        (5, Decimal(90)),
        (4, Decimal(80)),
        (3, Decimal(70)),
    )
    cap_stars: int = 3
    veto_items: tuple[tuple[str, str], ...] = ()  # (code, name)
    bar_items: tuple[tuple[str, str], ...] = ()
    revoke_after_failures: int = 3  # a binding indicator missed this many years in a row
    bar_after_failures: int = 2
    bar_on_latest_year: bool = True
    weights: dict[str, Decimal] = field(default_factory=dict)  # indicator code → own weight
    # Campaign settings (used around the engine, not inside it).
    due_after_years: int = 3
    incentive_min_stars: int = 4
    interview_due_days: int = 60
    reapply_bar_years: int = 3
    provisional_part_b_share: Decimal = Decimal("0.8")  # early warning before experts have scored
    experts_required: int = 3  # submitted expert assessments a zone's Part B needs
    withdraw_days: int = 30  # days after publication within which the province may withdraw
    # Incentive measures per star class (SPEC §7.2): ((stars, (measure, …)), …), best class first.
    incentives: tuple[tuple[int, tuple[str, ...]], ...] = ()

    @property
    def part_b_max(self) -> Decimal:
        return sum((w.maximum for w in self.work_items), ZERO)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SchemeSettings:
        """Parse the stored JSON of a scheme; SchemeError names the first bad setting."""

        def number(
            name: str, value: object, low: Decimal | None = None, high: Decimal | None = None
        ) -> Decimal:
            try:
                result = Decimal(str(value))
            except Exception:
                raise SchemeError(name, _("not a number")) from None
            if (
                not result.is_finite()
                or (low is not None and result < low)
                or (high is not None and result > high)
            ):
                raise SchemeError(name, _("out of range"))
            return result

        def fraction(name: str, value: object) -> Decimal:
            result = number(name, value)
            if not ZERO < result < ONE:
                raise SchemeError(name, _("a fraction strictly between 0 and 1 is required"))
            return result

        def whole(name: str, value: object, low: int) -> int:
            if not isinstance(value, int) or isinstance(value, bool) or value < low:
                raise SchemeError(
                    name, _("a whole number of at least %(n)d is required") % {"n": low}
                )
            return value

        try:
            items = tuple(
                WorkItem(
                    str(w["code"]),
                    str(w["name"]),
                    number(f"work_items.{w['code']}.max", w["max"], ZERO),
                )
                for w in data["work_items"]
            )
            settings = cls(
                period_years=whole("period_years", data["period_years"], 1),
                part_a_max=number("part_a_max", data["part_a_max"], ZERO, Decimal(100)),
                binding_share=number("binding_share", data["binding_share"], ZERO, ONE),
                reference_share=number("reference_share", data["reference_share"], ZERO, ONE),
                tolerance=number("tolerance", data["tolerance"], Decimal("0.0001"), ONE),
                partial_credit_cap=fraction(
                    "partial_credit_cap", data.get("partial_credit_cap", "0.99")
                ),
                work_items=items,
                score_step=number("score_step", data["score_step"], Decimal("0.01"), Decimal(10)),
                trim_from=whole("trim_from", data["trim_from"], 3),
                feature_min=number("feature_min", data["feature_min"], ZERO),
                feature_max=number("feature_max", data["feature_max"], ZERO),
                feature_cap=number("feature_cap", data["feature_cap"], ZERO),
                thresholds=tuple(
                    (
                        whole("thresholds.stars", int(stars), 1),
                        number(f"thresholds.{stars}", minimum, ZERO, Decimal(100)),
                    )
                    for stars, minimum in sorted(
                        data["thresholds"].items(), key=lambda kv: -int(kv[0])
                    )
                ),
                cap_stars=whole("cap_stars", data["cap_stars"], 1),
                veto_items=tuple((str(i["code"]), str(i["name"])) for i in data["veto_items"]),
                bar_items=tuple((str(i["code"]), str(i["name"])) for i in data["bar_items"]),
                revoke_after_failures=whole(
                    "revoke_after_failures", data["revoke_after_failures"], 1
                ),
                bar_after_failures=whole("bar_after_failures", data["bar_after_failures"], 1),
                bar_on_latest_year=bool(data["bar_on_latest_year"]),
                weights={
                    str(k): number(f"weights.{k}", v, ZERO)
                    for k, v in data.get("weights", {}).items()
                },
                due_after_years=whole("due_after_years", data["due_after_years"], 1),
                incentive_min_stars=whole("incentive_min_stars", data["incentive_min_stars"], 1),
                interview_due_days=whole("interview_due_days", data["interview_due_days"], 1),
                reapply_bar_years=whole("reapply_bar_years", data["reapply_bar_years"], 0),
                provisional_part_b_share=number(
                    "provisional_part_b_share",
                    data.get("provisional_part_b_share", "0.8"),
                    ZERO,
                    ONE,
                ),
                experts_required=whole("experts_required", data.get("experts_required", 3), 1),
                withdraw_days=whole("withdraw_days", data.get("withdraw_days", 30), 0),
                incentives=_incentives(data, data["incentive_min_stars"]),
            )
        except KeyError as exc:
            raise SchemeError(str(exc.args[0]), _("the setting is missing")) from None
        if settings.binding_share + settings.reference_share != ONE:
            raise SchemeError("binding_share", _("binding and reference shares must add up to 1"))
        if settings.feature_min > settings.feature_max:
            raise SchemeError("feature_min", _("the smallest feature item exceeds the largest"))
        if len({w.code for w in items}) != len(items):
            raise SchemeError("work_items", _("a sub-item code appears twice"))
        return settings


# The seed of SPEC §7.2, for a scheme stored before incentives were listed in it: every class from
# `incentive_min_stars` up is entitled to both measures.
SEED_INCENTIVES = ("重点项目资金支持", "试点名额分配优先")


def _incentives(data: Mapping[str, Any], min_stars: Any) -> tuple[tuple[int, tuple[str, ...]], ...]:
    raw = data.get("incentives")
    if raw is None:
        return tuple((stars, SEED_INCENTIVES) for stars in (5, 4, 3) if stars >= int(min_stars))
    if not isinstance(raw, dict):
        raise SchemeError("incentives", _("a list of measures for each star class is required"))
    result = []
    for key, measures in raw.items():
        if str(key) not in ("5", "4", "3"):
            raise SchemeError(f"incentives.{key}", _("star classes are 5, 4 and 3"))
        if not isinstance(measures, list) or not all(
            isinstance(m, str) and m.strip() for m in measures
        ):
            raise SchemeError(f"incentives.{key}", _("each measure is a non-empty text"))
        if measures:
            result.append((int(key), tuple(m.strip() for m in measures)))
    return tuple(sorted(result, reverse=True))


class IndicatorDef(NamedTuple):
    """One indicator of the edition, as the engine needs it (shared by every zone)."""

    code: str
    name: str
    attribute: str  # binding / reference
    kind: str  # process / annual
    scope: str
    condition: str
    rule: Rule
    # Years of the period reported on another edition whose target differs: (year, that
    # edition's rule, or None when that edition had no such indicator). Each year is judged on
    # its own edition (decision 0010).
    by_year: tuple[tuple[int, Rule | None], ...] = ()


# What a zone reported: indicator code → year → value (the year before the period for trends).
Values = Mapping[str, Mapping[int, Reported]]


@dataclass(frozen=True)
class RatingInput:
    scheme: SchemeSettings
    region: RegionFacts
    period: tuple[int, ...]
    indicators: tuple[IndicatorDef, ...]
    values: Values = field(default_factory=dict)
    work: dict[str, tuple[Decimal, ...]] = field(default_factory=dict)
    features: tuple[Decimal, ...] = ()
    vetoes: tuple[str, ...] = ()
    bars: tuple[str, ...] = ()


class YearScore(NamedTuple):
    verdict: str
    score: Decimal
    reason: str


NO_YEARS: Mapping[int, YearScore] = MappingProxyType({})


class IndicatorScore(NamedTuple):
    code: str
    name: str
    attribute: str
    kind: str
    applicable: bool
    score: Decimal = ZERO
    weight: Decimal = ZERO
    points: Decimal = ZERO
    years: Mapping[int, YearScore] = NO_YEARS


@dataclass(frozen=True)
class RuleHit:
    code: str
    effect: str  # revoke / cap
    reason: str


@dataclass(frozen=True)
class ScoreCard:
    total: Decimal
    part_a: Decimal
    part_b: Decimal
    part_c: Decimal
    stars: int
    stars_before_rules: int
    rules: tuple[RuleHit, ...]
    indicators: tuple[IndicatorScore, ...]
    work: dict[str, Decimal]

    @property
    def rating(self) -> str:
        return RATING_LABELS[self.stars]


# ---------------------------------------------------------------------------- validation


def validate(data: RatingInput) -> None:
    """Refuse out-of-range expert scores, feature items and unknown item codes."""
    scheme = data.scheme
    items = {w.code: w for w in scheme.work_items}
    for code, scores in data.work.items():
        if code not in items:
            raise InputError(
                f"work.{code}",
                _("unknown sub-item; the scheme has %(codes)s") % {"codes": "、".join(items)},
            )
        for index, score in enumerate(scores):
            if not ZERO <= score <= items[code].maximum or (score / scheme.score_step) % 1 != 0:
                raise InputError(
                    f"work.{code}[{index}]",
                    _("a score is between 0 and %(max)s in steps of %(step)s")
                    % {"max": fmt(items[code].maximum), "step": fmt(scheme.score_step)},
                )
    for index, points in enumerate(data.features):
        if not scheme.feature_min <= points <= scheme.feature_max:
            raise InputError(
                f"features[{index}]",
                _("a feature item is worth %(min)s to %(max)s points")
                % {"min": fmt(scheme.feature_min), "max": fmt(scheme.feature_max)},
            )
    vetoes = {code for code, _name in scheme.veto_items}
    for index, code in enumerate(data.vetoes):
        if code not in vetoes:
            raise InputError(f"vetoes[{index}]", _("unknown veto item “%(code)s”") % {"code": code})
    bars = {code for code, _name in scheme.bar_items}
    for index, code in enumerate(data.bars):
        if code not in bars:
            raise InputError(
                f"bars[{index}]", _("unknown bar-excellence item “%(code)s”") % {"code": code}
            )
    if not data.period:
        raise InputError("period", _("the period has no years"))


def years_read(
    definition: IndicatorDef, region: RegionFacts, period: Iterable[int]
) -> frozenset[int]:
    """The years of a zone's answers that scoring reads for an indicator: none when it does not
    apply to the kind of region, else the period's years and, for a trend, the year before."""
    if not applies_to(definition.scope, definition.condition, region):
        return frozenset()
    years = frozenset(period)
    before = {min(years) - 1} if uses_previous_year(definition.rule) else set()
    return years | before


# ---------------------------------------------------------------------------- scoring


def compute_all(inputs: Iterable[RatingInput]) -> list[ScoreCard]:
    """The score cards of many zones: each computed on its own."""
    return [compute(data) for data in inputs]


def compute(data: RatingInput) -> ScoreCard:
    """The score card of one zone."""
    validate(data)
    scheme = data.scheme
    # 1. Each indicator's yearly verdicts and score sᵢ (weights follow, once all are known).
    unweighted = [_score_indicator(definition, data) for definition in data.indicators]
    # 2. Part A.
    weights = _weights(unweighted, scheme)
    indicators = tuple(
        row._replace(weight=weight, points=scheme.part_a_max * weight * row.score)
        if row.applicable
        else row
        for row, weight in zip(unweighted, weights, strict=True)
    )
    applicable = [row for row in indicators if row.applicable]
    weight_sum = sum((row.weight for row in applicable), ZERO)
    part_a = ZERO
    if weight_sum:
        weighted = sum((row.weight * row.score for row in applicable), ZERO)
        part_a = scheme.part_a_max * weighted / weight_sum
    # 3. Part B.
    work = {
        item.code: _mean_trimmed(data.work.get(item.code, ()), scheme.trim_from)
        for item in scheme.work_items
    }
    part_b = sum(work.values(), ZERO)
    # 4. Part C.
    part_c = min(scheme.feature_cap, sum(data.features, ZERO))
    # 5. Total and stars.
    total = min(Decimal(100), part_a + part_b + part_c).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    stars = next((s for s, minimum in scheme.thresholds if total >= minimum), 0)
    # 6. The rules.
    rules = _rules(data, indicators)
    final = stars
    if any(hit.effect == REVOKE for hit in rules):
        final = 0
    elif any(hit.effect == CAP for hit in rules):
        final = min(stars, scheme.cap_stars)
    return ScoreCard(total, part_a, part_b, part_c, final, stars, rules, indicators, work)


def _score_indicator(definition: IndicatorDef, data: RatingInput) -> IndicatorScore:
    """The indicator's row without its weight: whether it applies, each year's verdict and
    score, and completion (the mean of the years) or stability (the share of years held, 0 when
    the latest year does not hold)."""
    d, region, period = definition, data.region, data.period
    # An indicator whose scope or condition excludes the region has no row of years; one whose
    # rule sets no target for this kind of region shows why in every year.
    if not applies_to(d.scope, d.condition, region):
        return IndicatorScore(d.code, d.name, d.attribute, d.kind, False)
    no_target = evaluate(d.rule, None, None, region)
    if no_target.verdict == Verdict.NOT_APPLICABLE:
        years = {y: YearScore(Verdict.NOT_APPLICABLE, ZERO, no_target.reason) for y in period}
        return IndicatorScore(d.code, d.name, d.attribute, d.kind, False, years=years)
    values = data.values.get(d.code, {})
    own_editions = dict(d.by_year)
    years = {}
    for year in period:
        rule = own_editions.get(year, d.rule)  # None: that edition had no such indicator
        years[year] = _score_year(rule, d.kind, values.get(year), values.get(year - 1), data)
    if d.kind == "process":
        held = sum(1 for y in years.values() if y.verdict == Verdict.MET)
        held_latest = years[period[-1]].verdict == Verdict.MET
        score = Decimal(held) / Decimal(len(period)) if held_latest else ZERO
    else:
        score = sum((y.score for y in years.values()), ZERO) / Decimal(len(period))
    return IndicatorScore(d.code, d.name, d.attribute, d.kind, True, score, years=years)


def _score_year(
    rule: Rule | None,
    kind: str,
    value: Reported | None,
    previous: Reported | None,
    data: RatingInput,
) -> YearScore:
    """One year: 1 if met; a missed numeric threshold of an annual-task indicator earns partial
    credit; any other miss, and a value not reported, 0. `rule` is None when the edition of that
    year had no such indicator."""
    if rule is None:
        return YearScore(
            Verdict.NOT_APPLICABLE, ZERO, _("not in the catalogue edition of that year")
        )
    verdict, reason = evaluate(rule, value, previous, data.region)
    if verdict == Verdict.MET:
        return YearScore(Verdict.MET, ONE, reason)
    if verdict == Verdict.NOT_APPLICABLE:
        return YearScore(Verdict.NOT_APPLICABLE, ZERO, reason)
    if verdict == Verdict.MISSING:
        return YearScore(Verdict.NOT_MET, ZERO, _("not reported: %(reason)s") % {"reason": reason})
    threshold = numeric_threshold(rule, data.region) if kind == "annual" else None
    if threshold is None or value is None or value.number is None:
        return YearScore(Verdict.NOT_MET, ZERO, reason)
    return YearScore(Verdict.NOT_MET, partial_credit(threshold, value.number, data.scheme), reason)


def partial_credit(threshold: Compare, number: Decimal, scheme: SchemeSettings) -> Decimal:
    """The credit of a figure that misses a numeric threshold:
    min(partial_credit_cap, max(0, 1 − shortfall / (tolerance × |target|))); 0 for a target of 0."""
    target = threshold.target
    if target == 0:
        return ZERO
    if threshold.op in (">=", ">"):
        shortfall = target - number
    elif threshold.op in ("<=", "<"):
        shortfall = number - target
    else:
        shortfall = abs(number - target)
    credit = ONE - shortfall / (scheme.tolerance * abs(target))
    return min(scheme.partial_credit_cap, max(ZERO, credit))


def _weights(rows: list[IndicatorScore], scheme: SchemeSettings) -> list[Decimal]:
    """Each row's weight wᵢ: binding indicators share `binding_share`, reference ones
    `reference_share` (a class alone takes everything), split by the scheme's own weights
    (1 each by default). Rows that do not apply weigh 0."""
    classes: dict[str, list[int]] = {"binding": [], "reference": []}
    for position, row in enumerate(rows):
        if row.applicable:
            classes.setdefault(row.attribute, []).append(position)
    shares = {"binding": scheme.binding_share, "reference": scheme.reference_share}
    if not classes["binding"]:
        shares = {"binding": ZERO, "reference": ONE}
    elif not classes["reference"]:
        shares = {"binding": ONE, "reference": ZERO}
    weights = [ZERO] * len(rows)
    for attribute, members in classes.items():
        own = [scheme.weights.get(rows[p].code, ONE) for p in members]
        total = sum(own, ZERO)
        for position, weight in zip(members, own, strict=True):
            weights[position] = shares.get(attribute, ZERO) * weight / total if total else ZERO
    return weights


def _mean_trimmed(scores: tuple[Decimal, ...], trim_from: int) -> Decimal:
    """The mean of the experts' scores, without the highest and the lowest from `trim_from` on."""
    if not scores:
        return ZERO
    ordered = sorted(scores)
    if len(ordered) >= trim_from:
        ordered = ordered[1:-1]
    return sum(ordered, ZERO) / Decimal(len(ordered))


def _longest_miss(years: Iterable[YearScore]) -> int:
    """The longest run of consecutive years not met (a year without a target breaks no run)."""
    longest = run = 0
    for year in years:
        if year.verdict == Verdict.MET:
            run = 0
        elif year.verdict == Verdict.NOT_MET:
            run += 1
            longest = max(longest, run)
    return longest


def _rules(data: RatingInput, indicators: Iterable[IndicatorScore]) -> tuple[RuleHit, ...]:
    """Veto items; each applicable binding indicator's consecutive failures (revoke) or its miss
    in the latest year or in consecutive years (cap); bar-excellence items."""
    scheme = data.scheme
    names = dict(scheme.veto_items) | dict(scheme.bar_items)
    hits = [
        RuleHit(code, REVOKE, _("veto item: %(name)s") % {"name": names[code]})
        for code in data.vetoes
    ]
    latest = data.period[-1]
    for row in indicators:
        if not row.applicable or row.attribute != "binding":
            continue
        misses = _longest_miss(row.years.values())
        label = f"{row.code} {row.name}"
        if misses >= scheme.revoke_after_failures:
            hits.append(
                RuleHit(
                    f"consecutive_failure:{row.code}",
                    REVOKE,
                    _("binding indicator %(indicator)s not met in %(n)d consecutive years")
                    % {"indicator": label, "n": misses},
                )
            )
        elif scheme.bar_on_latest_year and row.years[latest].verdict == Verdict.NOT_MET:
            hits.append(
                RuleHit(
                    f"not_met_latest:{row.code}",
                    CAP,
                    _("binding indicator %(indicator)s not met in the latest year (%(year)d)")
                    % {"indicator": label, "year": latest},
                )
            )
        elif misses >= scheme.bar_after_failures:
            hits.append(
                RuleHit(
                    f"not_met_consecutive:{row.code}",
                    CAP,
                    _("binding indicator %(indicator)s not met in %(n)d consecutive years")
                    % {"indicator": label, "n": misses},
                )
            )
    hits += [
        RuleHit(code, CAP, _("bar-excellence item: %(name)s") % {"name": names[code]})
        for code in data.bars
    ]
    return tuple(hits)
