"""Evidence files keep the SHA-256 of their content, taken at upload; existing files are hashed
now when they are still on disk (a missing file keeps an empty digest and `verify_audit` names
it)."""

import hashlib

from django.db import migrations, models


def backfill(apps, schema_editor):
    Evidence = apps.get_model("reporting", "Evidence")
    for evidence in Evidence.objects.filter(sha256="").iterator():
        stored = evidence.file
        if not stored.name or not stored.storage.exists(stored.name):
            continue
        digest = hashlib.sha256()
        with stored.storage.open(stored.name, "rb") as handle:
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(chunk)
        Evidence.objects.filter(pk=evidence.pk).update(sha256=digest.hexdigest())


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0003_year_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="evidence",
            name="sha256",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="SHA-256"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
