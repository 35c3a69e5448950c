"""Five years (2019–2023) of accepted annual reports for every region holding a demo title.

Values are generated deterministically per region and indicator: mostly meeting the targets, with
misses that depend on a per-region quality level (so re-examination yields every star class),
and year-on-year outliers that carry an explanation, as a real zone's would.
"""

from __future__ import annotations

import datetime
import random
import zlib
from decimal import Decimal
from zoneinfo import ZoneInfo

from ecozone.designations.models import Designation
from ecozone.indicators.queries import default_edition
from ecozone.indicators.rules import (
    AllOf,
    AnyOf,
    Compare,
    StateIs,
    TaskRequired,
    Trend,
    Variants,
    YesRequired,
    applies_to,
    parse_rule,
    selector_matches,
)
from ecozone.regions.models import Region
from ecozone.reporting import audit
from ecozone.reporting.checks import compute_flags, plain
from ecozone.reporting.models import (
    AnnualReport,
    ReportEvent,
    ReportingYear,
    ReportValue,
    ValueChange,
)
from ecozone.reporting.queries import region_facts, reported, spec_of

YEARS = range(2019, 2024)
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Share of rows that miss their target, by region quality (assigned in a fixed cycle).
MISS_RATE = {"excellent": 0.0, "good": 0.03, "fair": 0.08, "weak": 0.16, "poor": 0.30}
QUALITY_CYCLE = [
    "excellent",
    "good",
    "good",
    "excellent",
    "fair",
    "good",
    "excellent",
    "fair",
    "weak",
    "good",
    "excellent",
    "good",
    "fair",
    "excellent",
    "good",
    "poor",
    "good",
    "excellent",
    "weak",
    "good",
]
EXPLANATIONS = [
    "统计口径调整，经核实数据真实。",
    "受重点项目集中投产影响，已报市级部门备案。",
    "监测点位调整所致，已附说明材料。",
    "年度考核方法变化，数据经主管部门确认。",
]


def quality_of(index: int) -> str:
    return QUALITY_CYCLE[index % len(QUALITY_CYCLE)]


def _rng(*parts: str) -> random.Random:
    return random.Random(zlib.crc32("|".join(parts).encode()))  # noqa: S311 - demo data, not security


def _leaf_threshold(rule, facts):
    if isinstance(rule, Variants):
        for selector, branch in rule.branches:
            if selector_matches(selector, facts):
                return _leaf_threshold(branch, facts)
        return None
    if isinstance(rule, Compare):
        return rule
    if isinstance(rule, AllOf | AnyOf):
        for term in rule.terms:
            found = _leaf_threshold(term, facts)
            if found is not None:
                return found
    return None


def _has(rule, kind) -> bool:
    if isinstance(rule, kind):
        return True
    if isinstance(rule, AllOf | AnyOf):
        return any(_has(t, kind) for t in rule.terms)
    if isinstance(rule, Variants):
        return any(_has(r, kind) for _s, r in rule.branches)
    return False


def _trend(rule) -> str | None:
    if isinstance(rule, Trend):
        return rule.direction
    if isinstance(rule, AllOf | AnyOf):
        return next((d for d in (_trend(t) for t in rule.terms) if d), None)
    return None


def _series(indicator, rule, facts, rng: random.Random, miss_rate: float) -> dict[int, dict]:
    """Values for the five years of one indicator in one region."""
    threshold = _leaf_threshold(rule, facts)
    direction = _trend(rule)
    percent = indicator.value_type.startswith("percent")
    values: dict[int, dict] = {}
    if threshold is not None:
        target = float(threshold.target)
        level = target + (
            abs(rng.gauss(0, max(2.0, target * 0.08))) if threshold.op in (">=", ">") else 0
        )
        if threshold.op in ("<=", "<"):
            level = target * rng.uniform(0.55, 0.9)
    elif direction == "lower":
        level = rng.uniform(1, 12) if percent else rng.uniform(20, 45)
    elif percent:
        level = rng.uniform(70, 95)
    else:
        level = rng.uniform(20, 60)
    for year in YEARS:
        miss = rng.random() < miss_rate
        entry: dict = {}
        if threshold is not None or direction or "number" in indicator.value_type or percent:
            if direction == "higher":
                level += rng.uniform(0, 1.2) - (rng.uniform(1.5, 4) if miss else 0)
            elif direction == "lower":
                level -= rng.uniform(0, 1.0) - (rng.uniform(1.5, 4) if miss else 0)
            value = level
            if threshold is not None:
                t = float(threshold.target)
                if threshold.op == "=":
                    value = t if not miss else t - rng.uniform(0.5, 3)
                elif threshold.op in (">=", ">") and miss:
                    value = t - rng.uniform(0.5, max(1.0, t * 0.15))
                elif threshold.op in ("<=", "<") and miss:
                    value = t + rng.uniform(0.01, max(0.05, t * 0.2))
            if rng.random() < 0.02:  # an outlier year, explained
                value *= rng.choice([0.6, 1.45])
                entry["explanation"] = rng.choice(EXPLANATIONS)
            if percent:
                value = min(100.0, max(0.0, value))
            entry["number"] = Decimal(str(round(value, 2)))
        if "+task" in indicator.value_type or _has(rule, TaskRequired):
            entry["task"] = not (miss and rng.random() < 0.5)
        if _has(rule, YesRequired) or indicator.value_type == "yesno":
            entry["yes"] = not miss
        if indicator.value_type == "state":
            required = next((t.state for t in _states(rule)), "")
            entry["state"] = required if not miss else "正在推进"
        values[year] = entry
    return values


