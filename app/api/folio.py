"""The PMS export of room charges: JSON or CSV, behind an API token of that hotel (``Bearer``)."""

from __future__ import annotations

import functools
from functools import wraps

from flask import abort, g, jsonify, request, url_for
from sqlalchemy import select

from app.api import bp
from app.extensions import csrf, db
from app.models import Hotel
from app.services import api_tokens, folio
from app.web.downloads import csv_response


def _unauthorized(error: str | None, description: str):
    """401 with the challenge RFC 6750 asks for, so a client knows what to send."""
    answer = jsonify(error=error or "unauthorized", error_description=description)
    challenge = 'Bearer realm="lobby"'
    if error:
        challenge += f', error="{error}"'
    answer.headers["WWW-Authenticate"] = challenge
    answer.headers["Cache-Control"] = "no-store"
    return answer, 401


def hotel_token_required(scope: str):
    """The hotel's own API token holding ``scope``, as ``Authorization: Bearer <token>``; 401 or 403."""
    return functools.partial(_token_required, scope=scope)


def _token_required(view, scope: str):
    @wraps(view)
    def wrapped(slug: str, *args, **kwargs):
        header = request.headers.get("Authorization")
        if not header:
            return _unauthorized(None, "send Authorization: Bearer <an API token of this hotel>")
        token = api_tokens.bearer_token(header)
        if token is None:
            return _unauthorized("invalid_request", "the Authorization header must be: Bearer <token>")
        g.hotel = db.session.scalar(select(Hotel).where(Hotel.slug == slug))
        # An unknown hotel answers like a wrong token: a token tells nothing about other hotels.
        key = api_tokens.authenticate(g.hotel, token) if g.hotel is not None else None
        if key is None:
            return _unauthorized("invalid_token", "the token is unknown, revoked or another hotel's")
        if scope not in (key.scopes or []):
            # RFC 6750's answer to a token that is good but may not do this.
            answer = jsonify(
                error="insufficient_scope", error_description=f"the token lacks the scope {scope}"
            )
            answer.headers["WWW-Authenticate"] = (
                f'Bearer realm="lobby", error="insufficient_scope", scope="{scope}"'
            )
            return answer, 403
        return view(*args, **kwargs)

    return wrapped


@bp.post("/api/hotels/<slug>/folio/exports")
@csrf.exempt  # a machine with a bearer token, not a browser with cookies
@hotel_token_required("folio:write")
def folio_export_new():
    """Start an export run: every folio line not exported before, each exactly once."""
    run = folio.new_export(g.hotel)
    return _run_json(run), 201


@bp.get("/api/hotels/<slug>/folio/exports/<int:run_id>")
@hotel_token_required("folio:read")
def folio_export_again(run_id: int):
    run = folio.export_run(g.hotel, run_id) or abort(404)
    return _run_json(run)


@bp.get("/api/hotels/<slug>/folio/exports/<int:run_id>.csv")
@hotel_token_required("folio:read")
def folio_export_csv(run_id: int):
    run = folio.export_run(g.hotel, run_id) or abort(404)
    return csv_response(f"folio-{g.hotel.slug}-{run.id}.csv", *folio.csv_table(folio.run_lines(run)))


def _run_json(run):
    lines = folio.as_rows(folio.run_lines(run))
    return jsonify(
        run=run.id,
        created_at=run.created_at.isoformat(),
        csv=url_for("api.folio_export_csv", slug=g.hotel.slug, run_id=run.id),
        lines=lines,
        total=sum(line["amount"] for line in lines),
    )
