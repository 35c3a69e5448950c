"""The only code that writes batches, designations and their history."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecozone.core import ledger
from ecozone.core.flags import bump_showcase_version
from ecozone.designations.models import Batch, Designation, DesignationEvent, Programme
from ecozone.designations.states import HOLDING, STATUS_TRANSITIONS, DesignationStatus


def _record(designation: Designation, *, by, action: str, changes: dict, reason: str) -> None:
    """The history row and its ledger entry, in the caller's transaction."""
    event = DesignationEvent.objects.create(
        designation=designation, by=by, action=action, changes=changes, reason=reason
    )
    ledger.append(
        kind=f"designations.title.{action}",
        obj=designation,
        payload={
            "event": event.pk,
            "region": designation.region.code,
            "programme": designation.programme.code,
            "changes": changes,
            "reason": reason,
        },
        by=by,
    )


def get_or_create_batch(
    *,
    programme: Programme,
    year: int,
    number: int,
    named_on: date | None = None,
    document_number: str = "",
    quota: int | None = None,
    is_demo: bool = False,
) -> Batch:
    batch, _created = Batch.objects.get_or_create(
        programme=programme,
        number=number,
        defaults={
            "year": year,
            "name": _("%(programme)s, batch %(number)d (%(year)d)")
            % {"programme": programme.short_name, "number": number, "year": year},
            "named_on": named_on,
            "document_number": document_number,
            "quota": quota,
            "is_demo": is_demo,
        },
    )
    if batch.year != year:
        raise ValidationError(
            _("Batch %(number)d of %(programme)s is the batch of %(year)d.")
            % {"number": number, "programme": programme.short_name, "year": batch.year}
        )
    return batch


def name_designation(
    *,
    region,
    programme: Programme,
    batch: Batch,
    named_on: date,
    document_number: str,
    by,
    reason: str = "",
) -> Designation:
    """Give a region a title. A region holds at most one live title per programme."""
    if not region.is_creation_unit:
        raise ValidationError(_("Only cities and counties can hold a title."))
    if batch.programme_id != programme.pk:
        raise ValidationError(_("The batch belongs to another programme."))
    with transaction.atomic():
        if Designation.objects.filter(
            region=region, programme=programme, status__in=HOLDING
        ).exists():
            raise ValidationError(
                _("%(region)s already holds the title %(programme)s.")
                % {"region": region.name, "programme": programme.short_name}
            )
        designation = Designation.objects.create(
            region=region,
            programme=programme,
            batch=batch,
            named_on=named_on,
            document_number=document_number,
            status=DesignationStatus.ACTIVE,
            status_changed_at=timezone.now(),
        )
        _record(
            designation,
            by=by,
            action="named",
            changes={
                "batch": batch.name,
                "named_on": named_on.isoformat(),
                "document_number": document_number,
            },
            reason=reason,
        )
        bump_showcase_version()
    return designation


def _locked(designation: Designation) -> Designation:
    return (
        Designation.objects.select_related("region", "programme")
        .select_for_update(of=("self",))
        .get(pk=designation.pk)
    )


def change_designation_status(designation: Designation, *, to: str, by, reason: str) -> Designation:
    if not reason.strip():
        raise ValidationError(_("A reason is required."))
    with transaction.atomic():
        designation = _locked(designation)
        if (designation.status, to) not in STATUS_TRANSITIONS:
            raise ValidationError(
                _("A designation that is %(status)s cannot become %(to)s.")
                % {"status": designation.get_status_display(), "to": DesignationStatus(to).label}
            )
        old = designation.status
        designation.status = to
        designation.status_changed_at = timezone.now()
        designation.save(update_fields=["status", "status_changed_at"])
        _record(designation, by=by, action="status", changes={"status": [old, to]}, reason=reason)
        bump_showcase_version()
    return designation


def set_designation_stars(
    designation: Designation, *, stars: int | None, by, reason: str
) -> Designation:
    if stars not in (None, 0, 3, 4, 5):
        raise ValidationError(_("Stars are 5, 4, 3 or 0 (revoked)."))
    with transaction.atomic():
        designation = _locked(designation)
        if designation.stars == stars:
            return designation
        old = designation.stars
        designation.stars = stars
        designation.save(update_fields=["stars"])
        _record(designation, by=by, action="stars", changes={"stars": [old, stars]}, reason=reason)
        bump_showcase_version()
    return designation
