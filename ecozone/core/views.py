from django.conf import settings
from django.db import DatabaseError
from django.http import JsonResponse

from ecozone.core import health


def healthz(request):
    """For load balancers and monitoring: 200 when the site can serve, else 503, with each check.

    The worker check fails the answer only with ECOZONE_HEALTH_REQUIRE_WORKER=1: a web server
    serves pages without it, campaigns just wait.
    """
    try:
        database = "ok" if health.database_writable() else "failing"
        worker, seen, late = health.worker_state()
    except DatabaseError:  # not even readable
        database, worker, seen, late = "failing", "unknown", None, None
    healthy = database == "ok" and (worker != "stale" or not settings.ECOZONE_HEALTH_REQUIRE_WORKER)
    return JsonResponse(
        {
            "status": "ok" if healthy else "failing",
            "checks": {"database": database, "worker": worker},
            "worker_seen_at": seen.isoformat() if seen else None,
            "jobs_waiting": late,
        },
        status=200 if healthy else 503,
    )
