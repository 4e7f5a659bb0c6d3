"""A PTB rate limiter that holds Telegram's flood limits as sliding windows, and honours 429s.

PTB's ``AIORateLimiter`` is a leaky bucket per limit (aiolimiter): it lets 30 calls through at
once and then 30 a second, so a sliding second can see up to 60, and a group up to 40 messages
in a sliding minute; it has no per-chat limit at all, so two answers to one user within a second
are sent together. Telegram answers a call over its limits with 429 and ``retry_after``, and
AIORateLimiter then holds *every* request for that long. Measured against the fake Bot API's
strict limits (``benchmarks/ratelimit.py``, figures in ``benchmarks/RESULTS.md``).

This limiter keeps, per limit, the last calls it let through (with the time each was answered),
and lets a call go only when every window it counts in has room:

- the bot: :data:`OVERALL` calls a second (every call with a ``chat_id``, as PTB counts);
- its chat: :data:`PER_CHAT` a second, for calls that send a message (:func:`counts_in_chat`);
- a group or channel (negative or ``@name`` chat id): :data:`PER_GROUP` messages a minute.

Each window is waited for under its own lock, in arrival order, so a full group or a chatty
user delays only its own chat, and the call enters all its windows at one instant, after the
last wait.
A 429 still gets through (another process on the same token, Telegram's own judgement): like
PTB's, it pauses every request for ``retry_after`` + 0.1 s and retries, ``max_retries`` times.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram._utils.types import JSONDict
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

#: (calls, seconds) per window.
OVERALL = (30, 1.0)
PER_CHAT = (1, 1.0)
PER_GROUP = (20, 60.0)
#: Added to each window's period, for clocks: Telegram's and ours need not tick alike.
MARGIN_SECONDS = 0.05
#: An entry of a call still in flight; a full window whose oldest call is in flight is polled.
INFLIGHT = float("inf")
IN_FLIGHT_POLL_SECONDS = 0.01
#: Idle chat windows are dropped once there are more than this many.
MAX_WINDOWS = 2048


def counts_in_chat(endpoint: str) -> bool:
    """Whether a call puts a message in the chat: send* (not sendChatAction), copy, forward.

    Telegram's per-chat and per-group limits are on messages; edits, reactions and chat
    actions count only in the bot's overall window.
    """
    if endpoint == "sendChatAction":
        return False
    return endpoint.startswith(("send", "copyMessage", "forwardMessage"))


def _seconds(exc: RetryAfter) -> float:
    """``retry_after`` in seconds (PTB keeps it as a timedelta; its public form may be an int)."""
    value = getattr(exc, "_retry_after", None)
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value) if isinstance(value, int | float) else 1.0


class Window:
    """The last ``count`` calls let through, with a lock to wait in turn.

    Each call is an entry that holds ``inf`` while the call is in flight and then the time its
    answer came back. Telegram counts a call when it arrives, which is some time between the
    two; waiting until ``period`` after the *answer* of the call ``count`` back makes sure the
    new call arrives more than ``period`` after it, however long requests take under load.
    """

    __slots__ = ("count", "entries", "lock", "period")

    def __init__(self, count: int, period: float) -> None:
        self.count, self.period = count, period + MARGIN_SECONDS
        self.entries: deque[list[float]] = deque(maxlen=count)
        self.lock = asyncio.Lock()

    def delay(self, now: float) -> float:
        """Seconds until one more call fits (0: now)."""
        if len(self.entries) < self.count:
            return 0.0
        oldest = self.entries[0][0]
        if oldest == INFLIGHT:
            return IN_FLIGHT_POLL_SECONDS
        return max(0.0, oldest + self.period - now)

    async def room(self) -> None:
        while (wait := self.delay(time.monotonic())) > 0:
            await asyncio.sleep(wait)

    def idle(self, now: float) -> bool:
        last = self.entries[-1][0] if self.entries else None
        return not self.lock.locked() and (last is None or last + self.period < now)


class TelegramRateLimiter(BaseRateLimiter[int]):
    """Sliding windows for the bot, each chat and each group; 429s paused on and retried."""

    def __init__(
        self,
        *,
        overall: tuple[int, float] = OVERALL,
        per_chat: tuple[int, float] = PER_CHAT,
        per_group: tuple[int, float] = PER_GROUP,
        max_retries: int = 3,
    ) -> None:
        self._overall = Window(*overall)
        self._per_chat, self._per_group = per_chat, per_group
        self._chats: dict[object, Window] = {}
        self._groups: dict[object, Window] = {}
        self._max_retries = max_retries
        self._paused_until = 0.0  # monotonic time until which a 429 holds every request
        self.retries = 0  # 429s waited out (for tests and the benchmark)

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    def _window(self, table: dict[object, Window], key: object, limit: tuple[int, float]) -> Window:
        window = table.get(key)
        if window is None:
            if len(table) >= MAX_WINDOWS:
                now = time.monotonic()
                for k in [k for k, w in table.items() if w.idle(now)]:
                    del table[k]
            window = table[key] = Window(*limit)
        return window

    async def _acquire(self, windows: list[Window]) -> list[float]:
        """Wait for room in every window; the call's entry, to be stamped when it is answered."""
        entry = [INFLIGHT]
        async with contextlib.AsyncExitStack() as stack:
            for window in windows:
                await stack.enter_async_context(window.lock)
                await window.room()
            # Every window has room, and only this task can fill the ones it holds.
            for window in windows:
                window.entries.append(entry)
        return entry

    def _windows(self, endpoint: str, data: dict[str, Any]) -> list[Window]:
        chat_id = data.get("chat_id")
        if chat_id is None:
            return []
        with contextlib.suppress(ValueError, TypeError):
            chat_id = int(chat_id)
        windows = []
        if counts_in_chat(endpoint):
            windows.append(self._window(self._chats, chat_id, self._per_chat))
            if isinstance(chat_id, str) or (isinstance(chat_id, int) and chat_id < 0):
                windows.append(self._window(self._groups, chat_id, self._per_group))
        windows.append(self._overall)  # last: the shortest wait, and the only shared lock
        return windows

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        max_retries = self._max_retries if rate_limit_args is None else rate_limit_args
        windows = self._windows(endpoint, data)
        for attempt in range(max_retries + 1):
            while (pause := self._paused_until - time.monotonic()) > 0:
                await asyncio.sleep(pause)
            entry = await self._acquire(windows)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt == max_retries:
                    log.warning("429 from Telegram after %d retries: giving up", max_retries)
                    raise
                pause = _seconds(exc) + 0.1
                log.info("429 from Telegram: every request waits %.1f s", pause)
                self.retries += 1
                self._paused_until = max(self._paused_until, time.monotonic() + pause)
            finally:
                entry[0] = time.monotonic()
        raise AssertionError("unreachable")  # pragma: no cover
