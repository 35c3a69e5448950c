from django.core.management.base import BaseCommand, CommandError

from ecozone.ratings.integrity import labelled, run_integrity
from ecozone.ratings.models import IntegrityRun
from ecozone.ratings.tasks import schedule_nightly_integrity


class Command(BaseCommand):
    help = (
        "Run the full platform verification now (verify_audit's checks and verify_ratings), "
        "record it for /audit/integrity/ and exit 1 on any problem; with --schedule, queue the "
        "worker's nightly run instead, unless it is queued already."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true", help="queue the nightly run")

    def handle(self, *args, schedule: bool, **options):
        if schedule:
            queued = schedule_nightly_integrity()
            self.stdout.write(
                "nightly verification queued" if queued else "nightly verification: queued already"
            )
            return
        run = run_integrity(trigger=IntegrityRun.Trigger.MANUAL)
        details = labelled(run)
        for count in details["counts"]:
            checked = "—" if count["checked"] is None else count["checked"]
            self.stdout.write(f"{count['label']}: {checked} checked, {count['problems']} problems")
        for problem in details["problems"]:
            self.stdout.write(f"PROBLEM {problem['label']}: {problem['text']}")
        if not run.ok:
            raise CommandError(f"verification failed: {run.total_problems} problems")
        self.stdout.write("verification passed: no problem found")
