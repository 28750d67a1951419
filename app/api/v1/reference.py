"""The reference page's reading of the OpenAPI document: endpoints, parameters and schemas as tables.

The page is rendered from the very document clients download, so it cannot say anything the
API does not do. JSON Schema is turned into short readable types ("string or null", "array of
StayOut") with the limits beside them; a referenced schema links to its own table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from app.api.v1.problems import TYPES

_REF = "#/components/schemas/"
# The kit writes these onto every operation; the page explains them once, in their own sections.
_SHARED_STATUSES = {"400", "401", "403", "429"}
_BOUNDS = (
    "minLength",
    "maxLength",
    "minimum",
    "exclusiveMinimum",
    "maximum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
    "pattern",
    "format",
)


@dataclass
class Row:
    """A field of a schema, or a parameter of an operation."""

    name: str
    type: Markup
    required: bool
    description: Markup
    limits: list[str]
    where: str = ""  # a parameter's place: path, query, header


@dataclass
class Schema:
    name: str
    description: Markup
    rows: list[Row]
    type: Markup | None = None  # a schema that is not an object with fields

    @property
    def anchor(self) -> str:
        return schema_anchor(self.name)


@dataclass
class Answer:
    status: str
    description: str
    media_type: str
    type: Markup | None


@dataclass
class Operation:
    id: str
    method: str
    path: str
    scope: str
    summary: str
    description: Markup
    parameters: list[Row]
    body: Markup | None
    answers: list[Answer]

    @property
    def anchor(self) -> str:
        return f"op-{self.id}"


@dataclass
class Reference:
    title: str
    version: str
    description: str
    tags: dict[str, list[Operation]] = field(default_factory=dict)
    schemas: list[Schema] = field(default_factory=list)
    problems: list[tuple[str, int, str]] = field(default_factory=list)


def prose(text: str) -> Markup:
    """A docstring or description as written in code: ````name```` and ```name``` become code."""
    parts = re.split(r"``?([^`]+)``?", text)
    return Markup("").join(
        Markup("<code>{}</code>").format(part) if index % 2 else escape(part)
        for index, part in enumerate(parts)
    )


def schema_anchor(name: str) -> str:
    return f"schema-{name}"


def read(document: dict[str, Any]) -> Reference:
    info = document["info"]
    reference = Reference(
        title=info["title"], version=info["version"], description=info.get("description", "")
    )
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for tag in operation.get("tags") or ["api"]:
                reference.tags.setdefault(tag, []).append(_operation(method, path, operation))
    reference.schemas = [
        _schema(name, schema) for name, schema in sorted(document["components"]["schemas"].items())
    ]
    reference.problems = [(slug, status, title) for slug, (status, title) in TYPES.items()]
    return reference


def _operation(method: str, path: str, operation: dict[str, Any]) -> Operation:
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    answers = []
    for status, answer in operation["responses"].items():
        ((media_type, content),) = answer.get("content", {"": {}}).items()
        answers.append(
            Answer(
                status=status,
                description=answer.get("description", ""),
                media_type=media_type,
                type=type_of(content["schema"]) if "schema" in content else None,
            )
        )
    return Operation(
        id=operation["operationId"],
        method=method.upper(),
        path=path,
        scope=operation.get("x-scope", ""),
        summary=operation.get("summary", ""),
        description=prose(operation.get("description", "")),
        parameters=[
            Row(
                name=parameter["name"],
                where=parameter["in"],
                type=type_of(parameter["schema"]),
                required=parameter.get("required", False),
                description=prose(parameter.get("description", parameter["schema"].get("description", ""))),
                limits=limits(parameter["schema"]),
            )
            for parameter in operation.get("parameters", [])
        ],
        body=type_of(body) if body else None,
        answers=[answer for answer in answers if answer.status not in _SHARED_STATUSES],
    )


def _schema(name: str, schema: dict[str, Any]) -> Schema:
    required = set(schema.get("required", []))
    if "properties" not in schema:
        return Schema(
            name=name, description=prose(schema.get("description", "")), rows=[], type=type_of(schema)
        )
    return Schema(
        name=name,
        description=prose(schema.get("description", "")),
        rows=[
            Row(
                name=field_name,
                type=type_of(prop),
                required=field_name in required,
                description=prose(prop.get("description", "")),
                limits=limits(prop),
            )
            for field_name, prop in schema["properties"].items()
        ],
    )


def type_of(schema: dict[str, Any]) -> Markup:
    """A JSON Schema as a short type a person reads: links for references, "or" for unions."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix(_REF)
        return Markup('<a href="#{}">{}</a>').format(schema_anchor(name), name)
    for union in ("anyOf", "oneOf"):
        if union in schema:
            return Markup(" | ").join(type_of(part) for part in schema[union])
    if "const" in schema:
        return Markup("<code>{}</code>").format(_literal(schema["const"]))
    if "enum" in schema:
        values = schema["enum"]
        return Markup(" | ").join(Markup("<code>{}</code>").format(_literal(value)) for value in values)
    kind = schema.get("type")
    if isinstance(kind, list):
        return Markup(" | ").join(type_of({**schema, "type": one}) for one in kind)
    if kind == "array":
        return Markup("array[{}]").format(type_of(schema.get("items", {})))
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return Markup("object{{string: {}}}").format(type_of(schema["additionalProperties"]))
    if kind is None:
        return Markup("any")
    return escape(kind)


def _literal(value: Any) -> str:
    return "null" if value is None else str(value).lower() if isinstance(value, bool) else str(value)


def limits(schema: dict[str, Any]) -> list[str]:
    """The bounds of a value in the document's own keywords (``maxLength: 80``): the same in any language."""
    found = []
    for union in schema.get("anyOf", []) + schema.get("oneOf", []):
        found += limits(union)
    found += [f"{key}: {schema[key]}" for key in _BOUNDS if key in schema]
    if schema.get("default") is not None:
        found.append(f"default: {_literal(schema['default'])}")
    return found
