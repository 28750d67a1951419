"""The manager's workspace: for now the folio export the hotel's PMS and accounts read."""

from flask import Blueprint

bp = Blueprint("manage", __name__, url_prefix="/manage")

from app.manage import routes  # noqa: E402,F401
