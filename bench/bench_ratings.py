"""The whole re-examination job of a campaign at nation scale, on a synthetic data set (3,000 zones ×
52 indicators × 4 years, generated here): read (`inputs.zone_inputs` and the readiness of each
zone), compute (`engine.compute_all`), store (each card and its inputs as JSON, then
`services.computing._save_results`), each printed separately with the per-zone cost and the total
(medians of three runs). Prints figures; asserts no time. Target: under 10 s in all."""

import gc
import random
import time
from collections import Counter
from decimal import Decimal

from _setup import median, rounded, setup_django

setup_django()

from _nation import build_nation
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.utils import timezone, translation

from ecozone.accounts.models import Role, User
from ecozone.core.batch import collector_paused
from ecozone.ratings import engine, services
from ecozone.ratings.inputs import zone_inputs
from ecozone.ratings.models import Campaign, ExpertAssignment, Reexamination, Scheme
from ecozone.ratings.readiness import zones_readiness
from ecozone.ratings.serialization import card_to_json, input_to_json
from ecozone.ratings.services.computing import _save_results, job_batch_size
from ecozone.reporting.models import ReportValue

ZONES, YEARS = int(__import__("os").environ.get("BENCH_ZONES", 3000)), (2020, 2021, 2022, 2023)
rng = random.Random(7)


started = time.perf_counter()
nation = build_nation(zones=ZONES, years=YEARS)
with transaction.atomic():
    scheme = Scheme.objects.get(code="default")
    campaign = Campaign.objects.create(year=2024, title="合成复核", scheme=scheme)
    zones = Reexamination.objects.bulk_create(
        Reexamination(campaign=campaign, designation=d, period=[2021, 2022, 2023])
        for d in nation.designations
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
