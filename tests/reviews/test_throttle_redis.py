"""Several limits counted in one round trip to Redis: the same counts as one at a time, each window expiring."""

from django.core.cache import cache

from reviews import throttle


def test_hit_all_counts_each_limit_in_redis_and_refuses_past_its_count(site_redis_cache):
    by_address = throttle.Limit("test-address", 2, 600)
    by_link = throttle.Limit("test-link", 3, 600)

    results = [throttle.hit_all((by_address, ("203.0.113.9",)), (by_link, ("link",))) for _ in range(4)]

    assert results == [[True, True], [True, True], [False, True], [False, False]]
    assert throttle.count(by_address, "203.0.113.9") == 4
    assert throttle.count(by_link, "link") == 4
    assert not throttle.within(by_link, "link")
    client = throttle._redis_client()
    key = cache.make_and_validate_key(throttle._key(by_link, ("link",)))
    assert 0 < client.ttl(key) <= 605
    assert throttle.hit(by_address, "203.0.113.9") is False  # one at a time agrees with the pipeline's count


def test_hit_all_without_redis_counts_as_hit_does(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "hit-all"}}
    limit = throttle.Limit("test-local", 1, 60)

    assert throttle.hit_all((limit, ("a",))) == [True]
    assert throttle.hit_all((limit, ("a",)), (limit, ("b",))) == [False, True]
