import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    PROVINCE_OFFICE = "province_office", _("provincial office")
    DEPARTMENT = "department", _("provincial department")
    CITY = "city", _("city")
    COUNTY = "county", _("county")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    # A short stable code for exchanges (the region code for a city or county).
    code = models.CharField(_("code"), max_length=20, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    # The region an office, city or county acts for; departments act province-wide.
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    # A department owns the indicators whose data-source text contains this keyword.
    data_source_keyword = models.CharField(_("data-source keyword"), max_length=20, blank=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="department") | models.Q(region__isnull=False),
                name="organisation_region_unless_department",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", _("province admin")
    DEPARTMENT = "department", _("department user")
    EXPERT = "expert", _("expert")
    CITY = "city", _("city user")
    COUNTY = "county", _("county user")


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    # Set when someone else chose the password (creation, reset, import): every page leads to the
    # change-password page until the user picks their own.
    must_change_password = models.BooleanField(_("must change password"), default=False)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username


# The lifetimes offered when creating an API token, in days; the first is the default.
TOKEN_LIFETIMES = (90, 30, 365)


def default_token_expiry():
    return timezone.now() + timedelta(days=TOKEN_LIFETIMES[0])


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only a SHA-256 digest of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=50)
    prefix = models.CharField(_("prefix"), max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Tokens that existed before expiry dates got the default lifetime from the migration on.
    expires_at = models.DateTimeField(_("expires at"), default=default_token_expiry)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @staticmethod
    def new_secret() -> str:
        return "ez_" + secrets.token_urlsafe(30)

    @staticmethod
    def digest_of(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()


class AccountAction(models.TextChoices):
    USER_CREATED = "user_created", _("account created")
    USER_IMPORTED = "user_imported", _("account imported")
    USER_CHANGED = "user_changed", _("account changed")
    USER_DEACTIVATED = "user_deactivated", _("account deactivated")
    USER_REACTIVATED = "user_reactivated", _("account reactivated")
    PASSWORD_RESET = "password_reset", _("one-time password issued")
    ONE_TIME_PASSWORD_USED = "one_time_password_used", _("one-time password used to sign in")
    RESET_LINK_SENT = "reset_link_sent", _("password reset link sent")
    PASSWORD_CHANGED = "password_changed", _("password changed by the user")
    ORGANISATION_CREATED = "organisation_created", _("organisation created")
    ORGANISATION_CHANGED = "organisation_changed", _("organisation changed")
    EXPERT_PROPOSED = "expert_proposed", _("expert proposed")
    EXPERT_APPROVED = "expert_approved", _("expert proposal approved")
    EXPERT_REJECTED = "expert_rejected", _("expert proposal rejected")
    LOCKOUT_LIFTED = "lockout_lifted", _("sign-in lockout lifted")


class AccountEvent(models.Model):
    """Append-only history of accounts and organisations: who did what to whom, and when.

    `organisation` is the organisation the change belongs to at the time (the user's, after the
    change), so that a city's history page can be filtered by region like everything else.
    """

    at = models.DateTimeField(_("time"), auto_now_add=True)
    by = models.ForeignKey(
        User, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=30, choices=AccountAction.choices)
    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="account_events",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="account_events",
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("account history")
        verbose_name_plural = _("account history")

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.at:%Y-%m-%d %H:%M}"

    @property
    def change_rows(self) -> list[tuple[str, str | None, str]]:
        """The changes as (field label, old value or None when there was none, new value)."""
        rows = []
        for key, value in self.changes.items():
            label = str(CHANGE_LABELS.get(key, key))
            if isinstance(value, list) and len(value) == 2:
                old, new = value
                rows.append(
                    (label, None if old is None else _readable(key, old), _readable(key, new))
                )
            else:
                rows.append((label, None, _readable(key, value)))
        return rows


CHANGE_LABELS = {
    "username": _("user name"),
    "display_name": _("display name"),
    "role": _("role"),
    "organisation": _("organisation"),
    "email": _("e-mail"),
    "is_active": _("active"),
    "domains": _("fields (indicator domains)"),
    "affiliated_region": _("affiliated region"),
    "name": _("name"),
    "kind": _("kind"),
    "data_source_keyword": _("data-source keyword"),
    "ip_address": _("IP address"),
    "failures": _("failed sign-ins"),
}


def _readable(key: str, value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list):
        return "、".join(map(str, value))
    if key == "role" and value in Role.values:
        return str(Role(value).label)
    if key == "kind" and value in OrganisationKind.values:
        return str(OrganisationKind(value).label)
    return str(value)


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("awaiting decision")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class ExpertProposal(models.Model):
    """A department's proposal to add an expert to the provincial pool."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="expert_proposals",
    )
    username = models.CharField(_("user name"), max_length=150)
    display_name = models.CharField(_("display name"), max_length=50)
    domains = models.JSONField(_("fields (indicator domains)"), default=list)
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    proposed_by = models.ForeignKey(
        User, verbose_name=_("proposed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)
    expert = models.OneToOneField(
        User,
        verbose_name=_("expert"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert_proposal",
    )

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name = _("expert proposal")
        verbose_name_plural = _("expert proposals")

    def __str__(self) -> str:
        return f"{self.display_name}（{self.username}）"
