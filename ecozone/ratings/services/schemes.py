"""Scoring-scheme versions: the only code that writes them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecozone.core import ledger
from ecozone.ratings.models import (
    Scheme,
)
from ecozone.ratings.services.common import settings_of
from ecozone.ratings.states import (
    SchemeStatus,
)


def publish_scheme(scheme: Scheme, *, by) -> Scheme:
    with transaction.atomic():
        scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
        if scheme.status != SchemeStatus.DRAFT:
            raise ValidationError(
                _("A published scheme cannot change; copy it into a new version.")
            )
        settings_of(scheme)  # refuses a malformed scheme
        scheme.status, scheme.published_at = SchemeStatus.PUBLISHED, timezone.now()
        scheme.save()
        ledger.append(
            kind="ratings.scheme.published",
            obj=scheme,
            payload={"scheme": scheme.code, "from": SchemeStatus.DRAFT, "to": scheme.status},
            by=by,
        )
    return scheme
