"""Shared pieces of the JSON API: input types that refuse bad text and numbers, the error
schemas every operation declares, and the handlers that answer every error as JSON."""

import logging
from decimal import Decimal
from functools import wraps
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.urls import URLPattern, re_path
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

from ecozone.core.text import text_problem

logger = logging.getLogger("ecozone.api")


def _clean_text(value: Any) -> Any:
    # Before pydantic's own str check, which refuses lone surrogates in English.
    problem = text_problem(value) if isinstance(value, str) else None
    if problem is not None:
        # The message goes in the context: a template is formatted with it, braces and all.
        raise PydanticCustomError("text", "{problem}", {"problem": problem})
    return value


# Every str of every input schema and query/path parameter is one of these: text holding NUL,
# control characters or lone surrogates is refused (422 naming the field) before it reaches a
# query or the database, where PostgreSQL would refuse it with a 500.
CleanStr = Annotated[str, Field(max_length=10_000), BeforeValidator(_clean_text)]
# Codes, search terms, states, selectors: short by nature.
ShortStr = Annotated[str, Field(max_length=200), BeforeValidator(_clean_text)]
# Primary keys in paths and filters: a number the databases can hold.
Id = Annotated[int, Field(ge=1, le=2**53)]
# Reporting years and rating periods.
Year = Annotated[int, Field(ge=1949, le=2100)]
# Measured values, scores and targets: bounded, so that a reply never writes out 10^400 digits.
Number = Annotated[Decimal, Field(max_digits=24, decimal_places=10)]


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    field: str
    message: str


class ProblemOut(Schema):
    """A refused request: malformed fields (`errors`, the first in `field`) or the rules a
    service found broken (`problems`)."""

    detail: str
    field: str | None = None
    errors: list[FieldErrorOut] = []
    problems: list[str] = []


def errors(*codes: int) -> dict[int, Any]:
    """The error answers an operation declares: `response={200: X, **errors(401, 404, 422)}`."""
    return {code: ProblemOut if code == 422 else ErrorOut for code in codes}


# ---------------------------------------------------------------------------- the API itself


def _json_error(status: int, detail: str) -> JsonResponse:
    return JsonResponse(
        {"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def _not_found(request, *args, **kwargs) -> JsonResponse:
    return _json_error(404, _("Not found, or not within your scope."))


def _json_405(view):
    """ninja answers a method no operation takes with a bare text 405: answer it as JSON."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and "json" not in response.get("Content-Type", ""):
            answer = _json_error(
                405,
                _("This address does not take a %(method)s request.") % {"method": request.method},
            )
            answer["Allow"] = response.get("Allow", "")
            return answer
        return response

    return wrapper


class EcoZoneAPI(NinjaAPI):
    """NinjaAPI whose every answer under its prefix is JSON, unknown addresses and methods too."""

    def _get_urls(self):
        urls = []
        for pattern in super()._get_urls():
            if isinstance(pattern, URLPattern):
                pattern.callback = _json_405(pattern.callback)
            urls.append(pattern)
        urls.append(re_path(r"^.*$", _not_found, name="not-found"))
        return urls


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

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        # ninja's own refusals, with English texts: a body that is not JSON (400) and a write
        # made with the session but without the CSRF token (403).
        if exc.status_code == 400:
            detail = _("The request body is not valid JSON.")
            return api.create_response(request, {"detail": detail, "field": "body"}, status=422)
        if exc.status_code == 403:
            detail = _("Send the CSRF token with writes made with your session.")
        else:
            detail = str(exc.message)
        return api.create_response(request, {"detail": detail}, status=exc.status_code)

    @api.exception_handler(ValidationError)
    def invalid(request, exc):
        return api.create_response(request, {"detail": " ".join(exc.messages)}, status=422)

    @api.exception_handler(NinjaValidationError)
    def malformed(request, exc):
        errors = [
            {"field": _field(e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors
        ]
        fields = "、".join(dict.fromkeys(e["field"] for e in errors if e["field"]))
        return api.create_response(
            request,
            {
                "detail": _("The request is malformed: check %(fields)s.")
                % {"fields": fields or "—"},
                "field": errors[0]["field"] if errors else None,
                "errors": errors,
            },
            status=422,
        )

    @api.exception_handler(Exception)
    def server_error(request, exc):
        logger.error("API error on %s %s", request.method, request.path, exc_info=exc)
        return api.create_response(
            request,
            {"detail": _("Something went wrong on our side; the error has been logged.")},
            status=500,
        )


def _field(loc) -> str:
    """The field a pydantic error is about: ("body", "payload", "region", "level") names
    "region.level", ("query", "q") names "q"."""
    parts = [str(p) for p in loc]
    if parts[:1] == ["body"]:
        return ".".join(parts[2:]) or "body"
    return ".".join(parts[1:]) or "".join(parts)
