"""Writes to organisations, users, API tokens and expert proposals; each records its history."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from ecozone.accounts import permissions
from ecozone.accounts.models import (
    TOKEN_LIFETIMES,
    AccountAction,
    AccountEvent,
    ApiToken,
    ExpertProposal,
    Organisation,
    OrganisationKind,
    ProposalStatus,
    Role,
    User,
)
from ecozone.core import ledger


def ensure_region_organisation(region) -> Organisation | None:
    """Every city and county gets the organisation its users act for."""
    if region.level not in (OrganisationKind.CITY, OrganisationKind.COUNTY):
        return None
    organisation, _created = Organisation.objects.get_or_create(
        region=region,
        kind=region.level,
        defaults={"name": f"{region.name}（{region.code}）"},
    )
    return organisation


def create_api_token(
    *, user: User, name: str, days: int = TOKEN_LIFETIMES[0]
) -> tuple[ApiToken, str]:
    """A new token valid for `days`; the secret is returned once and never stored."""
    if days not in TOKEN_LIFETIMES:
        raise ValidationError(_("Choose one of the lifetimes offered."))
    secret = ApiToken.new_secret()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[3:11],
        digest=ApiToken.digest_of(secret),
        expires_at=timezone.now() + timedelta(days=days),
    )
    return token, secret


def revoke_api_token(token: ApiToken) -> None:
    token.delete()


class TokenExpired(Exception):
    """A known token past its expiry date: refused, and the caller is told why."""

    def __init__(self, token: ApiToken):
        super().__init__(token.prefix)
        self.token = token


def authenticate_token(secret: str) -> User | None:
    """The active user a token belongs to, or None; raises TokenExpired for an expired one."""
    token = (
        ApiToken.objects.select_related("user", "user__organisation__region")
        .filter(digest=ApiToken.digest_of(secret), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    if token.expired:
        raise TokenExpired(token)
    now = timezone.now()
    # At most one write a minute per token: the tokens page shows the minute, not the second.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        with transaction.atomic():
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- Users and organisations, administered by the province and (for their region) the cities ---

ROLE_ORGANISATION_KINDS: dict[str, set[str]] = {
    Role.PROVINCE_ADMIN: {OrganisationKind.PROVINCE_OFFICE},
    Role.DEPARTMENT: {OrganisationKind.DEPARTMENT},
    Role.EXPERT: {OrganisationKind.DEPARTMENT},
    Role.CITY: {OrganisationKind.CITY},
    Role.COUNTY: {OrganisationKind.COUNTY},
}

# No 0/O, 1/l/I: a one-time password is read off a screen and typed in.
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def record_event(
    *,
    by: User | None,
    action: str,
    user: User | None = None,
    organisation: Organisation | None = None,
    changes: dict | None = None,
    reason: str = "",
) -> AccountEvent:
    """Append one history row and its ledger entry. Called inside the writing service's
    transaction."""
    if organisation is None and user is not None:
        organisation = user.organisation
    event = AccountEvent.objects.create(
        by=by,
        action=action,
        user=user,
        organisation=organisation,
        changes=changes or {},
        reason=reason,
    )
    ledger.append(
        kind=f"accounts.{action}",
        obj=user or organisation or event,
        payload={
            "event": event.pk,
            "user": user.pk if user else None,
            "username": user.username if user else None,
            "organisation": organisation.pk if organisation else None,
            "changes": event.changes,
            "reason": reason,
        },
        by=by,
    )
    return event


def one_time_password(user: User | None = None) -> str:
    """A random password that also satisfies the configured validators."""
    while True:
        password = "".join(secrets.choice(_ALPHABET) for _ in range(12))
        try:
            validate_password(password, user)
        except ValidationError:
            continue
        return password


def organisations_for(by: User) -> QuerySet[Organisation]:
    """The organisations whose users `by` may administer."""
    organisations = Organisation.objects.select_related("region")
    if permissions.is_province_admin(by):
        return organisations
    if not permissions.can_manage_accounts(by):
        return organisations.none()
    return permissions.in_scope(by, organisations, "region").filter(
        kind__in=[OrganisationKind.CITY, OrganisationKind.COUNTY]
    )


def check_assignment(*, by: User, role: str, organisation: Organisation | None) -> None:
    """Refuse a role or organisation outside `by`'s remit (403) or not matching (message)."""
    permissions.require(role in permissions.manageable_roles(by))
    if organisation is not None:
        permissions.require(organisations_for(by).filter(pk=organisation.pk).exists())
    if organisation is None:
        if role != Role.EXPERT:
            raise ValidationError(_("Choose the organisation the user acts for."))
    elif organisation.kind not in ROLE_ORGANISATION_KINDS[role]:
        raise ValidationError(
            _("A %(role)s cannot belong to %(organisation)s.")
            % {"role": Role(role).label, "organisation": organisation.name}
        )


