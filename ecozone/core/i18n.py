"""gettext for hot loops: the scoring engine judges hundreds of thousands of values per campaign,
and Django's gettext looks up the active translation through a thread-local on every call.
Inside `translations_cached()` the catalogue is resolved once; outside, `gettext` is Django's."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.utils import translation
from django.utils.translation import trans_real

_catalog: ContextVar = ContextVar("ecozone_catalog", default=None)


def gettext(message: str) -> str:
    catalog = _catalog.get()
    return catalog.gettext(message) if catalog is not None else translation.gettext(message)


@contextmanager
def translations_cached() -> Iterator[None]:
    language = translation.get_language() or settings.LANGUAGE_CODE
    token = _catalog.set(trans_real.translation(language) if settings.USE_I18N else None)
    try:
        yield
    finally:
        _catalog.reset(token)
