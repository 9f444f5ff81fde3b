"""The agents' console (FastAPI): catalog search, answers as the bot sends them, "ask as a
customer", audited case lookups, the handoff queue and, for supervisors, the CSAT report.

Everything an agent sees comes through the JSON API under /api (documented at /docs); the
page in static/ uses nothing else. Nothing about cases or tickets is reachable without a
session; sessions expire after a shift.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from string import Template
from typing import Any

import httpx
from fastapi import Depends, FastAPI, HTTPException, Request, Response
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from dalil import project
from dalil.cases.client import CaseClient, CaseServiceUnavailable
from dalil.catalog import load_catalog, render
from dalil.catalog.model import ASPECTS
from dalil.catalog.search import CatalogSearch
from dalil.identifiers import InvalidIdentifier, parse_national_id, parse_request_number
from dalil.settings import get_settings
from dalil.store import Store, get_store
from dalil.store.accounts import Agent

STATIC = Path(__file__).parent / "static"
WEBCHAT_STATIC = project.ROOT / "connectors" / "webchat_static"  # the widget's own demo page
COOKIE = "dalil_console"
MAX_TEXT = 2000

app = FastAPI(title="Dalil agents' console", version="1.0", description=__doc__)
app.mount("/static", StaticFiles(directory=STATIC), name="static")


# Authentication -----------------------------------------------------------------------


def _token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.cookies.get(COOKIE)


def current_agent(request: Request, store: Store = Depends(get_store)) -> Agent:
    """The signed-in agent, or 401."""
    token = _token(request)
    agent = store.accounts.agent_for(token) if token else None
    if agent is None:
        raise HTTPException(status_code=401, detail="sign in first")
    return agent


def supervisor(agent: Agent = Depends(current_agent)) -> Agent:
    """The signed-in agent if a supervisor, or 403."""
    if agent.role != "supervisor":
        raise HTTPException(status_code=403, detail="supervisors only")
    return agent


class Credentials(BaseModel):
    """What an agent types to sign in."""

    username: str = Field(..., max_length=64)
    password: str = Field(..., max_length=256)


@app.post("/api/login")
def login(credentials: Credentials, response: Response, store: Store = Depends(get_store)):
    """Signs in; the session cookie is HttpOnly and SameSite=Strict."""
    token = store.accounts.sign_in(credentials.username, credentials.password)
    if token is None:
        raise HTTPException(status_code=401, detail="wrong username or password")
    secure = get_settings().environment != "development"
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=secure,
                        max_age=8 * 3600)  # fmt: skip
    agent = store.accounts.agent_for(token)
    return {"username": agent.username, "role": agent.role, "token": token}


@app.post("/api/logout")
def logout(request: Request, response: Response, store: Store = Depends(get_store)):
    """Ends the session."""
    token = _token(request)
    if token:
        store.accounts.sign_out(token)
    response.delete_cookie(COOKIE)
    return {"signed_out": True}


@app.get("/api/me")
def me(agent: Agent = Depends(current_agent)) -> dict[str, str]:
    """Who is signed in."""
    return {"username": agent.username, "role": agent.role}


# Catalog ------------------------------------------------------------------------------


@app.get("/api/services")
def services(q: str = "", agent: Agent = Depends(current_agent)) -> list[dict[str, Any]]:
    """Services matching ``q`` (normalized, typo-tolerant; names above answer text), or all."""
    catalog = load_catalog()
    if q.strip():
        hits = CatalogSearch(catalog).search(q[:MAX_TEXT])
        return [{"id": h.service.id, "name": h.service.name_ar, "score": round(h.score, 2)}
                for h in hits]  # fmt: skip
    return [{"id": s.id, "name": s.name_ar, "score": None} for s in catalog.services]


@app.get("/api/services/{service_id}")
def service(service_id: str, agent: Agent = Depends(current_agent)) -> dict[str, Any]:
    """Every aspect of a service exactly as the bot sends it."""
    catalog = load_catalog()
    if service_id not in catalog.service_ids():
        raise HTTPException(status_code=404, detail="no such service")
    item = catalog.service(service_id)
    aspects = []
    for aspect in ASPECTS:
        reply = render.service_answer(catalog, item, aspect)
        aspects.append({
            "aspect": aspect,
            "label": catalog.messages.aspect_labels[aspect],
            "text": reply.text,
            "buttons": render.rasa_buttons(reply.buttons),
        })  # fmt: skip
    return {"id": item.id, "name": item.name_ar, "url": str(item.e_service_url),
            "department": item.department, "aspects": aspects}  # fmt: skip


# Ask as a customer ----------------------------------------------------------------------


class Question(BaseModel):
    """A customer's question, typed by an agent."""

    text: str = Field(..., min_length=1, max_length=MAX_TEXT)
    conversation: str | None = Field(None, regex=r"^[A-Za-z0-9_-]{1,64}$")