def _states(rule):
    if isinstance(rule, StateIs):
        yield rule
    elif isinstance(rule, AllOf | AnyOf):
        for t in rule.terms:
            yield from _states(t)


def load_reports(region_codes: list[str] | None = None) -> str:
    """All regions holding a title, or only `region_codes` (tests use a few for speed)."""
    if AnnualReport.objects.exists():
        return "annual reports: present"
    edition = default_edition()
    indicators = list(edition.indicators.all())
    rules = {i.pk: parse_rule(i.rule) for i in indicators}
    specs = {i.pk: spec_of(i) for i in indicators}
    every = list(
        Region.objects.filter(pk__in=Designation.objects.holding().values("region_id")).order_by(
            "code"
        )
    )
    quality = {region.pk: quality_of(index) for index, region in enumerate(every)}
    regions = [r for r in every if region_codes is None or r.code in region_codes]
    windows = {}
    for year in YEARS:
        windows[year] = ReportingYear.objects.create(
            year=year,
            opens_on=datetime.date(year + 1, 1, 10),
            deadline=datetime.date(year + 1, 3, 31),
            locks_on=datetime.date(year + 1, 6, 30),
        )
    reports = AnnualReport.objects.bulk_create(
        AnnualReport(
            window=windows[year],
            year=year,
            region=region,
            system=edition,
            status="accepted",
            version=1,
            status_changed_at=datetime.datetime(year + 1, 4, 20, 10, tzinfo=SHANGHAI),
            submitted_at=datetime.datetime(year + 1, 3, 20, 10, tzinfo=SHANGHAI),
            accepted_at=datetime.datetime(year + 1, 4, 20, 10, tzinfo=SHANGHAI),
        )
        for region in regions
        for year in YEARS
    )
    by_key = {(r.region_id, r.year): r for r in reports}
    values: list[ReportValue] = []
    for region in regions:
        facts = region_facts(region)
        miss_rate = MISS_RATE[quality[region.pk]]
        for indicator in indicators:
            if not applies_to(indicator.scope, indicator.condition, facts):
                continue
            series = _series(
                indicator, rules[indicator.pk], facts, _rng(region.code, indicator.code), miss_rate
            )
            previous = None
            for year in YEARS:
                entry = series[year]
                value = ReportValue(
                    report=by_key[(region.pk, year)],
                    indicator=indicator,
                    number=entry.get("number"),
                    task=entry.get("task"),
                    yes=entry.get("yes"),
                    state=entry.get("state", ""),
                )
                value.flags = compute_flags(
                    specs[indicator.pk], reported(value), reported(previous), None, facts
                )
                if value.flags:
                    value.explanation = (
                        entry.get("explanation") or "经核实，数据真实，已制定整改措施。"
                    )
                values.append(value)
                previous = value
    ReportValue.objects.bulk_create(values, batch_size=2000)
    changes = []
    for value in values:
        report = value.report
        at = datetime.datetime(report.year + 1, 3, 15, 9, tzinfo=SHANGHAI)
        diff = {
            name: [None, plain(getattr(value, name))]
            for name in ("number", "task", "yes", "state", "explanation")
            if getattr(value, name) not in (None, "")
        }
        changes.append(
            ValueChange(
                value=value,
                report=report,
                indicator_code=value.indicator.code,
                report_version=1,
                at=at,
                by=None,
                by_name="演示数据",
                channel="system",
                changes=diff,
                reason="演示数据",
            )
        )
    audit.append(changes)
    events = []
    for report in reports:
        for action, old, new, _month in (
            ("open", "", "draft", 1),
            ("submit", "draft", "submitted", 3),
            ("city_accept", "submitted", "city_checked", 4),
            ("province_accept", "city_checked", "accepted", 4),
        ):
            if action == "city_accept" and report.region.level == "city":
                continue
            events.append(
                ReportEvent(
                    report=report, action=action, from_status=old, to_status=new, comment="演示数据"
                )
            )
    ReportEvent.objects.bulk_create(events, batch_size=2000)
    return f"annual reports: {len(reports)} reports, {len(values)} values"
