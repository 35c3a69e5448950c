"""Signed checkpoints of the platform's two hash chains: the value chain (reporting.audit) and the
ledger (core.ledger).

A checkpoint states the length and head hash of each chain at one moment, signed with the
platform's Ed25519 key (core.signing) over the canonical JSON of SIGNED_FIELDS. Anyone who saved a
checkpoint (the public page and GET /api/v1/audit/checkpoint give it) can later show that the
history up to that point is unchanged: `check_file` recomputes nothing but asks the database for
the hash at the saved lengths, so a history rewritten before that point is caught even when every
later hash was recomputed to match.

Made at every report acceptance, at every campaign publication (inside the writing transaction)
and at least daily by the worker (reporting.tasks). Decision 0012.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ecozone.core import ledger, signing
from ecozone.core.ledger import canonical
from ecozone.core.models import LedgerEntry
from ecozone.reporting.audit import GENESIS
from ecozone.reporting.models import AuditHead, Checkpoint, ValueChange

# What the signature covers, as canonical JSON (sorted keys, no spaces, UTF-8).
SIGNED_FIELDS = (
    "values_length",
    "values_head",
    "ledger_length",
    "ledger_head",
    "signed_at",
    "key_id",
)
# The published document: the signed fields, the signature and the public key (both base64).
DOCUMENT_FIELDS = (*SIGNED_FIELDS, "signature", "public_key")


def values_head() -> tuple[int, str]:
    """(length, last hash) of the value chain, like core.ledger.head()."""
    head = AuditHead.objects.filter(pk=1).first()
    return (head.length, head.last_hash) if head else (0, GENESIS)


def _hashes_at(rows: QuerySet, lengths: set[int]) -> dict[int, str]:
    """The hash of the row at each position in `lengths` (1-based, ordered by pk), in one pass;
    position 0 is the genesis hash; a position past the end is absent."""
    found = {0: GENESIS} if 0 in lengths else {}
    wanted = {n for n in lengths if n > 0}
    if not wanted:
        return found
    last = max(wanted)
    for position, digest in enumerate(
        rows.order_by("pk").values_list("hash", flat=True)[:last].iterator(chunk_size=5000),
        start=1,
    ):
        if position in wanted:
            found[position] = digest
    return found


def values_hash_at(length: int) -> str | None:
    """The value chain's head hash when it had `length` rows (core.ledger.hash_at's twin)."""
    if length == 0:
        return GENESIS
    row = ValueChange.objects.order_by("pk")[length - 1 : length].values_list("hash", flat=True)
    return row.first()


def signed_text(fields: dict) -> bytes:
    return canonical({name: fields[name] for name in SIGNED_FIELDS}).encode()


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def make_checkpoint(reason: str, *, subject: str = "") -> Checkpoint:
    """Sign the heads of both chains as they are now; call inside the writing transaction so that
    the checkpoint covers what it wrote. Raises signing.SigningKeyMissing without a key."""
    key_id, _public = signing.current_public_key()
    values_length, values_last = values_head()
    ledger_length, ledger_last = ledger.head()
    signed_at = timezone.now().replace(microsecond=0)
    fields = {
        "values_length": values_length,
        "values_head": values_last,
        "ledger_length": ledger_length,
        "ledger_head": ledger_last,
        "signed_at": _iso(signed_at),
        "key_id": key_id,
    }
    signature = signing.sign(signed_text(fields), key_id=key_id)
    return Checkpoint.objects.create(
        values_length=values_length,
        values_head=values_last,
        ledger_length=ledger_length,
        ledger_head=ledger_last,
        signed_at=signed_at,
        key_id=key_id,
        signature=signature.signature,
        reason=reason,
        subject=subject[:200],
    )


def make_checkpoint_if_due(*, max_age: timedelta = timedelta(hours=24)) -> Checkpoint | None:
    """A checkpoint when the last one is older than `max_age` (or there is none)."""
    last = Checkpoint.objects.order_by("-signed_at").first()
    if last is not None and timezone.now() - last.signed_at < max_age:
        return None
    return make_checkpoint(Checkpoint.Reason.DAILY)


def document(checkpoint: Checkpoint, *, public_key: str | None = None) -> dict:
    """The checkpoint as published: DOCUMENT_FIELDS, to be saved and checked later."""
    return {
        "values_length": checkpoint.values_length,
        "values_head": checkpoint.values_head,
        "ledger_length": checkpoint.ledger_length,
        "ledger_head": checkpoint.ledger_head,
        "signed_at": _iso(checkpoint.signed_at),
        "signature": checkpoint.signature,
        "key_id": checkpoint.key_id,
        "public_key": public_key or signing.public_key_of(checkpoint.key_id) or "",
    }


def latest() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-pk").first()


# ---------------------------------------------------------------------------- checking


def _chain_problems(doc: dict, values: dict[int, str], ledgers: dict[int, str]) -> list[str]:
    problems = []
    for name, label, found in (
        ("values", _("value chain"), values),
        ("ledger", _("ledger"), ledgers),
    ):
        length, head = doc[f"{name}_length"], doc[f"{name}_head"]
        now = found.get(length)
        if now is None:
            problems.append(
                _("the %(chain)s is shorter than the %(length)d entries the checkpoint covers")
                % {"chain": label, "length": length}
            )
        elif now != head:
            problems.append(
                _(
                    "the %(chain)s at length %(length)d gives %(now)s, the checkpoint says "
                    "%(head)s: its history up to there was rewritten"
                )
                % {"chain": label, "length": length, "now": now, "head": head}
            )
    return problems


def check_signatures() -> list[str]:
    """Every stored checkpoint's signature verifies with its key's public key, and the chains at
    each checkpoint's lengths still give its head hashes; one text per problem."""
    stored = list(Checkpoint.objects.order_by("pk"))
    values = _hashes_at(ValueChange.objects.all(), {c.values_length for c in stored})
    ledgers = _hashes_at(LedgerEntry.objects.all(), {c.ledger_length for c in stored})
    keys: dict[str, str | None] = {}
    problems = []
    for checkpoint in stored:
        name = _("checkpoint #%(id)d (%(at)s)") % {
            "id": checkpoint.pk,
            "at": _iso(checkpoint.signed_at),
        }
        if checkpoint.key_id not in keys:
            keys[checkpoint.key_id] = signing.public_key_of(checkpoint.key_id)
        public_key = keys[checkpoint.key_id]
        doc = document(checkpoint, public_key=public_key or "-")
        if public_key is None:
            problems.append(
                _("%(checkpoint)s: signed by key %(key)s, which the platform does not know")
                % {"checkpoint": name, "key": checkpoint.key_id}
            )
        elif not signing.verify(public_key, checkpoint.signature, signed_text(doc)):
            problems.append(
                _("%(checkpoint)s: the signature does not verify") % {"checkpoint": name}
            )
        problems += [
            _("%(checkpoint)s: %(problem)s") % {"checkpoint": name, "problem": problem}
            for problem in _chain_problems(doc, values, ledgers)
        ]
    return problems


