"""The full platform verification (`reporting.verification.run_verification`: value chain, ledger,
live values replayed from their history, evidence, signed checkpoints) on a synthetic nation-scale
history: 3,000 zones × 5 years × 52 indicators, one recorded change per value (≈ 780,000 rows,
chained with `reporting.audit.append`). Prints the time to build it, the verification's time and a
bare read of the same rows, rows per second and the ratio. BENCH_ZONES=300 for a quick look;
BENCH_REPEAT=1 for a single run; BENCH_PROFILE=1 prints a cProfile of one run first."""

import datetime
import os
import random
import time
from decimal import Decimal

from _setup import median, rounded, setup_django, timed

setup_django()

from django.db import connection, transaction
from django.utils import timezone

from ecozone.indicators.models import IndicatorSystem
from ecozone.regions.models import Region
from ecozone.reporting import audit, checkpoints
from ecozone.reporting.models import (
    AnnualReport,
    Checkpoint,
    ReportingYear,
    ReportValue,
    ValueChange,
)
from ecozone.reporting.verification import FIELDS, run_verification

ZONES = int(os.environ.get("BENCH_ZONES", 3000))
REPEAT = int(os.environ.get("BENCH_REPEAT", 3))
YEARS = (2019, 2020, 2021, 2022, 2023)
rng = random.Random(13)

started = time.perf_counter()
system = IndicatorSystem.objects.get(code="N19")
indicators = list(system.indicators.order_by("position"))
moment = timezone.now().replace(microsecond=0)
with transaction.atomic():
    province = Region.objects.create(code="990000", name="合成省", level="province")
    city = Region.objects.create(code="990100", name="合成市", level="city", parent=province)
    regions = Region.objects.bulk_create(
        Region(code=f"9{i:05d}", name=f"合成县{i}", level="county", parent=city)
        for i in range(1, ZONES + 1)
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
        AnnualReport(window=windows[y], year=y, region=r, system=system, status="accepted")
        for r in regions
        for y in YEARS
    )
    # A hundred reports at a time: values, then their changes chained onto the value chain.
    for first in range(0, len(reports), 100):
        chunk = reports[first : first + 100]
        values = ReportValue.objects.bulk_create(
            (
                ReportValue(
                    report=report,
                    indicator=indicator,
                    number=Decimal(f"{rng.uniform(10, 100):.2f}"),
                    explanation="",
                )
                for report in chunk
                for indicator in indicators
            ),
            batch_size=5000,
        )
        codes = {i.pk: i.code for i in indicators}
        audit.append(
            ValueChange(
                value_id=value.pk,
                report_id=value.report_id,
                indicator_code=codes[value.indicator_id],
                report_version=1,
                at=moment,
                by=None,
                by_name="bench",
                channel="form",
                changes={"number": [None, str(value.number)]},
            )
            for value in values
        )
    checkpoints.make_checkpoint(Checkpoint.Reason.MANUAL)
rows = ValueChange.objects.count()
print(
    f"set-up: {ZONES} zones × {len(YEARS)} years × {len(indicators)} indicators: "
    f"{ReportValue.objects.count()} values, {rows} value changes "
    f"in {time.perf_counter() - started:.1f} s ({connection.vendor})",
    flush=True,
)


def bare_read() -> int:
    """The same rows the verification reads, only iterated: every column of the value chain
    and the live values' compared fields."""
    count = 0
    changes = ValueChange.objects.order_by("pk").values_list(
        "pk",
        "value_id",
        "report_id",
        "indicator_code",
        "report_version",
        "at",
        "by_id",
        "by_name",
        "channel",
        "changes",
        "reason",
        "previous_hash",
        "hash",
    )
    for _row in changes.iterator(chunk_size=5000):
        count += 1
    values = ReportValue.objects.order_by("pk").values_list("pk", *FIELDS)
    for _row in values.iterator(chunk_size=5000):
        count += 1
    return count


result = run_verification()
assert result.ok, [c.problems for c in result.checks]
print("checks: " + ", ".join(f"{c.name} {c.checked}" for c in result.checks), flush=True)

if os.environ.get("BENCH_PROFILE"):
    import cProfile
    import pstats

    profile = cProfile.Profile()
    profile.runcall(run_verification)
    pstats.Stats(profile).sort_stats("tottime").print_stats(20)

verify_times = timed(run_verification, repeat=REPEAT)
read_times = timed(bare_read, repeat=REPEAT)
verify_s, read_s = median(verify_times), median(read_times)
how = f"median of {REPEAT}" if REPEAT > 1 else "1 run"
print(f"run_verification(): {verify_s:.2f} s ({how}: {rounded(verify_times)})")
print(f"  {rows / verify_s:,.0f} value changes per second")
print(f"bare read of the same rows: {read_s:.2f} s ({how}: {rounded(read_times)})")
print(f"  {rows / read_s:,.0f} value changes per second")
print(f"ratio verification / bare read: {verify_s / read_s:.1f}×  (target: verification < 60 s)")
