"""JSON endpoints: health now; live updates and webhooks arrive with later issues."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from app.api import routes  # noqa: E402,F401
