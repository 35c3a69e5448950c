"""PostgreSQL refuses UPDATE and DELETE on the history tables (decision 0004, issue 13).

A row trigger raises on every UPDATE or DELETE of a history row, whoever sends it: the ORM, a
cascade from a deleted parent, or a hand-typed statement. It guards against mistakes and casual
edits; an insider owning the tables can still disable it, which the hash chains and
`manage.py verify_audit` then catch. SQLite (development, tests) has no such guard.
"""

from django.db import migrations

FUNCTION = "ecozone_history_is_append_only"
TRIGGER = "history_is_append_only"

# (app label, model): every append-only history table.
HISTORY = [
    ("core", "LedgerEntry"),
    ("reporting", "ValueChange"),
    ("reporting", "ReportEvent"),
    ("reporting", "ReportingYearChange"),
    ("applications", "ApplicationEvent"),
    ("designations", "DesignationEvent"),
    ("accounts", "AccountEvent"),
    ("taskbooks", "BookEvent"),
    ("indicators", "EditionChange"),
]


def tables(apps) -> list[str]:
    return [apps.get_model(app, model)._meta.db_table for app, model in HISTORY]


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    # No "%" in the SQL: it is sent without parameters.
    schema_editor.execute(
        f"""
        CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION USING
                MESSAGE = TG_TABLE_NAME || ' is append-only history: ' || TG_OP || ' refused',
                ERRCODE = 'insufficient_privilege';
        END
        $$
        """,
        None,
    )
    for table in tables(apps):
        schema_editor.execute(
            f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {quote(table)} "
            f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()",
            None,
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in tables(apps):
        schema_editor.execute(
            f"DROP TRIGGER IF EXISTS {TRIGGER} ON {schema_editor.quote_name(table)}", None
        )
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()", None)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_ledger"),
        ("accounts", "0008_organisation_code"),
        ("applications", "0006_objection_text_length"),
        ("designations", "0002_programmes"),
        ("indicators", "0004_edition_mapping"),
        ("reporting", "0004_evidence_sha256"),
        ("taskbooks", "0001_initial"),
    ]

    operations = [migrations.RunPython(install, remove, elidable=False)]
