"""Errors of the open API as application/problem+json (RFC 9457): type, title, status, detail, and an
`errors` list naming each field that was wrong. Nothing in an answer repeats a record the caller may not see."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

PROBLEM_TYPE = "application/problem+json"
TITLES = {400: "Malformed request", 401: "Not authenticated", 403: "Forbidden", 404: "Not found",
          405: "Method not allowed", 409: "Conflict", 413: "Request body too large",
          415: "Unsupported media type", 422: "Invalid request", 429: "Too many requests",
          500: "Internal error"}


class Problem(Exception):
    """Raised by API handlers; the middleware (bot.api.middleware) answers it."""

    def __init__(self, status: int, detail: str, *, slug: str = "", errors: list[dict[str, str]] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail
        self.slug = slug or TITLES.get(status, "error").lower().replace(" ", "-")
        self.errors = errors or []
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"type": f"urn:dealbot:problem:{self.slug}", "title": TITLES.get(self.status, "Error"),
                                "status": self.status, "detail": self.detail}
        if self.errors:
            body["errors"] = self.errors
        return body

    def response(self) -> web.Response:
        return web.Response(status=self.status, text=json.dumps(self.body(), ensure_ascii=False),
                            content_type=PROBLEM_TYPE, headers=self.headers)


def field_problem(errors: list[dict[str, str]]) -> Problem:
    """422 with one entry per field: {"field": "name", "detail": "..."}."""
    return Problem(422, "The request has invalid fields; see errors.", slug="invalid-fields", errors=errors)


def not_found(what: str) -> Problem:
    """The same answer for a record that does not exist and one the token may not see."""
    return Problem(404, f"No such {what}.", slug="not-found")


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object", "required": ["field", "detail"], "properties": {
            "field": {"type": "string"}, "detail": {"type": "string"}}}},
    },
}
