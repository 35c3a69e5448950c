import os

from django.core.management.base import BaseCommand

from ecozone.demo.data import DEMO_PASSWORD
from ecozone.demo.services import account_rows


class Command(BaseCommand):
    help = "Print the addresses and the demo accounts (for `make run`)."

    def handle(self, *args, **options):
        host, port = os.environ.get("HOST", "127.0.0.1"), os.environ.get("PORT", "8000")
        base = f"http://{host}:{port}"
        lines = [
            "",
            "EcoZone — 生态文明建设示范区数字化管理平台 (demo data: 演示数据，非官方名单)",
            f"  site          {base}/",
            f"  sign in       {base}/accounts/login/",
            f"  API docs      {base}/api/v1/docs",
            f"  demo accounts (password for all: {DEMO_PASSWORD})",
        ]
        lines += [
            f"    {a['username']:<10} {a['role']} · {a['organisation']}" for a in account_rows()
        ]
        self.stdout.write("\n".join(lines) + "\n")
