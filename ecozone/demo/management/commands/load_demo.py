from django.core.management.base import BaseCommand

from ecozone.demo.services import load_demo


class Command(BaseCommand):
    help = "Load the demo data set (accounts, roster …) where it is missing. Safe to run again."

    def handle(self, *args, **options):
        for line in load_demo():
            self.stdout.write(f"load_demo: {line}")
