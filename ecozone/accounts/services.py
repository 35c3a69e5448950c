"""Writes to organisations, users and API tokens."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ecozone.accounts.models import ApiToken, Organisation, OrganisationKind, User


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


def create_api_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token; the secret is returned once and never stored."""
    secret = ApiToken.new_secret()
    token = ApiToken.objects.create(
        user=user, name=name, prefix=secret[3:11], digest=ApiToken.digest_of(secret)
    )
    return token, secret


def revoke_api_token(token: ApiToken) -> None:
    token.delete()


def authenticate_token(secret: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user", "user__organisation__region")
        .filter(digest=ApiToken.digest_of(secret), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        with transaction.atomic():
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
