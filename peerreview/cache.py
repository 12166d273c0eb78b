"""Django's Redis cache, keeping one client per connection pool rather than making one for every operation.

Django's client makes a new `redis.Redis` for each get or set, and each one registers its several hundred response
callbacks again: about a third of a cached read's time, several times on every page (the session, the person's
figures, a review's derived figures). A `redis.Redis` is safe to share between threads, and its pool notices a
forked process and opens its own connections there, so one per pool serves every operation.
"""

from django.core.cache.backends import redis as django_redis


class _Client(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)  # chosen once: a replica for reads, if there are several
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(self._servers[index], **self._pool_options)
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = _Client
