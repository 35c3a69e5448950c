"""Sign-in lockouts (django-axes): which accounts and addresses are locked, and lifting a lock.

django-axes keeps one AccessAttempt row per (user name, address, browser) with its failure count;
an account or an address is locked while its failures within the cool-off reach the limit.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ecozone.accounts import permissions
from ecozone.accounts.models import AccountAction, User
from ecozone.accounts.services import record_event


@dataclass(frozen=True)
class Lockout:
    key: str  # the user name or the address
    failures: int
    last_attempt: datetime.datetime
    until: datetime.datetime


def cooloff_minutes() -> int:
    return int(get_cool_off().total_seconds() // 60)


def _locked(field: str) -> list[Lockout]:
    cool_off = get_cool_off()
    rows = (
        AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cool_off)
        .exclude(**{f"{field}__isnull": True})
        .values(field)
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last")
    )
    return [
        Lockout(row[field], row["failures"], row["last"], row["last"] + cool_off) for row in rows
    ]


def locked_accounts() -> list[Lockout]:
    return _locked("username")


def locked_addresses() -> list[Lockout]:
    return _locked("ip_address")


def lift_lockout(*, by: User, username: str = "", ip_address: str = "") -> int:
    """Forget the failed sign-ins of one account or of one address; returns how many there were.

    The history row names the account (or, for a user name with no account, the name typed) or
    the address, with the number of failures forgotten.
    """
    if not permissions.can_lift_lockouts(by):
        raise PermissionDenied
    if bool(username) == bool(ip_address):
        raise ValidationError(_("Name either an account or an address."))
    attempts = AccessAttempt.objects.filter(
        **({"username": username} if username else {"ip_address": ip_address})
    )
    with transaction.atomic():
        failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
        if not failures:
            raise ValidationError(_("Nothing to unlock: no failed sign-ins are recorded."))
        reset(username=username or None, ip=ip_address or None)
        user = User.objects.filter(username=username).first() if username else None
        changes: dict = {"failures": failures}
        if ip_address:
            changes["ip_address"] = ip_address
        elif user is None:
            changes["username"] = username
        record_event(by=by, action=AccountAction.LOCKOUT_LIFTED, user=user, changes=changes)
    return failures
