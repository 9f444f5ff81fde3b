"""Schemathesis against the case service's and the console's own OpenAPI: no 500s.

Both services run for real on loopback; every operation gets generated requests, valid and
invalid, and must answer with anything but a server error.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from dalil.processes import case_service, console
from dalil.store import Store
from tests.conftest import Deployment, database

SIGNED_IN: dict[str, str] = {}  # the fuzzer's session: the API behind the sign-in is fuzzed
STATUSES: list[int] = []
FUZZ = settings(max_examples=25, deadline=None,
                suppress_health_check=list(HealthCheck))  # fmt: skip


@pytest.fixture(scope="module")
def case_api(tmp_path_factory) -> Iterator:
    with database("sqlite", tmp_path_factory.mktemp("fuzz-cases")) as url:
        with case_service({"DALIL_DATABASE_URL": url}) as base:
            yield schemathesis.openapi.from_url(f"{base}/openapi.json")


@pytest.fixture(scope="module")
def console_api(backend_stack: Deployment, tmp_path_factory) -> Iterator:
    with database("sqlite", tmp_path_factory.mktemp("fuzz-console")) as store_url:
        store = Store(store_url, "unused")
        store.migrate()
        store.accounts.add("fuzzer", "a long enough password", "supervisor")
        env = {"DALIL_STORE_URL": store_url, "DALIL_CASE_SERVICE_URL": backend_stack.case_url,
               "DALIL_RASA_URL": "http://127.0.0.1:9"}  # fmt: skip
        with console(env) as base:
            token = httpx.post(f"{base}/api/login", json={
                "username": "fuzzer", "password": "a long enough password"}).json()["token"]
            SIGNED_IN["Authorization"] = f"Bearer {token}"
            yield schemathesis.openapi.from_url(f"{base}/openapi.json")


case_schema = schemathesis.pytest.from_fixture("case_api")
console_schema = schemathesis.pytest.from_fixture("console_api")


@case_schema.parametrize()
@FUZZ
def test_the_case_service_never_fails_with_a_server_error(case) -> None:
    case.call_and_validate(checks=[not_a_server_error])


@console_schema.parametrize()
@FUZZ
def test_the_console_never_fails_with_a_server_error(case) -> None:
    # /api/ask points at a closed port on purpose: it must answer 503, not 500.
    response = case.call_and_validate(headers=SIGNED_IN, checks=[not_a_server_error])
    STATUSES.append(response.status_code)


def test_the_fuzzer_got_past_the_sign_in() -> None:
    assert STATUSES and any(status != 401 for status in STATUSES)
