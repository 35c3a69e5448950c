from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


class PasswordChangeRequiredMiddleware:
    """While a signed-in user still has a password someone else chose (a new account, a reset),
    every page leads to the change-password page.

    Requests with an API token are left alone: the token is the user's own secret.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.must_change_password
            and not self._exempt(request)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Change your password before you continue.")}, status=403
                )
            return redirect("accounts:password_change")
        return self.get_response(request)

    @staticmethod
    def _exempt(request) -> bool:
        if request.path.startswith("/api/") and "HTTP_AUTHORIZATION" in request.META:
            return True
        allowed = (
            reverse("accounts:password_change"),
            reverse("accounts:logout"),
            reverse("set_language"),
        )
        return request.path in allowed or request.path.startswith(("/static/", "/healthz"))
