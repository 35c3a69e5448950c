"""Editing history rows behind the application's back, as an insider with the database would.

On PostgreSQL the history tables refuse UPDATE and DELETE (core migration 0003); an insider with
the database's superuser can still switch triggers off, and the verification must catch what they
then do. `tampering()` does the same for the duration of a block: in replica mode PostgreSQL fires
no ordinary trigger (the test database's user is a superuser). On SQLite there is nothing to
switch off.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import connection


@contextlib.contextmanager
def tampering() -> Iterator[None]:
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
