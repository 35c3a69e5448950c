from django.db import migrations

DEPARTMENTS = [
    "浙江省生态环境厅",
    "浙江省自然资源厅",
    "浙江省水利厅",
    "浙江省农业农村厅",
    "浙江省住房和城乡建设厅",
    "浙江省发展和改革委员会",
    "浙江省林业局",
    "浙江省统计局",
]


def load(apps, schema_editor):
    Organisation = apps.get_model("accounts", "Organisation")
    Region = apps.get_model("regions", "Region")
    province = Region.objects.get(code="330000")
    Organisation.objects.create(
        name="浙江省生态文明建设示范创建工作办公室", kind="province_office", region=province
    )
    for name in DEPARTMENTS:
        Organisation.objects.create(name=name, kind="department")
    for region in Region.objects.filter(code__startswith="33").exclude(level="province"):
        Organisation.objects.create(name=f"{region.name}（{region.code}）", kind=region.level, region=region)


def unload(apps, schema_editor):
    apps.get_model("accounts", "Organisation").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial"), ("regions", "0002_load_zhejiang")]
    operations = [migrations.RunPython(load, unload)]
