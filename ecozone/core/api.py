"""Shared piece of the JSON API: error responses."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError


def install_error_handlers(api: NinjaAPI) -> None:
    """Errors as JSON with a message a person can act on: {"detail": "...", "errors": [...]}."""

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(
            request, {"detail": _("Not found, or not within your scope.")}, status=404
        )

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return api.create_response(
            request, {"detail": _("You are not allowed to do this.")}, status=403
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return api.create_response(
            request,
            {"detail": _("Sign in, or send a valid API token as “Authorization: Bearer …”.")},
            status=401,
        )

    @api.exception_handler(ValidationError)
    def invalid(request, exc):
        return api.create_response(request, {"detail": " ".join(exc.messages)}, status=422)

    @api.exception_handler(NinjaValidationError)
    def malformed(request, exc):
        errors = [
            {
                "field": ".".join(str(p) for p in e.get("loc", [])[1:])
                or str(e.get("loc", [""])[0]),
                "message": e.get("msg", ""),
            }
            for e in exc.errors
        ]
        fields = "、".join(e["field"] for e in errors if e["field"])
        return api.create_response(
            request,
            {
                "detail": _("The request is malformed: check %(fields)s.")
                % {"fields": fields or "—"},
                "errors": errors,
            },
            status=422,
        )
