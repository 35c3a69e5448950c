"""The public page of signed checkpoints: what they are, the latest ones, how to check one."""

import json

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from ecozone.core.models import SigningKey
from ecozone.reporting import checkpoints
from ecozone.reporting.models import Checkpoint


def checkpoint_list(request):
    recent = list(Checkpoint.objects.order_by("-pk")[:30])
    latest = checkpoints.document(recent[0]) if recent else None
    return render(
        request,
        "reporting/checkpoints.html",
        {
            "checkpoints": recent,
            "latest": latest,
            "message": checkpoints.signed_text(latest).decode() if latest else "",
            "fields": checkpoints.SIGNED_FIELDS,
            "sorted_fields": sorted(checkpoints.SIGNED_FIELDS),
            "keys": SigningKey.objects.all(),
        },
    )


def checkpoint_json(request, pk: int):
    checkpoint = get_object_or_404(Checkpoint, pk=pk)
    text = json.dumps(checkpoints.document(checkpoint), indent=2)
    response = HttpResponse(text, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename=checkpoint-{checkpoint.pk}.json"
    return response
