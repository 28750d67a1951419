"""The one way to declare a public API endpoint, and the OpenAPI document made from those declarations.

An endpoint names its scope, its query and body models (pydantic) and its answers::

    @api.route("/stays/<int:stay_id>", scope="stays:read", summary="One stay",
               tags=["stays"], responses={200: StayOut})
    def stay(stay_id: int) -> StayOut: ...

and gets, without writing them: the key checked and its hotel in :func:`hotel`, the
scope enforced, the rate limit per key with its ``RateLimit`` headers, the query and
body validated (every bad field in one ``422``), ``Idempotency-Key`` honoured on POST,
errors as problem details, the call logged with its key, and its entry in
``/api/v1/openapi.json``. The models that validate a request are the ones the document
shows, so the two cannot drift.
"""

from __future__ import annotations

import functools
import inspect
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, current_app, g, json, request
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import HTTPException

from app.api.v1 import problems, rate_limits
from app.api.v1.problems import ApiProblem, FieldError
from app.extensions import csrf, db
from app.models import ApiToken, Hotel
from app.services import api_tokens, audit, idempotency
from app.services.errors import LobbyError
from app.services.locking import pending_writes

# The largest id the database holds (a 32-bit integer column); a larger one names nothing.
MAX_ID = 2**31 - 1
_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
_PRINTABLE = re.compile(r"[\x21-\x7e]{1,255}")


@dataclass
class Endpoint:
    rule: str
    method: str
    view: Callable[..., Any]
    scope: str
    summary: str
    tags: list[str]
    responses: dict[int, type[BaseModel] | None]
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    description: str = ""
    path_params: dict[str, str] = field(default_factory=dict)  # name -> Flask converter


def hotel() -> Hotel:
    """The hotel of the key that made this request: every endpoint reads and writes only its rows."""
    return g.api_hotel


def api_key() -> ApiToken:
    return g.api_key


