"""A resource's endpoints from one declaration (`ResourceApi`): list, get, create, patch and actions, each a
`Route` that the server mounts (bot.api.app) and the OpenAPI document describes (bot.api.openapi).

Every request runs the same steps (`serve`): the token and its rate (bot.api.auth), the token's access to
the resource, the body (media type, size, JSON, the schema), the Idempotency-Key of a POST, then the
handler in one unit of work. A write's audit entries and messages (the chat Context's) and its idempotency
record are written with it, in one transaction. Domain errors become problems: NotFound 404 (the same words
whether the record is missing or hidden), PermissionDenied 403, conflicts 409, any other refusal 422.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from sqlalchemy.exc import IntegrityError

from bot.api import idempotency
from bot.api.auth import principal
from bot.api.call import ApiCall
from bot.api.pagination import page_args, page_body
from bot.api.problems import Problem, not_found
from bot.api.schema import Resource
from bot.api.state import ApiState
from bot.usage.web import USAGE_PERSON
from domain.errors import DomainError, NotFound, PermissionDenied
from storage.uow import SqlAlchemyUnitOfWork

Run = Callable[[ApiCall, web.Request], Awaitable[tuple[int, Any]]]
JSON_TYPES = ("application/json", "application/merge-patch+json")


@dataclass(frozen=True, slots=True)
class Route:
    method: str
    path: str  # under /api/v1, like "/customers/{id}"
    resource: Resource
    kind: str  # list | get | create | patch | action
    run: Run
    summary: str
    write: bool = False
    body: dict[str, Any] | None = None  # the request body's JSON schema
    response: dict[str, Any] = field(default_factory=dict)  # the success answer's JSON schema
    status: int = 200
    validate: Callable[[Any], dict[str, Any]] | None = None  # the body's values (None: no body)


@dataclass(frozen=True, slots=True)
class ResourceApi:
    """What a resource module declares: its schema, how to show, page, find, create and patch one."""

    resource: Resource
    singular: str  # "customer", in problems
    dump: Callable[[Any], dict[str, Any]]
    page: Callable[[ApiCall, int, int], Awaitable[Sequence[Any]]]  # (call, after id, limit + 1)
    find: Callable[[ApiCall, int], Awaitable[Any | None]]  # None: missing or not visible
    create: Callable[[ApiCall], Awaitable[Any]] | None = None
    patch: Callable[[ApiCall, Any], Awaitable[Any]] | None = None
    conflicts: tuple[type[DomainError], ...] = ()  # refusals that answer 409 instead of 422
    actions: tuple[Route, ...] = ()

    def routes(self) -> list[Route]:
        name, res = self.resource.name, self.resource
        page_schema = {"type": "object", "required": ["data", "next_cursor"], "properties": {
            "data": {"type": "array", "items": res.schema()}, "next_cursor": {"type": ["string", "null"]}}}
        routes = [Route("GET", f"/{name}", res, "list", self._list, f"List {name}", response=page_schema),
                  Route("GET", f"/{name}/{{id}}", res, "get", self._get, f"Get one {self.singular}",
                        response=res.schema())]
        if self.create is not None:
            routes.append(Route("POST", f"/{name}", res, "create", self._create, f"Create a {self.singular}",
                                write=True, body=res.schema("create"), response=res.schema(), status=201,
                                validate=lambda body: res.validate(body, "create")))
        if self.patch is not None:
            routes.append(Route("PATCH", f"/{name}/{{id}}", res, "patch", self._patch, f"Change a {self.singular}",
                                write=True, body=res.schema("patch"), response=res.schema(),
                                validate=lambda body: res.validate(body, "patch")))
        return [*routes, *self.actions]

    async def _list(self, call: ApiCall, request: web.Request) -> tuple[int, Any]:
        after, limit = page_args(request.query)
        call.filters = self.resource.read_filters(request.query)
        items = list(await self.page(call, after, limit + 1))
        return 200, page_body([self.dump(i) for i in items], limit, [i.id for i in items])

    async def one(self, call: ApiCall, request: web.Request) -> Any:
        """The record of the path's {id}; 404 when it does not exist or the token may not see it."""
        raw = request.match_info.get("id", "")
        found = await self.find(call, int(raw)) if raw.isdigit() and 0 < int(raw) < 2**31 else None
        if found is None:
            raise not_found(self.singular)
        return found

    async def _get(self, call: ApiCall, request: web.Request) -> tuple[int, Any]:
        return 200, self.dump(await self.one(call, request))

    async def _create(self, call: ApiCall, request: web.Request) -> tuple[int, Any]:
        assert self.create is not None
        return 201, self.dump(await self.create(call))

    async def _patch(self, call: ApiCall, request: web.Request) -> tuple[int, Any]:
        assert self.patch is not None
        return 200, self.dump(await self.patch(call, await self.one(call, request)))


