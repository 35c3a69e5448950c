"""The platform's ledger: every decision outside the value chain, hash-chained.

`append()` is called by an app's service in its own transaction, next to the history row it
writes; `head()` gives (length, last hash) for signed checkpoints; `verify()` recomputes every
hash in order. Same construction as the value chain (reporting.audit, decision 0004).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from django.utils import timezone

from ecozone.core.models import LedgerEntry, LedgerHead

GENESIS = "0" * 64


def canonical(data) -> str:
    """JSON with sorted keys and no spaces: the same text for the same content, everywhere."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def entry_hash(entry: LedgerEntry, previous_hash: str) -> str:
    content = {
        "at": entry.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "by": entry.by_id,
        "by_name": entry.by_name,
        "kind": entry.kind,
        "object": f"{entry.object_type}:{entry.object_id}",
        "payload": entry.payload,
    }
    return hashlib.sha256((previous_hash + canonical(content)).encode()).hexdigest()


def append(*, kind: str, obj, payload: dict, by=None) -> LedgerEntry:
    """Chain and insert one entry about `obj` (a model instance); call inside a transaction."""
    head, _created = LedgerHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"last_hash": GENESIS, "length": 0}
    )
    entry = LedgerEntry(
        at=timezone.now(),
        by=by if getattr(by, "pk", None) else None,
        by_name=str(by) if by else "system",
        kind=kind,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        payload=json.loads(canonical(payload)),  # stored exactly as it was hashed
        previous_hash=head.last_hash,
    )
    entry.hash = entry_hash(entry, head.last_hash)
    entry.save()
    head.last_hash, head.length = entry.hash, head.length + 1
    head.save(update_fields=["last_hash", "length"])
    return entry


def head() -> tuple[int, str]:
    found = LedgerHead.objects.filter(pk=1).first()
    return (found.length, found.last_hash) if found else (0, GENESIS)


@dataclass(frozen=True)
class LedgerReport:
    checked: int
    broken_at: int | None  # primary key of the first entry that does not verify
    problem: str = ""


def verify() -> LedgerReport:
    previous, checked = GENESIS, 0
    for entry in LedgerEntry.objects.order_by("pk").iterator(chunk_size=2000):
        if entry.previous_hash != previous:
            return LedgerReport(checked, entry.pk, "previous_hash does not match the entry before")
        if entry_hash(entry, previous) != entry.hash:
            return LedgerReport(checked, entry.pk, "content does not match its hash")
        previous, checked = entry.hash, checked + 1
    length, last = head()
    if (length, last) != (checked, previous):
        return LedgerReport(checked, None, "entries are missing at the end of the ledger")
    return LedgerReport(checked, None)


def hash_at(length: int) -> str | None:
    """The ledger's head hash when it had `length` entries (for a saved checkpoint)."""
    if length == 0:
        return GENESIS
    entry = LedgerEntry.objects.order_by("pk")[length - 1 : length].first()
    return entry.hash if entry else None
