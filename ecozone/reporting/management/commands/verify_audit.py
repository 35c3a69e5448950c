"""`manage.py verify_audit`: the value chain, the ledger, live values against their history,
evidence files against their digests, and signed checkpoints when installed. Exits non-zero
when any check finds a problem (decision 0004)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ecozone.reporting.verification import Check, run_verification

# What each check counts, and its name in the summary.
LABELS = {
    "value_chain": (gettext_lazy("value chain"), gettext_lazy("%(n)d rows verified")),
    "ledger": (gettext_lazy("ledger"), gettext_lazy("%(n)d entries verified")),
    "values": (
        gettext_lazy("live values"),
        gettext_lazy("%(n)d values reconciled with their history"),
    ),
    "evidence": (gettext_lazy("evidence files"), gettext_lazy("%(n)d files hashed again")),
    "checkpoints": (gettext_lazy("signed checkpoints"), gettext_lazy("%(n)d checked")),
}


class Command(BaseCommand):
    help = (
        "Verify the value chain and the ledger, reconcile live values with their history, "
        "hash evidence files again and check signed checkpoints; exit 1 on any problem."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=20, help="name at most this many problems per check"
        )
        parser.add_argument(
            "--checkpoint", metavar="FILE", help="also check a checkpoint file kept elsewhere"
        )

    def handle(self, *args, limit: int, checkpoint: str | None, **options):
        result = run_verification(limit=limit, checkpoint_file=checkpoint)
        for check in result.checks:
            self.stdout.write(self.summary(check))
            for problem in check.problems:
                self.stdout.write(f"  - {problem}")
            if check.total > len(check.problems):
                self.stdout.write(
                    "  " + _("… and %(n)d more") % {"n": check.total - len(check.problems)}
                )
        problems = sum(check.total for check in result.checks)
        if problems:
            raise CommandError(
                ngettext(
                    "verification FAILED: %(n)d problem",
                    "verification FAILED: %(n)d problems",
                    problems,
                )
                % {"n": problems}
            )
        self.stdout.write(_("verification passed: no problem found"))

    @staticmethod
    def summary(check: Check) -> str:
        label, counted = LABELS[check.name]
        found = (
            _("no problem")
            if check.ok
            else ngettext("%(n)d problem", "%(n)d problems", check.total) % {"n": check.total}
        )
        if check.checked is not None:
            found = _("%(counted)s, %(found)s") % {
                "counted": str(counted) % {"n": check.checked},
                "found": found,
            }
        return _("%(check)s: %(result)s") % {"check": label, "result": found}
