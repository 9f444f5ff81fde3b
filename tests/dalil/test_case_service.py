"""The reference case service over real HTTP on both databases, and Dalil's client for it."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from dalil.cases.client import CaseClient, CaseServiceUnavailable
from dalil.cases.seed import sample_cases
from dalil.processes import case_service
from tests.conftest import BACKENDS, database

CASES = list(sample_cases())


@pytest.fixture(scope="module", params=BACKENDS)
def service_url(request, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with database(request.param, tmp_path_factory.mktemp("cases")) as url:
        with case_service({"DALIL_DATABASE_URL": url}) as base:
            yield base


def test_the_seed_covers_every_status_and_many_services() -> None:
    assert len(CASES) >= 60
    assert set(Counter(c.status for c in CASES)) == {
        "received", "under_review", "needs_documents", "approved", "rejected", "closed"
    }  # fmt: skip
    assert len({c.service for c in CASES}) >= 20
    assert len({c.request_number for c in CASES}) == len(CASES)


def test_a_matching_pair_returns_the_case(service_url: str) -> None:
    case = next(c for c in CASES if c.status == "needs_documents")
    body = {"request_number": case.request_number, "national_id": case.national_id}
    response = httpx.post(f"{service_url}/api/v1/cases/lookup", json=body)
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "needs_documents" and data["service"] == case.service
    assert data["missing_documents"] and data["expected_completion"]


def test_a_mismatch_and_an_unknown_number_read_the_same(service_url: str) -> None:
    first, second = CASES[0], CASES[1]
    mismatch = {"request_number": first.request_number, "national_id": second.national_id}
    unknown = {"request_number": "999999", "national_id": first.national_id}
    url = f"{service_url}/api/v1/cases/lookup"
    answers = [httpx.post(url, json=body) for body in (mismatch, unknown)]
    assert [a.status_code for a in answers] == [404, 404]
    assert answers[0].json() == answers[1].json()


def test_malformed_requests_are_refused_not_crashed_on(service_url: str) -> None:
    url = f"{service_url}/api/v1/cases/lookup"
    headers = {"content-type": "application/json"}
    assert httpx.post(url, content=b"{not json", headers=headers).status_code == 422
    injection = {"request_number": "12' OR 1=1 --", "national_id": "1"}
    assert httpx.post(url, json=injection).status_code == 422


def test_the_openapi_spec_documents_the_contract(service_url: str) -> None:
    spec = httpx.get(f"{service_url}/openapi.json").json()
    lookup = spec["paths"]["/api/v1/cases/lookup"]["post"]
    assert {"200", "404", "422"} <= set(lookup["responses"])


def test_the_client_reads_a_case_and_a_miss(service_url: str) -> None:
    case = CASES[3]
    client = CaseClient(service_url)
    found = asyncio.run(client.lookup(case.request_number, case.national_id))
    assert found is not None and found.status == case.status
    assert asyncio.run(client.lookup("123456", case.national_id)) is None


class FlakyServer:
    """A loopback HTTP server that answers the first ``failures`` requests badly."""

    def __init__(self, failures: int, delay: float = 0.0, status: int = 503) -> None:
        self.failures, self.delay, self.status, self.requests = failures, delay, status, 0
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            connection, _ = self.sock.accept()
            with connection:
                connection.recv(65536)
                self.requests += 1
                if self.requests <= self.failures:
                    time.sleep(self.delay)
                    status, body = self.status, b"{}"
                else:
                    status, body = 404, b'{"detail": "not_found"}'
                head = f"HTTP/1.1 {status} X\r\ncontent-length: {len(body)}\r\n"
                try:
                    connection.sendall(head.encode() + b"connection: close\r\n\r\n" + body)
                except OSError:
                    pass


def test_one_failure_is_retried_once() -> None:
    server = FlakyServer(failures=1)
    assert asyncio.run(CaseClient(server.url).lookup("123456", "1000000008")) is None
    assert server.requests == 2


def test_a_service_that_keeps_failing_is_reported_unavailable() -> None:
    server = FlakyServer(failures=5, status=500)
    with pytest.raises(CaseServiceUnavailable):
        asyncio.run(CaseClient(server.url).lookup("123456", "1000000008"))
    assert server.requests == 2


def test_a_slow_service_times_out_in_bounded_time() -> None:
    server = FlakyServer(failures=5, delay=3.0)
    started = time.monotonic()
    with pytest.raises(CaseServiceUnavailable):
        asyncio.run(CaseClient(server.url, timeout=0.5).lookup("123456", "1000000008"))
    assert time.monotonic() - started < 2.5


def test_nothing_listening_is_unavailable(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(CaseServiceUnavailable):
        asyncio.run(CaseClient(f"http://127.0.0.1:{port}").lookup("123456", "1000000008"))
