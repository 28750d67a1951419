"""The guest's phone pages: sign-in, offers, booking, cart, My stay."""

from flask import Blueprint

bp = Blueprint("guest", __name__)

from app.guest import routes  # noqa: E402,F401
