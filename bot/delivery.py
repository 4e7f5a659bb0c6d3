"""Delivery guarantees around PTB: sends that survive a flaky Bot API, and updates that are
confirmed to Telegram only once they have been handled.

* :class:`RetryingLimiter` is the bot's rate limiter (PTB's hook around every Bot API call but
  getUpdates). It optionally throttles through a limiter such as bot.ratelimit's,
  honours every 429 ``retry_after`` however often it comes, and retries 5xx answers and network
  errors with exponential backoff for up to :data:`NETWORK_RETRY_BUDGET` seconds.
* :class:`AckGate` wraps the getUpdates request. getUpdates with ``offset=N`` tells Telegram that
  every update below N was received, and Telegram then forgets them. PTB asks for the next batch
  as soon as the last one is queued, so a crash (kill -9, OOM, power) lost every queued update.
  The gate asks with the oldest update still being handled as the offset instead (the update
  processor reports each handled one through :meth:`UpdateTracker.on_done`), passes on only
  the new updates of each answer, and so nothing Telegram was told was received is unanswered,
  while a slow handler holds up no other update. A crash can make Telegram send again the
  updates handled since the oldest unhandled one (at least once, never lost).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import json
import logging
import random
import re
import time
from collections.abc import Callable, Coroutine
from typing import Any, Final, cast
from urllib.parse import urlencode

from telegram import Update
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.request import BaseRequest, RequestData

log = logging.getLogger("dostyq.delivery")

NETWORK_RETRY_BUDGET: Final = 60.0
"""Seconds a send keeps retrying after a 5xx or a network error (a 20 s outage fits)."""
BACKOFF_FIRST, BACKOFF_MAX = 0.5, 8.0
"""Seconds before the first retry, doubling per attempt up to the maximum (plus 0-25% jitter)."""
ACK_WAIT_MAX: Final = 60.0
"""Seconds PTB's confirming getUpdates on stop waits for the handlers at most."""
LOW_WATER: Final = 32
"""Updates in hand below which the next getUpdates is sent (twice the default concurrency)."""
REPOLL_FIRST, REPOLL_MAX = 0.02, 1.0
"""Seconds before asking again when Telegram sent only updates already being handled: the
first wait, doubling to the maximum while that goes on (or until one of them is handled)."""
NOT_RETRIED: Final = frozenset({"getMe"})
"""getMe is retried by the start-up loop itself, which also tells a bad token apart."""

Result = bool | dict[str, Any] | list[dict[str, Any]]


def _seconds(retry_after: int | dtm.timedelta) -> float:
    if isinstance(retry_after, dtm.timedelta):
        return retry_after.total_seconds()
    return float(retry_after)


def backoff(attempt: int) -> float:
    """Seconds to wait before retry number ``attempt`` (1-based)."""
    delay = min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** (attempt - 1))
    return delay * (1 + random.random() / 4)


def is_transient(exc: BaseException) -> bool:
    """A 5xx answer, a non-JSON page or a transport failure: worth sending again."""
    return isinstance(exc, NetworkError) and not isinstance(exc, BadRequest)


class RetryingLimiter(BaseRateLimiter[int]):
    """Retries around every Bot API call; throttles through ``throttle`` if given."""

    def __init__(
        self,
        throttle: BaseRateLimiter[int] | None = None,
        *,
        budget: float = NETWORK_RETRY_BUDGET,
    ) -> None:
        self.throttle = throttle
        self.budget = budget

    async def initialize(self) -> None:
        if self.throttle is not None:
            await self.throttle.initialize()

    async def shutdown(self) -> None:
        if self.throttle is not None:
            await self.throttle.shutdown()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        deadline = time.monotonic() + self.budget
        attempt = 0
        while True:
            try:
                if self.throttle is None:
                    return await callback(*args, **kwargs)
                return await self.throttle.process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except RetryAfter as e:
                # Reached without a throttle, or when it gave up (it retries 429s itself).
                wait = _seconds(e.retry_after) + 0.1
                log.warning("%s: flood control, retrying in %.1f s", endpoint, wait)
                await asyncio.sleep(wait)
            except Exception as e:
                attempt += 1
                if not is_transient(e) or endpoint in NOT_RETRIED:
                    raise
                wait = backoff(attempt)
                if time.monotonic() + wait > deadline:
                    log.error("%s failed after %d attempts: %s", endpoint, attempt, _brief(e))
                    raise
                log.warning(
                    "%s failed (%s); retry %d in %.1f s", endpoint, _brief(e), attempt, wait
                )
                await asyncio.sleep(wait)


