"""Typical cases: creation, proposal, publication and withdrawal are ledger entries."""

import pytest

from ecozone.casebook.services import publish_case, save_case
from ecozone.core.models import LedgerEntry
from ecozone.regions.models import Region

pytestmark = pytest.mark.django_db


def write(by):
    return save_case(
        None,
        by=by,
        region=Region.objects.get(code="330523"),
        programme=None,
        title="余村：两山理念发源地",
        tags="",
        summary="从卖石头到卖风景。",
        body="正文",
    )


def test_a_publication_appends_exactly_one_entry(users):
    admin = users["province_admin"]
    case = write(admin)
    before = LedgerEntry.objects.count()
    publish_case(case, by=admin)
    assert LedgerEntry.objects.count() == before + 1
    entry = LedgerEntry.objects.order_by("pk").last()
    assert (entry.kind, entry.object_type, entry.object_id, entry.by_id) == (
        "casebook.case.published",
        "casebook.typicalcase",
        str(case.pk),
        admin.pk,
    )
    assert entry.payload == {
        "case": case.pk,
        "region": "330523",
        "title": "余村：两山理念发源地",
        "from": "draft",
        "to": "published",
    }


def test_a_zones_proposal_and_a_withdrawal_are_entries(users):
    case = write(users["county"])
    publish_case(case, by=users["province_admin"])
    publish_case(case, by=users["province_admin"], publish=False)
    kinds = list(LedgerEntry.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == [
        "casebook.case.proposed",
        "casebook.case.published",
        "casebook.case.unpublished",
    ]
    assert LedgerEntry.objects.order_by("pk").last().payload["to"] == "draft"
