"""The guest's phone pages: sign-in, offers, booking, cart, My stay, and where email links land."""

from flask import Blueprint

bp = Blueprint("guest", __name__)

from app.guest import email_links, my_stay, privacy, routes  # noqa: E402,F401
