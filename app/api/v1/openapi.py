"""The OpenAPI 3.1 document, made from the endpoints' declarations and their pydantic models.

OpenAPI 3.1 speaks JSON Schema 2020-12, which is what pydantic writes, so a model's
schema goes into the document as it is: what validates a request is what the document
says, and a test fuzzes the API from this document (schemathesis).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue, models_json_schema
from pydantic_core import core_schema

from app.api.v1.problems import MEDIA_TYPE, TYPES, Problem
from app.services.api_tokens import SCOPES

if TYPE_CHECKING:
    from app.api.v1.kit import Endpoint, PublicApi

REF = "#/components/schemas/{model}"
_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
_PATH_SCHEMAS = {
    "int": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
    "string": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": "^[^/\\x00-\\x1f]+$"},
}
# A time of day as pydantic reads and writes it: "09:00", "09:00:00.5", with an offset only if it has one.
WALL_CLOCK_TIME = (
    r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?$"
)
_SUCCESS_TEXT = {200: "OK", 201: "Created", 202: "Accepted", 204: "Done; no body"}
_ERROR_TEXT = {
    400: "The request is not well-formed",
    401: "No API key, or one that is unknown or revoked",
    403: "The key lacks the scope this endpoint needs",
    404: "No such resource for the key's hotel",
    409: "The request conflicts with the resource's state, or its Idempotency-Key is in use",
    415: "The body is not application/json",
    422: "A field did not validate, or a rule of the hotel refused the request",
    429: "Too many calls for this key; see Retry-After and the RateLimit headers",
}


class ApiJsonSchema(GenerateJsonSchema):
    """pydantic's JSON Schema, with times of day as the API writes them.

    pydantic says ``format: time`` for a ``datetime.time``, which JSON Schema (RFC 3339's
    full-time) reads as "with an offset"; a wall-clock time (a schedule in the hotel's own
    zone) has none, so every answer holding one broke its own document. A pattern says
    what is really sent and accepted.
    """

    def time_schema(self, schema: core_schema.TimeSchema) -> JsonSchemaValue:
        return {"type": "string", "pattern": WALL_CLOCK_TIME}


def build(api: PublicApi) -> dict[str, Any]:
    models = {(Problem, "serialization")}
    for endpoint in api.endpoints:
        models.update((model, "validation") for model in (endpoint.body, endpoint.query) if model is not None)
        models.update((model, "serialization") for model in endpoint.responses.values() if model is not None)
    refs, top = models_json_schema(
        sorted(models, key=lambda pair: (pair[0].__name__, pair[1])),
        ref_template=REF,
        schema_generator=ApiJsonSchema,
    )
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in api.endpoints:
        path = api.blueprint.url_prefix + _CONVERTER.sub(r"{\1}", endpoint.rule)
        paths.setdefault(path, {})[endpoint.method.lower()] = _operation(endpoint, refs)
    return {
        "openapi": "3.1.0",
        "info": {"title": api.title, "version": api.version, "description": api.description},
        "paths": paths,
        "components": {
            "schemas": top.get("$defs", {}),
            "securitySchemes": {
                "apiKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API key of the hotel, made by a manager in the workspace. "
                    "Scopes: " + ", ".join(SCOPES),
                }
            },
        },
        "security": [{"apiKey": []}],
        "x-problem-types": {
            slug: {"status": status, "title": title} for slug, (status, title) in TYPES.items()
        },
    }


def _operation(endpoint: Endpoint, refs: dict) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": endpoint.view.__name__,
        "summary": endpoint.summary,
        "tags": endpoint.tags,
        "security": [{"apiKey": [endpoint.scope]}],
        "x-scope": endpoint.scope,
        "parameters": _parameters(endpoint, refs),
        "responses": _responses(endpoint, refs),
    }
    if endpoint.description:
        operation["description"] = endpoint.description
    if endpoint.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": refs[(endpoint.body, "validation")]}},
        }
    return operation


def _parameters(endpoint: Endpoint, refs: dict) -> list[dict[str, Any]]:
    parameters = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": _PATH_SCHEMAS.get(kind, _PATH_SCHEMAS["string"]),
        }
        for name, kind in endpoint.path_params.items()
    ]
    if endpoint.query is not None:
        schema = endpoint.query.model_json_schema(ref_template=REF, schema_generator=ApiJsonSchema)
        required = set(schema.get("required", []))
        for name, prop in schema.get("properties", {}).items():
            parameter = {"name": name, "in": "query", "required": name in required, "schema": prop}
            if "description" in prop:
                parameter["description"] = prop["description"]
            parameters.append(parameter)
    if endpoint.method == "POST":
        parameters.append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "description": "Send the same key again to get the first answer instead of a second effect "
                "(kept 24 hours).",
                "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7e]+$"},
            }
        )
    return parameters


def _responses(endpoint: Endpoint, refs: dict) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    for status, model in endpoint.responses.items():
        answer: dict[str, Any] = {
            "description": _SUCCESS_TEXT.get(status, "OK")
            if status < 300
            else _ERROR_TEXT.get(status, "Error")
        }
        if model is not None:
            answer["content"] = {"application/json": {"schema": refs[(model, "serialization")]}}
        responses[str(status)] = answer
    problem = {MEDIA_TYPE: {"schema": refs[(Problem, "serialization")]}}
    statuses = [400, 401, 403, 404, 422, 429] + ([409] if endpoint.method != "GET" else [])
    if endpoint.body is not None:
        statuses.append(415)
    for status in sorted(statuses):
        responses.setdefault(str(status), {"description": _ERROR_TEXT[status], "content": problem})
    return responses
