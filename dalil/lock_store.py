"""Rasa's Redis lock store, with its read-modify-write steps made atomic across replicas.

Rasa 3.6's RedisLockStore issues a ticket by reading the conversation's lock, adding a
ticket and writing it back; two replicas doing that at once can both get the same ticket
and process one sender's messages together, and a tracker save then loses an event
(tests/scale shows it with a burst of eight messages). Here every such step runs under a
short Redis mutex (redis-py's Lock: SET NX with expiry, released by a Lua script), so
tickets are handed out one at a time whichever replica asks.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

MUTEX_SECONDS = 5  # the steps guarded take milliseconds; a crashed holder frees it soon


class AtomicRedisLockStore(RedisLockStore):
    """A RedisLockStore whose ticket issuing and release are atomic across processes."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        """Built by Rasa from endpoints.yml (``type: dalil.lock_store.AtomicRedisLockStore``)
        with the same keys as Rasa's ``type: redis``; or directly with keyword arguments."""
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    @contextmanager
    def _mutex(self, conversation_id: str) -> Iterator[None]:
        with self.red.lock(
            f"{self.key_prefix}{conversation_id}:mutex",
            timeout=MUTEX_SECONDS,
            blocking_timeout=MUTEX_SECONDS,
        ):
            yield

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Issues the next ticket; no other replica can read or write the lock meanwhile."""
        with self._mutex(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Releases a ticket (and the lock when nobody waits) in one step."""
        with self._mutex(conversation_id):
            super().cleanup(conversation_id, ticket_number)