def _username_available(username: str) -> None:
    if not username:
        raise ValidationError(_("The user name is required."))
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(_("The user name %(name)s is taken.") % {"name": username})


def create_user(
    *,
    by: User,
    username: str,
    display_name: str,
    role: str,
    organisation: Organisation | None,
    email: str = "",
    imported: bool = False,
) -> tuple[User, str]:
    """A new account with a one-time password, returned once; it must be changed at sign-in."""
    username = username.strip()
    check_assignment(by=by, role=role, organisation=organisation)
    _username_available(username)
    user = User(
        username=username,
        display_name=display_name.strip(),
        role=role,
        organisation=organisation,
        email=email.strip(),
        must_change_password=True,
    )
    password = one_time_password(user)
    user.set_password(password)
    with transaction.atomic():
        user.save()
        record_event(
            by=by,
            action=AccountAction.USER_IMPORTED if imported else AccountAction.USER_CREATED,
            user=user,
            changes={
                "username": [None, user.username],
                "display_name": [None, user.display_name],
                "role": [None, role],
                "organisation": [None, organisation.name if organisation else None],
                "email": [None, user.email or None],
            },
        )
    return user, password


def change_user(
    *,
    by: User,
    user: User,
    display_name: str,
    role: str,
    organisation: Organisation | None,
    email: str = "",
) -> User:
    """Change a user's name, e-mail, role and organisation (the scope they act for)."""
    check_assignment(by=by, role=user.role, organisation=user.organisation)
    check_assignment(by=by, role=role, organisation=organisation)
    if user.pk == by.pk and (role != user.role or organisation != user.organisation):
        raise ValidationError(_("You cannot change your own role or organisation."))
    before = {
        "display_name": user.display_name,
        "role": user.role,
        "organisation": user.organisation.name if user.organisation else None,
        "email": user.email,
    }
    user.display_name, user.role = display_name.strip(), role
    user.organisation, user.email = organisation, email.strip()
    after = {
        "display_name": user.display_name,
        "role": user.role,
        "organisation": organisation.name if organisation else None,
        "email": user.email,
    }
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if not changes:
        return user
    with transaction.atomic():
        user.save(update_fields=["display_name", "role", "organisation", "email"])
        record_event(by=by, action=AccountAction.USER_CHANGED, user=user, changes=changes)
    return user


def deactivate_user(*, by: User, user: User, reason: str = "") -> User:
    """The account can no longer sign in or use its API tokens; nothing it did is removed."""
    check_assignment(by=by, role=user.role, organisation=user.organisation)
    if user.pk == by.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    if not user.is_active:
        raise ValidationError(_("The account is already deactivated."))
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        record_event(
            by=by,
            action=AccountAction.USER_DEACTIVATED,
            user=user,
            changes={"is_active": [True, False]},
            reason=reason.strip(),
        )
    return user


def reactivate_user(*, by: User, user: User, reason: str = "") -> User:
    check_assignment(by=by, role=user.role, organisation=user.organisation)
    if user.is_active:
        raise ValidationError(_("The account is active already."))
    with transaction.atomic():
        user.is_active = True
        user.save(update_fields=["is_active"])
        record_event(
            by=by,
            action=AccountAction.USER_REACTIVATED,
            user=user,
            changes={"is_active": [False, True]},
            reason=reason.strip(),
        )
    return user


def reset_password(*, by: User, user: User) -> str:
    """Replace the password by a one-time password, returned once; it must be changed."""
    check_assignment(by=by, role=user.role, organisation=user.organisation)
    if user.pk == by.pk:
        raise ValidationError(_("Change your own password on the password page."))
    password = one_time_password(user)
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
        record_event(by=by, action=AccountAction.PASSWORD_RESET, user=user)
    return password


def send_password_reset_link(*, by: User, user: User, site_url: str) -> None:
    """E-mail a link to Django's password reset page; the link works until the password changes."""
    check_assignment(by=by, role=user.role, organisation=user.organisation)
    if not user.email:
        raise ValidationError(_("The user has no e-mail address."))
    if not user.is_active:
        raise ValidationError(_("The account is deactivated."))
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {"user": user, "link": site_url.rstrip("/") + path}
    with transaction.atomic():
        record_event(
            by=by, action=AccountAction.RESET_LINK_SENT, user=user, changes={"email": user.email}
        )
        send_mail(
            render_to_string("accounts/email/password_reset_subject.txt", context).strip(),
            render_to_string("accounts/email/password_reset.txt", context),
            None,
            [user.email],
        )


def use_one_time_password(*, user: User) -> None:
    """At sign-in with a password someone else chose: it stops working now (it is one-time);
    the session lives on, and the user sets a password of their own."""
    with transaction.atomic():
        user.set_unusable_password()
        user.save(update_fields=["password"])
        record_event(by=user, action=AccountAction.ONE_TIME_PASSWORD_USED, user=user)


