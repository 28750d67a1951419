"""JSON endpoints: health, payment webhooks, the PMS folio export; live updates come with the desk."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from app.api import folio, pms, routes, webhooks  # noqa: E402,F401
