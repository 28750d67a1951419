"""The Redis that several workers share, when the deployment has one (``REDIS_URL``).

Whatever uses it also works without it, per worker: a deployment of one process, or the tests,
need no Redis. One client per URL and process: redis-py's client holds a connection pool and is
safe across threads.
"""

from __future__ import annotations

from functools import cache

from flask import current_app
from redis import Redis


def redis() -> Redis | None:
    url = current_app.config.get("REDIS_URL") or ""
    return _client(url) if url else None


@cache
def _client(url: str) -> Redis:
    # Short time-outs: a page must not hang on a cache; callers fall back to the database.
    return Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
