"""The re-examination scoring engine (SPEC §7.1): pure functions over dataclasses, Decimal only.

`compute(RatingInput) -> ScoreCard` judges every applicable indicator in every year of the period
with the target-rule evaluator, scores completion (annual-task indicators) or stability (process
indicators), weights them into Part A, adds the experts' Part B and the approved features of
Part C, turns the total into stars and applies the veto, consecutive-failure and bar-excellence
rules. Every number of the method comes from `SchemeSettings`, never from this code.
No Django model is imported here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from ecozone.core.i18n import gettext as _
from ecozone.core.i18n import translations_cached
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
)

ZERO, ONE, HALF = Decimal(0), Decimal(1), Decimal("0.5")
REVOKE, CAP = "revoke", "cap"
RATING_LABELS = {5: "五星", 4: "四星", 3: "三星", 0: "取消评星"}


class SchemeError(ValueError):
    """A scheme setting is malformed; `field` names it."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(f"{field}: {message}")


class InputError(ValueError):
    """An input is malformed or out of range; `field` names it (the simulator answers 422)."""

    def __init__(self, field: str, message: str):
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

    @property
    def part_b_max(self) -> Decimal:
        return sum((w.maximum for w in self.work_items), ZERO)

    @classmethod
    def from_dict(cls, data: dict) -> SchemeSettings:
        """Parse the stored JSON of a scheme; SchemeError names the first bad setting."""

        def number(name: str, value, low=None, high=None) -> Decimal:
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

        def whole(name: str, value, low: int) -> int:
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


@dataclass(frozen=True)
class IndicatorInput:
    code: str
    name: str
    attribute: str  # binding / reference
    kind: str  # process / annual
    scope: str
    condition: str
    rule: Rule
    values: dict[int, Reported]  # by year; the year before the period is used for trends


@dataclass(frozen=True)
class RatingInput:
    scheme: SchemeSettings
    region: RegionFacts
    period: tuple[int, ...]
    indicators: tuple[IndicatorInput, ...]
    work: dict[str, tuple[Decimal, ...]] = field(default_factory=dict)
    features: tuple[Decimal, ...] = ()
    vetoes: tuple[str, ...] = ()
    bars: tuple[str, ...] = ()


@dataclass(frozen=True)
class YearScore:
    verdict: str
    score: Decimal
    reason: str


@dataclass(frozen=True)
class IndicatorScore:
    code: str
    name: str
    attribute: str
    kind: str
    applicable: bool
    score: Decimal = ZERO
    weight: Decimal = ZERO
    points: Decimal = ZERO
    years: dict[int, YearScore] = field(default_factory=dict)


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


# ---------------------------------------------------------------------------- scoring


def _year_score(indicator: IndicatorInput, year: int, data: RatingInput) -> YearScore:
    value = indicator.values.get(year)
    previous = indicator.values.get(year - 1)
    result = evaluate(indicator.rule, value, previous, data.region)
    if result.verdict == Verdict.MET:
        return YearScore(Verdict.MET, ONE, result.reason)
    if result.verdict == Verdict.NOT_APPLICABLE:
        return YearScore(Verdict.NOT_APPLICABLE, ZERO, result.reason)
    if result.verdict == Verdict.MISSING:
        return YearScore(
            Verdict.NOT_MET, ZERO, _("not reported: %(reason)s") % {"reason": result.reason}
        )
    score = ZERO
    threshold = numeric_threshold(indicator.rule, data.region)
    if (
        indicator.kind == "annual"
        and threshold is not None
        and value is not None
        and value.number is not None
    ):
        score = _partial_credit(threshold, value.number, data.scheme.tolerance)
    return YearScore(Verdict.NOT_MET, score, result.reason)


def _partial_credit(threshold: Compare, number: Decimal, tolerance: Decimal) -> Decimal:
    """max(0, 1 − shortfall / (tolerance × target)) for a missed numeric threshold."""
    target = threshold.target
    if threshold.op in (">=", ">"):
        shortfall = target - number
    elif threshold.op in ("<=", "<"):
        shortfall = number - target
    else:
        shortfall = abs(number - target)
    if target == 0:
        return ZERO
    return max(ZERO, ONE - max(shortfall, ZERO) / (tolerance * abs(target)))


def _indicator_scores(data: RatingInput) -> list[IndicatorScore]:
    scored = []
    for indicator in data.indicators:
        applicable = applies_to(indicator.scope, indicator.condition, data.region)
        years = (
            {year: _year_score(indicator, year, data) for year in data.period} if applicable else {}
        )
        if applicable and any(y.verdict == Verdict.NOT_APPLICABLE for y in years.values()):
            applicable = False
        if not applicable:
            scored.append(
                IndicatorScore(
                    indicator.code,
                    indicator.name,
                    indicator.attribute,
                    indicator.kind,
                    False,
                    years=years,
                )
            )
            continue
        count = Decimal(len(data.period))
        if indicator.kind == "process":
            latest = years[data.period[-1]]
            held = sum(1 for y in years.values() if y.verdict == Verdict.MET)
            score = ZERO if latest.verdict != Verdict.MET else Decimal(held) / count
        else:
            score = sum((y.score for y in years.values()), ZERO) / count
        scored.append(
            IndicatorScore(
                indicator.code,
                indicator.name,
                indicator.attribute,
                indicator.kind,
                True,
                score,
                years=years,
            )
        )
    return _weighted(scored, data.scheme)


