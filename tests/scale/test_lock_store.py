"""The atomic Redis lock store on the real Redis: two "replicas" never share a ticket."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from dalil.lock_store import AtomicRedisLockStore


def test_tickets_issued_at_once_by_two_stores_are_all_different() -> None:
    stores = [AtomicRedisLockStore(host="127.0.0.1", port=6379, db=0, key_prefix="dalilt")
              for _ in range(2)]  # fmt: skip
    conversation = f"race-{uuid.uuid4().hex}"
    with ThreadPoolExecutor(max_workers=16) as pool:
        tickets = list(pool.map(lambda i: stores[i % 2].issue_ticket(conversation), range(40)))
    assert sorted(tickets) == list(range(40))  # none issued twice, none skipped
    for ticket in tickets:
        stores[ticket % 2].cleanup(conversation, ticket)
    assert stores[0].get_lock(conversation) is None  # released: nothing left in Redis


def test_built_from_endpoints_yml_like_rasas_redis_store() -> None:
    from rasa.core.lock_store import LockStore
    from rasa.utils.endpoints import EndpointConfig

    config = EndpointConfig(url="127.0.0.1", type="dalil.lock_store.AtomicRedisLockStore",
                            port=6379, db=0, key_prefix="dalilt")  # fmt: skip
    store = LockStore.create(config)
    assert isinstance(store, AtomicRedisLockStore)
    assert store.red.ping()
