"""Telling the user how a request went, in one place for every view that calls a service."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError


def attempt(request, action: Callable[[], object], success: str | None = None) -> bool:
    """Call a service. Its refusal (a ValidationError: nothing was written) becomes an error
    message and False; otherwise the success message, if any, and True."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    if success:
        messages.success(request, success)
    return True
