from django.db import migrations


def load(apps, schema_editor):
    apps.get_model("applications", "ReviewSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("applications", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
