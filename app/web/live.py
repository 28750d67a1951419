"""Answering a live region's poll: 304 when nothing changed, the fresh HTML fragment otherwise."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, make_response, request

# What static/js/live.js sends with every poll: such a request is answered 401, never
# redirected to a sign-in page that would be pasted into the region.
LIVE_HEADER = "X-Live-Region"


def is_fragment_request() -> bool:
    return request.headers.get(LIVE_HEADER) == "1"


def etag_value(version: str) -> str:
    """The ETag as it travels in headers, for a page to start its polling from."""
    return f'"{version}"'


def live_fragment(version: str, render: Callable[[], str]) -> Response:
    unchanged = request.if_none_match.contains(version)
    response = Response(status=304) if unchanged else make_response(render())  # render only if needed
    response.set_etag(version)
    response.headers["Cache-Control"] = "no-cache, private"
    return response
