import time

from django.core.cache import cache

from ecozone.core.models import SiteFlag

DEMO_DATA = "demo-data"
_CACHE_KEY = "site-flags"


def flags() -> dict[str, str]:
    values = cache.get(_CACHE_KEY)
    if values is None:
        values = dict(SiteFlag.objects.values_list("name", "value"))
        cache.set(_CACHE_KEY, values, 300)
    return values


def set_flag(name: str, value: str) -> None:
    SiteFlag.objects.update_or_create(name=name, defaults={"value": value})
    cache.delete(_CACHE_KEY)


def context(request):
    return {"demo_data": DEMO_DATA in flags()}


SHOWCASE_VERSION = "showcase-version"
# Each process re-reads the version at most every VERSION_TTL seconds: a publication shows on the
# public pages of the process that made it at once, and of every other process within that time.
VERSION_TTL = 2.0
_version_memo: dict[str, tuple[float, str]] = {}


def showcase_version() -> str:
    now = time.monotonic()
    memo = _version_memo.get(SHOWCASE_VERSION)
    if memo is not None and now - memo[0] < VERSION_TTL:
        return memo[1]
    value = SiteFlag.objects.filter(name=SHOWCASE_VERSION).values_list("value", flat=True).first()
    _version_memo[SHOWCASE_VERSION] = (now, value or "0")
    return value or "0"


def bump_showcase_version() -> None:
    """Published data changed: cached public statistics are rebuilt on their next request."""
    _version_memo.clear()
    current = int(showcase_version())
    SiteFlag.objects.update_or_create(name=SHOWCASE_VERSION, defaults={"value": str(current + 1)})
    _version_memo.clear()
