import datetime

from django.db import migrations

from ecozone.ratings.default_scheme import DEFAULT_SCHEME


def load(apps, schema_editor):
    apps.get_model("ratings", "Scheme").objects.create(
        code="default",
        title="生态文明建设示范区复核评星默认方法",
        status="published",
        settings=DEFAULT_SCHEME,
        published_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
    )


def unload(apps, schema_editor):
    apps.get_model("ratings", "Scheme").objects.filter(code="default").delete()


class Migration(migrations.Migration):
    dependencies = [("ratings", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
