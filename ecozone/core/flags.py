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
