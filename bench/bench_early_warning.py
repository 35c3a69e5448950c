"""The early warning at nation scale (issue 12), on the synthetic data set of bench_ratings
(`_nation.build_nation`: 3,000 zones × 52 indicators × 4 accepted years): the background refresh
(`warning.refresh_provisional`, every zone scored and stored) and the page and API as the
province reads them (stored rows only). Medians of five runs. Target: the page under 1 s."""

import os
import time

from _setup import median, rounded, setup_django

setup_django()

from _nation import build_nation
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ecozone.accounts.models import Role, User
from ecozone.ratings import warning
from ecozone.ratings.models import ProvisionalResult

ZONES, YEARS = int(os.environ.get("BENCH_ZONES", 3000)), (2020, 2021, 2022, 2023)
RUNS = 5

started = time.perf_counter()
build_nation(zones=ZONES, years=YEARS)
print(f"set-up: {ZONES} zones in {time.perf_counter() - started:.1f} s ({connection.vendor})")

scheme = warning.chosen_scheme()
refreshes = []
for _run in range(RUNS):
    start = time.perf_counter()
    stored = warning.refresh_provisional(scheme=scheme)
    refreshes.append(time.perf_counter() - start)
assert stored == ZONES == ProvisionalResult.objects.count()
judged = ProvisionalResult.objects.filter(judged_years=[2021, 2022, 2023]).count()
assert judged == ZONES, judged
print(
    f"refresh_provisional ({ZONES} zones scored and stored): median {median(refreshes):.3f} s  "
    f"runs {rounded(refreshes)}"
)

settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # the test client's host
province = User.objects.create(username="bench-province", role=Role.PROVINCE_ADMIN)
client = Client()
client.force_login(province)


def timed_get(url: str) -> tuple[list[float], int]:
    times, queries = [], 0
    for _run in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
        queries = len(captured)
    return times, queries


for label, url in [
    (f"page (first 100 of {ZONES} rows)", "/ratings/early-warning/"),
    ("page filtered to ★★★", "/ratings/early-warning/?stars=3"),
    ("page, last page", f"/ratings/early-warning/?page={(ZONES + 99) // 100}"),
    ("API (every row as JSON)", "/api/v1/ratings/early-warning"),
]:
    times, queries = timed_get(url)
    print(f"GET {label}: median {median(times):.3f} s  runs {rounded(times)}  {queries} queries")
