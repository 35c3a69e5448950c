"""Shared set-up for benchmarks: a throw-away SQLite database (or $BENCH_DATABASE_URL) in a
temporary folder, migrated, with Django configured. Benchmarks print figures; nothing asserts
time."""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="ecozone-bench-"))
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{folder / 'bench.sqlite3'}"
    )
    os.environ["ECOZONE_VAR_DIR"] = str(folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return folder


def timed(function, *, repeat: int = 3, setup=None) -> list[float]:
    """Wall-clock seconds of `repeat` runs, each after `setup()` (not timed)."""
    times = []
    for _ in range(repeat):
        argument = setup() if setup else None
        start = time.perf_counter()
        function(argument) if setup else function()
        times.append(time.perf_counter() - start)
    return times


def rounded(values: list[float]) -> list[float]:
    return [round(v, 3) for v in values]


def median(values: list[float]) -> float:
    return statistics.median(values)
