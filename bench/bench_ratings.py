"""Computing every zone's re-examination result from the database on a synthetic nation-scale
data set (3,000 zones × 52 indicators × 4 years, generated here). Prints the time spent loading
versus computing and the per-zone cost (medians of three runs)."""

import datetime
import gc
import random
import time
from collections import Counter
from decimal import Decimal

from _setup import median, rounded, setup_django

setup_django()

from django.db import connection, transaction
from django.utils import timezone

from ecozone.accounts.models import Role, User
from ecozone.designations.models import Batch, Designation, Programme
from ecozone.indicators.models import IndicatorSystem
from ecozone.indicators.rules import Compare, numeric_threshold, parse_rule, required_states
from ecozone.ratings import engine, services
from ecozone.ratings.inputs import zone_inputs
from ecozone.ratings.models import Campaign, ExpertAssignment, Reexamination, Scheme
from ecozone.ratings.serialization import card_to_json
from ecozone.regions.models import Region
from ecozone.reporting.models import AnnualReport, ReportingYear, ReportValue
from ecozone.reporting.queries import region_facts

ZONES, YEARS = int(__import__("os").environ.get("BENCH_ZONES", 3000)), (2020, 2021, 2022, 2023)
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


started = time.perf_counter()
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
        for i in range(1, ZONES + 1)
    )
    programme = Programme.objects.get(code="provincial")
    batch = Batch.objects.create(programme=programme, year=2019, number=99, name="合成批次")
    designations = Designation.objects.bulk_create(
        Designation(region=r, programme=programme, batch=batch, named_on=datetime.date(2019, 12, 1))
        for r in regions
    )
    windows = {
        y: ReportingYear.objects.create(
            year=y,
            opens_on=datetime.date(y + 1, 1, 1),
            deadline=datetime.date(y + 1, 3, 1),
            locks_on=datetime.date(y + 1, 6, 1),
        )
        for y in YEARS
    }
    reports = AnnualReport.objects.bulk_create(
        (
            AnnualReport(window=windows[y], year=y, region=r, system=system, status="accepted")
            for r in regions
            for y in YEARS
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
    scheme = Scheme.objects.get(code="default")
    campaign = Campaign.objects.create(year=2024, title="合成复核", scheme=scheme)
    zones = Reexamination.objects.bulk_create(
        Reexamination(campaign=campaign, designation=d, period=[2021, 2022, 2023])
        for d in designations
    )
    experts = User.objects.bulk_create(
        User(username=f"bench-expert-{i}", role=Role.EXPERT) for i in range(3)
    )
    now = timezone.now()
    ExpertAssignment.objects.bulk_create(
        (
            ExpertAssignment(
                zone=zone,
                expert=expert,
                submitted_at=now,
                scores={
                    w.code: str(Decimal(rng.randint(int(w.maximum), int(w.maximum) * 2)) / 2)
                    for w in engine.SchemeSettings.from_dict(scheme.settings).work_items
                },
            )
            for zone in zones
            for expert in experts
        ),
        batch_size=5000,
    )
print(
    f"set-up: {ZONES} zones, {ReportValue.objects.count()} values in {time.perf_counter() - started:.1f} s ({connection.vendor})"
)

settings = engine.SchemeSettings.from_dict(scheme.settings)
zones = list(campaign.zones.select_related("designation__region"))
loads, computes, writes = [], [], []
for _run in range(3):
    inputs = cards = None
    gc.collect()  # each run starts without the previous run's objects (not timed)
    start = time.perf_counter()
    inputs = zone_inputs(zones, settings)
    loaded = time.perf_counter()
    cards = engine.compute_all([inputs[zone.pk][0] for zone in zones])
    done = time.perf_counter()
    documents = [card_to_json(card) for card in cards]
    written = time.perf_counter()
    loads.append(loaded - start)
    computes.append(done - loaded)
    writes.append(written - done)
assert len(cards) == ZONES == len(documents)
total = median(loads) + median(computes)
stars = Counter(card.stars for card in cards)
print(f"load inputs from the database: median {median(loads):.3f} s  runs {rounded(loads)}")
print(
    f"compute {ZONES} score cards:      median {median(computes):.3f} s  runs {rounded(computes)}"
)
print(
    f"total {total:.3f} s; per zone {1000 * total / ZONES:.2f} ms "
    f"(load {1000 * median(loads) / ZONES:.2f} ms + compute {1000 * median(computes) / ZONES:.2f} ms)"
)
print(
    f"not part of the figure above: the cards as JSON documents (what a campaign stores) "
    f"median {median(writes):.3f} s; results by stars {dict(sorted(stars.items()))}"
)
inputs = cards = documents = None
gc.collect()
start = time.perf_counter()
services.compute_zones(
    list(campaign.zones.select_related("campaign__scheme", "designation__region"))
)
print(
    f"the whole campaign job once (read, compute, write every card and its inputs): "
    f"{time.perf_counter() - start:.3f} s"
)
