from django.core.management.base import BaseCommand, CommandError

from ecozone.reporting.audit import verify_chain


class Command(BaseCommand):
    help = "Walk the hash chain of value changes and name the first row that does not verify."

    def handle(self, *args, **options):
        report = verify_chain()
        if report.broken_at is None and not report.problem:
            self.stdout.write(f"audit chain intact: {report.checked} rows verified")
            return
        where = f"row id {report.broken_at}" if report.broken_at is not None else "end of chain"
        raise CommandError(
            f"audit chain BROKEN at {where}: {report.problem} "
            f"({report.checked} rows verified before it)"
        )
