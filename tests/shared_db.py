"""A test database that other processes and threads can open too.

pytest-django's SQLite test database lives in memory: a worker subprocess cannot see it, and
threads sharing it through SQLite's shared cache get table locks that a real file database does
not have. `file_database()` copies the freshly migrated in-memory database to a file and points
the default connection at it for one test (the in-memory one stays open, untouched, and is used
again afterwards). On PostgreSQL the test database is already shared: nothing changes.
Use it from a `@pytest.mark.django_db(transaction=True, serialized_rollback=True)` test (the
reference data from the migrations comes back after the flush), before any data is written.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from django.db import connection


@contextlib.contextmanager
def file_database(folder: Path) -> Iterator[str]:
    """Yield the name of the test database as another process would open it."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield connection.settings_dict["NAME"]
        return
    path = folder / "shared.sqlite3"
    connection.ensure_connection()
    memory = connection.connection
    target = sqlite3.connect(path)
    memory.backup(target)
    target.close()
    name = connection.settings_dict["NAME"]
    # Detach without closing: an in-memory database disappears with its last connection.
    connection.connection = None
    connection.settings_dict["NAME"] = str(path)
    try:
        yield str(path)
    finally:
        connection.close()
        connection.settings_dict["NAME"] = name
        connection.connection = memory
