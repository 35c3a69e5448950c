"""Writing typical cases: the province writes and publishes; zones propose."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecozone.accounts import permissions
from ecozone.casebook.models import CaseStatus, TypicalCase
from ecozone.core import ledger
from ecozone.core.flags import bump_showcase_version
from ecozone.core.uploads import check_image


def can_write_case(user, region) -> bool:
    return permissions.is_province_admin(user) or (
        permissions.home_region(user) is not None and permissions.home_region(user).pk == region.pk
    )


def _record(case: TypicalCase, *, kind: str, by, old: str) -> None:
    ledger.append(
        kind=f"casebook.case.{kind}",
        obj=case,
        payload={
            "case": case.pk,
            "region": case.region.code,
            "title": case.title,
            "from": old,
            "to": case.status,
        },
        by=by,
    )


def save_case(
    case: TypicalCase | None,
    *,
    by,
    region,
    programme,
    title: str,
    tags: str,
    summary: str,
    body: str,
    image=None,
) -> TypicalCase:
    if not can_write_case(by, region):
        raise PermissionDenied
    case = case or TypicalCase(created_by=by)
    if case.pk and case.status == CaseStatus.PUBLISHED and not permissions.is_province_admin(by):
        raise PermissionDenied
    with transaction.atomic():
        case.region, case.programme, case.title, case.tags, case.summary, case.body = (
            region,
            programme,
            title,
            tags,
            summary,
            body,
        )
        created = case.pk is None
        if created:
            case.status = (
                CaseStatus.DRAFT if permissions.is_province_admin(by) else CaseStatus.PROPOSED
            )
        if image is not None:
            name, _type = check_image(image)
            case.image.save(name, image, save=False)
        case.save()
        if created:
            kind = "proposed" if case.status == CaseStatus.PROPOSED else "created"
            _record(case, kind=kind, by=by, old="")
        if case.status == CaseStatus.PUBLISHED:
            bump_showcase_version()
    return case


def publish_case(case: TypicalCase, *, by, publish: bool = True) -> TypicalCase:
    if not permissions.is_province_admin(by):
        raise PermissionDenied
    if publish and not (case.title and case.body):
        raise ValidationError(_("A case needs a title and a text before publication."))
    with transaction.atomic():
        old = case.status
        case.status = CaseStatus.PUBLISHED if publish else CaseStatus.DRAFT
        case.published_at = timezone.now() if publish else None
        case.save(update_fields=["status", "published_at"])
        if case.status != old:
            _record(case, kind="published" if publish else "unpublished", by=by, old=old)
        bump_showcase_version()
    return case
