"""Evidence files attached to a reported value: checked, stored, served with permission checks."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ecozone.core.uploads import check_upload
from ecozone.reporting import permissions
from ecozone.reporting.models import AnnualReport, Evidence, ReportEvent, ReportValue


def add_evidence(report: AnnualReport, *, indicator_code: str, upload, by) -> Evidence:
    if not permissions.can_edit_values(by, report):
        raise PermissionDenied
    name, content_type = check_upload(upload)
    with transaction.atomic():
        indicator = next(
            (i for i in report.system.indicators.all() if i.code == indicator_code), None
        )
        if indicator is None:
            raise ValidationError(_("Not an indicator of this report."))
        value, _created = ReportValue.objects.get_or_create(report=report, indicator=indicator)
        if report.status == "returned" and not value.returned:
            raise ValidationError(_("This indicator was not returned and stays locked."))
        evidence = Evidence(
            value=value,
            original_name=name,
            size=upload.size,
            content_type=content_type,
            uploaded_by=by,
        )
        evidence.file.save(name, upload, save=False)
        evidence.save()
        ReportEvent.objects.create(
            report=report,
            by=by,
            action="evidence",
            from_status=report.status,
            to_status=report.status,
            comment=name,
            indicators=[indicator_code],
        )
    return evidence


def remove_evidence(evidence: Evidence, *, by) -> None:
    report = evidence.value.report
    if not permissions.can_edit_values(by, report):
        raise PermissionDenied
    with transaction.atomic():
        ReportEvent.objects.create(
            report=report,
            by=by,
            action="evidence_removed",
            from_status=report.status,
            to_status=report.status,
            comment=evidence.original_name,
            indicators=[evidence.value.indicator.code],
        )
        evidence.file.delete(save=False)
        evidence.delete()
