"""Signed receipts for the filer: what the platform held when a report was submitted or accepted.

A receipt holds the report (region, year, edition, version, status, the moment), its values in
canonical form, their digest (SHA-256 of the canonical JSON of those values), the value chain's
position at that moment, and an Ed25519 signature (core.signing) over the canonical JSON of all
of it. The filer keeps the JSON; `check_receipt` later says whether the signature holds and names
every value the platform now holds differently. Decision 0012.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass, field
from datetime import UTC

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecozone.core import signing
from ecozone.core.ledger import canonical
from ecozone.reporting.checkpoints import values_hash_at, values_head
from ecozone.reporting.checks import plain
from ecozone.reporting.models import AnnualReport, Receipt, ValueChange
from ecozone.reporting.queries import applicable_indicators

VALUE_FIELDS = ("number", "task", "yes", "state", "text", "explanation")
FIELD_LABELS = {
    "number": gettext_lazy("figure"),
    "task": gettext_lazy("higher-level task completed"),
    "yes": gettext_lazy("yes / no"),
    "state": gettext_lazy("state"),
    "text": gettext_lazy("text"),
    "explanation": gettext_lazy("explanation"),
    "absent": gettext_lazy("indicator"),
}
# What the signature covers: every field of the receipt except these two.
UNSIGNED = ("signature", "public_key")


def report_values(report: AnnualReport) -> list[dict]:
    """Every applicable value in canonical form, sorted by indicator code: decimals as plain text
    (93.2, never 9.32E+1), booleans as true/false, a value never entered as nulls and ""."""
    stored = {v.indicator_id: v for v in report.values.all()}
    rows = []
    for indicator in applicable_indicators(report):
        value = stored.get(indicator.pk)
        row = {"code": indicator.code}
        for name in VALUE_FIELDS:
            current = getattr(value, name) if value is not None else None
            if current is None and name in ("state", "text", "explanation"):
                current = ""
            row[name] = plain(current)
        rows.append(row)
    return sorted(rows, key=lambda r: r["code"])


def digest(values: list[dict]) -> str:
    return hashlib.sha256(canonical(values).encode()).hexdigest()


def issue_receipt(report: AnnualReport, *, moment: str) -> Receipt:
    """Sign and store a receipt of the report as it is now; call inside the transaction that
    submits or accepts it, so that the receipt states exactly what that transaction wrote."""
    key_id, _public = signing.current_public_key()
    values = report_values(report)
    length, head = values_head()
    issued_at = timezone.now().replace(microsecond=0)
    body = {
        "report": {
            "id": report.pk,
            "region_code": report.region.code,
            "region": report.region.name,
            "year": report.year,
            "edition": report.system.code,
            "version": report.version,
            "status": report.status,
        },
        "moment": moment,
        "issued_at": issued_at.astimezone(UTC).isoformat(),
        "values": values,
        "digest": digest(values),
        "chain": {"length": length, "head": head},
        "key_id": key_id,
    }
    signature = signing.sign(canonical(body).encode(), key_id=key_id)
    document = {**body, "signature": signature.signature, "public_key": signature.public_key}
    return Receipt.objects.create(
        report=report, moment=moment, issued_at=issued_at, document=document
    )


def filename(receipt: Receipt, extension: str) -> str:
    report = receipt.report
    return f"receipt-{report.region.code}-{report.year}-{receipt.moment}-{receipt.pk}.{extension}"


# ---------------------------------------------------------------------------- checking


@dataclass(frozen=True)
class Difference:
    code: str
    field: str
    receipt: object
    now: object
    recorded: bool  # the value history records a change of this field after the receipt

    @property
    def label(self) -> str:
        return str(FIELD_LABELS.get(self.field, self.field))

    @property
    def receipt_shown(self) -> str:
        return shown(self.receipt)

    @property
    def now_shown(self) -> str:
        return shown(self.now)


@dataclass
class ReceiptCheck:
    report: AnnualReport | None = None
    signature_valid: bool = False
    problems: list[str] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.signature_valid and not self.problems and not self.differences


def _shape_problem(doc) -> str | None:
    if not isinstance(doc, dict):
        return _("not a receipt: the file holds no JSON object")
    needed = ("report", "moment", "issued_at", "values", "digest", "chain", "key_id", *UNSIGNED)
    missing = [name for name in needed if name not in doc]
    if missing:
        return _("not a receipt: it lacks %(fields)s") % {"fields": ", ".join(missing)}
    report, chain, values = doc["report"], doc["chain"], doc["values"]
    if not (
        isinstance(report, dict)
        and type(report.get("id")) is int
        and isinstance(chain, dict)
        and type(chain.get("length")) is int
        and chain["length"] >= 0
        and isinstance(chain.get("head"), str)
        and isinstance(values, list)
        and all(isinstance(v, dict) and isinstance(v.get("code"), str) for v in values)
        and all(isinstance(doc[n], str) for n in ("key_id", *UNSIGNED))
    ):
        return _("not a receipt: its report, chain or values are malformed")
    return None


def report_of(doc) -> AnnualReport | None:
    """The report a receipt names, if the document is a receipt and the report exists."""
    if _shape_problem(doc) is not None:
        return None
    return (
        AnnualReport.objects.select_related("region", "system")
        .filter(pk=doc["report"]["id"])
        .first()
    )


def _signature_problems(doc: dict) -> list[str]:
    body = {name: value for name, value in doc.items() if name not in UNSIGNED}
    try:
        raw = base64.b64decode(doc["public_key"], validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    problems = []
    if signing.key_id_of(raw) != doc["key_id"]:
        problems.append(
            _("the public key does not match the key id %(key)s") % {"key": doc["key_id"]}
        )
    elif not signing.verify(doc["public_key"], doc["signature"], canonical(body).encode()):
        problems.append(_("the signature does not verify: the receipt was altered or forged"))
    known = signing.public_key_of(doc["key_id"])
    if known is None:
        problems.append(_("the platform has no record of key %(key)s") % {"key": doc["key_id"]})
    elif known != doc["public_key"]:
        problems.append(
            _("the platform records another public key under key id %(key)s")
            % {"key": doc["key_id"]}
        )
    return problems


def _recorded_since(report: AnnualReport, length: int) -> set[tuple[str, str]]:
    """(indicator code, field) of every change the value history records after position
    `length` of the chain."""
    last = (
        ValueChange.objects.order_by("pk")[length - 1 : length].values_list("pk", flat=True).first()
        if length
        else 0
    )
    if last is None:
        return set()
    found = set()
    for code, changes in ValueChange.objects.filter(report=report, pk__gt=last).values_list(
        "indicator_code", "changes"
    ):
        found |= {(code, name) for name in changes}
    return found


def check_receipt(doc) -> ReceiptCheck:
    """Whether a receipt's signature holds and the platform still holds what it states."""
    shape = _shape_problem(doc)
    if shape is not None:
        return ReceiptCheck(problems=[shape])
    check = ReceiptCheck()
    signature_problems = _signature_problems(doc)
    check.signature_valid = not signature_problems
    check.problems += signature_problems
    if digest(doc["values"]) != doc["digest"]:
        check.problems.append(_("the digest does not match the values the receipt lists"))
    chain = doc["chain"]
    now = values_hash_at(chain["length"])
    if now != chain["head"]:
        check.problems.append(
            _(
                "the value history up to the receipt (%(length)d changes) was rewritten or "
                "shortened: its head hash is no longer %(head)s"
            )
            % {"length": chain["length"], "head": chain["head"]}
        )
    check.report = report_of(doc)
    if check.report is None:
        check.problems.append(_("the report of this receipt does not exist on the platform"))
        return check
    stated = doc["report"]
    if (stated.get("region_code"), stated.get("year")) != (
        check.report.region.code,
        check.report.year,
    ):
        check.problems.append(_("the receipt's region and year do not match the report"))
    check.differences = _differences(check.report, doc["values"], chain["length"])
    return check


def _differences(report: AnnualReport, stated: list[dict], length: int) -> list[Difference]:
    then = {row["code"]: row for row in stated}
    now = {row["code"]: row for row in report_values(report)}
    recorded = _recorded_since(report, length)
    found = []
    for code in sorted(then.keys() | now.keys()):
        if code not in then or code not in now:
            listed, unlisted = _("listed"), _("not listed")
            found.append(
                Difference(
                    code,
                    "absent",
                    listed if code in then else unlisted,
                    listed if code in now else unlisted,
                    recorded=False,
                )
            )
            continue
        for name in VALUE_FIELDS:
            if then[code].get(name) != now[code][name]:
                found.append(
                    Difference(
                        code,
                        name,
                        then[code].get(name),
                        now[code][name],
                        recorded=(code, name) in recorded,
                    )
                )
    return found


def shown(value) -> str:
    """A receipt field as a person reads it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)
