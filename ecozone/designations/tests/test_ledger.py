"""Every change of a title also appends one ledger entry, next to its history row."""

import datetime

import pytest

from ecozone.core.models import LedgerEntry
from ecozone.designations.models import DesignationEvent, Programme
from ecozone.designations.services import (
    change_designation_status,
    get_or_create_batch,
    name_designation,
    set_designation_stars,
)
from ecozone.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def title(users):
    national = Programme.objects.get(code="national")
    return name_designation(
        region=Region.objects.get(code="330523"),
        programme=national,
        batch=get_or_create_batch(programme=national, year=2020, number=4),
        named_on=datetime.date(2020, 10, 1),
        document_number="环生态〔2020〕1号",
        by=users["province_admin"],
    )


def test_a_status_change_appends_exactly_one_entry(title, users):
    before = LedgerEntry.objects.count()
    change_designation_status(title, to="warned", by=users["province_admin"], reason="整改不力")
    assert LedgerEntry.objects.count() == before + 1
    entry = LedgerEntry.objects.order_by("pk").last()
    event = DesignationEvent.objects.get(designation=title, action="status")
    assert (entry.kind, entry.object_type, entry.object_id, entry.by_id) == (
        "designations.title.status",
        "designations.designation",
        str(title.pk),
        users["province_admin"].pk,
    )
    assert entry.payload == {
        "event": event.pk,
        "region": "330523",
        "programme": "national",
        "changes": {"status": ["active", "warned"]},
        "reason": "整改不力",
    }


def test_naming_and_stars_are_entries_too_and_an_unchanged_star_is_not(title, users):
    set_designation_stars(title, stars=4, by=users["province_admin"], reason="2024 复核")
    set_designation_stars(title, stars=4, by=users["province_admin"], reason="2024 复核")
    kinds = list(LedgerEntry.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["designations.title.named", "designations.title.stars"]
    assert LedgerEntry.objects.last().payload["changes"] == {"stars": [None, 4]}
