import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ecozone.reporting.receipts import check_receipt, shown


class Command(BaseCommand):
    help = (
        "Check a receipt JSON file: whether its signature is valid and whether the platform's data "
        "still matches it, naming every value that differs."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file: str, **options):
        try:
            doc = json.loads(Path(file).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"cannot read {file} as JSON: {exc}") from None
        check = check_receipt(doc)
        self.stdout.write(f"signature: {'valid' if check.signature_valid else 'NOT VALID'}")
        for problem in check.problems:
            self.stdout.write(f"problem: {problem}")
        for d in check.differences:
            how = "recorded in the value history" if d.recorded else "NOT in the value history"
            receipt, now = shown(d.receipt), shown(d.now)
            self.stdout.write(f"differs: {d.code} {d.field}: receipt {receipt}, now {now} ({how})")
        if not check.ok:
            raise CommandError(
                f"receipt does NOT match: {len(check.problems)} problems, "
                f"{len(check.differences)} differing values"
            )
        self.stdout.write(f"receipt matches: {len(doc['values'])} values as the receipt states")
