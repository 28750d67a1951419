"""The guest's phone pages: sign-in, offers, booking, cart, My stay."""

from flask import Blueprint

bp = Blueprint("guest", __name__)

from app.guest import my_stay, routes  # noqa: E402,F401
