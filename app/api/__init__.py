"""JSON endpoints: health, payment webhooks; live updates arrive with the front desk."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from app.api import routes, webhooks  # noqa: E402,F401
