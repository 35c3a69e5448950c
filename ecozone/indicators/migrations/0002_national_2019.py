import csv
import datetime
from pathlib import Path

from django.db import migrations

from ecozone.indicators.rules import parse_rule, rule_fits_value_type

DATA = Path(__file__).resolve().parent.parent / "data" / "indicators-national-2019.csv"


def load(apps, schema_editor):
    IndicatorSystem = apps.get_model("indicators", "IndicatorSystem")
    Indicator = apps.get_model("indicators", "Indicator")
    system = IndicatorSystem.objects.create(
        code="N19",
        title="国家生态文明建设示范市县建设指标（2019年修订）",
        issuer="national",
        document_number="环生态〔2019〕76号",
        effective_date=datetime.date(2019, 9, 11),
        status="published",
        is_default=True,
        source="shared/reference/indicators-national-2019.csv; rows 1–4 checked against a public copy",
        published_at=datetime.datetime(2019, 9, 11, tzinfo=datetime.UTC),
    )
    with DATA.open(encoding="utf-8") as handle:
        for position, row in enumerate(csv.DictReader(handle), start=1):
            problem = rule_fits_value_type(parse_rule(row["rule"]), row["value_type"])
            assert problem is None, (row["code"], problem)
            Indicator.objects.create(
                system=system,
                code=row["code"],
                position=position,
                number=row["no"],
                domain=row["domain"],
                task=row["task"],
                name=row["name"],
                unit="" if row["unit"] == "-" else row["unit"],
                attribute=row["attribute"],
                kind=row["kind"],
                scope=row["scope"],
                condition=row["applicable_when"],
                value_type=row["value_type"],
                target_text=row["target_text"],
                rule=row["rule"],
                data_source=row["data_source"],
                verified=row["verified"],
            )


def unload(apps, schema_editor):
    apps.get_model("indicators", "IndicatorSystem").objects.filter(code="N19").delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
