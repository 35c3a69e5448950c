"""The whole re-examination job of a campaign at nation scale, on a synthetic data set (3,000 zones ×
52 indicators × 4 years, generated here): read (`inputs.zone_inputs` and the readiness of each
zone), compute (`engine.compute_all`), store (each card and its inputs as JSON, then
`services.computing._save_results`), each printed separately with the per-zone cost and the total
(medians of three runs). Prints figures; asserts no time. Target: under 10 s in all."""

import datetime
import gc
import random
import time
from collections import Counter
from decimal import Decimal

from _setup import median, rounded, setup_django

setup_django()

from django.conf import settings as django_settings
from django.db import connection, transaction
from django.utils import timezone, translation

from ecozone.accounts.models import Role, User
from ecozone.core.batch import collector_paused
from ecozone.designations.models import Batch, Designation, Programme
from ecozone.indicators.models import IndicatorSystem
from ecozone.indicators.rules import Compare, numeric_threshold, parse_rule, required_states
from ecozone.ratings import engine, services
from ecozone.ratings.inputs import zone_inputs
from ecozone.ratings.models import Campaign, ExpertAssignment, Reexamination, Scheme
from ecozone.ratings.readiness import zones_readiness
from ecozone.ratings.serialization import card_to_json, input_to_json
from ecozone.ratings.services.computing import _save_results, job_batch_size
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
zones = list(campaign.zones.select_related("campaign__scheme", "designation__region"))
reads, readies, computes, serializes, saves = [], [], [], [], []
for _run in range(3):
    inputs = cards = None
    for zone in zones:
        zone.card = zone.inputs = None
    gc.collect()  # each run starts without the previous run's objects (not timed)
    # As services.computing does: in the product's language, the garbage collector paused while
    # the batch's objects are made (core.batch), one transaction for the writes.
    with translation.override(django_settings.LANGUAGE_CODE), collector_paused():
        start = time.perf_counter()
        inputs = zone_inputs(zones, settings)
        read = time.perf_counter()
        ready = zones_readiness(zones, experts_required=settings.experts_required)
        readied = time.perf_counter()
        cards = engine.compute_all([inputs[zone.pk][0] for zone in zones])
        computed = time.perf_counter()
        now = timezone.now()
        for zone, card in zip(zones, cards, strict=True):
            data, edition = inputs[zone.pk]
            zone.card = card_to_json(card)
            zone.inputs = input_to_json(
                data, edition=edition, scheme_code=scheme.code, scheme_settings=scheme.settings
            )
            zone.missing = ready[zone.pk].problems()
            zone.computed_at = now
            zone.total, zone.stars = (None, None) if zone.missing else (card.total, card.stars)
        serialized = time.perf_counter()
    with transaction.atomic():
        _save_results(zones)
    saved = time.perf_counter()
    reads.append(read - start)
    readies.append(readied - read)
    computes.append(computed - readied)
    serializes.append(serialized - computed)
    saves.append(saved - serialized)
assert len(cards) == ZONES
steps = [
    ("read the inputs (inputs.zone_inputs)", reads),
    ("read the readiness (readiness.zones_readiness)", readies),
    ("compute the cards (engine.compute_all)", computes),
    ("cards and inputs as JSON (serialization)", serializes),
    ("store the results (computing._save_results)", saves),
]
for label, times in steps:
    print(
        f"{label:<48} median {median(times):6.3f} s  ({1000 * median(times) / ZONES:.2f} ms/zone)"
        f"  runs {rounded(times)}"
    )
total = sum(median(times) for _label, times in steps)
print(
    f"{'total (sum of the medians)':<48} median {total:6.3f} s  ({1000 * total / ZONES:.2f} ms/zone)"
)
print(f"results by stars {dict(sorted(Counter(card.stars for card in cards).items()))}")
inputs = cards = None
gc.collect()
start = time.perf_counter()
services.compute_zones(
    list(campaign.zones.select_related("campaign__scheme", "designation__region"))
)
print(
    f"the campaign job once as the worker runs it (services.compute_zones, batches of "
    f"{job_batch_size()}): {time.perf_counter() - start:.3f} s"
)
