"""One place that turns errors into pages in the guest's language, never a bare 500."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from flask import Flask, Response, current_app, g, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_babel import refresh
from flask_wtf.csrf import CSRFError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from app.extensions import db, login_manager
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
        503: _("We are briefly unable to reach our records. Please try again in a minute."),
    }


# A store we depend on did not answer (the database, or Redis behind the rate limits):
# the request itself was fine, so the answer is "try again shortly", not a server error.
# OperationalError also covers SQLite's "database is locked" after the busy timeout.
UNAVAILABLE = (
    OperationalError,
    InterfaceError,
    DisconnectionError,
    PoolTimeout,
    RedisConnectionError,
    RedisTimeoutError,
)
RETRY_AFTER_SECONDS = 30


def render_error(status: int, message: str | None = None):
    for prefix, renderer in current_app.extensions.get(PREFIX_RENDERERS, {}).items():
        if request.path.startswith(prefix):
            return renderer(status, message)
    if request.blueprint == "api" or request.accept_mimetypes.best == "application/json":
        message = message or _messages().get(status, _messages()[500])
        return make_response(jsonify(error=message), status)
    _know_the_guest()
    message = message or _messages().get(status, _messages()[500])
    return make_response(render_template("errors/error.html", status=status, message=message), status)


# Where the app keeps the error renderers of whole URL prefixes (see answer_errors_under).
PREFIX_RENDERERS = "lobby.error_renderers"


def answer_errors_under(app: Flask, prefix: str, renderer: Callable[[int, str | None], Response]) -> None:
    """Errors of every request under ``prefix`` are rendered by ``renderer``, routing errors included.

    The public API answers problem documents even for an address no view matched (which
    no blueprint's own handler sees), yet the web kit knows no audience's format.
    """
    app.extensions.setdefault(PREFIX_RENDERERS, {})[prefix] = renderer


# Where the app keeps the function that tells an error page who is asking (see know_visitors_by).
VISITOR_LOADER = "lobby.error_page_visitor"


def know_visitors_by(app: Flask, loader: Callable[[], None]) -> None:
    """Let error pages outside any view find out who is asking: ``loader`` sets ``g.stay`` and ``g.hotel``.

    The guest blueprint registers its own loader here: the web kit knows no audience, yet an
    unknown address fails before any guest view runs and its page must speak the guest's language.
    """
    app.extensions[VISITOR_LOADER] = loader


def _nobody() -> None:
    g.stay, g.hotel = None, None


def _know_the_guest() -> None:
    """An unknown address fails before any guest view runs; its page still speaks the guest's language."""
    if "stay" in g:
        return
    try:
        current_app.extensions.get(VISITOR_LOADER, _nobody)()
    except Exception:  # the database may be what failed; the page must render anyway
        db.session.rollback()
        g.stay, g.hotel = None, None
    refresh()  # the locale may have been chosen before the stay was known


def _forget_who_it_is() -> None:
    """The page must not ask the database again: nobody signed in, no stay, no hotel (its name, languages).

    The language still follows the person's choice (kept in the session cookie) or their browser.
    """
    g.stay, g.hotel = None, None
    g._login_user = login_manager.anonymous_user()  # Flask-Login's per-request user: no reload
    refresh()


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

    def store_unavailable(error: Exception):
        with contextlib.suppress(Exception):  # the connection may be gone; nothing to roll back then
            db.session.rollback()
        app.logger.error("A store is unavailable: %s", error)
        _forget_who_it_is()
        response = render_error(503)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    for kind in UNAVAILABLE:
        app.register_error_handler(kind, store_unavailable)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error")
        return render_error(500)
