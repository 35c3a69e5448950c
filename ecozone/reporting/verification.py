"""Whether what the platform shows still agrees with what it recorded.

The hash chains (reporting.audit for values, core.ledger for every other decision) tell whether
the history was rewritten. They cannot tell whether a live row was changed without history: an
UPDATE behind the application's back leaves both chains intact. So every reported value is also
replayed from its recorded changes and compared with the live row, and every evidence file is
hashed again and compared with the digest stored at upload. `run_verification()` runs all of it
for `manage.py verify_audit`, a nightly job and an integrity page.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecozone.core import ledger
from ecozone.reporting.audit import verify_chain
from ecozone.reporting.checks import fmt
from ecozone.reporting.models import Evidence, ReportValue, ValueChange

CHECKPOINTS_MODULE = "ecozone.reporting.checkpoints"

NUMBERS = ("number", "dept_number")
FLAGS = ("task", "yes", "dept_task", "dept_yes")
TEXTS = ("state", "text", "explanation", "dept_state")
# The fields a value's history records: the zone's own, then the department's.
FIELDS = (
    "number",
    "task",
    "yes",
    "state",
    "text",
    "explanation",
    "dept_number",
    "dept_task",
    "dept_yes",
    "dept_state",
)

# The chains' own problem texts (plain English in audit.py and ledger.py), translated here.
CHAIN_PROBLEMS = {
    "previous_hash does not match the row before": gettext_lazy(
        "its previous hash does not match the row before"
    ),
    "content does not match its hash": gettext_lazy("its content does not match its hash"),
    "rows are missing at the end of the chain": gettext_lazy(
        "rows are missing at the end of the chain"
    ),
    "previous_hash does not match the entry before": gettext_lazy(
        "its previous hash does not match the entry before"
    ),
    "entries are missing at the end of the ledger": gettext_lazy(
        "entries are missing at the end of the ledger"
    ),
}


@dataclass
class Check:
    """One check: how many things it looked at, and the problems found (the first `limit`
    of them named, `total` counted)."""

    name: str
    checked: int | None = None  # None when the check cannot count what it looked at
    problems: list[str] = field(default_factory=list)
    total: int = 0

    @property
    def ok(self) -> bool:
        return self.total == 0

    def add(self, problem: str, *, limit: int) -> None:
        self.total += 1
        if len(self.problems) < limit:
            self.problems.append(problem)


@dataclass
class VerificationResult:
    value_chain: Check
    ledger: Check
    values: Check
    evidence: Check
    checkpoints: Check | None = None  # None when signed checkpoints are not installed

    @property
    def checks(self) -> list[Check]:
        found = [self.value_chain, self.ledger, self.values, self.evidence]
        return [*found, self.checkpoints] if self.checkpoints is not None else found

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)


def run_verification(
    limit: int = 20, *, checkpoint_file: str | Path | None = None
) -> VerificationResult:
    """Every check, each naming its first `limit` problems."""
    return VerificationResult(
        value_chain=check_value_chain(),
        ledger=check_ledger(),
        values=reconcile_values(limit=limit),
        evidence=check_evidence(limit=limit),
        checkpoints=check_checkpoints(limit=limit, checkpoint_file=checkpoint_file),
    )


# ------------------------------------------------------------------------------------- chains


def _chain_problem(text: str) -> str:
    return str(CHAIN_PROBLEMS.get(text, text))


def check_value_chain() -> Check:
    report = verify_chain()
    check = Check("value_chain", checked=report.checked)
    if report.problem:
        where = (
            _("row %(pk)d") % {"pk": report.broken_at}
            if report.broken_at is not None
            else _("the end of the chain")
        )
        check.add(
            _("value chain broken at %(where)s: %(problem)s")
            % {"where": where, "problem": _chain_problem(report.problem)},
            limit=1,
        )
    return check


def check_ledger() -> Check:
    report = ledger.verify()
    check = Check("ledger", checked=report.checked)
    if report.problem:
        where = (
            _("entry %(pk)d") % {"pk": report.broken_at}
            if report.broken_at is not None
            else _("the end of the ledger")
        )
        check.add(
            _("ledger broken at %(where)s: %(problem)s")
            % {"where": where, "problem": _chain_problem(report.problem)},
            limit=1,
        )
    return check


# ------------------------------------------------------------------------------ live values


def replayed_values() -> dict[int, dict]:
    """Each value's fields as its recorded changes leave them, applied in chain order."""
    state: dict[int, dict] = {}
    rows = ValueChange.objects.order_by("pk").values_list("value_id", "changes")
    for value_id, changes in rows.iterator(chunk_size=5000):
        fields = state.setdefault(value_id, {})
        for name, pair in (changes or {}).items():
            if isinstance(pair, list | tuple) and len(pair) == 2:
                fields[name] = pair[1]
    return state