def _weighted(scored: list[IndicatorScore], scheme: SchemeSettings) -> list[IndicatorScore]:
    classes = {"binding": [], "reference": []}
    for item in scored:
        if item.applicable:
            classes.setdefault(item.attribute, []).append(item)
    shares = {"binding": scheme.binding_share, "reference": scheme.reference_share}
    if not classes["binding"]:
        shares = {"binding": ZERO, "reference": ONE}
    elif not classes["reference"]:
        shares = {"binding": ONE, "reference": ZERO}
    weights: dict[str, Decimal] = {}
    for attribute, members in classes.items():
        own = {m.code: scheme.weights.get(m.code, ONE) for m in members}
        total = sum(own.values(), ZERO)
        for member in members:
            weights[member.code] = (
                shares.get(attribute, ZERO) * own[member.code] / total if total else ZERO
            )
    result = []
    for item in scored:
        if not item.applicable:
            result.append(item)
            continue
        weight = weights[item.code]
        result.append(
            IndicatorScore(
                item.code,
                item.name,
                item.attribute,
                item.kind,
                True,
                item.score,
                weight,
                scheme.part_a_max * weight * item.score,
                item.years,
            )
        )
    return result


def _mean_trimmed(scores: tuple[Decimal, ...], trim_from: int) -> Decimal:
    if not scores:
        return ZERO
    ordered = sorted(scores)
    if len(ordered) >= trim_from:
        ordered = ordered[1:-1]
    return sum(ordered, ZERO) / Decimal(len(ordered))


def _consecutive_misses(item: IndicatorScore, period: tuple[int, ...]) -> int:
    longest = run = 0
    for year in period:
        run = run + 1 if item.years[year].verdict == Verdict.NOT_MET else 0
        longest = max(longest, run)
    return longest


def compute(data: RatingInput) -> ScoreCard:
    with translations_cached():
        return _compute(data)


def _compute(data: RatingInput) -> ScoreCard:
    validate(data)
    scheme = data.scheme
    indicators = _indicator_scores(data)
    weight_sum = sum((i.weight for i in indicators if i.applicable), ZERO)
    part_a = ZERO
    if weight_sum:
        part_a = (
            scheme.part_a_max
            * sum((i.weight * i.score for i in indicators if i.applicable), ZERO)
            / weight_sum
        )
    work = {
        w.code: _mean_trimmed(data.work.get(w.code, ()), scheme.trim_from)
        for w in scheme.work_items
    }
    part_b = sum(work.values(), ZERO)
    part_c = min(scheme.feature_cap, sum(data.features, ZERO))
    total = min(Decimal(100), part_a + part_b + part_c).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    stars = next((s for s, minimum in scheme.thresholds if total >= minimum), 0)
    rules = _rules(data, indicators)
    final = stars
    if any(r.effect == REVOKE for r in rules):
        final = 0
    elif any(r.effect == CAP for r in rules):
        final = min(stars, scheme.cap_stars)
    return ScoreCard(
        total, part_a, part_b, part_c, final, stars, tuple(rules), tuple(indicators), work
    )


def _rules(data: RatingInput, indicators: list[IndicatorScore]) -> list[RuleHit]:
    scheme = data.scheme
    names = dict(scheme.veto_items) | dict(scheme.bar_items)
    hits = [
        RuleHit(code, REVOKE, _("veto item: %(name)s") % {"name": names.get(code, code)})
        for code in data.vetoes
    ]
    latest = data.period[-1]
    for item in indicators:
        if not item.applicable or item.attribute != "binding":
            continue
        misses = _consecutive_misses(item, data.period)
        label = f"{item.code} {item.name}"
        if misses >= scheme.revoke_after_failures:
            hits.append(
                RuleHit(
                    f"consecutive_failure:{item.code}",
                    REVOKE,
                    _("binding indicator %(indicator)s not met in %(n)d consecutive years")
                    % {"indicator": label, "n": misses},
                )
            )
            continue
        if scheme.bar_on_latest_year and item.years[latest].verdict == Verdict.NOT_MET:
            hits.append(
                RuleHit(
                    f"not_met_latest:{item.code}",
                    CAP,
                    _("binding indicator %(indicator)s not met in the latest year (%(year)d)")
                    % {"indicator": label, "year": latest},
                )
            )
        elif misses >= scheme.bar_after_failures:
            hits.append(
                RuleHit(
                    f"not_met_consecutive:{item.code}",
                    CAP,
                    _("binding indicator %(indicator)s not met in %(n)d consecutive years")
                    % {"indicator": label, "n": misses},
                )
            )
    hits += [
        RuleHit(code, CAP, _("bar-excellence item: %(name)s") % {"name": names.get(code, code)})
        for code in data.bars
    ]
    return hits