async def read_json(request: web.Request, limit: int) -> Any:
    if request.content_type not in JSON_TYPES:
        raise Problem(415, "Send the body as application/json.", slug="media-type")
    if request.content_length is not None and request.content_length > limit:
        raise Problem(413, f"The body may be at most {limit} bytes.", slug="too-large")
    raw = bytearray()
    while chunk := await request.content.read(65536):
        raw += chunk
        if len(raw) > limit:
            raise Problem(413, f"The body may be at most {limit} bytes.", slug="too-large")
    try:
        return json.loads(bytes(raw), parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise Problem(400, "The body is not valid JSON.", slug="malformed-json") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def domain_problem(err: DomainError, conflicts: tuple[type[DomainError], ...]) -> Problem:
    if isinstance(err, NotFound):
        return not_found(str(err.params.get("what_en") or "record"))
    if isinstance(err, PermissionDenied):
        return Problem(403, err.message("en"), slug="refused")
    if isinstance(err, conflicts):
        return Problem(409, err.message("en"), slug="conflict")
    return Problem(422, err.message("en"), slug="refused")


def handler(route: Route, state: ApiState, conflicts: tuple[type[DomainError], ...]) -> Callable[
        [web.Request], Awaitable[web.StreamResponse]]:
    async def serve(request: web.Request) -> web.StreamResponse:
        now = state.clock()
        async with state.uow_factory() as uow:  # one unit of work (one connection) per request, token included
            assert isinstance(uow, SqlAlchemyUnitOfWork)
            token, version = await state.auth.token(request, uow, now)
            request[USAGE_PERSON] = -(token.id or 0)  # usage events count API calls per token, as the audit does
            if not token.allows(route.resource.name, route.write):
                what = "write" if route.write and token.allows(route.resource.name, False) else "use"
                raise Problem(403, f"This token may not {what} {route.resource.name}.", slug="token-scope")
            raw = await read_json(request, state.settings.max_body_bytes) if route.validate is not None else None
            values = route.validate(raw) if route.validate is not None else {}
            key = idempotency.key_of(request) if route.method == "POST" else None
            if key is not None and token.id is not None:
                replay = await idempotency.replay(uow, state, token.id, key, request, raw, now)
                if replay is not None:
                    return replay
            directory = await state.directory.get(uow, version)
            call = ApiCall(token, principal(token), uow, directory, now, state.bot_settings, body=values)
            try:
                status, payload = await route.run(call, request)
            except DomainError as err:
                raise domain_problem(err, conflicts) from None
            text = json.dumps(payload, ensure_ascii=False)
            if route.write:
                await _finish(call, state, key, request, raw, status, text)
        return web.Response(status=status, text=text, content_type="application/json")
    return serve


async def _finish(call: ApiCall, state: ApiState, key: str | None, request: web.Request, raw: Any,
                  status: int, text: str) -> None:
    """Write the use case's audit entries and messages, the idempotency record, and commit them together."""
    if call._context is not None:
        await call.uow.audit.add_many(call._context.audit_log)
        await call.uow.outbox.add_many(call._context.outbox)
    try:
        if key is not None and call.token.id is not None:
            await idempotency.store(call.uow, state, call.token.id, key, request, raw, status, text, call.now)
        await call.uow.commit()
    except IntegrityError:
        await call.uow.rollback()
        raise Problem(409, "Another request with this Idempotency-Key was processed at the same time; send it "
                           "again to get its answer.", slug="idempotency-race") from None
