import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecozone.accounts import lockouts, permissions, queries, services
from ecozone.accounts.excel import import_users, template_workbook
from ecozone.accounts.forms import (
    LiftLockoutForm,
    LoginForm,
    OrganisationForm,
    ReasonForm,
    StyledPasswordChangeForm,
    StyledSetPasswordForm,
    TokenForm,
    UserFilterForm,
    UserForm,
    UserImportForm,
)
from ecozone.accounts.models import ApiToken, Organisation, User
from ecozone.accounts.services import create_api_token, revoke_api_token
from ecozone.accounts.todo import todo_for
from ecozone.core.feedback import attempt
from ecozone.core.flags import DEMO_DATA, flags
from ecozone.core.tabular import ImportRejected, workbook_response


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The demo accounts and their shared password are a convenience of a developer's machine:
        # a server without debug never lists them, demo data loaded or not.
        demo = json.loads(flags().get(DEMO_DATA) or "{}") if settings.DEBUG else {}
        context["demo_accounts"] = demo.get("accounts", [])
        context["demo_password"] = demo.get("password", "")
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        if user.must_change_password:
            # The password someone else chose works this once: from now on only the session
            # carries the user, to the page where they choose their own.
            services.use_one_time_password(user=user)
            update_session_auth_hash(self.request, user)
            return redirect("accounts:password_change")
        return response


def locked_out(request, response=None, credentials=None):
    """django-axes refused a sign-in (too many failures for the account or the address)."""
    message = _(
        "Too many failed sign-ins: the account is locked for now. Try again in %(minutes)s "
        "minutes or ask the provincial administrator to unlock it."
    ) % {"minutes": lockouts.cooloff_minutes()}
    context = {
        "form": LoginForm(request),
        "lockout_message": message,
        "next": request.POST.get("next", ""),
    }
    return render(request, "accounts/login.html", context, status=429)


@login_required
def todo(request):
    return render(request, "accounts/todo.html", {"items": todo_for(request.user)})


@login_required
def tokens(request):
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        _token, secret = create_api_token(
            user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
        )
        messages.success(request, _("Token created. Copy it now: it is shown only once."))
        form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "secret": secret, "tokens": request.user.api_tokens.all()},
    )


# --- Sign-in lockouts, lifted by the province ---


@login_required
def lockout_list(request):
    permissions.require(permissions.can_lift_lockouts(request.user))
    return render(
        request,
        "accounts/lockouts.html",
        {
            "accounts": lockouts.locked_accounts(),
            "addresses": lockouts.locked_addresses(),
            "limit": settings.AXES_FAILURE_LIMIT,
            "minutes": lockouts.cooloff_minutes(),
        },
    )


@login_required
@require_POST
def lockout_lift(request):
    permissions.require(permissions.can_lift_lockouts(request.user))
    form = LiftLockoutForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: lockouts.lift_lockout(by=request.user, **form.cleaned_data),
            _("Unlocked: the failed sign-ins were forgotten."),
        )
    else:
        messages.error(request, _("Name either an account or an address."))
    return redirect("accounts:lockouts")


@login_required
@require_POST
def revoke_token(request, pk: int):
    # Another user's token answers 404: tokens are looked up among the user's own.
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    revoke_api_token(token)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:tokens")


# --- Password: the forced change after a one-time password, a voluntary change, a reset link ---


@login_required
def password_change(request):
    """Set one's own password. After a one-time password there is no old one to type."""
    forced = request.user.must_change_password
    form_class = StyledSetPasswordForm if forced else StyledPasswordChangeForm
    form = form_class(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.set_own_password(user=request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password has been changed."))
        return redirect("accounts:todo")
    return render(request, "accounts/password_change.html", {"form": form, "forced": forced})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's reset link check; the new password is set by our service (history, flag)."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = StyledSetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        services.set_own_password(user=form.user, password=form.cleaned_data["new_password1"])
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return redirect(self.success_url)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# --- Users, administered by the province and, for their own region, by the cities ---


def _managed_user(request, pk: int) -> User:
    """A user the signed-in administrator may manage: 403 for non-administrators, else 404."""
    permissions.require(permissions.can_manage_accounts(request.user))
    users = permissions.accounts_in_scope(
        request.user, User.objects.select_related("organisation__region")
    )
    return get_object_or_404(users, pk=pk)


@login_required
def users(request):
    permissions.require(permissions.can_manage_accounts(request.user))
    form = UserFilterForm(request.GET or None, actor=request.user)
    found = queries.users_for(request.user, form.cleaned_data if form.is_valid() else {})
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/users.html", {"form": form, "page": page})


@login_required
def user_create(request):
    permissions.require(permissions.can_manage_accounts(request.user))
    form = UserForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        user, password = services.create_user(by=request.user, **form.cleaned_data)
        return render(
            request,
            "accounts/password_issued.html",
            {"issued": [(user, password)], "created": True},
        )
    return render(request, "accounts/user_form.html", {"form": form})


@login_required
def user_detail(request, pk: int):
    user = _managed_user(request, pk)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "subject": user,
            "events": queries.events_of_user(user),
            "reason_form": ReasonForm(),
            "is_self": user.pk == request.user.pk,
        },
    )


