"""The tamper-evident chain of value changes.

Each ValueChange row stores `hash = sha256(previous_hash + canonical content)`. Appends lock the
single AuditHead row, so the chain stays linear under concurrent writers on PostgreSQL (SQLite
serialises writers anyway). `verify_chain()` recomputes every hash in order and names the first
row that does not match.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC

from ecozone.reporting.models import AuditHead, ValueChange

GENESIS = "0" * 64


def content_hash(row: ValueChange, previous_hash: str) -> str:
    content = {
        "value": row.value_id,
        "report": row.report_id,
        "indicator": row.indicator_code,
        "version": row.report_version,
        "at": row.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "by": row.by_id,
        "by_name": row.by_name,
        "channel": row.channel,
        "changes": row.changes,
        "reason": row.reason,
    }
    text = previous_hash + json.dumps(
        content, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(text.encode()).hexdigest()


def append(rows: Iterable[ValueChange]) -> list[ValueChange]:
    """Chain and insert rows; must run inside the caller's transaction."""
    rows = list(rows)
    if not rows:
        return rows
    head, _created = AuditHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"last_hash": GENESIS, "length": 0}
    )
    previous = head.last_hash
    for row in rows:
        row.previous_hash = previous
        row.hash = previous = content_hash(row, previous)
    ValueChange.objects.bulk_create(rows, batch_size=1000)
    head.last_hash = previous
    head.length += len(rows)
    head.save(update_fields=["last_hash", "length"])
    return rows


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None  # primary key of the first row that does not verify
    problem: str = ""


# What content_hash reads, fetched as named tuples: building 780,000 model instances cost more
# than hashing them (bench/bench_verification.py).
CHAINED = (
    "pk",
    "value_id",
    "report_id",
    "indicator_code",
    "report_version",
    "at",
    "by_id",
    "by_name",
    "channel",
    "changes",
    "reason",
    "previous_hash",
    "hash",
)


def verify_chain() -> ChainReport:
    previous = GENESIS
    checked = 0
    rows = ValueChange.objects.order_by("pk").values_list(*CHAINED, named=True)
    for row in rows.iterator(chunk_size=5000):
        if row.previous_hash != previous:
            return ChainReport(checked, row.pk, "previous_hash does not match the row before")
        if content_hash(row, previous) != row.hash:
            return ChainReport(checked, row.pk, "content does not match its hash")
        previous = row.hash
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.last_hash != previous or head.length != checked):
        return ChainReport(checked, None, "rows are missing at the end of the chain")
    return ChainReport(checked, None)
