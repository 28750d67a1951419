"""Which hotel a request is for (``/h/<slug>`` or its host name), and links to a hotel's own site.

The prefix is taken off the path by a small WSGI middleware and put into SCRIPT_NAME, so the
app routes as if it were mounted there: every ``url_for`` (pages, static files, forms,
redirects) keeps the prefix without any view knowing about it.
"""

from __future__ import annotations

from functools import lru_cache

from flask import Flask, abort, current_app, g, has_request_context, request
from werkzeug.routing import Map

from app.models import Hotel
from app.services import contrast, sites

PREFIX = "/h/"
# Where the middleware leaves the slug it took off the path, for the request to read.
SLUG_KEY = "lobby.site_slug"


class SitePrefix:
    """Moves ``/h/<slug>`` from PATH_INFO to SCRIPT_NAME and remembers the slug."""

    def __init__(self, inner):
        self.inner = inner

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith(PREFIX):
            slug, _slash, rest = path[len(PREFIX) :].partition("/")
            if sites.SLUG.fullmatch(slug):
                environ[SLUG_KEY] = slug
                environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "").rstrip("/") + PREFIX + slug
                environ["PATH_INFO"] = "/" + rest  # "/h/beach" alone is the hotel's "/"
        return self.inner(environ, start_response)


def site_slug() -> str | None:
    """The ``/h/<slug>`` this request came through, if any."""
    return request.environ.get(SLUG_KEY) if has_request_context() else None


def site_hotel_id() -> int | None:
    """The hotel this request's site belongs to (no statement once the directory is cached)."""
    if "site_hotel_id" not in g:
        g.site_hotel_id = sites.site_hotel_id(request.host, site_slug(), current_app.config["LOBBY_HOTEL"])
    return g.site_hotel_id


def public_base_url(hotel: Hotel) -> str:
    """Where guests reach ``hotel``: its first host name, else PUBLIC_BASE_URL (with ``/h/<slug>``)."""
    config = current_app.config
    return sites.public_base_url(hotel, config["PUBLIC_BASE_URL"], config["LOBBY_HOTEL"])


def _paths() -> Map:
    return current_app.url_map


def hotel_link(hotel: Hotel, endpoint: str, **values) -> str:
    """An absolute link to a page of ``hotel``'s guest site, whatever site this request is on
    (the desk's QR code, the API's guest link)."""
    path = _paths().bind("localhost").build(endpoint, values)
    return public_base_url(hotel) + path


DEFAULT_BRAND, DEFAULT_ACCENT = "#1f5f4a", "#f2b441"  # static/css/guest.css's own


@lru_cache(maxsize=256)
def _colours(brand: str, accent: str) -> dict[str, str]:
    brand = brand if contrast.is_colour(brand) else DEFAULT_BRAND
    accent = accent if contrast.is_colour(accent) else DEFAULT_ACCENT
    return {"brand": brand, "brand_dark": contrast.darker(brand), "accent": accent}


def face_colours(hotel: Hotel) -> dict[str, str]:
    """The CSS custom properties of the hotel's guest pages; only ``#rrggbb`` ever reaches the page."""
    return _colours(hotel.brand_color or "", hotel.accent_color or "")


def _unknown_slug_is_not_found() -> None:
    slug = site_slug()
    if slug is not None and site_hotel_id() is None:
        abort(404)


def init_app(app: Flask) -> None:
    sites.listen_for_flushes()
    app.wsgi_app = SitePrefix(app.wsgi_app)
    app.before_request(_unknown_slug_is_not_found)
    app.jinja_env.globals["face_colours"] = face_colours
