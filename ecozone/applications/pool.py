"""The province's expert pool and review settings."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ecozone.accounts import permissions
from ecozone.accounts.models import Role, User
from ecozone.applications.models import ExpertProfile, ReviewSettings


def save_expert(
    *,
    by,
    user: User | None,
    username: str,
    display_name: str,
    organisation,
    domains: list[str],
    region,
    password: str = "",
) -> User:
    """Add an expert to the pool, or change one's department, fields and affiliated region."""
    if not permissions.is_province_admin(by):
        raise PermissionDenied
    if user is None:
        if not username.strip():
            raise ValidationError(_("The user name is required."))
        if User.objects.filter(username=username).exists():
            raise ValidationError(_("The user name %(name)s is taken.") % {"name": username})
        validate_password(password)
    with transaction.atomic():
        user = user or User(username=username.strip(), role=Role.EXPERT)
        user.display_name, user.organisation = display_name.strip(), organisation
        if password:
            user.set_password(password)
        user.save()
        ExpertProfile.objects.update_or_create(
            user=user, defaults={"domains": domains, "affiliated_region": region}
        )
    return user


def save_settings(
    *, by, reference_share: Decimal, min_panel: int, min_departments: int, notice_working_days: int
) -> ReviewSettings:
    if not permissions.is_province_admin(by):
        raise PermissionDenied
    if (
        not (Decimal(0) <= reference_share <= Decimal(1))
        or min_panel < 1
        or min_departments < 1
        or notice_working_days < 1
    ):
        raise ValidationError(_("The settings are out of range."))
    settings, _created = ReviewSettings.objects.get_or_create(pk=1)
    settings.reference_share, settings.min_panel = reference_share, min_panel
    settings.min_departments, settings.notice_working_days = min_departments, notice_working_days
    settings.save()
    return settings
