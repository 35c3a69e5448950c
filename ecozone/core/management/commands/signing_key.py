from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ecozone.core import signing


class Command(BaseCommand):
    help = (
        "Show the Ed25519 signing key named by ECOZONE_SIGNING_KEY (its key id and public key); "
        "with --create, write a new key file (mode 0600) if there is none."
    )

    def add_arguments(self, parser):
        parser.add_argument("--create", action="store_true", help="create the key file if missing")
        parser.add_argument("--path", help="another file than ECOZONE_SIGNING_KEY (for rotation)")

    def handle(self, *args, create: bool, path: str | None, **options):
        target = Path(path) if path else signing.key_path()
        if target is None:
            raise CommandError("ECOZONE_SIGNING_KEY is not set and no --path was given.")
        if create and signing.create_key(target):
            self.stdout.write(f"created {target}")
        if not target.exists():
            raise CommandError(f"{target} does not exist: run with --create.")
        key_id, public_key = signing.describe_key(target)
        self.stdout.write(f"key id {key_id}, public key {public_key} ({target})")
