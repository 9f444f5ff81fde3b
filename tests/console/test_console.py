"""The agents' console over real HTTP: sign-in, roles, search, answers, cases, tickets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import text

from dalil.cases.seed import sample_cases
from dalil.catalog import load_catalog, render
from dalil.processes import console
from dalil.store import Store
from tests.conftest import Deployment

PASSWORD = "correct horse battery"
CASE = next(c for c in sample_cases() if c.status == "under_review")


@pytest.fixture(scope="module")
def store(backend_stack: Deployment) -> Store:
    store = Store(backend_stack.store_url, "unused")
    store.migrate()
    store.accounts.add("sara", PASSWORD, "agent")
    store.accounts.add("majed", PASSWORD, "supervisor")
    return store


@pytest.fixture(scope="module")
def console_url(backend_stack: Deployment, rasa_url: str, store: Store) -> Iterator[str]:
    env = {
        "DALIL_STORE_URL": backend_stack.store_url,
        "DALIL_CASE_SERVICE_URL": backend_stack.case_url,
        "DALIL_RASA_URL": rasa_url,
    }
    with console(env) as url:
        yield url


def signed_in(console_url: str, username: str = "sara") -> httpx.Client:
    client = httpx.Client(base_url=console_url, timeout=30)
    response = client.post("/api/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200
    return client


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/services"),
        ("GET", "/api/tickets"),
        ("POST", "/api/cases/lookup"),
        ("POST", "/api/ask"),
        ("GET", "/api/reports/csat"),
    ],
)
def test_nothing_is_reachable_anonymously(console_url: str, method: str, path: str) -> None:
    assert httpx.request(method, f"{console_url}{path}", json={}).status_code == 401


def test_a_wrong_password_is_refused(console_url: str) -> None:
    response = httpx.post(f"{console_url}/api/login", json={"username": "sara", "password": "x"})
    assert response.status_code == 401


def test_passwords_are_stored_hashed(store: Store) -> None:
    with store.engine.connect() as connection:
        hashes = connection.execute(text("SELECT password_hash FROM agent_accounts")).scalars()
        assert all(h.startswith("scrypt$") and PASSWORD not in h for h in hashes)


def test_an_expired_session_is_refused(console_url: str, store: Store) -> None:
    client = signed_in(console_url)
    assert client.get("/api/me").json() == {"username": "sara", "role": "agent"}
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE console_sessions SET expires_at = :t"), {"t": past})
    assert client.get("/api/me").status_code == 401


@pytest.mark.parametrize("query", ["نقل الكفاله", "نقل الكفلة", "نقل كفاله عامل"])
def test_search_is_normalized_and_typo_tolerant(console_url: str, query: str) -> None:
    hits = signed_in(console_url).get("/api/services", params={"q": query}).json()
    assert hits[0]["id"] == "worker_transfer"


def test_a_service_shows_every_aspect_as_the_bot_sends_it(console_url: str) -> None:
    data = signed_in(console_url).get("/api/services/labor_complaint").json()
    catalog = load_catalog()
    service = catalog.service("labor_complaint")
    assert [a["aspect"] for a in data["aspects"]] == [
        "overview", "requirements", "steps", "fees", "duration", "channels"
    ]  # fmt: skip
    for aspect in data["aspects"]:
        assert aspect["text"] == render.service_answer(catalog, service, aspect["aspect"]).text


def test_ask_as_a_customer_shows_reply_intent_and_service(console_url: str) -> None:
    data = signed_in(console_url).post("/api/ask", json={"text": "كم رسوم نقل الكفالة؟"}).json()
    catalog = load_catalog()
    expected = render.service_answer(catalog, catalog.service("worker_transfer"), "fees").text
    assert data["replies"][0]["text"] == expected
    assert (data["intent"], data["service"]) == ("ask_fees", "worker_transfer")
    assert 0 < data["confidence"] <= 1


def test_a_case_lookup_is_answered_and_audited(console_url: str, store: Store) -> None:
    client = signed_in(console_url)
    body = {"request_number": CASE.request_number, "national_id": CASE.national_id}
    data = client.post("/api/cases/lookup", json=body).json()
    assert data["case"]["status"] == "under_review"
    entry = store.audit_entries(limit=1)[0]
    assert (entry.actor, entry.channel, entry.outcome) == ("sara", "console", "found")
    assert entry.national_id_masked == "••••••" + CASE.national_id[-4:]
    bad = {"request_number": CASE.request_number, "national_id": "1234567890"}
    assert client.post("/api/cases/lookup", json=bad).status_code == 422
    wrong = {"request_number": "11112222", "national_id": CASE.national_id}
    assert client.post("/api/cases/lookup", json=wrong).status_code == 404


def test_the_handoff_queue_shows_transcripts_and_closes_tickets(console_url: str, store: Store):
    store.create_ticket("webchat", "visitor-1", "visa_refund",
                        [{"speaker": "user", "text": "ابي اكلم موظف"}])  # fmt: skip
    client = signed_in(console_url)
    ticket = next(t for t in client.get("/api/tickets").json() if t["channel"] == "webchat")
    assert ticket["transcript"][0]["text"] == "ابي اكلم موظف"
    closed = client.post(f"/api/tickets/{ticket['id']}/close").json()
    assert closed["status"] == "closed"
    assert ticket["id"] not in [t["id"] for t in client.get("/api/tickets").json()]


def test_only_supervisors_see_the_csat_report(console_url: str) -> None:
    assert signed_in(console_url, "sara").get("/api/reports/csat").status_code == 403
    report = signed_in(console_url, "majed").get("/api/reports/csat").json()
    assert {"by_channel", "by_service", "resolved_by_bot", "handed_off"} <= set(report)


def test_the_page_and_the_api_spec_are_served(console_url: str) -> None:
    page = httpx.get(console_url).text
    assert 'dir="rtl"' in page and "/static/console.js" in page
    spec = httpx.get(f"{console_url}/openapi.json").json()
    assert "/api/cases/lookup" in spec["paths"] and "/api/ask" in spec["paths"]


def test_the_demo_page_embeds_the_widget_with_one_script_tag(console_url: str) -> None:
    page = httpx.get(f"{console_url}/demo").text
    assert page.count("<script") == 1 and "/webhooks/webchat/static/widget.js" in page
    assert 'dir="rtl"' in page
