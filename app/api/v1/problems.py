"""Errors of the public API as ``application/problem+json`` (RFC 9457), each with a stable ``type``.

A client branches on ``type`` (never on ``title`` or ``detail``, which are for people);
``errors`` lists every field that failed validation. The types resolve to the API's
reference page, where each is explained.
"""

from __future__ import annotations

from flask import Response, json, request
from pydantic import BaseModel, Field

MEDIA_TYPE = "application/problem+json"

# slug -> (status, title). A slug never changes once published: clients depend on it.
TYPES: dict[str, tuple[int, str]] = {
    "malformed-request": (400, "The request is not well-formed"),
    "invalid-cursor": (400, "The cursor is not one this API gave out"),
    "unauthorized": (401, "An API key is needed"),
    "insufficient-scope": (403, "The API key lacks the scope this needs"),
    "not-found": (404, "No such resource for this hotel"),
    "method-not-allowed": (405, "That method is not allowed here"),
    "conflict": (409, "The request conflicts with the resource's state"),
    "idempotency-key-in-use": (409, "A request with this Idempotency-Key is still running"),
    "payload-too-large": (413, "The request body is too large"),
    "unsupported-media-type": (415, "The body must be application/json"),
    "validation-error": (422, "The request did not validate"),
    "idempotency-key-reused": (422, "The Idempotency-Key was used with another request"),
    "refused": (422, "A rule of the hotel refused the request"),
    "rate-limited": (429, "Too many requests for this API key"),
    "server-error": (500, "Something went wrong on our side"),
    "unavailable": (503, "A store is briefly unavailable; retry later"),
}
# What an HTTP status means when nothing more precise is known.
BY_STATUS = {
    400: "malformed-request",
    401: "unauthorized",
    403: "insufficient-scope",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    413: "payload-too-large",
    415: "unsupported-media-type",
    422: "refused",
    429: "rate-limited",
    500: "server-error",
    503: "unavailable",
}


def type_uri(slug: str) -> str:
    # Relative to the API, so the type is the same on every host the API is served from.
    return f"/api/v1/problems/{slug}"


class FieldError(BaseModel):
    field: str = Field(description='Where: "body.arrival", "query.limit", "path.stay_id"')
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = Field(description="Stable identifier of the kind of problem: branch on this")
    title: str
    status: int
    detail: str | None = None
    instance: str | None = Field(None, description="The path of the request that failed")
    errors: list[FieldError] | None = Field(None, description="Every field that failed validation")


class ApiProblem(Exception):
    """Raised anywhere in an API view: answered as the problem it describes."""

    def __init__(
        self,
        slug: str,
        detail: str | None = None,
        *,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(detail or slug)
        self.slug = slug
        self.status = TYPES[slug][0]
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}


def problem_response(
    slug: str,
    detail: str | None = None,
    *,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    status, title = TYPES[slug]
    problem = Problem(
        type=type_uri(slug), title=title, status=status, detail=detail, instance=request.path, errors=errors
    )
    response = Response(
        json.dumps(problem.model_dump(mode="json", exclude_none=True)), status=status, mimetype=MEDIA_TYPE
    )
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def answer(problem: ApiProblem) -> Response:
    return problem_response(problem.slug, problem.detail, errors=problem.errors, headers=problem.headers)


def for_status(status: int, detail: str | None = None) -> Response:
    """The problem for an HTTP error raised outside the API's own checks (routing, limits)."""
    slug = BY_STATUS.get(status, "server-error" if status >= 500 else "malformed-request")
    return problem_response(slug, detail)
