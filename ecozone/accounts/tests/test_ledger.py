"""Account administration appends one ledger entry per history row."""

import pytest

from ecozone.accounts import services
from ecozone.accounts.models import AccountEvent, Organisation
from ecozone.core.models import LedgerEntry

pytestmark = pytest.mark.django_db


def test_a_role_change_appends_exactly_one_entry(users):
    admin, user = users["province_admin"], users["county"]
    before = LedgerEntry.objects.count()
    services.change_user(
        by=admin,
        user=user,
        display_name="",
        role="city",
        organisation=Organisation.objects.get(name="湖州市（330500）"),
    )
    assert LedgerEntry.objects.count() == before + 1
    entry = LedgerEntry.objects.order_by("pk").last()
    event = AccountEvent.objects.get(user=user, action="user_changed")
    assert (entry.kind, entry.object_type, entry.object_id, entry.by_id) == (
        "accounts.user_changed",
        "accounts.user",
        str(user.pk),
        admin.pk,
    )
    assert entry.payload == {
        "event": event.pk,
        "user": user.pk,
        "username": "county",
        "organisation": user.organisation_id,
        "changes": {
            "role": ["county", "city"],
            "organisation": ["安吉县（330523）", "湖州市（330500）"],
        },
        "reason": "",
    }


def test_deactivation_is_an_entry(users):
    services.deactivate_user(by=users["province_admin"], user=users["county"], reason="调岗")
    entry = LedgerEntry.objects.order_by("pk").last()
    assert (entry.kind, entry.payload["changes"], entry.payload["reason"]) == (
        "accounts.user_deactivated",
        {"is_active": [True, False]},
        "调岗",
    )
