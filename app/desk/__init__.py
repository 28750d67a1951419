"""The front desk: finding stays, their bookings and payments, refunds."""

from flask import Blueprint

bp = Blueprint("desk", __name__, url_prefix="/desk")

from app.desk import routes  # noqa: E402,F401