def _as_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _same(name: str, live, replayed) -> bool:
    if name in NUMBERS:
        if replayed not in (None, "") and _as_decimal(replayed) is None:
            return False  # the history holds something that is not a number
        return _as_decimal(live) == _as_decimal(replayed)  # 93.2 == 93.2000
    if name in FLAGS:
        return live is replayed  # None, True and False are singletons, in JSON too
    return (live or "") == (replayed or "")


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return fmt(value)
    text = str(value)
    return f"“{text[:40]}…”" if len(text) > 40 else f"“{text}”"


def _recorded(name: str, value):
    """A value from the history as the live row would hold it (numbers as decimals)."""
    number = _as_decimal(value) if name in NUMBERS else None
    return value if number is None else number


def _where(value_id: int) -> dict:
    """The region, year and indicator of a value, read only for a value that differs."""
    region, code, year, indicator = ReportValue.objects.values_list(
        "report__region__name", "report__region__code", "report__year", "indicator__code"
    ).get(pk=value_id)
    return {"region": region, "code": code, "year": year, "indicator": indicator}


def reconcile_values(*, limit: int = 20) -> Check:
    """Compare every live value with the replay of its history; name the fields that differ."""
    replayed = replayed_values()
    check = Check("values", checked=0)
    # Only the compared fields: where a value belongs is read for the few that differ.
    rows = ReportValue.objects.order_by("pk").values_list("pk", *FIELDS)
    for pk, *live in rows.iterator(chunk_size=5000):
        check.checked += 1
        history = replayed.get(pk, {})
        where = None
        for name, live_value in zip(FIELDS, live, strict=True):
            replayed_value = history.get(name)
            if _same(name, live_value, replayed_value):
                continue
            if len(check.problems) >= limit:
                check.add("", limit=limit)  # counted, no longer named
                continue
            where = where or _where(pk)
            check.add(
                _(
                    "%(region)s (%(code)s) %(year)d · %(indicator)s · %(field)s: "
                    "live %(live)s, history %(history)s"
                )
                % {
                    **where,
                    "field": name,
                    "live": _shown(live_value),
                    "history": _shown(_recorded(name, replayed_value)),
                },
                limit=limit,
            )
    return check


# ---------------------------------------------------------------------------------- evidence


def file_sha256(storage, name: str) -> str:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_evidence(*, limit: int = 20) -> Check:
    """Hash every evidence file again and compare with the digest stored at upload."""
    check = Check("evidence", checked=0)
    files = Evidence.objects.order_by("pk").select_related(
        "value__report__region", "value__indicator"
    )
    for evidence in files.iterator(chunk_size=500):
        check.checked += 1
        stored = evidence.file
        what = {
            "pk": evidence.pk,
            "name": evidence.original_name,
            "region": evidence.value.report.region.name,
            "code": evidence.value.report.region.code,
            "year": evidence.value.report.year,
            "indicator": evidence.value.indicator.code,
            "path": stored.name,
        }
        if not stored.name or not stored.storage.exists(stored.name):
            problem = _(
                "evidence %(pk)d “%(name)s” (%(region)s (%(code)s) %(year)d · %(indicator)s): "
                "the file %(path)s is missing"
            )
        elif not evidence.sha256:
            problem = _(
                "evidence %(pk)d “%(name)s” (%(region)s (%(code)s) %(year)d · %(indicator)s): "
                "no SHA-256 was recorded for %(path)s"
            )
        elif file_sha256(stored.storage, stored.name) != evidence.sha256:
            problem = _(
                "evidence %(pk)d “%(name)s” (%(region)s (%(code)s) %(year)d · %(indicator)s): "
                "the file %(path)s differs from its recorded SHA-256"
            )
        else:
            continue
        check.add(problem % what, limit=limit)
    return check


# ------------------------------------------------------------------------------- checkpoints


def checkpoints_module():
    """The signed checkpoints module, when this installation has it."""
    if importlib.util.find_spec(CHECKPOINTS_MODULE) is None:
        return None
    return importlib.import_module(CHECKPOINTS_MODULE)


def check_checkpoints(
    *, limit: int = 20, checkpoint_file: str | Path | None = None
) -> Check | None:
    """Stored checkpoints' signatures, and a checkpoint file kept elsewhere when one is given."""
    module = checkpoints_module()
    if module is None:
        if checkpoint_file is None:
            return None
        check = Check("checkpoints")
        check.add(_("This installation cannot check signed checkpoints."), limit=limit)
        return check
    check = Check("checkpoints")
    problems = []
    if hasattr(module, "check_signatures"):
        problems += module.check_signatures()
    if checkpoint_file is not None:
        problems += module.check_file(checkpoint_file)
    for problem in problems:
        check.add(str(problem), limit=limit)
    return check
