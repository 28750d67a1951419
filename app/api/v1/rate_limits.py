"""A rate limit per API key, told to the client in the ``RateLimit`` headers before it is reached.

Counted in the limiter's storage (Redis when several workers run, so the workers share
one count per key). The headers follow the IETF draft "RateLimit header fields for
HTTP" (``RateLimit-Policy`` and ``RateLimit``), plus the older ``RateLimit-Limit``,
``-Remaining`` and ``-Reset`` trio many clients still read.
"""

from __future__ import annotations

import math
import time

from flask import current_app
from limits import parse
from limits.strategies import FixedWindowRateLimiter

from app.api.v1.problems import ApiProblem
from app.extensions import limiter
from app.models import ApiToken

POLICY = "per-key"


def hit(key: ApiToken) -> dict[str, str]:
    """Count one call of ``key``: the headers to send, or a ``rate-limited`` problem once it is over."""
    item = parse(current_app.config["API_RATE_LIMIT"])
    counter = FixedWindowRateLimiter(limiter.storage)
    allowed = counter.hit(item, "api-v1", str(key.id))
    stats = counter.get_window_stats(item, "api-v1", str(key.id))
    reset = max(0, math.ceil(stats.reset_time - time.time()))
    window = item.get_expiry()
    headers = {
        "RateLimit-Policy": f'"{POLICY}";q={item.amount};w={window}',
        "RateLimit": f'"{POLICY}";r={stats.remaining};t={reset}',
        "RateLimit-Limit": str(item.amount),
        "RateLimit-Remaining": str(stats.remaining),
        "RateLimit-Reset": str(reset),
    }
    if not allowed:
        raise ApiProblem(
            "rate-limited",
            f"At most {item.amount} calls per {window} seconds for one key.",
            headers=headers | {"Retry-After": str(max(1, reset))},
        )
    return headers
