"""Computing every zone's re-examination result from the database on a synthetic nation-scale
data set (3,000 zones × 52 indicators × 4 years, generated here). Prints the time spent loading
versus computing and the per-zone cost (medians of three runs)."""

import datetime
import random
import time

from _setup import median, rounded, setup_django

setup_django()

from django.db import connection, transaction

from ecozone.designations.models import Batch, Designation, Programme
from ecozone.indicators.models import IndicatorSystem
from ecozone.ratings import engine
from ecozone.ratings.inputs import zone_inputs
from ecozone.ratings.models import Campaign, Reexamination, Scheme
from ecozone.regions.models import Region
from ecozone.reporting.models import AnnualReport, ReportingYear, ReportValue

ZONES, YEARS = int(__import__("os").environ.get("BENCH_ZONES", 3000)), (2020, 2021, 2022, 2023)
rng = random.Random(7)
started = time.perf_counter()
system = IndicatorSystem.objects.get(code="N19")
indicators = list(system.indicators.all())
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
    values = []
    for report in reports:
        for indicator in indicators:
            values.append(
                ReportValue(
                    report=report,
                    indicator=indicator,
                    number=rng.randint(60, 100),
                    task=rng.random() < 0.95,
                    yes=rng.random() < 0.95,
                    state="建立" if rng.random() < 0.9 else "未开展",
                )
            )
        if len(values) >= 50000:
            ReportValue.objects.bulk_create(values, batch_size=5000)
            values = []
    ReportValue.objects.bulk_create(values, batch_size=5000)
    scheme = Scheme.objects.get(code="default")
    campaign = Campaign.objects.create(year=2024, title="合成复核", scheme=scheme)
    Reexamination.objects.bulk_create(
        Reexamination(campaign=campaign, designation=d, period=[2021, 2022, 2023])
        for d in designations
    )
print(
    f"set-up: {ZONES} zones, {ReportValue.objects.count()} values in {time.perf_counter() - started:.1f} s ({connection.vendor})"
)

settings = engine.SchemeSettings.from_dict(scheme.settings)
zones = list(campaign.zones.select_related("designation__region"))
loads, computes = [], []
for _run in range(3):
    start = time.perf_counter()
    inputs = zone_inputs(zones, settings)
    loaded = time.perf_counter()
    cards = [engine.compute(inputs[zone.pk][0]) for zone in zones]
    done = time.perf_counter()
    loads.append(loaded - start)
    computes.append(done - loaded)
assert len(cards) == ZONES
total = median(loads) + median(computes)
print(f"load inputs from the database: median {median(loads):.3f} s  runs {rounded(loads)}")
print(
    f"compute {ZONES} score cards:      median {median(computes):.3f} s  runs {rounded(computes)}"
)
print(
    f"total {total:.3f} s; per zone {1000 * total / ZONES:.2f} ms "
    f"(load {1000 * median(loads) / ZONES:.2f} ms + compute {1000 * median(computes) / ZONES:.2f} ms)"
)