def set_own_password(*, user: User, password: str) -> User:
    """The user's own choice of password (forced change, voluntary change, reset link)."""
    validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        record_event(by=user, action=AccountAction.PASSWORD_CHANGED, user=user)
    return user


def create_organisation(
    *, by: User, name: str, kind: str, code: str = "", data_source_keyword: str = ""
) -> Organisation:
    """A department or an office; cities and counties get theirs with their region."""
    permissions.require(permissions.can_manage_organisations(by))
    name = name.strip()
    if kind not in (OrganisationKind.DEPARTMENT, OrganisationKind.PROVINCE_OFFICE):
        raise ValidationError(_("Only departments and offices are created here."))
    if Organisation.objects.filter(name=name).exists():
        raise ValidationError(_("An organisation named %(name)s exists.") % {"name": name})
    region = None
    if kind == OrganisationKind.PROVINCE_OFFICE:
        # Offices act for the province: the one region without a parent.
        regions = Organisation._meta.get_field("region").related_model.objects
        region = regions.get(parent__isnull=True)
    with transaction.atomic():
        organisation = Organisation.objects.create(
            name=name,
            code=code.strip(),
            kind=kind,
            region=region,
            data_source_keyword=data_source_keyword.strip(),
        )
        record_event(
            by=by,
            action=AccountAction.ORGANISATION_CREATED,
            organisation=organisation,
            changes={"name": [None, name], "code": [None, code.strip()], "kind": [None, kind]},
        )
    return organisation


def change_organisation(
    *,
    by: User,
    organisation: Organisation,
    name: str,
    code: str | None = None,
    data_source_keyword: str = "",
) -> Organisation:
    permissions.require(permissions.can_manage_organisations(by))
    name, keyword = name.strip(), data_source_keyword.strip()
    code = organisation.code if code is None else code.strip()
    if Organisation.objects.filter(name=name).exclude(pk=organisation.pk).exists():
        raise ValidationError(_("An organisation named %(name)s exists.") % {"name": name})
    changes = {}
    if name != organisation.name:
        changes["name"] = [organisation.name, name]
    if code != organisation.code:
        changes["code"] = [organisation.code, code]
    if keyword != organisation.data_source_keyword:
        changes["data_source_keyword"] = [organisation.data_source_keyword, keyword]
    if not changes:
        return organisation
    with transaction.atomic():
        organisation.name, organisation.code = name, code
        organisation.data_source_keyword = keyword
        organisation.save(update_fields=["name", "code", "data_source_keyword"])
        record_event(
            by=by,
            action=AccountAction.ORGANISATION_CHANGED,
            organisation=organisation,
            changes=changes,
        )
    return organisation


# --- Expert proposals: a department proposes, the province decides (applications.pool) ---


def propose_expert(
    *, by: User, username: str, display_name: str, domains: list[str]
) -> ExpertProposal:
    permissions.require(permissions.can_propose_experts(by))
    username = username.strip()
    _username_available(username)
    pending = ExpertProposal.objects.filter(
        username__iexact=username, status=ProposalStatus.PENDING
    )
    if pending.exists():
        raise ValidationError(_("The user name %(name)s is proposed already.") % {"name": username})
    with transaction.atomic():
        proposal = ExpertProposal.objects.create(
            organisation=by.organisation,
            username=username,
            display_name=display_name.strip(),
            domains=domains,
            proposed_by=by,
        )
        record_event(
            by=by,
            action=AccountAction.EXPERT_PROPOSED,
            organisation=by.organisation,
            changes={"username": [None, username], "display_name": [None, proposal.display_name]},
        )
    return proposal


def decide_expert_proposal(
    *, by: User, proposal: ExpertProposal, status: str, expert: User | None = None, reason: str = ""
) -> ExpertProposal:
    """Record the province's decision; approving creates the expert (applications.pool)."""
    permissions.require(permissions.can_decide_expert_proposals(by))
    if proposal.status != ProposalStatus.PENDING:
        raise ValidationError(_("The proposal has been decided already."))
    if status == ProposalStatus.REJECTED and not reason.strip():
        raise ValidationError(_("Give the reason for the rejection."))
    with transaction.atomic():
        proposal.status, proposal.reason, proposal.expert = status, reason.strip(), expert
        proposal.decided_by, proposal.decided_at = by, timezone.now()
        proposal.save()
        record_event(
            by=by,
            action=AccountAction.EXPERT_APPROVED
            if status == ProposalStatus.APPROVED
            else AccountAction.EXPERT_REJECTED,
            user=expert,
            organisation=proposal.organisation,
            changes={"username": proposal.username},
            reason=proposal.reason,
        )
    return proposal


def reject_expert_proposal(*, by: User, proposal: ExpertProposal, reason: str) -> ExpertProposal:
    return decide_expert_proposal(
        by=by, proposal=proposal, status=ProposalStatus.REJECTED, reason=reason
    )
