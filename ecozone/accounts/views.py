import json

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecozone.accounts.forms import LoginForm, TokenForm
from ecozone.accounts.models import ApiToken
from ecozone.accounts.services import create_api_token, revoke_api_token
from ecozone.accounts.todo import todo_for
from ecozone.core.flags import DEMO_DATA, flags


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        demo = json.loads(flags().get(DEMO_DATA) or "{}")
        context["demo_accounts"] = demo.get("accounts", [])
        context["demo_password"] = demo.get("password", "")
        return context


@login_required
def todo(request):
    return render(request, "accounts/todo.html", {"items": todo_for(request.user)})


@login_required
def tokens(request):
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        _token, secret = create_api_token(user=request.user, name=form.cleaned_data["name"])
        messages.success(request, _("Token created. Copy it now: it is shown only once."))
        form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "secret": secret, "tokens": request.user.api_tokens.all()},
    )


@login_required
@require_POST
def revoke_token(request, pk: int):
    # Another user's token answers 404: tokens are looked up among the user's own.
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    revoke_api_token(token)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:tokens")
