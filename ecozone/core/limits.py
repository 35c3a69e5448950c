"""Who is asking (the client's address) and how often (a fixed-window counter in the cache)."""

import ipaddress
import time

from django.conf import settings
from django.core.cache import cache


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The client's IP address: REMOTE_ADDR, or behind our proxy the address that proxy saw.

    The proxy appends the peer it saw to X-Forwarded-For, so only the right-most entry is
    trustworthy; entries to its left come from the client and may be anything.
    """
    if settings.ECOZONE_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        address = _valid(forwarded[-1])
        if address:
            return address
    return _valid(request.META.get("REMOTE_ADDR", ""))


def over_limit(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Count one hit for `key` in the current `window` seconds; True once it exceeds `limit`.

    A fixed window (the counter starts again at each multiple of `window`) is plain and good
    enough against floods; the cache is per process unless a shared cache is configured.
    """
    slot = int(time.time()) // window
    name = f"limit:{scope}:{key}:{slot}"
    cache.add(name, 0, timeout=window)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr: this hit starts a new window
        cache.set(name, 1, timeout=window)
        count = 1
    return count > limit
