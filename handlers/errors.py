"""The error handler: log with the traceback; tell the admins, without user data."""

from __future__ import annotations

import html
import logging

from telegram.error import TelegramError

from .context import Ctx

log = logging.getLogger("dostyq.errors")


async def on_error(update: object, context: Ctx) -> None:
    """Log the exception; notify DOSTYQ_ADMIN_IDS and the admin chat with its type only.

    PTB calls this for an exception in any handler and then goes on with the next update, so
    no exception stops the bot; a failed notice is logged and dropped.
    """
    log.error("an update raised an exception", exc_info=context.error)
    settings = context.bot_data.settings
    if settings is None or context.error is None:
        return
    chats = sorted(settings.admin_ids)
    if settings.admin_chat_id is not None and settings.admin_chat_id not in chats:
        chats.append(settings.admin_chat_id)
    kind = type(context.error).__name__
    for chat_id in chats:
        try:
            await context.bot.send_message(
                chat_id,
                f"⚠️ Dostyq error: <code>{html.escape(kind)}</code>",
                parse_mode="HTML",
            )
        except TelegramError:
            log.warning("could not notify admin chat %s", chat_id)
