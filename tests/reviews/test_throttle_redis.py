"""Several limits counted in turn in one round trip to Redis: the same counts as one at a time, each window
expiring, and a later limit counted only while the ones before it allow."""

from django.core.cache import cache

from reviews import throttle


def test_limits_are_counted_in_turn_in_redis_and_a_refused_send_uses_up_no_later_limit(site_redis_cache):
    by_address = throttle.Limit("test-address", 2, 600)
    by_link = throttle.Limit("test-link", 3, 600)

    refused = [throttle.hit_in_turn((by_address, ("203.0.113.9",)), (by_link, ("link",))) for _ in range(4)]
    elsewhere = [throttle.hit_in_turn((by_address, (f"198.51.100.{n}",)), (by_link, ("link",))) for n in (1, 2)]

    assert refused == [None, None, by_address, by_address]
    assert elsewhere == [None, by_link]
    assert throttle.count(by_address, "203.0.113.9") == 4
    assert throttle.count(by_link, "link") == 4  # the two let through from 203.0.113.9, then the two from elsewhere
    assert not throttle.within(by_link, "link")
    client = throttle._redis_client()
    for key in (throttle._key(by_link, ("link",)), throttle._key(by_address, ("198.51.100.2",))):
        assert 0 < client.ttl(cache.make_and_validate_key(key)) <= 605
    assert throttle.hit(by_address, "203.0.113.9") is False  # one at a time agrees with the script's count


def test_without_redis_limits_are_counted_in_turn_as_hit_does(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "in-turn"}}
    first = throttle.Limit("test-local", 1, 60)
    second = throttle.Limit("test-local-wide", 1, 60)

    assert throttle.hit_in_turn((first, ("a",)), (second, ("wide",))) is None
    assert throttle.hit_in_turn((first, ("a",)), (second, ("wide",))) is first
    assert throttle.count(second, "wide") == 1
    assert throttle.hit_in_turn((first, ("b",)), (second, ("wide",))) is second
