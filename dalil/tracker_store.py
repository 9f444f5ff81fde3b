"""Tracker stores that never keep a full national ID in what the client typed.

A client types «هويتي 1000000008» and the form needs the number during that turn; the
stored conversation does not. Before a tracker is saved, every user message's text (and
the text and entity values in its parse data) has ID-like numbers masked to their last four
digits. The `national_id` slot's history is masked too; only a value still in use (a
lookup in progress across turns) is kept until the form clears it.
"""

from __future__ import annotations

from typing import Any

from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from dalil.identifiers import mask_ids_in_text

ID_SLOT = "national_id"


def mask_user_messages(tracker: DialogueStateTracker) -> None:
    """Masks national IDs in the tracker's user events and past ID slot values, in place."""
    id_slots = [e for e in tracker.events if isinstance(e, SlotSet) and e.key == ID_SLOT]
    in_use = id_slots[-1] if id_slots and tracker.get_slot(ID_SLOT) is not None else None
    for event in id_slots:
        if event is not in_use and event.value:
            event.value = mask_ids_in_text(str(event.value))
    for event in tracker.events:
        if not isinstance(event, UserUttered) or not event.text:
            continue
        masked = mask_ids_in_text(event.text)
        if masked == event.text:
            continue
        event.text = masked
        event.parse_data["text"] = masked
        for entity in event.parse_data.get("entities", []):
            if entity.get("entity") == "national_id":
                entity["value"] = mask_ids_in_text(str(entity.get("value", "")))


class MaskingInMemoryTrackerStore(InMemoryTrackerStore):
    """Rasa's in-memory store (one machine), without full national IDs."""

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Masks, then stores."""
        mask_user_messages(tracker)
        await super().save(tracker)


class MaskingSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL store (PostgreSQL in production), without full national IDs, and with
    pooled connections checked before use: after a database restart Rasa's own engine
    hands out dead connections, the tracker cannot be read and the conversation restarts."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Rasa's store, then the same engine with ``pool_pre_ping``."""
        super().__init__(*args, **kwargs)
        self.engine = create_engine(self.engine.url, pool_pre_ping=True)
        self.sessionmaker = sessionmaker(bind=self.engine)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Masks, then stores."""
        mask_user_messages(tracker)
        await super().save(tracker)
