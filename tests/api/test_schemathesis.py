"""schemathesis over the whole OpenAPI document, with a bearer token, in process
(WSGI): every operation, a few generated requests each (fixed seed, bounded), and no
server error, every response as the document says (status, content type, schema)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kechuang.accounts.services import api_token_create

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 8
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@contextmanager
def kept_connection() -> Iterator[None]:
    """The bare WSGI handler runs `close_old_connections` around each request, which
    closes a connection found inside a transaction — the test's own, on PostgreSQL
    (SQLite's in-memory test database ignores the close). Django's test client unhooks it
    for its requests and hooks it back afterwards, so it is unhooked here, after the
    client's last request, for the handler's requests only."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_every_operation_survives_generated_requests(
    client: Any, staff: Any, firm_a: Any, firm_b: Any
) -> None:
    _token, key = api_token_create(actor=staff, name="schemathesis")
    headers = {"Authorization": f"Bearer {key}"}
    document = client.get("/api/v1/openapi.json", headers=headers).json()
    schema = schemathesis.openapi.from_dict(document)
    schema.app = WSGIHandler()
    with kept_connection():
        operations, failures = _run_all(schema, headers)
    assert operations > 20
    assert not failures, "\n\n".join(failures)


def _run_all(schema: Any, headers: dict[str, str]) -> tuple[int, list[str]]:
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Exception as exc:
            failures.append(f"{operation.method.upper()} {operation.path}: {exc!s:.1500}")
    return operations, failures
