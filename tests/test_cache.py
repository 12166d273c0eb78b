"""The site's Redis cache (peerreview/cache.py): Django's, with one client per connection pool for every operation."""

import os


def test_every_operation_shares_one_client_and_values_come_back_as_stored(site_redis_cache):
    site_redis_cache.set("figure", {"done": 3, "total": 5}, 60)
    assert site_redis_cache.add("figure", "other", 60) is False
    site_redis_cache.set_many({"a": 1, "b": [1, 2]}, 60)

    assert site_redis_cache.get("figure") == {"done": 3, "total": 5}
    assert site_redis_cache.get_many(["a", "b", "missing"]) == {"a": 1, "b": [1, 2]}
    assert site_redis_cache.incr("a") == 2
    site_redis_cache.delete("a")
    assert site_redis_cache.get("a") is None
    backend = site_redis_cache._cache
    assert backend.get_client("x") is backend.get_client("y", write=True)


def test_a_forked_process_uses_connections_of_its_own(site_redis_cache):
    site_redis_cache.set("before", "kept", 60)
    assert site_redis_cache.get("before") == "kept"  # the parent has a connection open in the pool
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # the child: read through the same client object, then report
        try:
            answer = b"ok" if site_redis_cache.get("before") == "kept" else b"wrong"
        except Exception:  # noqa: BLE001 (reported to the parent, which fails the test)
            answer = b"error"
        os.write(writer, answer)
        os._exit(0)
    os.close(writer)
    answer = os.read(reader, 10)
    os.waitpid(child, 0)
    assert answer == b"ok"
    assert site_redis_cache.get("before") == "kept"  # the parent's connections still work
