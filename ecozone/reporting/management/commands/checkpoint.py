import json

from django.core.management.base import BaseCommand

from ecozone.reporting import checkpoints
from ecozone.reporting.models import Checkpoint
from ecozone.reporting.tasks import schedule_daily_checkpoint


class Command(BaseCommand):
    help = (
        "Sign a checkpoint of the value chain and the ledger now and print it as JSON; with "
        "--schedule, queue the worker's daily checkpoint instead, unless it is queued already."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true", help="queue the daily checkpoint")

    def handle(self, *args, schedule: bool, **options):
        if schedule:
            queued = schedule_daily_checkpoint()
            self.stdout.write(
                "daily checkpoint queued" if queued else "daily checkpoint: queued already"
            )
            return
        checkpoint = checkpoints.make_checkpoint(Checkpoint.Reason.MANUAL)
        self.stdout.write(json.dumps(checkpoints.document(checkpoint), indent=2))
