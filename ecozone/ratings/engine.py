"""The re-examination scoring engine (SPEC §7.1): pure functions over dataclasses, Decimal only.

`compute(RatingInput) -> ScoreCard` judges every applicable indicator in every year of the period
with the target-rule evaluator, scores completion (annual-task indicators) or stability (process
indicators), weights them into Part A, adds the experts' Part B and the approved features of
Part C, turns the total into stars and applies the veto, consecutive-failure and bar-excellence
rules. Every number of the method comes from `SchemeSettings`, never from this code.
No Django model is imported here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from operator import attrgetter
from types import MappingProxyType
from typing import NamedTuple

from ecozone.core.batch import collector_paused
from ecozone.core.i18n import gettext as _
from ecozone.core.i18n import translations_cached
from ecozone.indicators.rules import (
    Compare,
    RegionFacts,
    Reported,
    Rule,
    Verdict,
    applies_to,
    compile_rule,
    fmt,
    numeric_threshold,
    required_inputs,
    uses_previous_year,
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
    experts_required: int = 3  # submitted expert assessments a zone's Part B needs
    withdraw_days: int = 30  # days after publication within which the province may withdraw
    # Incentive measures per star class (SPEC §7.2): ((stars, (measure, …)), …), best class first.
    incentives: tuple[tuple[int, tuple[str, ...]], ...] = ()

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


def _incentives(data: dict, min_stars) -> tuple[tuple[int, tuple[str, ...]], ...]:
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


# ---------------------------------------------------------------------------- scoring

_NOTHING = Reported()
_NO_VALUES: Mapping[int, Reported] = MappingProxyType({})
_SAME = object()  # the item's own partial-credit threshold
_MEMO_LIMIT = 4096  # judgements remembered per rule (bounds memory on varied data)


class _Item:
    """One indicator prepared for one kind of region and one period: applicability, weight, and
    its yearly judgements, remembered by the parts of the value the rule reads (identical answers
    are judged once; the reasons are in the language active while computing)."""

    __slots__ = (
        "applicable",
        "code",
        "count",
        "definition",
        "full_points",
        "held_share",
        "latest",
        "memo",
        "period",
        "points_per_score",
        "process",
        "read",
        "row",
        "rows",
        "rule_judge",
        "score",
        "threshold",
        "tolerance",
        "trend",
        "weight",
        "year_judges",
    )

    def __init__(self, definition: IndicatorDef, region: RegionFacts, period, scheme, memos: dict):
        self.definition = d = definition
        self.code = d.code
        self.period, self.latest, self.count = period, period[-1], Decimal(len(period))
        self.rule_judge = compile_rule(d.rule, region)
        applies = applies_to(d.scope, d.condition, region)
        verdict, reason = self.rule_judge(None, None)
        self.applicable = applies and verdict != Verdict.NOT_APPLICABLE
        # The row of an indicator that does not count here; when it applies to this kind of
        # region but its rule sets no target for it, every year shows why.
        years: Mapping[int, YearScore] = NO_YEARS
        if applies and not self.applicable:
            years = dict.fromkeys(period, YearScore(Verdict.NOT_APPLICABLE, ZERO, reason))
        self.row = IndicatorScore(d.code, d.name, d.attribute, d.kind, False, years=years)
        self.weight = self.points_per_score = self.full_points = ZERO
        # A year's answer is remembered by what the rule reads of it. A trend is judged every
        # time: with the previous year's figure in the key, its answers almost never repeat.
        reads = required_inputs(d.rule)
        self.read = attrgetter(*sorted(reads))
        self.trend = uses_previous_year(d.rule)
        # Stability: the share of years held, for each number of years held.
        self.process = d.kind == "process"
        self.held_share = [Decimal(n) / self.count for n in range(len(period) + 1)]
        # Partial credit for a missed year: annual-task indicators with a single numeric target.
        self.threshold: Compare | None = None
        if d.kind == "annual":
            self.threshold = numeric_threshold(d.rule, region)
        self.tolerance = scheme.tolerance
        # Years judged on another edition's rule: year → (judge, partial-credit threshold).
        self.year_judges = {
            year: _year_judge(rule, region, d.kind) for year, rule in d.by_year if year in period
        }
        # Shared by every plan judging the same rule the same way (regions the rule does not
        # tell apart, other periods); none for a trend.
        self.memo: dict | None = None
        if not self.trend:
            self.memo = memos.setdefault((self.rule_judge, self.threshold, self.tolerance), {})
        # Rules reading only yes/no, task and state answers see few distinct periods: their
        # whole rows are remembered too (by the period's answers; this plan's weight).
        self.rows: dict | None = None
        # score(values by year) → (the indicator's row over the period, its longest run of
        # years not met).
        self.score = self._score
        if "number" not in reads:
            self.rows = {}
            self.score = self._score_remembered

    def _score_remembered(self, by_year: Mapping[int, Reported]) -> tuple[IndicatorScore, int]:
        read, get = self.read, by_year.get
        answers = tuple([read(get(year) or _NOTHING) for year in self.period])
        found = self.rows.get(answers)
        if found is None:
            found = self._score(by_year)
            if len(self.rows) < _MEMO_LIMIT:
                self.rows[answers] = found
        return found

    def _score(self, by_year: Mapping[int, Reported]) -> tuple[IndicatorScore, int]:
        met, not_met = Verdict.MET, Verdict.NOT_MET
        memo, read, get, trend = self.memo, self.read, by_year.get, self.trend
        years = {}
        held, run, longest = 0, 0, 0
        for year in self.period:
            value = get(year)
            own = self.year_judges.get(year)
            if own is not None:
                judged = self._year_score(value, get(year - 1), *own)
            elif trend:  # a trend's answers rarely repeat with the same previous figure
                judged = self._year_score(value, get(year - 1))
            else:
                key = read(value or _NOTHING)
                judged = memo.get(key)
                if judged is None:
                    judged = self._year_score(value, None)
                    if len(memo) < _MEMO_LIMIT:
                        memo[key] = judged
            years[year] = judged
            verdict = judged.verdict
            if verdict is met:
                held += 1
                run = 0
            elif verdict is not_met:
                run += 1
                if run > longest:
                    longest = run
        if self.process:
            score = self.held_share[held] if years[self.latest].verdict is met else ZERO
        elif held == len(self.period):  # every year met: the mean of ones
            score = ONE
        else:
            total = ZERO
            for judged in years.values():
                total += judged.score
            score = total / self.count
        d = self.definition
        row = IndicatorScore(
            d.code,
            d.name,
            d.attribute,
            d.kind,
            True,
            score,
            self.weight,
            self.full_points if score is ONE else self.points_per_score * score,
            years,
        )
        return row, longest

    def _year_score(
        self, value: Reported | None, previous: Reported | None, judge=None, threshold=_SAME
    ) -> YearScore:
        verdict, reason = (judge or self.rule_judge)(value, previous)
        if verdict is Verdict.MET:
            return YearScore(Verdict.MET, ONE, reason)
        if verdict is Verdict.NOT_APPLICABLE:
            return YearScore(Verdict.NOT_APPLICABLE, ZERO, reason)
        if verdict is Verdict.MISSING:
            return YearScore(
                Verdict.NOT_MET, ZERO, _("not reported: %(reason)s") % {"reason": reason}
            )
        number = (value or _NOTHING).number
        threshold = self.threshold if threshold is _SAME else threshold
        score = ZERO
        if threshold is not None and number is not None:
            score = _partial_credit(threshold, number, self.tolerance)
        return YearScore(Verdict.NOT_MET, score, reason)


def _year_judge(rule: Rule | None, region: RegionFacts, kind: str):
    """The judge and partial-credit threshold of a year reported on another edition."""
    if rule is None:
        return _not_in_edition, None
    threshold = numeric_threshold(rule, region) if kind == "annual" else None
    return compile_rule(rule, region), threshold


def _not_in_edition(value, previous):
    return Verdict.NOT_APPLICABLE, _("not in the catalogue edition of that year")


class _Plan:
    """Every indicator of an edition prepared for one kind of region and one period, with
    Part A's weights."""

    def __init__(
        self, indicators: tuple[IndicatorDef, ...], region: RegionFacts, period, scheme, memos
    ):
        self.indicators = indicators
        self.items = [_Item(d, region, period, scheme, memos) for d in indicators]
        applicable = [i for i in self.items if i.applicable]
        classes: dict[str, list[_Item]] = {"binding": [], "reference": []}
        for item in applicable:
            classes.setdefault(item.definition.attribute, []).append(item)
        shares = {"binding": scheme.binding_share, "reference": scheme.reference_share}
        if not classes["binding"]:
            shares = {"binding": ZERO, "reference": ONE}
        elif not classes["reference"]:
            shares = {"binding": ONE, "reference": ZERO}
        for attribute, members in classes.items():
            own = [scheme.weights.get(m.definition.code, ONE) for m in members]
            total = sum(own, ZERO)
            for member, weight in zip(members, own, strict=True):
                member.weight = shares.get(attribute, ZERO) * weight / total if total else ZERO
                member.points_per_score = scheme.part_a_max * member.weight
                member.full_points = member.points_per_score * ONE  # a score of 1, multiplied once
        self.weight_sum = sum((i.weight for i in applicable), ZERO)


