"""Limits on how often the public pages may be used, counted in the cache (Redis in production).

One rule for the client's address (also used by the sign-in lockout) and one way to count: a fixed window per
limit and key. Keys are hashed, so an address or a code is never stored in the cache as it was sent.
"""

import hashlib
import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest


@dataclass(frozen=True)
class Limit:
    """At most `count` hits in `seconds` for one key."""

    name: str
    count: int
    seconds: int

    @property
    def minutes(self) -> int:
        return max(1, round(self.seconds / 60))


def client_address(request: HttpRequest) -> str | None:
    """The address the request came from: behind `TRUSTED_PROXY_COUNT` proxies, the one they saw, not their own.

    A client can put anything at the start of X-Forwarded-For, so only the entries the trusted proxies appended
    are believed: the n-th from the right, where n is the number of proxies.

    A port a proxy appended is dropped; a value that is not an IP address (a proxy set up wrongly) counts as no
    address, so that nothing stores it.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    address = request.META.get("REMOTE_ADDR") or None
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    return _ip(address) or _ip(_without_port(address))


def _ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None


def _without_port(value: str | None) -> str | None:
    """Some proxies append the client's port: "203.0.113.9:51234" or "[2001:db8::1]:51234"."""
    if not value or ":" not in value:
        return None
    host, port = value.rsplit(":", 1)
    if not port.isdigit():
        return None
    return host[1:-1] if host.startswith("[") and host.endswith("]") else host


def _key(limit: Limit, parts: tuple[str, ...]) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]
    window = int(time.time() // limit.seconds)
    return f"throttle:{limit.name}:{digest}:{window}"


def count(limit: Limit, *parts: str) -> int:
    """How many uses this key has had in the current window, without counting one."""
    return int(cache.get(_key(limit, parts)) or 0)


def hit(limit: Limit, *parts: str) -> bool:
    """Count one use against the limit for this key; True while the key is still within its limit."""
    key = _key(limit, parts)
    cache.add(key, 0, timeout=limit.seconds + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, timeout=limit.seconds + 5)
        count = 1
    return count <= limit.count


# Counts each key in turn, stopping at the first past its limit (so the later ones are not counted), and starts each
# window's expiry with its first count: in one round trip, and atomic.
_IN_TURN = """
local counts = {}
for i, key in ipairs(KEYS) do
    local n = redis.call('INCR', key)
    if n == 1 then redis.call('EXPIRE', key, ARGV[2 * i]) end
    counts[i] = n
    if n > tonumber(ARGV[2 * i - 1]) then break end
end
return counts
"""


def hit_in_turn(*hits: tuple[Limit, tuple[str, ...]]) -> Limit | None:
    """`hit` for several limits, in turn: each is counted only while the ones before it allow. The first limit the
    request is past, or None when it is within them all.

    The order matters: put the narrow limit first (one network address) and the wide one after it (a whole
    questionnaire link), so that one address sending past its own limit is refused by it without using up the
    wide limit that everyone else shares. With Redis, one round trip."""
    client = _redis_client()
    if client is None:
        for limit, parts in hits:
            if not hit(limit, *parts):
                return limit
        return None
    keys = [cache.make_and_validate_key(_key(limit, parts)) for limit, parts in hits]
    arguments = [value for limit, _ in hits for value in (limit.count, limit.seconds + 5)]
    counts = client.eval(_IN_TURN, len(keys), *keys, *arguments)
    # The script stops at the first limit passed, so `counts` may be shorter than `hits`.
    return next((limit for count, (limit, _) in zip(counts, hits, strict=False) if count > limit.count), None)


def _redis_client():
    """The Redis client behind the default cache, or None when the cache is not Redis (the quick start)."""
    backend = caches["default"]
    return backend._cache.get_client(None, write=True) if isinstance(backend, RedisCache) else None


def within(limit: Limit, *parts: str) -> bool:
    """Whether the key is still within its limit, without counting a use."""
    return (cache.get(_key(limit, parts)) or 0) < limit.count
