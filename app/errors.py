"""One place that turns errors into pages in the guest's language, never a bare 500."""

from __future__ import annotations

from flask import Flask, g, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_babel import refresh
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.extensions import db
from app.guest.access import load_guest
from app.services.errors import LobbyError


def _messages() -> dict[int, str]:
    return {
        400: _("Something in that request was not right. Please go back and try again."),
        403: _("You do not have access to this page."),
        404: _("We could not find that page."),
        405: _("That action is not possible here."),
        409: _("That is no longer possible."),
        413: _("That upload is too large."),
        429: _("Too many attempts. Please wait a minute and try again."),
        500: _("Something went wrong on our side. Please try again in a moment."),
    }


def render_error(status: int, message: str | None = None):
    if request.blueprint == "api" or request.accept_mimetypes.best == "application/json":
        message = message or _messages().get(status, _messages()[500])
        return make_response(jsonify(error=message), status)
    _know_the_guest()
    message = message or _messages().get(status, _messages()[500])
    return make_response(render_template("errors/error.html", status=status, message=message), status)


def _know_the_guest() -> None:
    """An unknown address fails before any guest view runs; its page still speaks the guest's language."""
    if "stay" in g:
        return
    try:
        load_guest()
    except Exception:  # the database may be what failed; the page must render anyway
        db.session.rollback()
        g.stay, g.hotel = None, None
    refresh()  # the locale may have been chosen before the stay was known


def init_app(app: Flask) -> None:
    @app.errorhandler(LobbyError)
    def lobby_error(error: LobbyError):
        return render_error(error.status, str(error.message))

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(400, _("This form has expired. Please reload the page and try again."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        response = render_error(error.code or 500)
        for name, value in error.get_headers():
            if name.lower() != "content-type":  # keep Allow on 405, Retry-After on 429
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error")
        return render_error(500)