def _document_problems(doc) -> list[str]:
    if not isinstance(doc, dict) or any(name not in doc for name in DOCUMENT_FIELDS):
        return [
            _("not a checkpoint: it needs the fields %(fields)s")
            % {"fields": ", ".join(DOCUMENT_FIELDS)}
        ]
    lengths = [doc["values_length"], doc["ledger_length"]]
    texts = [doc[n] for n in DOCUMENT_FIELDS if n not in ("values_length", "ledger_length")]
    if not all(type(n) is int and n >= 0 for n in lengths) or not all(
        isinstance(t, str) for t in texts
    ):
        return [_("not a checkpoint: the lengths must be whole numbers and the rest text")]
    return []


def check_document(doc) -> list[str]:
    """Problems with a checkpoint document saved elsewhere (empty when it holds)."""
    problems = _document_problems(doc)
    if problems:
        return problems
    try:
        raw = base64.b64decode(doc["public_key"], validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if signing.key_id_of(raw) != doc["key_id"]:
        problems.append(
            _("the public key does not match the key id %(key)s") % {"key": doc["key_id"]}
        )
    elif not signing.verify(doc["public_key"], doc["signature"], signed_text(doc)):
        problems.append(_("the signature does not verify: the checkpoint was altered or forged"))
    known = signing.public_key_of(doc["key_id"])
    if known is None:
        problems.append(_("the platform has no record of key %(key)s") % {"key": doc["key_id"]})
    elif known != doc["public_key"]:
        problems.append(
            _("the platform records another public key under key id %(key)s")
            % {"key": doc["key_id"]}
        )
    values = {doc["values_length"]: values_hash_at(doc["values_length"])}
    ledgers = {doc["ledger_length"]: ledger.hash_at(doc["ledger_length"])}
    values = {n: h for n, h in values.items() if h is not None}
    ledgers = {n: h for n, h in ledgers.items() if h is not None}
    return problems + _chain_problems(doc, values, ledgers)


def check_file(path: str | Path) -> list[str]:
    """check_document for a checkpoint JSON file (as saved from the API or the public page)."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [_("cannot read %(path)s as JSON: %(error)s") % {"path": path, "error": exc}]
    return check_document(doc)
