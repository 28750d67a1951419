"""The front desk: the live request queue, finding stays, their bookings and payments, refunds."""

from flask import Blueprint

bp = Blueprint("desk", __name__, url_prefix="/desk")

from app.desk import arrivals, feedback, front, queue, routes, sales  # noqa: E402,F401