def years_read(definition: IndicatorDef, region: RegionFacts, period) -> frozenset[int]:
    """The years of a zone's answers that scoring reads for an indicator: none when it does not
    apply to the kind of region, else the period's years and, for a trend, the year before."""
    if not applies_to(definition.scope, definition.condition, region):
        return frozenset()
    before = {min(period) - 1} if uses_previous_year(definition.rule) else set()
    return frozenset(period) | before


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


def _indicator_scores(data: RatingInput, plan: _Plan) -> tuple[list[IndicatorScore], list]:
    """Each indicator's yearly verdicts and score; also, for the rules, each applicable binding
    indicator not met in some year, with its longest run of consecutive years not met."""
    values = data.values
    scored = []
    failing: list[tuple[IndicatorScore, int]] = []
    for item in plan.items:
        if not item.applicable:
            scored.append(item.row)
            continue
        row, longest = item.score(values.get(item.code) or _NO_VALUES)
        if longest and row.attribute == "binding":
            failing.append((row, longest))
        scored.append(row)
    return scored, failing


def _mean_trimmed(scores: tuple[Decimal, ...], trim_from: int) -> Decimal:
    if not scores:
        return ZERO
    ordered = sorted(scores)
    if len(ordered) >= trim_from:
        ordered = ordered[1:-1]
    return sum(ordered, ZERO) / Decimal(len(ordered))


