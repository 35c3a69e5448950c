"""Import of a province-wide workbook (all 101 zones of Zhejiang, every applicable indicator)
through the real path — whole-file validation, flags, history with the hash chain — versus a bare
bulk insert of the same rows. Prints medians of three runs and their ratio."""

import datetime
import io

from _setup import median, rounded, setup_django, timed

setup_django()

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone

from ecozone.accounts.models import User
from ecozone.demo.services import load_accounts, load_roster
from ecozone.regions.models import Region
from ecozone.reporting import services
from ecozone.reporting.excel import import_values, template_for
from ecozone.reporting.models import AnnualReport, AuditHead, ReportValue
from ecozone.reporting.queries import form_rows

load_accounts()
load_roster()
province = User.objects.get(username="province")
today = timezone.localdate()
units = Region.objects.filter(level__in=["city", "county"])
services.open_reporting_year(
    by=province,
    year=2024,
    opens_on=today,
    deadline=today + datetime.timedelta(days=30),
    locks_on=today + datetime.timedelta(days=60),
    regions=units,
)
reports = list(
    AnnualReport.objects.filter(year=2024)
    .select_related("region", "system", "window")
    .order_by("region__code")
)
rows_per_report = {r.pk: form_rows(r) for r in reports}
total_rows = sum(len(rows) for rows in rows_per_report.values())


def filled_workbook() -> bytes:
    for report in reports:
        report.refresh_from_db()
    workbook = template_for(reports)
    sheet = workbook["填报"]
    header = [c.value for c in sheet[1]]
    col = {name: header.index(name) for name in header}
    for row in sheet.iter_rows(min_row=2):
        row[col["数值"]].value = "95"
        row[col["是否完成上级任务"]].value = "是"
        row[col["是/否"]].value = "是"
    # states: the first allowed state of each row
    states = {
        (r.region.code, fr.indicator.code): fr.spec.states[0]
        for r in reports
        for fr in rows_per_report[r.pk]
        if fr.spec.states
    }
    for row in sheet.iter_rows(min_row=2):
        key = (row[col["行政区划代码"]].value, row[col["指标代码"]].value)
        if key in states:
            row[col["状态"]].value = states[key]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def reset():
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM reporting_valuechange")
        cursor.execute("DELETE FROM reporting_reportvalue")
    AuditHead.objects.all().delete()
    AnnualReport.objects.filter(year=2024).update(version=0)


def prepared_upload():
    reset()
    return SimpleUploadedFile("province.xlsx", filled_workbook())


def real_import(upload):
    changed = import_values(upload, by=province)
    assert changed == total_rows, (changed, total_rows)


def bare_rows():
    reset()
    return [
        ReportValue(
            report_id=r.pk,
            indicator=fr.indicator,
            number=95,
            task=True,
            yes=True,
            state=(fr.spec.states[0] if fr.spec.states else ""),
        )
        for r in reports
        for fr in rows_per_report[r.pk]
    ]


def bare_insert(rows):
    with transaction.atomic():
        ReportValue.objects.bulk_create(rows, batch_size=1000)


real = timed(real_import, setup=prepared_upload)
bare = timed(bare_insert, setup=bare_rows)
print(f"reporting import: {len(reports)} zones, {total_rows} values ({connection.vendor})")
print(f"  validated import, flags, audit chain: median {median(real):.3f} s  runs {rounded(real)}")
print(f"  bare bulk insert of the same rows:     median {median(bare):.3f} s  runs {rounded(bare)}")
print(f"  ratio import / bare insert: {median(real) / median(bare):.1f}×")
