from django.core.management.base import BaseCommand, CommandError

from ecozone.ratings.verify import verify_published


class Command(BaseCommand):
    help = "Recompute every published result from its stored inputs and the locked values now."

    def handle(self, *args, **options):
        checked, problems = verify_published()
        for problem in problems:
            self.stdout.write(f"DIFFERENCE {problem}")
        if problems:
            raise CommandError(f"{len(problems)} of {checked} published results differ")
        self.stdout.write(f"ratings verified: {checked} published results reproduce exactly")
