"""The error handler: log with the traceback; tell the admins, without user data."""

from __future__ import annotations

import html
import logging
import time

from telegram.error import TelegramError

from .context import Ctx

log = logging.getLogger("dostyq.errors")

#: One notice per kind of error this often at most: a failure on every update (a broken disk,
#: Telegram refusing a call) must not flood the admins, nor spend the bot's 30 messages a second.
NOTICE_EVERY_SECONDS = 300.0


class Notices:
    """When each kind of error was last told, and how many were not told since."""

    def __init__(self) -> None:
        self.last: dict[str, float] = {}
        self.held: dict[str, int] = {}

    def due(self, kind: str, now: float) -> int | None:
        """None: hold this one back; else the number held back since the last notice."""
        last = self.last.get(kind)
        if last is not None and now - last < NOTICE_EVERY_SECONDS:
            self.held[kind] = self.held.get(kind, 0) + 1
            return None
        self.last[kind] = now
        return self.held.pop(kind, 0)


_notices: dict[int, Notices] = {}  # per Application (by id), so that tests' apps stay apart


async def on_error(update: object, context: Ctx) -> None:
    """Log the exception; notify DOSTYQ_ADMIN_IDS and the admin chat with its type only.

    PTB calls this for an exception in any handler and then goes on with the next update, so
    no exception stops the bot; a failed notice is logged and dropped. The same kind of error
    is told at most once per :data:`NOTICE_EVERY_SECONDS`; the next notice counts the others.
    """
    log.error("an update raised an exception", exc_info=context.error)
    settings = context.bot_data.settings
    if settings is None or context.error is None:
        return
    chats = sorted(settings.admin_ids)
    if settings.admin_chat_id is not None and settings.admin_chat_id not in chats:
        chats.append(settings.admin_chat_id)
    kind = type(context.error).__name__
    held = _notices.setdefault(id(context.application), Notices()).due(kind, time.monotonic())
    if held is None or not chats:
        return
    text = f"⚠️ Dostyq error: <code>{html.escape(kind)}</code>"
    if held:
        text += f" (+{held} more since the last notice)"
    for chat_id in chats:
        try:
            await context.bot.send_message(chat_id, text, parse_mode="HTML")
        except TelegramError:
            log.warning("could not notify admin chat %s", chat_id)
