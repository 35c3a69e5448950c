from django.core.management.base import BaseCommand, CommandError

from ecozone.ratings.verify import verify_published


class Command(BaseCommand):
    help = "Recompute every published result from its stored inputs and the locked values now."

    def handle(self, *args, **options):
        checked, problems = verify_published()
        for zone, problem in problems:
            self.stdout.write(
                f"DIFFERENCE {zone.designation.region.code} {zone.campaign.title}: {problem}"
            )
        if problems:
            differing = len({zone.pk for zone, _problem in problems})
            raise CommandError(f"{differing} of {checked} published results differ")
        self.stdout.write(f"ratings verified: {checked} published results reproduce exactly")
