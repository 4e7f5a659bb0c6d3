"""What each chat's last answer leaves for its next question, kept in memory for a few minutes.

One context per private chat, and per user within a group, so that one member's "and in
2005?" never continues another member's question. Bounded: the oldest entries go first.
"""

from __future__ import annotations

import time
from collections import OrderedDict

from knowledge.compose import CONTEXT_SECONDS
from knowledge.models import Context

#: At most this many chats' contexts are kept.
MAX_CONTEXTS = 10_000


class Conversations:
    """A bounded map (chat, user) -> the last answer's context, each for CONTEXT_SECONDS."""

    def __init__(self, ttl: float = CONTEXT_SECONDS, limit: int = MAX_CONTEXTS) -> None:
        self.ttl = ttl
        self.limit = limit
        self._items: OrderedDict[tuple[int, int], tuple[float, Context]] = OrderedDict()

    def get(self, chat_id: int, user_id: int, now: float | None = None) -> Context | None:
        now = time.monotonic() if now is None else now
        item = self._items.get((chat_id, user_id))
        if item is None:
            return None
        at, ctx = item
        if now - at > self.ttl:
            del self._items[(chat_id, user_id)]
            return None
        return ctx

    def put(
        self, chat_id: int, user_id: int, ctx: Context | None, now: float | None = None
    ) -> None:
        key = (chat_id, user_id)
        if ctx is None:
            self._items.pop(key, None)
            return
        self._items[key] = (time.monotonic() if now is None else now, ctx)
        self._items.move_to_end(key)
        while len(self._items) > self.limit:
            self._items.popitem(last=False)

    def forget_user(self, user_id: int) -> None:
        for key in [k for k in self._items if k[1] == user_id]:
            del self._items[key]

    def __len__(self) -> int:
        return len(self._items)


#: The process's conversations (handlers run in one process; replicas keep their own, which
#: costs a follow-up that lands on the other replica its context, nothing more).
CONVERSATIONS = Conversations()
