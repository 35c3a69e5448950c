"""Evidence files attached to a reported value: checked, stored, served with permission checks."""

from __future__ import annotations

from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ecozone.reporting import permissions
from ecozone.reporting.models import AnnualReport, Evidence, ReportEvent, ReportValue

MAX_BYTES = 20 * 1024 * 1024
# extension → (content type, magic bytes at the start of the file)
ALLOWED = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
}


def check_upload(upload) -> tuple[str, str]:
    """(safe file name, content type) of an acceptable upload, else ValidationError in Chinese."""
    name = PurePath(upload.name or "").name[:200]
    extension = PurePath(name).suffix.lower()
    if extension not in ALLOWED:
        raise ValidationError(
            _("%(name)s: only PDF, PNG, JPG, XLSX and DOCX files are accepted.")
            % {"name": name or "—"}
        )
    if upload.size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": name})
    if upload.size > MAX_BYTES:
        raise ValidationError(_("%(name)s is larger than 20 MB.") % {"name": name})
    content_type, magics = ALLOWED[extension]
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(m) for m in magics):
        raise ValidationError(
            _("%(name)s is not really a %(ext)s file.") % {"name": name, "ext": extension}
        )
    return name, content_type


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