def compute(data: RatingInput) -> ScoreCard:
    """The score card of one zone."""
    return compute_all([data])[0]


def compute_all(inputs: Iterable[RatingInput]) -> list[ScoreCard]:
    """The score cards of many zones; zones of the same kind of region on the same edition and
    scheme share their prepared indicators (and the judgements of identical answers)."""
    plans: dict[tuple, _Plan] = {}
    memos: dict[tuple, dict] = {}
    cards = []
    with translations_cached(), collector_paused():
        for data in inputs:
            validate(data)
            key = (id(data.indicators), id(data.scheme), data.region, data.period)
            plan = plans.get(key)
            if plan is None or plan.indicators is not data.indicators:
                plan = plans[key] = _Plan(
                    data.indicators, data.region, data.period, data.scheme, memos
                )
            cards.append(_compute(data, plan))
    return cards


def _compute(data: RatingInput, plan: _Plan) -> ScoreCard:
    scheme = data.scheme
    indicators, failing = _indicator_scores(data, plan)
    part_a = ZERO
    if plan.weight_sum:
        part_a = (
            scheme.part_a_max
            * sum((i.weight * i.score for i in indicators if i.applicable), ZERO)
            / plan.weight_sum
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
    rules = _rules(data, failing)
    final = stars
    if any(r.effect == REVOKE for r in rules):
        final = 0
    elif any(r.effect == CAP for r in rules):
        final = min(stars, scheme.cap_stars)
    return ScoreCard(
        total, part_a, part_b, part_c, final, stars, tuple(rules), tuple(indicators), work
    )


def _rules(data: RatingInput, failing: list[tuple[IndicatorScore, int]]) -> list[RuleHit]:
    scheme = data.scheme
    names = dict(scheme.veto_items) | dict(scheme.bar_items)
    hits = [
        RuleHit(code, REVOKE, _("veto item: %(name)s") % {"name": names.get(code, code)})
        for code in data.vetoes
    ]
    latest = data.period[-1]
    for item, misses in failing:
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
