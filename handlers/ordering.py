"""One user's updates are handled in the order they came; different users' run concurrently.

Without it, ``/forget`` sent right after ten questions could run before the handlers of those
questions had logged them, and their rows would outlive the /forget that the user was told
had deleted everything.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

#: Updates waiting for their user's earlier ones, per allowed concurrent update.
QUEUED_PER_SLOT = 64


class UserOrderedProcessor(BaseUpdateProcessor):
    """At most ``max_concurrent`` updates handled at once, one at a time per user.

    A user's lock is taken before a slot, so one user's backlog never holds the slots that
    other users' updates need. PTB's own semaphore bounds the updates queued in all.
    """

    def __init__(
        self, max_concurrent: int, *, on_done: Callable[[object], None] | None = None
    ) -> None:
        """``on_done(update)`` is called once each update's handling has ended, however."""
        super().__init__(max_concurrent * QUEUED_PER_SLOT)
        self.slots = max_concurrent
        self._on_done = on_done
        self._work = asyncio.BoundedSemaphore(max_concurrent)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        try:
            await self._ordered(update, coroutine)
        finally:
            if self._on_done is not None:
                self._on_done(update)

    async def _ordered(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _user_key(update)
        if key is None:
            async with self._work:
                await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock, self._work:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:  # no update of this user left: drop its lock
                del self._waiting[key], self._locks[key]

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


def _user_key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    return update.effective_chat.id if update.effective_chat is not None else None
