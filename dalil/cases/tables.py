"""The case table of the reference service: one row per client request.

SQLAlchemy 1.4 with its 2.0-style API, as in Dalil's store; SQLite by default,
PostgreSQL by URL.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Date, Integer, String, Text
from sqlalchemy.orm import declarative_base

Base = declarative_base()

STATUSES = ("received", "under_review", "needs_documents", "approved", "rejected", "closed")


class Case(Base):
    """A client's request as the agency's case system tracks it."""

    __tablename__ = "cases"

    id = Column(Integer, primary_key=True)
    request_number = Column(String(12), nullable=False, unique=True)
    national_id = Column(String(10), nullable=False, index=True)
    service = Column(String(64), nullable=False)  # a catalog service id
    status = Column(String(24), nullable=False)
    submitted_on = Column(Date, nullable=False)
    updated_on = Column(Date, nullable=False)
    expected_completion = Column(Date)
    next_step = Column(Text, nullable=False)
    missing_documents = Column(JSON, nullable=False, default=list)
