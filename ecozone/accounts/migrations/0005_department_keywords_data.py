from django.db import migrations

KEYWORDS = {
    "浙江省生态环境厅": "生态环境",
    "浙江省自然资源厅": "自然资源",
    "浙江省水利厅": "水利",
    "浙江省农业农村厅": "农业农村",
    "浙江省住房和城乡建设厅": "住建",
    "浙江省发展和改革委员会": "发展改革",
    "浙江省林业局": "林业",
    "浙江省统计局": "统计",
}


def load(apps, schema_editor):
    Organisation = apps.get_model("accounts", "Organisation")
    for name, keyword in KEYWORDS.items():
        Organisation.objects.filter(name=name).update(data_source_keyword=keyword)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_department_keywords")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
