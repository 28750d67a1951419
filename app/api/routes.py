"""Health check for load balancers and uptime monitors: says which part failed."""

from flask import jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.api import bp
from app.extensions import db, limiter
from app.web.errors import RETRY_AFTER_SECONDS


def _database_ok() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return False
    return True


def _rate_limits_ok() -> bool:
    """The rate-limit storage (Redis when several workers run): sign-ins are refused without it."""
    try:
        return bool(limiter.storage.check())
    except Exception:  # each storage fails its own way; any failure means "not answering"
        return False


@bp.get("/healthz")
def healthz():
    parts = {"database": _database_ok(), "rate_limits": _rate_limits_ok()}
    body = {name: "ok" if ok else "error" for name, ok in parts.items()}
    if all(parts.values()):
        return jsonify(status="ok", **body)
    response = jsonify(status="error", **body)
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
