"""The API's own description: the OpenAPI document, and where each problem type points."""

from __future__ import annotations

from flask import abort, jsonify, redirect, url_for

from app.api.v1 import api, bp, openapi
from app.api.v1.problems import TYPES


@bp.get("/openapi.json")
def openapi_document():
    response = jsonify(openapi.build(api))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/problems/<slug>")
def problem_type(slug: str):
    """A problem's ``type`` resolves to its explanation on the reference page."""
    if slug not in TYPES:
        abort(404)
    return redirect(url_for("api_v1.openapi_document") + f"#problem-{slug}")
