"""gettext for hot loops: the scoring engine judges hundreds of thousands of values per campaign,
and Django's gettext looks up the active translation through a thread-local on every call.
Inside `translations_cached()` each message is translated once per language and remembered;
outside, `gettext` is Django's."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import translation

_catalog: ContextVar = ContextVar("ecozone_catalog", default=None)
_memos: dict[str, dict[str, str]] = {}


def gettext(message: str) -> str:
    memo = _catalog.get()
    if memo is None:
        return translation.gettext(message)
    found = memo.get(message)
    if found is None:
        found = memo[message] = translation.gettext(message)
    return found


@contextmanager
def translations_cached() -> Iterator[None]:
    # The messages translated so far in the language active on entry (catalogues do not change
    # while the process runs, so the memo is kept across calls).
    token = _catalog.set(_memos.setdefault(translation.get_language() or "", {}))
    try:
        yield
    finally:
        _catalog.reset(token)
