"""Dalil's client for the agency's case system: 2-second timeout, one retry, no surprises.

The actions only ever see three outcomes: a :class:`CaseStatus`, ``None`` (no case matches
the pair) or :class:`CaseServiceUnavailable`. Whatever the network does, the conversation
gets one of those.
"""

from __future__ import annotations

import logging

import httpx

from dalil.cases.app import CaseStatus
from dalil.identifiers import mask_national_id

logger = logging.getLogger(__name__)

ATTEMPTS = 2  # the first try and one retry


class CaseServiceUnavailable(RuntimeError):
    """The case system did not answer in time, or answered with an error."""


class CaseClient:
    """Looks cases up in the case system at ``base_url``."""

    def __init__(self, base_url: str, timeout: float = 2.0) -> None:
        """``timeout`` bounds each attempt (connect, read and write)."""
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    async def lookup(self, request_number: str, national_id: str) -> CaseStatus | None:
        """The case for this pair, or None when none matches."""
        body = {"request_number": request_number, "national_id": national_id}
        url = f"{self.base_url}/api/v1/cases/lookup"
        async with httpx.AsyncClient(timeout=self.timeout) as client:
            for attempt in range(1, ATTEMPTS + 1):
                try:
                    response = await client.post(url, json=body)
                except httpx.HTTPError as error:
                    problem = f"{type(error).__name__}"
                else:
                    if response.status_code == 404:
                        return None
                    problem = f"HTTP {response.status_code}"
                    if response.status_code == 200:
                        try:
                            return CaseStatus.parse_obj(response.json())
                        except ValueError:  # not JSON, or not the contract's shape
                            problem = "malformed response"
                logger.warning(
                    "case lookup %s for ID %s failed (attempt %d/%d): %s",
                    request_number, mask_national_id(national_id), attempt, ATTEMPTS, problem,
                )
        raise CaseServiceUnavailable(problem)
