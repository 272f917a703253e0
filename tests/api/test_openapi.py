"""Every API endpoint has a schema: each successful response with a body, and each
POST/PUT/PATCH request body, is described by typed properties in the OpenAPI document."""

from typing import Any

import pytest

pytestmark = pytest.mark.django_db

BODY_METHODS = {"post", "put", "patch"}
# (method, path) of endpoints that answer a file download (xlsx/docx/pdf), declared as a
# binary response instead of a JSON schema. None today: downloads are pages, not API.
BINARY_DOWNLOADS: set[tuple[str, str]] = set()
BINARY_TYPES = (
    "application/octet-stream",
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)


@pytest.fixture
def openapi(client: Any, staff: Any) -> dict[str, Any]:
    client.force_login(staff)
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = document["components"]["schemas"][name]
    return schema


def untyped(document: dict[str, Any], schema: dict[str, Any] | None) -> str | None:
    """Why `schema` says nothing about its data, or None when it is typed."""
    if not schema:
        return "no schema"
    schema = resolve(document, schema)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            reasons = [untyped(document, s) for s in schema[key] if s.get("type") != "null"]
            return next((r for r in reasons if r), None) if reasons else "only null"
    if schema.get("type") == "array":
        return untyped(document, schema.get("items"))
    if schema.get("type") in ("object", None):
        if not schema.get("properties"):
            return "an object without properties"
        return None
    return None  # a scalar: typed


def json_schema_of(content: dict[str, Any] | None) -> dict[str, Any] | None:
    if not content:
        return None
    media = content.get("application/json") or content.get("multipart/form-data") or {}
    schema: dict[str, Any] | None = media.get("schema")
    return schema


def is_binary(content: dict[str, Any] | None) -> bool:
    return any(
        (content or {}).get(t, {}).get("schema", {}).get("format") == "binary" for t in BINARY_TYPES
    )


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, op)
        for path, ops in document["paths"].items()
        for method, op in ops.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]


def test_the_document_lists_the_apps_endpoints(openapi: dict[str, Any]) -> None:
    paths = {path for _m, path, _op in operations(openapi)}
    assert {"/api/v1/enterprises", "/api/v1/assess", "/api/v1/targets"} <= paths


def test_every_successful_response_has_a_typed_schema(openapi: dict[str, Any]) -> None:
    missing = []
    for method, path, op in operations(openapi):
        ok = {code: r for code, r in op["responses"].items() if str(code).startswith("2")}
        if not ok:
            missing.append(f"{method.upper()} {path}: no 2xx response declared")
        for code, response in ok.items():
            if str(code) == "204":
                continue  # no content
            content = response.get("content")
            if (method, path) in BINARY_DOWNLOADS and is_binary(content):
                continue
            reason = untyped(openapi, json_schema_of(content))
            if reason:
                missing.append(f"{method.upper()} {path} → {code}: {reason}")
    assert not missing, "responses without a schema:\n" + "\n".join(missing)


def test_every_request_body_has_a_typed_schema(openapi: dict[str, Any]) -> None:
    missing = []
    for method, path, op in operations(openapi):
        if method not in BODY_METHODS or "requestBody" not in op:
            continue
        reason = untyped(openapi, json_schema_of(op["requestBody"].get("content")))
        if reason:
            missing.append(f"{method.upper()} {path}: {reason}")
    assert not missing, "request bodies without a schema:\n" + "\n".join(missing)


def test_the_check_catches_an_untyped_object(openapi: dict[str, Any]) -> None:
    assert untyped(openapi, {"type": "object", "additionalProperties": True})
    assert untyped(openapi, {"title": "Payload"})
    assert untyped(openapi, None)
    assert untyped(openapi, {"type": "array", "items": {}})
    assert not untyped(openapi, {"type": "object", "properties": {"a": {"type": "string"}}})


def test_the_document_is_built_once_per_prefix_and_few_are_kept() -> None:
    from kechuang.api.api import api

    first = api.get_openapi_schema(path_prefix="/api/v1/")
    assert api.get_openapi_schema(path_prefix="/api/v1/") is first
    assert "/api/v1/tokens" in first["paths"]
    other = api.get_openapi_schema(path_prefix="/behind-proxy/api/v1/")
    assert other is not first and "/behind-proxy/api/v1/tokens" in other["paths"]
    for i in range(20):
        api.get_openapi_schema(path_prefix=f"/p{i}/api/v1/")
    assert len(api.__dict__["_documents"]) <= api._DOCUMENTS_KEPT
