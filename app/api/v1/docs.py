"""The API's own description: the OpenAPI document, its reference page, and where each problem type points."""

from __future__ import annotations

from flask import abort, current_app, jsonify, redirect, render_template, url_for
from limits import parse

from app.api.v1 import api, bp, openapi, reference
from app.api.v1.problems import MEDIA_TYPE, TYPES
from app.services.api_tokens import SCOPES


@bp.get("/openapi.json")
def openapi_document():
    response = jsonify(openapi.build(api))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/docs")
def reference_page():
    """The document as a page people read: rendered here, no script, so the app's CSP holds."""
    limit = parse(current_app.config["API_RATE_LIMIT"])
    response = current_app.make_response(
        render_template(
            "api/docs.html",
            ref=reference.read(openapi.build(api)),
            scopes=SCOPES,
            rate_calls=limit.amount,
            rate_seconds=limit.get_expiry(),
            problem_media_type=MEDIA_TYPE,
        )
    )
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/problems/<slug>")
def problem_type(slug: str):
    """A problem's ``type`` resolves to its explanation on the reference page."""
    if slug not in TYPES:
        abort(404)
    return redirect(url_for("api_v1.reference_page") + f"#problem-{slug}")