@app.post("/api/ask")
async def ask(question: Question, agent: Agent = Depends(current_agent)) -> dict[str, Any]:
    """Sends the text through the real assistant; its reply, intent, service and confidence."""
    rasa = get_settings().rasa_url.rstrip("/")
    conversation = question.conversation or uuid.uuid4().hex[:16]
    sender = f"console-{agent.username}-{conversation}"
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            parse = await client.post(f"{rasa}/model/parse", json={"text": question.text})
            replies = await client.post(f"{rasa}/webhooks/rest/webhook",
                                        json={"sender": sender, "message": question.text})
            parse.raise_for_status()
            replies.raise_for_status()
    except httpx.HTTPError as error:
        raise HTTPException(status_code=503, detail="the assistant is not reachable") from error
    parsed = parse.json()
    return {
        "conversation": conversation,
        "replies": replies.json(),
        "intent": parsed["intent"]["name"],
        "confidence": round(parsed["intent"]["confidence"], 3),
        "service": next((e["value"] for e in parsed["entities"] if e["entity"] == "service"),
                        None),
    }  # fmt: skip


# Cases --------------------------------------------------------------------------------


class Lookup(BaseModel):
    """A request number and ID, as the caller reads them out."""

    request_number: str = Field(..., max_length=40)
    national_id: str = Field(..., max_length=40)


@app.post("/api/cases/lookup")
async def lookup(body: Lookup, agent: Agent = Depends(current_agent),
                 store: Store = Depends(get_store)) -> dict[str, Any]:  # fmt: skip
    """Looks a case up for a caller; every lookup goes to the audit log."""
    try:
        number = parse_request_number(body.request_number)
        national_id = parse_national_id(body.national_id)
    except InvalidIdentifier as error:
        raise HTTPException(status_code=422, detail=f"invalid: {error.reason}") from error
    settings = get_settings()
    try:
        case = await CaseClient(settings.case_service_url, settings.case_service_timeout).lookup(
            number, national_id
        )
    except CaseServiceUnavailable as error:
        store.audit_lookup(agent.username, "console", number, national_id, "unavailable")
        raise HTTPException(status_code=503, detail="case service unavailable") from error
    store.audit_lookup(agent.username, "console", number, national_id,
                       "found" if case else "not_found")  # fmt: skip
    if case is None:
        raise HTTPException(status_code=404, detail="no case with this number and ID")
    return {"case": case.dict(), "text": render.case_status(load_catalog(), case).text}


# Handoff queue and reports -------------------------------------------------------------


@app.get("/api/tickets")
def tickets(status: str = "open", agent: Agent = Depends(current_agent),
            store: Store = Depends(get_store)) -> list[dict[str, Any]]:  # fmt: skip
    """Handoff tickets with their transcripts, newest first."""
    if status not in ("open", "closed", "all"):
        raise HTTPException(status_code=422, detail="status is open, closed or all")
    rows = store.tickets(None if status == "all" else status)
    return [{"id": t.id, "number": t.number, "channel": t.channel, "service": t.service,
             "status": t.status, "created_at": t.created_at.isoformat(),
             "transcript": t.transcript} for t in rows]  # fmt: skip


@app.post("/api/tickets/{ticket_id}/close")
def close_ticket(ticket_id: int, agent: Agent = Depends(current_agent),
                 store: Store = Depends(get_store)) -> dict[str, Any]:  # fmt: skip
    """Closes a ticket in the agent's name."""
    ticket = store.close_ticket(ticket_id, agent.username)
    if ticket is None:
        raise HTTPException(status_code=404, detail="no such ticket")
    return {"number": ticket.number, "status": ticket.status}


@app.get("/api/reports/csat")
def csat(agent: Agent = Depends(supervisor), store: Store = Depends(get_store)):
    """CSAT by channel and by service; conversations resolved by the bot vs handed off."""
    report = store.csat_report()
    return {
        "by_channel": {k: {"mean": round(m, 2), "ratings": n}
                       for k, (m, n) in report.by_channel.items()},
        "by_service": {k: {"mean": round(m, 2), "ratings": n}
                       for k, (m, n) in report.by_service.items()},
        "conversations": report.conversations,
        "resolved_by_bot": report.resolved_by_bot,
        "handed_off": report.handed_off,
    }  # fmt: skip


# Pages --------------------------------------------------------------------------------


@app.get("/health")
def health(store: Store = Depends(get_store)) -> dict[str, str]:
    """Liveness, with the store reachable."""
    store.tickets()
    return {"status": "ok"}


@app.get("/", include_in_schema=False)
def index() -> FileResponse:
    """The console page."""
    return FileResponse(STATIC / "index.html")


@app.get("/demo", include_in_schema=False)
def demo() -> HTMLResponse:
    """The web chat's ministry-like demo page, served here with the widget in the corner."""
    rasa = get_settings().rasa_url.rstrip("/")
    page = Template((WEBCHAT_STATIC / "demo.html").read_text(encoding="utf-8"))
    return HTMLResponse(page.safe_substitute(server=rasa))
