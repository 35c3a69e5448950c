from django.conf import settings
from django.db import DatabaseError
from django.http import JsonResponse

from ecozone.core import health


def healthz(request):
    """For load balancers and monitoring: 200 when the site can serve, else 503, with each check.

    The worker check fails the answer only with ECOZONE_HEALTH_REQUIRE_WORKER=1: a web server
    serves pages without it, campaigns just wait. A failed platform verification makes the status
    "degraded" (still 200: the site serves, someone must look), or 503 with
    ECOZONE_HEALTH_REQUIRE_INTEGRITY=1.
    """
    try:
        database = "ok" if health.database_writable() else "failing"
        worker, seen, late = health.worker_state()
        integrity = health.integrity_state()
    except DatabaseError:  # not even readable
        database, worker, seen, late, integrity = "failing", "unknown", None, None, "unknown"
    healthy = database == "ok" and (worker != "stale" or not settings.ECOZONE_HEALTH_REQUIRE_WORKER)
    if integrity == "failing" and settings.ECOZONE_HEALTH_REQUIRE_INTEGRITY:
        healthy = False
    status = "ok" if healthy else "failing"
    if healthy and integrity == "failing":
        status = "degraded"
    return JsonResponse(
        {
            "status": status,
            "checks": {"database": database, "worker": worker, "integrity": integrity},
            "worker_seen_at": seen.isoformat() if seen else None,
            "jobs_waiting": late,
        },
        status=200 if healthy else 503,
    )