@login_required
def user_edit(request, pk: int):
    user = _managed_user(request, pk)
    form = UserForm(request.POST or None, actor=request.user, user=user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "username"}
        if attempt(
            request,
            lambda: services.change_user(by=request.user, user=user, **data),
            _("Saved."),
        ):
            return redirect("accounts:user", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "subject": user})


@login_required
@require_POST
def user_deactivate(request, pk: int):
    user = _managed_user(request, pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    attempt(
        request,
        lambda: services.deactivate_user(by=request.user, user=user, reason=reason),
        _("The account is deactivated."),
    )
    return redirect("accounts:user", pk=user.pk)


@login_required
@require_POST
def user_reactivate(request, pk: int):
    user = _managed_user(request, pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    attempt(
        request,
        lambda: services.reactivate_user(by=request.user, user=user, reason=reason),
        _("The account is active again."),
    )
    return redirect("accounts:user", pk=user.pk)


@login_required
@require_POST
def user_reset_password(request, pk: int):
    user = _managed_user(request, pk)
    try:
        password = services.reset_password(by=request.user, user=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("accounts:user", pk=user.pk)
    return render(request, "accounts/password_issued.html", {"issued": [(user, password)]})


@login_required
@require_POST
def user_send_reset_link(request, pk: int):
    user = _managed_user(request, pk)
    attempt(
        request,
        lambda: services.send_password_reset_link(
            by=request.user, user=user, site_url=request.build_absolute_uri("/")
        ),
        _("A password reset link has been sent to %(email)s.") % {"email": user.email},
    )
    return redirect("accounts:user", pk=user.pk)


@login_required
def user_import(request):
    permissions.require(permissions.can_manage_accounts(request.user))
    form = UserImportForm(request.POST or None, request.FILES or None)
    import_errors = []
    if request.method == "POST" and form.is_valid():
        try:
            issued = import_users(form.cleaned_data["file"], by=request.user)
        except ImportRejected as exc:
            import_errors = exc.errors
        else:
            return render(
                request, "accounts/password_issued.html", {"issued": issued, "created": True}
            )
    return render(
        request, "accounts/user_import.html", {"form": form, "import_errors": import_errors}
    )


@login_required
def user_import_template(request):
    permissions.require(permissions.can_manage_accounts(request.user))
    return workbook_response(template_workbook(by=request.user), _("users-template.xlsx"))


@login_required
def history(request):
    """Every account change in the administrator's remit, newest first."""
    permissions.require(permissions.can_manage_accounts(request.user))
    page = Paginator(queries.events_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/history.html", {"page": page})


# --- Organisations (the province) ---


@login_required
def organisations(request):
    permissions.require(permissions.can_manage_organisations(request.user))
    return render(
        request, "accounts/organisations.html", {"organisations": queries.organisations()}
    )


@login_required
def organisation_create(request):
    permissions.require(permissions.can_manage_organisations(request.user))
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = None

        def create():
            nonlocal organisation
            organisation = services.create_organisation(by=request.user, **form.cleaned_data)

        if attempt(request, create, _("Saved.")):
            return redirect("accounts:organisation", pk=organisation.pk)
    return render(request, "accounts/organisation_form.html", {"form": form})


@login_required
def organisation_detail(request, pk: int):
    permissions.require(permissions.can_manage_organisations(request.user))
    organisation = get_object_or_404(Organisation.objects.select_related("region"), pk=pk)
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": organisation,
            "members": organisation.users.order_by("username"),
            "events": queries.events_of_organisation(organisation),
        },
    )


@login_required
def organisation_edit(request, pk: int):
    permissions.require(permissions.can_manage_organisations(request.user))
    organisation = get_object_or_404(Organisation, pk=pk)
    form = OrganisationForm(request.POST or None, organisation=organisation)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            request,
            lambda: services.change_organisation(
                by=request.user, organisation=organisation, **form.cleaned_data
            ),
            _("Saved."),
        )
    ):
        return redirect("accounts:organisation", pk=organisation.pk)
    return render(
        request, "accounts/organisation_form.html", {"form": form, "organisation": organisation}
    )
