"""The PMS export of room charges: JSON or CSV, behind a bearer token the hotel gives its PMS."""

from __future__ import annotations

import secrets
from functools import wraps

from flask import abort, current_app, g, jsonify, request, url_for
from sqlalchemy import select

from app.api import bp
from app.downloads import csv_response
from app.extensions import csrf, db
from app.models import Hotel
from app.services import folio


def pms_token_required(view):
    @wraps(view)
    def wrapped(slug: str, *args, **kwargs):
        expected = current_app.config["PMS_API_TOKEN"]
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not expected or not secrets.compare_digest(given.encode(), expected.encode()):
            return jsonify(error="a valid bearer token is required"), 401
        g.hotel = db.session.scalar(select(Hotel).where(Hotel.slug == slug))
        if g.hotel is None:
            abort(404)
        return view(*args, **kwargs)

    return wrapped


@bp.post("/api/hotels/<slug>/folio/exports")
@csrf.exempt  # a machine with a bearer token, not a browser with cookies
@pms_token_required
def folio_export_new():
    """Start an export run: every folio line not exported before, each exactly once."""
    run = folio.new_export(g.hotel)
    return _run_json(run), 201


@bp.get("/api/hotels/<slug>/folio/exports/<int:run_id>")
@pms_token_required
def folio_export_again(run_id: int):
    run = folio.export_run(g.hotel, run_id) or abort(404)
    return _run_json(run)


@bp.get("/api/hotels/<slug>/folio/exports/<int:run_id>.csv")
@pms_token_required
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
