"""The full platform verification, recorded: nightly, after every publication and on request.

`reporting.verification.run_verification()` checks the two chains, the live values against their
history, the evidence files and the signed checkpoints; `ratings.verify.verify_published()`
recomputes every published rating. Reporting may not import ratings (the import rule of
docs/architecture.md), so the one run of both lives here, in the lowest app that may import both.
Each run is an `IntegrityRun`; its outcome is also the site flag /healthz reads
(`core.health.record_integrity`), since core imports no app.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecozone.core import health
from ecozone.ratings.models import IntegrityRun
from ecozone.ratings.verify import verify_published
from ecozone.reporting.verification import Check, run_verification

log = logging.getLogger(__name__)

# Problems named per check; the run keeps at most PROBLEMS_KEPT of them in all.
PROBLEMS_PER_CHECK = 20
PROBLEMS_KEPT = 50

CHECK_LABELS = {
    "value_chain": gettext_lazy("value chain"),
    "ledger": gettext_lazy("ledger"),
    "values": gettext_lazy("live values"),
    "evidence": gettext_lazy("evidence files"),
    "checkpoints": gettext_lazy("signed checkpoints"),
    "ratings": gettext_lazy("published ratings"),
    "run": gettext_lazy("the run itself"),
}

# verify_published's plain English texts, translated here.
RATING_PROBLEMS = {
    "stored inputs give a different card": gettext_lazy(
        "its stored inputs give a different score card"
    ),
    "total or stars differ from the card": gettext_lazy(
        "its total or stars differ from its score card"
    ),
    "the locked values or inputs changed since publication": gettext_lazy(
        "the locked values or inputs changed since publication"
    ),
}


def check_ratings(*, limit: int = PROBLEMS_PER_CHECK) -> Check:
    """What `manage.py verify_ratings` checks, as one more Check."""
    checked, problems = verify_published()
    check = Check("ratings", checked=checked)
    for zone, problem in problems:
        check.add(
            _("%(region)s (%(code)s) · %(campaign)s: %(problem)s")
            % {
                "region": zone.designation.region.name,
                "code": zone.designation.region.code,
                "campaign": zone.campaign.title,
                "problem": RATING_PROBLEMS.get(problem, problem),
            },
            limit=limit,
        )
    return check


@contextmanager
def snapshot():
    """On PostgreSQL, one REPEATABLE READ transaction: the history and the live rows are read
    as of one moment, so a value saved during the run is not reported as a difference. (Inside
    an open transaction, as in tests, and on SQLite, the reads run as they are.)"""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def all_checks() -> list[Check]:
    with snapshot():
        return [*run_verification(limit=PROBLEMS_PER_CHECK).checks, check_ratings()]


def run_integrity(*, trigger: str) -> IntegrityRun:
    """Run every check and record the run (and the health flag). A check that crashes is recorded
    as a failed run naming the error, so that the nightly schedule and the page go on."""
    run = IntegrityRun.objects.create(trigger=trigger, started_at=timezone.now())
    try:
        checks = all_checks()
    except Exception as error:  # any crash is a failed run, recorded and shown
        log.exception("integrity run %s stopped", run.pk)
        failed = Check("run", checked=None)
        failed.add(_("the verification stopped: %(error)s") % {"error": error}, limit=1)
        checks = [failed]
    problems = [{"check": check.name, "text": text} for check in checks for text in check.problems][
        :PROBLEMS_KEPT
    ]
    with transaction.atomic():
        run.finished_at = timezone.now()
        run.counts = {c.name: {"checked": c.checked, "problems": c.total} for c in checks}
        run.problems = problems
        run.total_problems = sum(c.total for c in checks)
        run.ok = run.total_problems == 0
        run.save()
        health.record_integrity(ok=run.ok)
    return run


# ------------------------------------------------------------------------------------ reads


def last_finished() -> IntegrityRun | None:
    return IntegrityRun.objects.filter(finished_at__isnull=False).order_by("-pk").first()


def last_failed() -> bool:
    run = last_finished()
    return run is not None and run.ok is False


def labelled(run: IntegrityRun) -> dict:
    """The run's counts and problems with each check's name translated, for the page."""
    # In the checks' order: PostgreSQL's jsonb keeps no key order.
    names = [n for n in CHECK_LABELS if n in run.counts]
    names += sorted(set(run.counts) - set(names))
    return {
        "counts": [
            {"label": str(CHECK_LABELS.get(name, name)), **run.counts[name]} for name in names
        ],
        "problems": [
            {"label": str(CHECK_LABELS.get(p["check"], p["check"])), "text": p["text"]}
            for p in run.problems
        ],
    }


def enqueue_integrity_run(*, trigger: str) -> None:
    """Queue one run for the worker (the immediate backend of tests runs it here and now)."""
    from ecozone.ratings.tasks import integrity_task

    integrity_task.enqueue(str(trigger))
