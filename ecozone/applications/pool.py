"""The province's expert pool and review settings."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ecozone.accounts import permissions
from ecozone.accounts.models import AccountAction, ExpertProposal, ProposalStatus, Role, User
from ecozone.accounts.services import decide_expert_proposal, one_time_password, record_event
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
    """Add an expert to the pool, or change one's department, fields and affiliated region.

    A new expert signs in first with the password chosen here and must then choose their own.
    """
    if not permissions.is_province_admin(by):
        raise PermissionDenied
    if user is None:
        if not username.strip():
            raise ValidationError(_("The user name is required."))
        if User.objects.filter(username=username).exists():
            raise ValidationError(_("The user name %(name)s is taken.") % {"name": username})
    if user is None or password:
        validate_password(password, user)
    with transaction.atomic():
        created = user is None
        user = user or User(username=username.strip(), role=Role.EXPERT)
        profile = getattr(user, "expert_profile", None) if not created else None
        before = {
            "display_name": None if created else user.display_name,
            "organisation": user.organisation.name if user.organisation else None,
            "domains": profile.domains if profile else None,
            "affiliated_region": (
                profile.affiliated_region.name if profile and profile.affiliated_region else None
            ),
        }
        user.display_name, user.organisation = display_name.strip(), organisation
        if password:
            user.set_password(password)
            user.must_change_password = True
        user.save()
        ExpertProfile.objects.update_or_create(
            user=user, defaults={"domains": domains, "affiliated_region": region}
        )
        after = {
            "display_name": user.display_name,
            "organisation": organisation.name if organisation else None,
            "domains": domains,
            "affiliated_region": region.name if region else None,
        }
        changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        if created:
            changes = {"username": [None, user.username], "role": [None, Role.EXPERT], **changes}
        if created or changes:
            action = AccountAction.USER_CREATED if created else AccountAction.USER_CHANGED
            record_event(by=by, action=action, user=user, changes=changes)
        if password and not created:
            record_event(by=by, action=AccountAction.PASSWORD_RESET, user=user)
    return user


def approve_expert_proposal(*, by, proposal: ExpertProposal) -> tuple[User, str]:
    """Create the proposed expert with a one-time password (returned once) and record it."""
    if not permissions.can_decide_expert_proposals(by):
        raise PermissionDenied
    if proposal.status != ProposalStatus.PENDING:
        raise ValidationError(_("The proposal has been decided already."))
    password = one_time_password()
    with transaction.atomic():
        expert = save_expert(
            by=by,
            user=None,
            username=proposal.username,
            display_name=proposal.display_name,
            organisation=proposal.organisation,
            domains=proposal.domains,
            region=None,
            password=password,
        )
        decide_expert_proposal(
            by=by, proposal=proposal, status=ProposalStatus.APPROVED, expert=expert
        )
    return expert, password


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
