"""Lobby with three bench-only pages that say "Hello, World!": what its plumbing costs before any page.

``bench/guest_pages.py`` serves this instead of ``wsgi:app``, so the guest pages and these floors
are measured on the same server, against the same bare Flask hello:

- ``/bench/hooks``: every app-wide hook a request passes (site and prefix, security headers and
  the CSP nonce, the acting user for the audit trail, rate limits, the session cookie, staff
  timeouts), then the text;
- ``/bench/guest``: the same with the signed-in guest loaded as every guest page loads it
  (``load_guest``: the session's stay checked against the database, with its hotel);
- ``/bench/layout``: the same, the text inside the guest layout (``base_guest.html``: language
  menu, tabs, sign-out form, the hotel's face and contact details).

A guest page cannot be cheaper than the floor beneath it: its ratio to hello is bounded by its
floor's. Nothing else of Lobby changes here.
"""

from __future__ import annotations

from flask import Blueprint, Flask, abort, g, render_template
from jinja2 import ChoiceLoader, DictLoader

from app import create_app
from app.guest.access import load_guest

HELLO = "Hello, World!"
FLOORS = {"floor: hooks": "/bench/hooks", "floor: guest": "/bench/guest", "floor: layout": "/bench/layout"}


def with_floors(app: Flask) -> Flask:
    """``app`` with the three floor pages added."""
    app.jinja_env.loader = ChoiceLoader([DictLoader({"bench/floor.html": LAYOUT}), app.jinja_env.loader])
    guest = Blueprint("bench_floor", __name__)
    guest.before_request(load_guest)

    @app.get("/bench/hooks")
    def hooks() -> str:
        return HELLO

    @guest.get("/bench/guest")
    def signed_in() -> str:
        return HELLO if g.stay is not None else abort(401)  # a floor without the guest measures nothing

    @guest.get("/bench/layout")
    def layout() -> str:
        return render_template("bench/floor.html") if g.stay is not None else abort(401)

    app.register_blueprint(guest)
    return app


LAYOUT = '{% extends "base_guest.html" %}{% block content %}<p>' + HELLO + "</p>{% endblock %}"
app = with_floors(create_app())
