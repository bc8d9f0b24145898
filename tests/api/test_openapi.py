"""The OpenAPI document is written from the routes: every mounted /api/v1 route is documented, every
documented operation is mounted, and request schemas are the resources' own declarations."""

from __future__ import annotations

from bot.api.resources import RESOURCES
from tests.api.conftest import Api


async def test_every_route_is_documented_and_every_documented_route_exists(api: Api) -> None:
    status, doc, _ = await api.call("GET", "/openapi.json", None)
    assert status == 200 and doc["openapi"] == "3.1.0"
    documented = {(method.upper(), "/api/v1" + path) for path, ops in doc["paths"].items() for method in ops}
    mounted = {(r.method, r.resource.canonical) for r in api.client.app.router.routes()
               if r.resource is not None and r.resource.canonical.startswith("/api/v1") and r.method != "HEAD"}
    assert documented == mounted and len(mounted) >= 16


async def test_request_schemas_are_the_resource_declarations(api: Api) -> None:
    _, doc, _ = await api.call("GET", "/openapi.json", None)
    for resource in (r.resource for r in RESOURCES if r.create is not None):
        create = doc["paths"][f"/{resource.name}"]["post"]["requestBody"]["content"]["application/json"]["schema"]
        assert create == resource.schema("create") and create["additionalProperties"] is False
        declared = {f.name for f in resource.fields if f.create}
        assert set(create["properties"]) == declared
        params = {p["name"] for p in doc["paths"][f"/{resource.name}"]["get"]["parameters"]}
        assert params == {"limit", "cursor", *(f.name for f in resource.filters)}
