"""The province's integrity page: the platform verification's last runs, and a run on request."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecozone.accounts import permissions
from ecozone.ratings import integrity
from ecozone.ratings.models import IntegrityRun

EARLIER_RUNS = 10


@login_required
def integrity_page(request):
    permissions.require(permissions.is_province_admin(request.user))
    runs = list(IntegrityRun.objects.order_by("-pk")[: EARLIER_RUNS + 1])
    last = integrity.last_finished()
    return render(
        request,
        "ratings/integrity.html",
        {
            "last": last,
            "details": integrity.labelled(last) if last else None,
            "running": [r for r in runs if r.finished_at is None],
            "earlier": [r for r in runs if r.finished_at is not None and r != last][:EARLIER_RUNS],
        },
    )


@login_required
@require_POST
def integrity_run(request):
    permissions.require(permissions.is_province_admin(request.user))
    integrity.enqueue_integrity_run(trigger=IntegrityRun.Trigger.MANUAL)
    messages.success(
        request, _("The verification is queued; this page shows its result once it has run.")
    )
    return redirect("audit_integrity")
