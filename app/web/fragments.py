"""Pieces of guest pages rendered once and shown many times: ``{% call fragment("name", ...) %}``.

Most of a guest page is the same for every guest of a hotel reading it in one language: the
service cards of a package, the language menu, the hotel's contact details. Rendering them
was most of a page's time, so a template marks such a piece with a ``call`` block and it is
rendered on the first view and read back on later ones.

A piece is kept under everything it reads, so it never needs to be thrown away:

- the hotel and its ``catalog_version``, which moves on any change of the hotel's own row
  (name, face, currency, settings) and of its services, packages, pools and schedules
  (``app/services/offer_versions.py``);
- the language, and the site's path prefix (``/h/<slug>``: every link inside carries it);
- the names the template adds: which package, which page, which filters.

Whatever else differs between two views stays outside the block, or is named in the key:
CSRF tokens and nonces stay outside; a guest's offer cards name the stay, a grid of times
each time's seats and terms. Inside a block a template reads of the stay only what it names.

Pieces live in each worker's memory: they are cheap to render once per worker, and a worker
reads its own memory faster than any shared store. Entries expire after
``FRAGMENT_CACHE_SECONDS`` (0 turns the cache off), which bounds what a database restored to
an older catalog version under running workers could show.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable

from cachetools import TTLCache
from flask import Flask, current_app, g, request
from flask_babel import get_locale
from markupsafe import Markup

ENTRIES = 5_000  # per worker; a piece is a few kilobytes at most

_lock = threading.Lock()
_pieces: TTLCache | None = None


def fragment(*names: Hashable, caller: Callable[[], str], keep: bool = True) -> Markup:
    """The block's HTML for this hotel, catalog, language and site, rendered only if not kept.

    ``keep=False`` renders the block afresh and keeps nothing: for a form answered with what
    the guest typed and what was wrong with it, which no other view shows.
    """
    hotel = getattr(g, "hotel", None)
    seconds = current_app.config["FRAGMENT_CACHE_SECONDS"]
    if not keep or hotel is None or seconds <= 0:
        return Markup(caller())
    named = tuple(tuple(name) if isinstance(name, list) else name for name in names)  # a list from |list
    key = (hotel.id, hotel.catalog_version, str(get_locale()), request.script_root, named)
    pieces = _store(seconds)
    with _lock:
        piece = pieces.get(key)
    if piece is None:
        piece = Markup(caller())
        with _lock:
            pieces[key] = piece
    return piece


def _store(seconds: int) -> TTLCache:
    global _pieces
    with _lock:
        if _pieces is None or _pieces.ttl != seconds:
            _pieces = TTLCache(maxsize=ENTRIES, ttl=seconds)
        return _pieces


def forget() -> None:
    """Drop every kept piece: for tests, which empty the database under a running app."""
    global _pieces
    with _lock:
        _pieces = None


def init_app(app: Flask) -> None:
    app.jinja_env.globals["fragment"] = fragment
