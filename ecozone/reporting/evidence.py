"""Evidence files attached to a reported value: checked, stored, served with permission checks."""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ecozone.core.uploads import check_upload
from ecozone.reporting import permissions
from ecozone.reporting.models import AnnualReport, Evidence, ReportEvent, ReportValue
from ecozone.reporting.states import ReportStatus


def _locked_report(report: AnnualReport, *, by) -> AnnualReport:
    """The report under its row lock, as every writer of its values takes it, with the edit
    permission checked again on what is stored now (the page the user clicked may be old)."""
    report = AnnualReport.objects.select_for_update().select_related("system").get(pk=report.pk)
    if not permissions.can_edit_values(by, report):
        raise PermissionDenied
    return report


def _require_open(report: AnnualReport, value: ReportValue) -> None:
    """A returned report reopens only its returned indicators: the evidence of the others stays
    as it was accepted, for uploads and deletions alike."""
    if report.status == ReportStatus.RETURNED and not value.returned:
        raise ValidationError(_("This indicator was not returned and stays locked."))


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def add_evidence(report: AnnualReport, *, indicator_code: str, upload, by) -> Evidence:
    if not permissions.can_edit_values(by, report):
        raise PermissionDenied
    name, content_type = check_upload(upload)
    with transaction.atomic():
        report = _locked_report(report, by=by)
        indicator = next(
            (i for i in report.system.indicators.all() if i.code == indicator_code), None
        )
        if indicator is None:
            raise ValidationError(_("Not an indicator of this report."))
        value, _created = ReportValue.objects.get_or_create(report=report, indicator=indicator)
        _require_open(report, value)
        evidence = Evidence(
            value=value,
            original_name=name,
            size=upload.size,
            content_type=content_type,
            sha256=_sha256(upload),
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
    """Delete an evidence file under the same rule as an upload. The file goes only once the
    row's deletion is committed: a refused or failed deletion leaves both in place."""
    if not permissions.can_edit_values(by, evidence.value.report):
        raise PermissionDenied
    with transaction.atomic():
        report = _locked_report(evidence.value.report, by=by)
        evidence = (
            Evidence.objects.select_related("value__indicator").filter(pk=evidence.pk).first()
        )
        if evidence is None:
            return  # removed meanwhile by someone else: what was asked is done
        _require_open(report, evidence.value)
        ReportEvent.objects.create(
            report=report,
            by=by,
            action="evidence_removed",
            from_status=report.status,
            to_status=report.status,
            comment=evidence.original_name,
            indicators=[evidence.value.indicator.code],
        )
        evidence.delete()
        stored = evidence.file
        transaction.on_commit(lambda: stored.storage.delete(stored.name))
