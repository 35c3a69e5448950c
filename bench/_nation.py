"""A synthetic nation-scale data set for benchmarks (3,000 zones × 52 indicators × 4 years by
default): regions under one synthetic city, provincial designations named in 2019, accepted
reports on N19 with plausible answers. Call after `_setup.setup_django()`."""

import datetime
import random
from decimal import Decimal
from types import SimpleNamespace

from django.db import transaction

from ecozone.designations.models import Batch, Designation, Programme
from ecozone.indicators.models import IndicatorSystem
from ecozone.indicators.rules import Compare, numeric_threshold, parse_rule, required_states
from ecozone.regions.models import Region
from ecozone.reporting.models import AnnualReport, ReportingYear, ReportValue
from ecozone.reporting.queries import region_facts

rng = random.Random(7)


def first_comparison(rule):
    if isinstance(rule, Compare):
        return rule
    for term in getattr(rule, "terms", ()):
        if found := first_comparison(term):
            return found
    return None


def synthetic_answer(rule, facts, quality: float, last: Decimal | None):
    """A plausible answer: figures near the indicator's target (met with the zone's quality),
    trends drifting from last year's figure, answers and states mostly as required."""
    meets = rng.random() < quality
    threshold = numeric_threshold(rule, facts) or first_comparison(rule)
    figure = rng.uniform(20, 100)
    if threshold is not None:
        target = float(threshold.target) or 1.0
        if threshold.op == "=":
            figure = target if meets else target * rng.uniform(0.9, 0.999)
        elif threshold.op in (">=", ">"):
            figure = target * (rng.uniform(1.001, 1.3) if meets else rng.uniform(0.75, 0.999))
        else:
            figure = target * (rng.uniform(0.7, 0.999) if meets else rng.uniform(1.001, 1.25))
    if "trend:" in str(rule) and last is not None:
        better = rng.uniform(1.0, 1.06) if meets else rng.uniform(0.94, 0.999)
        higher = "trend:higher" in str(rule)
        drifted = float(last) * (better if higher else 1 / better)
        figure = max(figure, drifted) if higher == meets else min(figure, drifted)
    states = required_states(rule) or ["建立"]
    return (
        Decimal(f"{figure:.2f}"),
        meets or rng.random() < quality,
        meets or rng.random() < quality,
        states[0] if meets else "未开展",
    )


def build_nation(*, zones: int, years: tuple[int, ...]) -> SimpleNamespace:
    """Create the data set (one transaction); random choices from the module's seeded `rng`."""
    system = IndicatorSystem.objects.get(code="N19")
    indicators = list(system.indicators.all())
    rules = {i.pk: parse_rule(i.rule) for i in indicators}
    with transaction.atomic():
        province = Region.objects.create(code="990000", name="合成省", level="province")
        city = Region.objects.create(code="990100", name="合成市", level="city", parent=province)
        regions = Region.objects.bulk_create(
            Region(
                code=f"9{i:05d}",
                name=f"合成县{i}",
                level="county",
                parent=city,
                terrain=rng.choice(["山区", "丘陵", "平原"]),
                coastal=rng.random() < 0.3,
            )
            for i in range(1, zones + 1)
        )
        programme = Programme.objects.get(code="provincial")
        batch = Batch.objects.create(programme=programme, year=2019, number=99, name="合成批次")
        designations = Designation.objects.bulk_create(
            Designation(
                region=r, programme=programme, batch=batch, named_on=datetime.date(2019, 12, 1)
            )
            for r in regions
        )
        windows = {
            y: ReportingYear.objects.create(
                year=y,
                opens_on=datetime.date(y + 1, 1, 1),
                deadline=datetime.date(y + 1, 3, 1),
                locks_on=datetime.date(y + 1, 6, 1),
            )
            for y in years
        }
        reports = AnnualReport.objects.bulk_create(
            (
                AnnualReport(window=windows[y], year=y, region=r, system=system, status="accepted")
                for r in regions
                for y in years
            ),
            batch_size=2000,
        )
        by_region = {}
        for report in reports:
            by_region.setdefault(report.region_id, []).append(report)
        values = []
        for region in regions:
            facts = region_facts(region)
            quality = rng.uniform(0.8, 1.0)  # how often this zone meets a target
            previous: dict[int, Decimal] = {}
            for report in by_region[region.pk]:
                for indicator in indicators:
                    number, task, yes, state = synthetic_answer(
                        rules[indicator.pk], facts, quality, previous.get(indicator.pk)
                    )
                    previous[indicator.pk] = number
                    kind = indicator.value_type  # only what the indicator's value type collects
                    values.append(
                        ReportValue(
                            report=report,
                            indicator=indicator,
                            number=number if kind.startswith(("number", "percent")) else None,
                            task=task if kind.endswith("+task") else None,
                            yes=yes if kind == "yesno" else None,
                            state=state if kind == "state" else "",
                        )
                    )
            if len(values) >= 50000:
                ReportValue.objects.bulk_create(values, batch_size=5000)
                values = []
        ReportValue.objects.bulk_create(values, batch_size=5000)
    return SimpleNamespace(
        system=system, indicators=indicators, regions=regions, designations=designations, city=city
    )
