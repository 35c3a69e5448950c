"""The ledger chains every entry; a rewrite is named, even with every later hash recomputed
(then only a saved head catches it: `hash_at`)."""

import pytest

from ecozone.accounts.models import Organisation
from ecozone.core import ledger
from ecozone.core.models import LedgerEntry
from tests.tamper import tampering

pytestmark = pytest.mark.django_db


def test_entries_chain_and_verify(users):
    office = Organisation.objects.get(name="浙江省林业局")
    first = ledger.append(kind="accounts.organisation.changed", obj=office, payload={"a": 1})
    second = ledger.append(
        kind="accounts.organisation.changed", obj=office, payload={"b": "二"}, by=users["city"]
    )
    assert (first.previous_hash, second.previous_hash) == (ledger.GENESIS, first.hash)
    assert (second.object_type, second.object_id, second.by_name) == (
        "accounts.organisation",
        str(office.pk),
        "city",
    )
    assert ledger.head() == (2, second.hash)
    assert ledger.verify() == ledger.LedgerReport(2, None)
    assert ledger.hash_at(1) == first.hash


def test_a_rewritten_entry_is_named_and_a_recomputed_chain_differs_from_a_saved_head(users):
    office = Organisation.objects.get(name="浙江省林业局")
    entries = [ledger.append(kind="k", obj=office, payload={"n": n}) for n in range(3)]
    saved = ledger.hash_at(3)
    with tampering():  # PostgreSQL refuses the UPDATE otherwise (core migration 0003)
        LedgerEntry.objects.filter(pk=entries[1].pk).update(payload={"n": 99})
    assert ledger.verify() == ledger.LedgerReport(
        1, entries[1].pk, "content does not match its hash"
    )
    # an insider recomputes every later hash with the application's own function …
    previous = entries[0].hash
    with tampering():
        for entry in LedgerEntry.objects.filter(pk__gte=entries[1].pk).order_by("pk"):
            entry.previous_hash = previous
            entry.hash = previous = ledger.entry_hash(entry, previous)
            entry.save()
    from ecozone.core.models import LedgerHead

    LedgerHead.objects.filter(pk=1).update(last_hash=previous)
    assert ledger.verify().broken_at is None  # the chain alone cannot tell …
    assert ledger.hash_at(3) != saved  # … a head saved elsewhere can
