"""The OpenAPI 3.1 document, written from the routes themselves (bot.api.endpoints.Route, whose schemas
come from the resources' one declaration, bot.api.schema): what is served is what is documented."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.api.pagination import PAGE_PARAMETERS
from bot.api.problems import PROBLEM_SCHEMA, PROBLEM_TYPE

API_ROOT = "/api/v1"
OPENAPI_PATH = "/openapi.json"
_ERRORS = {"400": "Malformed request", "401": "No valid token", "403": "The token may not do this",
           "404": "No such record (or not visible to this token)", "409": "Conflict", "413": "Body too large",
           "415": "Not JSON", "422": "Invalid fields or refused", "429": "Rate limited"}


def _problem_responses(route: Any) -> dict[str, Any]:
    codes = ["401", "403", "429", "422"]
    if route.kind in ("get", "patch", "action"):
        codes.append("404")
    if route.write:
        codes += ["400", "409", "413", "415"]
    if route.kind == "list":
        codes.append("400")
    return {code: {"description": _ERRORS[code], "content": {PROBLEM_TYPE: {"schema": {
        "$ref": "#/components/schemas/Problem"}}}} for code in sorted(set(codes))}


def _operation(route: Any) -> dict[str, Any]:
    op: dict[str, Any] = {"operationId": f"{route.kind}_{route.resource.name}_{route.path.count('/')}"
                          + (f"_{route.path.rsplit('/', 1)[-1]}" if route.kind == "action" else ""),
                          "summary": route.summary, "tags": [route.resource.name]}
    params: list[dict[str, Any]] = []
    if "{id}" in route.path:
        params.append({"name": "id", "in": "path", "required": True,
                       "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}})
    if route.kind == "list":
        params += PAGE_PARAMETERS
        params += [{"name": f.name, "in": "query", "required": False, "schema": f.json_schema()}
                   for f in route.resource.filters]
    if route.method == "POST":
        params.append({"name": "Idempotency-Key", "in": "header", "required": False,
                       "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                       "description": "same key and body: the first answer again"})
    if params:
        op["parameters"] = params
    if route.body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": route.body}}}
    op["responses"] = {str(route.status): {"description": "OK", "content": {"application/json": {
        "schema": route.response}}}, **_problem_responses(route)}
    return op


def document(routes: Iterable[Any]) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {OPENAPI_PATH: {"get": {
        "operationId": "openapi", "summary": "This document", "security": [],
        "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {
            "schema": {"type": "object"}}}}}}}}
    for route in routes:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route)
    return {
        "openapi": "3.1.0",
        "info": {"title": "dealbot API", "version": "1.0.0",
                 "description": "Customers, contacts, leads and deals of dealbot. Tokens: ask an admin "
                                "(chat: 令牌 新建 / token new)."},
        "servers": [{"url": API_ROOT}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
                       "schemas": {"Problem": PROBLEM_SCHEMA}},
    }