class PublicApi:
    def __init__(self, blueprint: Blueprint, *, title: str, version: str, description: str):
        self.blueprint = blueprint
        self.title = title
        self.version = version
        self.description = description
        self.endpoints: list[Endpoint] = []
        blueprint.after_request(_log_and_label)

    def route(
        self,
        rule: str,
        method: str = "GET",
        *,
        scope: str,
        summary: str,
        tags: list[str],
        responses: dict[int, type[BaseModel] | None],
        query: type[BaseModel] | None = None,
        body: type[BaseModel] | None = None,
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        if scope not in api_tokens.SCOPES:
            raise ValueError(f"unknown scope {scope!r}")

        def register(view: Callable[..., Any]) -> Callable[..., Any]:
            endpoint = Endpoint(
                rule=rule,
                method=method,
                view=view,
                scope=scope,
                summary=summary,
                tags=tags,
                responses=responses,
                query=query,
                body=body,
                description=inspect.getdoc(view) or "",
                path_params={name: kind or "string" for kind, name in _CONVERTER.findall(rule)},
            )
            self.endpoints.append(endpoint)
            handler = functools.wraps(view)(functools.partial(_handle, endpoint))
            handler = csrf.exempt(handler)  # a key in a header, not a browser's cookie: nothing to forge
            self.blueprint.add_url_rule(_unbounded(rule), view.__name__, handler, methods=[method])
            return view

        return register


def _unbounded(rule: str) -> str:
    """``<int:stay_id>`` taking any size of number, so that :func:`_handle` answers one too large.

    The app's ``int`` stops at the largest database id, and past it Werkzeug's router answers
    405 for every method but GET (the address matches, the number does not): an undocumented
    status, found by the fuzzer. Here such an id reaches the kit, which says "not found"
    after the key and its scope are checked, as for any other id that names nothing.
    """
    return re.sub(r"<int:(\w+)>", r"<int(max=None):\1>", rule)


def _handle(endpoint: Endpoint, **path_args: Any) -> Response:
    started = time.perf_counter()
    g.api_started = started
    key = _authenticate()
    g.api_key, g.api_hotel = key, key.hotel
    limit_headers = rate_limits.hit(key)
    g.api_limit_headers = limit_headers
    if endpoint.scope not in (key.scopes or []):
        raise ApiProblem("insufficient-scope", f"This needs the scope {endpoint.scope}.")
    for name, value in path_args.items():
        if isinstance(value, int) and not 1 <= value <= MAX_ID:
            raise ApiProblem("not-found", f"No such {name.removesuffix('_id')}.")
    arguments = dict(path_args)
    if endpoint.query is not None:
        arguments["query"] = _validated(endpoint.query, request.args.to_dict(), "query")
    if endpoint.method == "POST":
        return _idempotently(key, endpoint, arguments)
    return _run(endpoint, arguments)


def _idempotently(key: ApiToken, endpoint: Endpoint, arguments: dict[str, Any]) -> Response:
    idempotency_key = request.headers.get("Idempotency-Key")
    if idempotency_key is None:
        return _run(endpoint, arguments)
    if not _PRINTABLE.fullmatch(idempotency_key):
        raise ApiProblem("malformed-request", "Idempotency-Key must be 1 to 255 visible ASCII characters.")
    g.api_idempotency_key = idempotency_key
    fingerprint = idempotency.request_hash(request.method, request.full_path, request.get_data())
    try:
        claim = idempotency.begin(key, idempotency_key, fingerprint)
    except idempotency.KeyInUse:
        raise ApiProblem(
            "idempotency-key-in-use",
            "Retry when the first request has finished.",
            headers={"Retry-After": "1"},
        ) from None
    except idempotency.KeyReused:
        raise ApiProblem("idempotency-key-reused") from None
    if isinstance(claim, idempotency.StoredAnswer):
        g.api_replayed = True
        response = Response(claim.body, status=claim.status, content_type=claim.content_type)
        response.headers.update(claim.headers)
        response.headers["Idempotent-Replayed"] = "true"
        return response
    try:
        response = _run(endpoint, arguments)
    except ApiProblem as problem:
        response = problems.answer(problem)
    except BaseException:
        idempotency.forget(claim)
        raise
    if response.status_code >= 500:
        idempotency.forget(claim)
    else:
        kept = {name: value for name, value in response.headers.items() if name in ("Location",)}
        idempotency.finish(
            claim,
            idempotency.StoredAnswer(
                response.status_code, response.content_type or "", response.get_data(as_text=True), kept
            ),
        )
    return response


def _run(endpoint: Endpoint, arguments: dict[str, Any]) -> Response:
    if endpoint.body is not None:
        arguments["body"] = _validated(endpoint.body, _json_body(), "body")
    with audit.acting_as(audit.pms_actor(g.api_key.name)):
        try:
            result = endpoint.view(**arguments)
        except LobbyError as error:
            raise _problem_of(error) from error
    return _as_response(result, endpoint)


# A rule that said no is "refused" (422) unless it is about a missing thing or the world's state.
_LOBBY_ERRORS = {404: "not-found", 409: "conflict"}


def _problem_of(error: LobbyError) -> ApiProblem:
    fields = getattr(error, "errors", None)  # ReservationRefused, CheckInRefused: one message per field
    return ApiProblem(
        _LOBBY_ERRORS.get(error.status, "refused"),
        str(error.message),
        errors=[FieldError(field=f"body.{name}", message=str(text)) for name, text in fields.items()]
        if isinstance(fields, dict)
        else None,
    )


def _authenticate() -> ApiToken:
    header = request.headers.get("Authorization")
    challenge = 'Bearer realm="lobby"'
    if not header:
        raise ApiProblem(
            "unauthorized",
            "Send Authorization: Bearer <an API key>.",
            headers={"WWW-Authenticate": challenge},
        )
    token = api_tokens.bearer_token(header)
    key = api_tokens.find_key(token) if token else None
    if key is None:
        raise ApiProblem(
            "unauthorized",
            "The API key is unknown or revoked.",
            headers={"WWW-Authenticate": challenge + ', error="invalid_token"'},
        )
    return key


def _json_body() -> Any:
    if not request.is_json:
        raise ApiProblem("unsupported-media-type", "Send the body as application/json.")
    try:
        return json.loads(request.get_data(cache=True) or b"null")
    except ValueError as error:
        raise ApiProblem("malformed-request", f"The body is not valid JSON: {error}") from error


def _validated(model: type[BaseModel], data: Any, where: str) -> BaseModel:
    not_iso = _not_iso_times(model, data, where)
    try:
        validated = model.model_validate(data)
    except ValidationError as error:
        errors = [
            FieldError(field=".".join([where, *map(str, item["loc"])]), message=item["msg"])
            for item in error.errors(include_url=False)
        ]
        named = {field_error.field for field_error in errors}
        errors += [iso for iso in not_iso if iso.field not in named]  # each field told once
        raise ApiProblem(
            "validation-error", f"{len(errors)} field(s) did not validate.", errors=errors
        ) from error
    if not_iso:
        raise ApiProblem("validation-error", f"{len(not_iso)} field(s) did not validate.", errors=not_iso)
    return validated


# What starts each ISO 8601 text the document promises, by its JSON Schema format.
_ISO_START = {
    "date": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "date-time": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "time": re.compile(r"\d{2}:\d{2}"),
}


def _not_iso_times(model: type[BaseModel], data: Any, where: str) -> list[FieldError]:
    """Dates, datetimes and times sent as anything but their ISO 8601 text.

    pydantic also reads ``0.5`` or ``"0"`` as seconds since 1970; the document says an ISO
    string, and a client sending a number has made a mistake worth telling (schemathesis's
    negative data found every date filter taking one).
    """
    if not isinstance(data, dict):
        return []
    errors = []
    for name, starts in _iso_fields(model).items():
        value = data.get(name)
        if value is not None and not (isinstance(value, str) and any(s.match(value) for s in starts)):
            errors.append(FieldError(field=f"{where}.{name}", message="Input should be an ISO 8601 text"))
    return errors


@functools.cache
def _iso_fields(model: type[BaseModel]) -> dict[str, list[re.Pattern]]:
    """The model's top-level fields the document shows as a date, date-time or time string (or null),
    whatever type says so (``date``, ``AwareDatetime``, an ``Annotated`` one), by their name on the wire."""
    fields = {}
    for name, schema in model.model_json_schema().get("properties", {}).items():
        options = [option for option in schema.get("anyOf", [schema]) if option.get("type") != "null"]
        formats = {option.get("format") for option in options}
        if options and formats <= set(_ISO_START):
            fields[name] = [_ISO_START[kind] for kind in formats]
    return fields


def _as_response(result: Any, endpoint: Endpoint) -> Response:
    """A model, ``(model, status)`` or ``(model, status, headers)`` as JSON; ``None`` as 204."""
    if isinstance(result, Response):
        return result
    status, headers = next(iter(endpoint.responses)), {}
    if isinstance(result, tuple):
        result, status, *rest = result
        headers = rest[0] if rest else {}
    if result is None:
        return Response(status=204, headers=headers)
    body = result.model_dump_json(by_alias=True) if isinstance(result, BaseModel) else json.dumps(result)
    return Response(body, status=status, mimetype="application/json", headers=headers)


def _log_and_label(response: Response) -> Response:
    """Every call of a known key is logged; every answer carries its rate-limit headers."""
    for name, value in g.get("api_limit_headers", {}).items():
        response.headers.setdefault(name, value)
    key = g.get("api_key")
    if key is None:
        return response
    if pending_writes(db.session):
        db.session.rollback()  # views never leave writes behind; if one did, it is not this log's to commit
    call = api_tokens.Call(
        method=request.method,
        path=request.path,
        status=response.status_code,
        duration_ms=round((time.perf_counter() - g.api_started) * 1000),
        idempotency_key=g.get("api_idempotency_key"),
        replayed=g.get("api_replayed", False),
    )
    try:
        api_tokens.record_call(key.id, call)
    except Exception:  # the answer is made; a log line lost is not worth failing it for
        db.session.rollback()
        current_app.logger.exception("Could not log an API call")
    return response


def answer_errors(blueprint: Blueprint) -> None:
    """Every error under the API, the framework's own included, is a problem document."""

    @blueprint.errorhandler(ApiProblem)
    def api_problem(problem: ApiProblem):
        return problems.answer(problem)

    @blueprint.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        response = problems.for_status(error.code or 500, error.description)
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response
