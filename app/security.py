"""Safety at the edge: bounded ids in URLs, no NUL bytes inside, and the headers every response carries."""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from flask import Flask, Request, Response, abort, g, request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter

from app.services import payments

# The largest id a database integer column holds on every database we run on.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:…>`` in URLs, bounded so an absurd id is a 404, not a database overflow."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def _readable(value):
    return value.replace("\x00", "\ufffd") if isinstance(value, str) else value


class ReadableParameters(ImmutableMultiDict):
    """Query and form values with NUL bytes turned into U+FFFD, as a decoder marks unreadable input.

    No guest types a NUL and PostgreSQL text cannot store one; replaced, it fails the
    ordinary validation (not a number, no such room) with the ordinary message.
    """

    def __init__(self, mapping=None):
        if mapping is not None and not isinstance(mapping, MultiDict | Mapping):
            mapping = [(_readable(key), _readable(value)) for key, value in mapping]
        super().__init__(mapping)


class LobbyRequest(Request):
    parameter_storage_class = ReadableParameters


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def allow_payment_scripts() -> None:
    """Let this one page load what the enabled payment providers need (their scripts, frames, APIs).

    Each provider names its own origins (``csp_origins``); only a pay page asks for them.
    """
    g.csp_extra = payments.csp_origins()


def content_security_policy(nonce: str, extra: Mapping[str, list[str]] | None = None) -> str:
    extra = extra or {}

    def sources(directive: str, *own: str) -> str:
        return " ".join([directive, *own, *extra.get(directive, [])])

    return "; ".join(
        [
            "default-src 'self'",
            sources("script-src", "'self'", f"'nonce-{nonce}'"),
            f"style-src 'self' 'nonce-{nonce}'",
            "img-src 'self' data:",
            sources("connect-src", "'self'"),
            sources("frame-src", "'none'") if not extra.get("frame-src") else sources("frame-src"),
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def init_app(app: Flask) -> None:
    """Call before registering blueprints: the id converter applies to rules added after it."""
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.url_map.converters["int"] = IdConverter
    app.request_class = LobbyRequest

    @app.before_request
    def no_nul_in_paths():
        if "\x00" in request.path:
            abort(404)  # none of our addresses has one

    @app.after_request
    def set_security_headers(response: Response) -> Response:
        if response.mimetype == "text/html":
            response.headers["Content-Security-Policy"] = content_security_policy(
                csp_nonce(), g.get("csp_extra")
            )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers["X-Frame-Options"] = "DENY"
        return response
