from django.db import migrations

PROGRAMMES = [
    ("provincial", "省级生态文明建设示范区", "省级示范区", 1),
    ("national", "国家生态文明建设示范区", "国家示范区", 2),
    ("lianshan", "“绿水青山就是金山银山”实践创新基地", "两山基地", 3),
]


def load(apps, schema_editor):
    Programme = apps.get_model("designations", "Programme")
    for code, name, short_name, position in PROGRAMMES:
        Programme.objects.create(code=code, name=name, short_name=short_name, position=position)


def unload(apps, schema_editor):
    apps.get_model("designations", "Programme").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("designations", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
