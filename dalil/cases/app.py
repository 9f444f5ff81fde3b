"""The reference case-status service (FastAPI): the HTTP contract Dalil's actions call.

One endpoint answers "where does my request stand?" for a request number and the
national ID it was filed under. A wrong pair and an unknown number get the same 404, so
the service cannot be used to learn which numbers exist. The ID travels in the body, never
in a URL, so it does not end up in access logs.
"""

from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from dalil import project
from dalil.cases.seed import sample_cases
from dalil.cases.tables import Case
from dalil.store import migrate

MIGRATIONS = Path(__file__).parent / "migrations"
DEFAULT_URL = f"sqlite:///{project.VAR / 'cases.db'}"


class LookupRequest(BaseModel):
    """A request number (digits only) and the national ID or iqama number it belongs to."""

    request_number: str = Field(..., regex=r"^\d{6,12}$", example="48213377")
    national_id: str = Field(..., regex=r"^[12]\d{9}$", example="1000000008")


class CaseStatus(BaseModel):
    """Where a request stands, in the terms the client needs."""

    request_number: str
    service: str = Field(..., description="The catalog id of the requested service.")
    status: Literal["received", "under_review", "needs_documents", "approved", "rejected", "closed"]
    submitted_on: dt.date
    updated_on: dt.date
    expected_completion: dt.date | None
    next_step: str
    missing_documents: list[str]


def database_url() -> str:
    """``DALIL_DATABASE_URL`` (PostgreSQL in production), else a SQLite file under var/."""
    return os.environ.get("DALIL_DATABASE_URL", DEFAULT_URL)


def prepare(url: str) -> Engine:
    """Migrates the database and seeds the sample cases when it holds none."""
    migrate.upgrade(MIGRATIONS, url)
    engine = create_engine(url, future=True, pool_pre_ping=True)
    with Session(engine, future=True) as session, session.begin():
        if not session.scalar(select(func.count(Case.id))):
            session.add_all(sample_cases())
    return engine


@lru_cache(maxsize=1)
def engine() -> Engine:
    """The service's database, prepared on first use."""
    return prepare(database_url())


app = FastAPI(
    title="Dalil reference case-status service",
    version="1.0",
    description=__doc__,
)


@app.get("/health")
def health() -> dict[str, str]:
    """Liveness and database reachability, for the process manager and load balancers."""
    with engine().connect() as connection:
        connection.exec_driver_sql("SELECT 1")
    return {"status": "ok"}


@app.post(
    "/api/v1/cases/lookup",
    response_model=CaseStatus,
    responses={404: {"description": "No case with this number and ID (or either is wrong)."}},
)
def lookup(request: LookupRequest) -> CaseStatus:
    """The status of one case; 404 unless the number and the ID match the same case."""
    query = select(Case).where(
        Case.request_number == request.request_number, Case.national_id == request.national_id
    )
    with Session(engine(), future=True) as session:
        case = session.scalar(query)
    if case is None:
        raise HTTPException(status_code=404, detail="not_found")
    return CaseStatus(
        request_number=case.request_number,
        service=case.service,
        status=case.status,
        submitted_on=case.submitted_on,
        updated_on=case.updated_on,
        expected_completion=case.expected_completion,
        next_step=case.next_step,
        missing_documents=case.missing_documents or [],
    )
