"""PostgreSQL refuses UPDATE and DELETE on every history table (core migration 0003)."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction

from ecozone.accounts.models import AccountEvent, Organisation
from ecozone.accounts.services import record_event
from ecozone.applications.models import ApplicationEvent
from ecozone.core import ledger
from ecozone.core.models import LedgerEntry
from ecozone.demo.services import load_reports, load_roster
from ecozone.designations.models import DesignationEvent
from ecozone.indicators.models import EditionChange, IndicatorSystem
from ecozone.reporting.models import ReportEvent, ReportingYear, ReportingYearChange, ValueChange
from ecozone.taskbooks.models import BookEvent

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the append-only triggers exist on PostgreSQL only; SQLite has no such guard",
    ),
]

HISTORY = [
    LedgerEntry,
    ValueChange,
    ReportEvent,
    ReportingYearChange,
    ApplicationEvent,
    DesignationEvent,
    AccountEvent,
    BookEvent,
    EditionChange,
]


@pytest.fixture
def history(users):
    """A row in each history table that the small demo and a few services fill."""
    load_roster()
    load_reports(["330523"])
    office = Organisation.objects.get(name="浙江省林业局")
    ledger.append(kind="test.entry", obj=office, payload={"n": 1})
    with transaction.atomic():
        record_event(by=users["province_admin"], action="organisation_changed", organisation=office)
    EditionChange.objects.create(
        system=IndicatorSystem.objects.get(code="N19"), action="edit", comment="test"
    )
    ReportingYearChange.objects.create(
        window=ReportingYear.objects.get(year=2023),
        action="dates",
        changes={"deadline": ["2024-03-31", str(datetime.date(2024, 4, 30))]},
    )


def test_every_history_table_carries_the_trigger():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = 'history_is_append_only' AND t.tgenabled = 'O'"
        )
        found = sorted(row[0] for row in cursor.fetchall())
    assert found == sorted(model._meta.db_table for model in HISTORY)


@pytest.mark.parametrize(
    "model",
    [
        LedgerEntry,
        ValueChange,
        ReportEvent,
        ReportingYearChange,
        DesignationEvent,
        AccountEvent,
        EditionChange,
    ],
)
def test_update_and_delete_of_a_history_row_are_refused(history, model):
    row = model.objects.order_by("pk").first()
    table = connection.ops.quote_name(model._meta.db_table)
    statements = [
        f"UPDATE {table} SET id = id WHERE id = %s",  # noqa: S608 - a model's own table
        f"DELETE FROM {table} WHERE id = %s",  # noqa: S608 - a model's own table
    ]
    for sql in statements:
        with (
            pytest.raises(DatabaseError, match="is append-only history"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [row.pk])
    with pytest.raises(DatabaseError, match="is append-only history"), transaction.atomic():
        model.objects.filter(pk=row.pk).delete()
    assert model.objects.filter(pk=row.pk).exists()


def test_inserting_history_still_works(history):
    office = Organisation.objects.get(name="浙江省林业局")
    before = LedgerEntry.objects.count()
    ledger.append(kind="test.entry", obj=office, payload={"n": 2})
    assert LedgerEntry.objects.count() == before + 1
    assert ledger.verify().problem == ""