def _brief(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


class UpdateTracker:
    """Update ids fetched from Telegram: those still being handled, and those handled since the
    oldest of them (Telegram sends those again, as they are not confirmed yet)."""

    def __init__(self) -> None:
        self.pending: set[int] = set()
        self.handled: set[int] = set()
        self._idle = asyncio.Event()
        self._idle.set()
        self._changed = asyncio.Event()

    def fetched(self, update_ids: list[int]) -> None:
        if update_ids:
            self.pending.update(update_ids)
            self._idle.clear()

    def on_done(self, update: object) -> None:
        """The update processor's hook: ``update`` has been handled (or failed)."""
        if isinstance(update, Update):
            self.done(update.update_id)

    def done(self, update_id: int) -> None:
        if update_id in self.pending:
            self.pending.discard(update_id)
            self.handled.add(update_id)
        if not self.pending:
            self._idle.set()
        self._changed.set()
        self._changed = asyncio.Event()

    def confirmed(self, offset: int) -> None:
        """Telegram answered a getUpdates with ``offset``: it will not send those below again.

        (Only then: a request already on its way may still bring back an update handled since.)
        """
        self.handled = {i for i in self.handled if i >= offset}

    def known(self, update_id: int) -> bool:
        return update_id in self.pending or update_id in self.handled

    def offset(self) -> int | None:
        """The getUpdates offset that confirms only what was handled (None: PTB's own)."""
        return min(self.pending) if self.pending else None

    async def wait_idle(self, timeout: float) -> bool:
        """Whether every fetched update was handled within ``timeout`` seconds."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def wait_change(self, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), timeout)


class _Offset:
    """PTB's getUpdates parameters with another ``offset`` (RequestData is final: this has the
    part of its interface the request backends read for a call without files)."""

    contains_files = False
    multipart_data: dict[str, Any] = {}  # noqa: RUF012 - never written

    def __init__(self, base: RequestData, offset: int) -> None:
        self.json_parameters = {**base.json_parameters, "offset": str(offset)}

    def url_encoded_parameters(self, encode_kwargs: dict[str, Any] | None = None) -> str:
        return urlencode(self.json_parameters, **(encode_kwargs or {}))


class AckGate(BaseRequest):
    """The getUpdates request: it confirms to Telegram only updates that have been handled.

    PTB asks with ``offset`` = the last fetched update + 1, which confirms every update fetched
    so far. While some are still being handled, the gate asks with the oldest of them instead:
    Telegram then sends those again with any new ones, the gate passes on only the new ones,
    and a crash loses nothing (a slow handler holds up nobody else). When only known updates
    came back, it asks again soon (:data:`REPOLL_FIRST`, doubling) or once one is handled.
    PTB's last getUpdates on stop waits (up to ``wait_max``) for the handlers, then confirms all.
    """

    def __init__(
        self,
        inner: BaseRequest,
        tracker: UpdateTracker,
        *,
        wait_max: float = ACK_WAIT_MAX,
        low_water: int = LOW_WATER,
    ) -> None:
        self.inner = inner
        self.tracker = tracker
        self.wait_max = wait_max
        self.low_water = low_water

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        timeouts = (read_timeout, write_timeout, connect_timeout, pool_timeout)
        if not url.endswith("/getUpdates") or request_data is None:
            return await self._send(url, method, request_data, timeouts)
        if request_data.json_parameters.get("timeout") == "0" and not await self.tracker.wait_idle(
            self.wait_max
        ):  # PTB's confirming call on stop
            log.warning(
                "%d update(s) still being handled after %.0f s at stop; not confirmed",
                len(self.tracker.pending),
                self.wait_max,
            )
        delay = REPOLL_FIRST
        while True:
            # Telegram answers with the 100 updates from the oldest unhandled one: while many
            # are in hand, asking again would bring back mostly known ones.
            while len(self.tracker.pending) > self.low_water:
                await self.tracker.wait_change(REPOLL_MAX)
            offset = self.tracker.offset()
            data = (
                request_data if offset is None else cast(RequestData, _Offset(request_data, offset))
            )
            code, payload = await self._send(url, method, data, timeouts)
            if code != 200:
                return code, payload
            sent = (
                offset if offset is not None else _int(request_data.json_parameters.get("offset"))
            )
            if sent is not None:
                self.tracker.confirmed(sent)
            payload = clean_payload(payload)
            try:
                body = json.loads(payload)
                result = body["result"]
            except (ValueError, KeyError, TypeError):
                return code, payload
            if not isinstance(result, list) or offset is None:
                self.tracker.fetched(_ids(result))
                return code, payload
            fresh = [u for u in result if not self.tracker.known(_id(u))]
            if fresh or not result:
                self.tracker.fetched(_ids(fresh))
                return code, json.dumps({**body, "result": fresh}).encode()
            # Only updates already being handled (or handled since): ask again shortly.
            await self.tracker.wait_change(delay)
            delay = min(REPOLL_MAX, delay * 2)

    async def _send(
        self, url: str, method: str, data: RequestData | None, timeouts: tuple[Any, ...]
    ) -> tuple[int, bytes]:
        try:
            return await self.inner.do_request(url, method, data, *timeouts)
        except Exception:
            # PTB cancels the long poll on stop; httpx may then raise ReadError instead of
            # CancelledError, and nobody retrieves it ("Task exception was never retrieved").
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise asyncio.CancelledError from None
            raise


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _id(update: Any) -> int:
    return int(update["update_id"]) if isinstance(update, dict) and "update_id" in update else -1


def _ids(result: Any) -> list[int]:
    if not isinstance(result, list):
        return []
    return [i for i in (_id(u) for u in result) if i >= 0]


_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_strings(value: Any) -> Any:
    """``value`` (parsed JSON) with every lone surrogate replaced by U+FFFD.

    JSON can carry ``"\\ud800"``, which Python decodes to a lone surrogate: a str that cannot
    be encoded, so SQLite, the HTML renderer and the next request all fail on it. Both edges
    where updates come in (getUpdates here, the webhook in bot.webhook) clean them.
    """
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [clean_strings(v) for v in value]
    if isinstance(value, dict):
        return {clean_strings(k): clean_strings(v) for k, v in value.items()}
    return value


def clean_payload(payload: bytes) -> bytes:
    """A getUpdates answer without lone surrogates (unchanged, and fast, when it has none)."""
    if b"\\u" not in payload or not re.search(rb"\\u[dD][89a-fA-F]", payload):
        return payload
    try:
        data = json.loads(payload)
    except ValueError:
        return payload
    return json.dumps(clean_strings(data), ensure_ascii=False).encode()
