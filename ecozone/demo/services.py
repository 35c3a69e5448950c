"""Loading the demo data set. Each part is loaded only when it is missing (idempotent)."""

from __future__ import annotations

import datetime
import json

from django.db import transaction

from ecozone.accounts.models import Organisation, User
from ecozone.core.flags import DEMO_DATA, bump_showcase_version, set_flag
from ecozone.demo import data
from ecozone.demo.applications import load_applications
from ecozone.demo.cases import load_cases
from ecozone.demo.editions import load_provincial_edition, load_year_2024
from ecozone.demo.ratings import load_ratings
from ecozone.demo.reporting import load_reports
from ecozone.demo.taskbooks import load_taskbooks
from ecozone.designations.models import Batch, Programme
from ecozone.designations.services import get_or_create_batch, name_designation
from ecozone.regions.models import Region


def load_demo() -> list[str]:
    """Load what is missing; returns a line per part saying what was done."""
    done = [
        load_accounts(),
        load_roster(),
        _load_reports(),
        _load_ratings(),
        _load_editions(),
        load_cases(),
        _load_applications(),
        _load_taskbooks(),
    ]
    bump_showcase_version()
    set_flag(
        DEMO_DATA,
        json.dumps(
            {"password": data.DEMO_PASSWORD, "accounts": account_rows()}, ensure_ascii=False
        ),
    )
    return done


@transaction.atomic
def _load_reports() -> str:
    return load_reports()


@transaction.atomic
def _load_ratings() -> str:
    return load_ratings()


@transaction.atomic
def _load_editions() -> str:
    return f"{load_provincial_edition()}; {load_year_2024()}"


@transaction.atomic
def _load_taskbooks() -> str:
    return load_taskbooks()


@transaction.atomic
def _load_applications() -> str:
    return load_applications()


def account_rows() -> list[dict[str, str]]:
    labels = dict(User._meta.get_field("role").choices)
    return [
        {"username": username, "role": str(labels[role]), "organisation": organisation}
        for username, role, organisation, _display in data.ACCOUNTS
    ]


@transaction.atomic
def load_accounts() -> str:
    created = 0
    for username, role, organisation, display in data.ACCOUNTS:
        if User.objects.filter(username=username).exists():
            continue
        user = User(
            username=username,
            role=role,
            display_name=display,
            organisation=Organisation.objects.get(name=organisation),
        )
        user.set_password(data.DEMO_PASSWORD)
        user.save()
        created += 1
    return f"accounts: {created} created, {len(data.ACCOUNTS) - created} present"


@transaction.atomic
def load_roster() -> str:
    if Batch.objects.filter(is_demo=True).exists():
        return "roster: present"
    programmes = {p.code: p for p in Programme.objects.all()}
    regions = {r.code: r for r in Region.objects.filter(level__in=["city", "county"])}
    units = sorted(regions)
    national_batch = {
        code: 1 + i * data.BATCHES // len(data.NATIONAL) for i, code in enumerate(data.NATIONAL)
    }
    others = [c for c in units if c not in national_batch and c not in data.NOT_PROVINCIAL]
    provincial_batch = {code: max(1, batch - 1) for code, batch in national_batch.items()}
    provincial_batch.update({code: 1 + i % data.BATCHES for i, code in enumerate(others)})
    count = 0
    for programme_code, assignment, month in (
        ("provincial", provincial_batch, 12),
        ("national", national_batch, 10),
        ("lianshan", {c: 1 + i for i, c in enumerate(data.LIANSHAN)}, 11),
    ):
        programme = programmes[programme_code]
        for code in sorted(assignment, key=lambda c: (assignment[c], c)):
            number = assignment[code]
            year = data.FIRST_YEAR + number - 1
            named_on = datetime.date(year, month, 20)
            document = f"演示〔{year}〕{programme.short_name}第{number}批"
            batch = get_or_create_batch(
                programme=programme,
                year=year,
                number=number,
                named_on=named_on,
                document_number=document,
                is_demo=True,
            )
            name_designation(
                region=regions[code],
                programme=programme,
                batch=batch,
                named_on=named_on,
                document_number=document,
                by=None,
                reason="演示数据",
            )
            count += 1
    return f"roster: {count} designations named"
