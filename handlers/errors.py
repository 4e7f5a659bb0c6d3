"""The error handler: log with the traceback; tell the admin chat, without user data."""

from __future__ import annotations

import html
import logging

from telegram.error import TelegramError

from .context import Ctx

log = logging.getLogger("dostyq.errors")


async def on_error(update: object, context: Ctx) -> None:
    """Log the exception; notify the admin chat (if set) with its type only."""
    log.error("an update raised an exception", exc_info=context.error)
    settings = context.bot_data.settings
    if settings is None or settings.admin_chat_id is None or context.error is None:
        return
    kind = type(context.error).__name__
    try:
        await context.bot.send_message(
            settings.admin_chat_id,
            f"⚠️ Dostyq error: <code>{html.escape(kind)}</code>",
            parse_mode="HTML",
        )
    except TelegramError:
        log.warning("could not notify the admin chat")
