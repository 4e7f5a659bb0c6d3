"""Webhook mode: a small aiohttp server in front of the PTB Application.

PTB's own webhook server (tornado) answers 200 as soon as an update is queued, answers invalid
JSON with a 500 (which Telegram retries), processes a re-delivered update again, and has no
health endpoint. This one:

* ``POST <path>``: the ``X-Telegram-Bot-Api-Secret-Token`` header must equal the secret, compared
  in constant time; otherwise 403 and the body is not even read. A body that is not a JSON
  update gets 400. An ``update_id`` seen before gets 200 and is not processed again. Otherwise the
  update is handled first and answered 200 after: Telegram re-sends an update it got no answer
  for, so a crash in the middle loses nothing. With replicas on PostgreSQL, the shared store's
  ``first_delivery`` also decides which replica answers a re-sent update (recorded before it is
  handled: a replica killed mid-update then loses that one answer rather than send it twice).
* ``GET /healthz``: 200 ``{"ok": true, ...}`` while the bot runs (for Docker and load balancers).
"""

from __future__ import annotations

import hmac
import json
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, Final
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from .delivery import clean_strings

log = logging.getLogger("dostyq.webhook")

SECRET_HEADER: Final = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH: Final = "/healthz"
DEFAULT_PATH: Final = "/telegram"
SEEN_MAX: Final = 100_000
"""update_ids remembered for deduplication (Telegram re-sends for at most a day)."""
MAX_BODY: Final = 1024 * 1024
"""Bytes an update may take; Telegram's are a few KB."""


def webhook_path(url: str) -> str:
    """The local path: the path of ``DOSTYQ_WEBHOOK_URL``, or ``/telegram`` if it has none."""
    path = urlsplit(url).path.rstrip("/")
    return path or DEFAULT_PATH


class SeenIds:
    """A bounded set of recent update ids (oldest forgotten first)."""

    def __init__(self, size: int = SEEN_MAX) -> None:
        self.size = size
        self._ids: OrderedDict[int, None] = OrderedDict()

    def add(self, update_id: int) -> bool:
        """Record ``update_id``; False if it was already there."""
        if update_id in self._ids:
            return False
        self._ids[update_id] = None
        if len(self._ids) > self.size:
            self._ids.popitem(last=False)
        return True


class WebhookServer:
    def __init__(
        self,
        app: Application[Any, Any, Any, Any, Any, Any],
        *,
        secret: str,
        path: str,
        first_delivery: Callable[[int], Awaitable[bool]] | None = None,
    ) -> None:
        """``first_delivery``: the shared store's check, for replicas behind one URL."""
        self.app = app
        self.first_delivery = first_delivery
        self.secret = secret.encode()
        self.path = path
        self.seen = SeenIds()
        self.rejected = 0
        self._runner: web.AppRunner | None = None

    async def start(self, listen: str, port: int) -> None:
        web_app = web.Application(client_max_size=MAX_BODY)
        web_app.router.add_post(self.path, self._on_update)
        web_app.router.add_get(HEALTH_PATH, self._on_health)
        self._runner = web.AppRunner(web_app, access_log=None, shutdown_timeout=5.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, listen, port).start()
        log.info("webhook: listening on %s:%d%s (health: %s)", listen, port, self.path, HEALTH_PATH)

    @property
    def port(self) -> int:
        assert self._runner is not None
        return int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _on_health(self, request: web.Request) -> web.Response:
        ok = self.app.running
        body = {"ok": ok, "mode": "webhook", "bot": self.app.bot.username if ok else None}
        return web.json_response(body, status=200 if ok else 503)

    async def _on_update(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.secret):
            self.rejected += 1
            if self.rejected in (1, 10, 100) or self.rejected % 1000 == 0:
                log.warning("webhook: %d request(s) with a wrong secret rejected", self.rejected)
            return web.json_response({"ok": False, "description": "Forbidden"}, status=403)
        try:
            data = clean_strings(json.loads(await request.read()))
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("not an update")
            update = Update.de_json(data, self.app.bot)
        except (ValueError, TypeError, KeyError) as e:
            log.warning("webhook: a request that is not an update (%s)", type(e).__name__)
            return web.json_response({"ok": False, "description": "Bad Request"}, status=400)
        if not self.seen.add(update.update_id) or (
            self.first_delivery is not None and not await self.first_delivery(update.update_id)
        ):
            log.info("webhook: update %d delivered again; not processed twice", update.update_id)
            return web.json_response({"ok": True, "duplicate": True})
        processor = self.app.update_processor
        await processor.process_update(update, self.app.process_update(update))
        return web.json_response({"ok": True})
