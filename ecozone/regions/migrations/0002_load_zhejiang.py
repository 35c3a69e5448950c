import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "zhejiang-regions.csv"
SOURCE = "GB/T 2260 (shared/reference/zhejiang-regions.csv, public sources, cross-checked once)"


def load(apps, schema_editor):
    Region = apps.get_model("regions", "Region")
    with DATA.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    by_code = {}
    for row in rows:  # parents come before children in the file
        region = Region.objects.create(
            code=row["code"],
            name=row["name"],
            level=row["level"],
            parent=by_code.get(row["parent_code"]),
            terrain=row["terrain_default"],
            coastal=row["coastal_default"] == "yes",
            mountain_county=row["mountain_county_26"] == "yes",
            source=SOURCE,
        )
        by_code[region.code] = region


def unload(apps, schema_editor):
    Region = apps.get_model("regions", "Region")
    Region.objects.filter(code__startswith="33", level="county").delete()
    Region.objects.filter(code__startswith="33", level="city").delete()
    Region.objects.filter(code="330000").delete()


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
