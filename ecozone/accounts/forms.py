from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ecozone.accounts import permissions
from ecozone.accounts.models import TOKEN_LIFETIMES, Organisation, OrganisationKind, Role, User
from ecozone.accounts.services import ROLE_ORGANISATION_KINDS, organisations_for
from ecozone.core.forms import StyledFormMixin


class LoginForm(StyledFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": _("Wrong user name or password."),
        "inactive": _("This account is disabled."),
    }


class TokenForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("token name"), max_length=50)
    # Left out (older clients of the page): the default lifetime.
    days = forms.TypedChoiceField(
        label=_("valid for"),
        coerce=int,
        required=False,
        empty_value=TOKEN_LIFETIMES[0],
        initial=TOKEN_LIFETIMES[0],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].choices = [
            (days, gettext("%(days)s days") % {"days": days}) for days in TOKEN_LIFETIMES
        ]


class LiftLockoutForm(forms.Form):
    """One button of the lockouts page: an account's name or an address."""

    username = forms.CharField(max_length=255, required=False)
    ip_address = forms.GenericIPAddressField(required=False)


class UserFilterForm(StyledFormMixin, forms.Form):
    compact = True
    q = forms.CharField(label=_("user name or name"), required=False)
    role = forms.ChoiceField(label=_("role"), required=False)
    active = forms.ChoiceField(
        label=_("status"),
        required=False,
        choices=[("", _("all")), ("1", _("active")), ("0", _("deactivated"))],
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        roles = permissions.manageable_roles(actor)
        self.fields["role"].choices = [("", _("all roles"))] + [
            (value, label) for value, label in Role.choices if value in roles
        ]


class UserForm(StyledFormMixin, forms.Form):
    """A user's identity and remit; the same form validates every row of an import."""

    username = forms.CharField(label=_("user name"), max_length=150)
    display_name = forms.CharField(label=_("display name"), max_length=50)
    role = forms.ChoiceField(label=_("role"))
    organisation = forms.ModelChoiceField(
        label=_("organisation"),
        queryset=Organisation.objects.none(),
        to_field_name="name",
        required=False,
        help_text=_("Experts may have none; everyone else acts for one organisation."),
    )
    email = forms.EmailField(
        label=_("e-mail"),
        max_length=254,  # the column of User.email
        required=False,
        help_text=_("Needed to send a password reset link."),
    )

    def __init__(self, *args, actor, user=None, **kwargs):
        self.user = user
        if user is not None:
            kwargs.setdefault(
                "initial",
                {
                    "username": user.username,
                    "display_name": user.display_name,
                    "role": user.role,
                    "organisation": user.organisation.name if user.organisation else None,
                    "email": user.email,
                },
            )
        super().__init__(*args, **kwargs)
        roles = permissions.manageable_roles(actor)
        self.fields["role"].choices = [("", "—")] + [
            (value, label) for value, label in Role.choices if value in roles
        ]
        self.fields["organisation"].queryset = organisations_for(actor)
        if user is not None:
            # The user name is the sign-in identity and the key of the history: it stays.
            self.fields["username"].disabled = True

    def clean_username(self):
        if self.user is not None:
            return self.user.username
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("The user name %(name)s is taken.") % {"name": username})
        return username

    def clean(self):
        cleaned = super().clean()
        role, organisation = cleaned.get("role"), cleaned.get("organisation")
        if not role or "organisation" in self.errors:
            return cleaned
        if organisation is None and role != Role.EXPERT:
            self.add_error("organisation", _("Choose the organisation the user acts for."))
        elif organisation is not None and organisation.kind not in ROLE_ORGANISATION_KINDS[role]:
            self.add_error(
                "organisation",
                _("A %(role)s cannot belong to %(organisation)s.")
                % {"role": Role(role).label, "organisation": organisation.name},
            )
        return cleaned


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=300, required=False)


class RejectionForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("reason for rejection"), max_length=300)


class OrganisationForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    code = forms.RegexField(
        label=_("code"),
        regex=r"^[a-z0-9_-]{2,20}$",
        help_text=_("A short stable code used in data exchanges, e.g. sthjt."),
        error_messages={"invalid": _("Use 2–20 lower-case letters, digits, “-” or “_”.")},
    )
    kind = forms.ChoiceField(
        label=_("kind"),
        choices=[
            (OrganisationKind.DEPARTMENT, OrganisationKind.DEPARTMENT.label),
            (OrganisationKind.PROVINCE_OFFICE, OrganisationKind.PROVINCE_OFFICE.label),
        ],
    )
    data_source_keyword = forms.CharField(
        label=_("data-source keyword"),
        max_length=20,
        required=False,
        help_text=_(
            "A department owns the indicators whose data source contains this word (optional)."
        ),
    )

    def __init__(self, *args, organisation=None, **kwargs):
        self.organisation = organisation
        if organisation is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": organisation.name,
                    "code": organisation.code,
                    "kind": organisation.kind,
                    "data_source_keyword": organisation.data_source_keyword,
                },
            )
        super().__init__(*args, **kwargs)
        if organisation is not None:
            # Cities and counties come with their regions; an organisation keeps its kind.
            del self.fields["kind"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = Organisation.objects.filter(name=name)
        if self.organisation is not None:
            others = others.exclude(pk=self.organisation.pk)
        if others.exists():
            raise forms.ValidationError(
                _("An organisation named %(name)s exists.") % {"name": name}
            )
        return name

    def clean_code(self):
        code = self.cleaned_data["code"]
        others = Organisation.objects.filter(code=code)
        if self.organisation is not None:
            others = others.exclude(pk=self.organisation.pk)
        if others.exists():
            raise forms.ValidationError(_("The code %(code)s is taken.") % {"code": code})
        return code


class UserImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("Excel workbook (.xlsx)"))


class StyledSetPasswordForm(StyledFormMixin, SetPasswordForm):
    pass


class StyledPasswordChangeForm(StyledFormMixin, PasswordChangeForm):
    pass


class ExpertProposalForm(StyledFormMixin, forms.Form):
    username = forms.CharField(label=_("user name"), max_length=150)
    display_name = forms.CharField(label=_("display name"), max_length=50)
    domains = forms.MultipleChoiceField(
        label=_("fields (indicator domains)"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, domains: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domains"].choices = [(d, d) for d in domains]
        self.fields["domains"].widget.attrs["class"] = "form-check-input"

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("The user name %(name)s is taken.") % {"name": username})
        return username
