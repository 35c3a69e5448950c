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


def showcase_version() -> str:
    """Read on every public request (one small query), so every process sees a new publication."""
    return (
        SiteFlag.objects.filter(name=SHOWCASE_VERSION).values_list("value", flat=True).first()
        or "0"
    )


def bump_showcase_version() -> None:
    """Published data changed: cached public statistics are rebuilt on their next request."""
    current = int(showcase_version())
    SiteFlag.objects.update_or_create(name=SHOWCASE_VERSION, defaults={"value": str(current + 1)})
