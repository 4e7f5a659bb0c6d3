"""Thin Telegram adapters, and the renderer they (and the CLI) share.

``handlers.render`` and ``handlers.i18n`` import nothing from ``telegram``; the handler modules
are imported only by :func:`build_handlers`, so the CLI stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from telegram.ext import BaseHandler


def build_handlers() -> list[BaseHandler[Any, Any, Any]]:
    """Every handler, in the order they must be tried (all in group 0: first match wins).

    Flood control is separate, in group -1 (:func:`flood.flood_handler`): it runs first.
    """
    from telegram.ext import (
        CallbackQueryHandler,
        CommandHandler,
        InlineQueryHandler,
        MessageHandler,
    )
    from telegram.ext import filters as f

    from . import admin, callbacks, commands, inline, messages, timeline_chat

    private, groups = f.ChatType.PRIVATE, f.ChatType.GROUPS
    return [
        # Order matters! Commands come before the text handlers, which would take "/year" as
        # a question. In groups, CommandHandler itself ignores /cmd@other_bot.
        CommandHandler("start", commands.start),
        CommandHandler("help", commands.help_command),
        CommandHandler("ask", commands.ask),
        CommandHandler("year", commands.year),
        CommandHandler("topics", commands.topics),
        CommandHandler("timeline", timeline_chat.timeline),
        CommandHandler("sources", commands.sources),
        CommandHandler("lang", commands.lang_command, filters=private),
        CommandHandler("about", commands.about),
        CommandHandler("forget", commands.forget, filters=private),
        # Admins only (DOSTYQ_ADMIN_IDS); others get the unknown-command reply.
        CommandHandler("stats", admin.stats),
        CommandHandler("gaps", admin.gaps),
        CommandHandler("reload", admin.reload),
        # After every command: any other command, in a private chat, points to /help.
        MessageHandler(private & f.COMMAND, admin.unknown_command),
        CallbackQueryHandler(callbacks.on_button),
        InlineQueryHandler(inline.inline_query),
        # Private chat: any text is a question; edited messages are answered again.
        MessageHandler(private & f.TEXT & ~f.COMMAND, messages.private_text),
        # Groups: only mentions of the bot and replies to it. Other talk matches nothing.
        MessageHandler(groups & f.TEXT & ~f.COMMAND & messages.MENTIONS_BOT, messages.group_text),
        # Private chat: stickers, photos, voice... get a hint.
        MessageHandler(private & ~f.TEXT & ~f.StatusUpdate.ALL, messages.non_text),
    ]


def build_gates() -> list[BaseHandler[Any, Any, Any]]:
    """Handlers for ``group=-1``, tried before :func:`build_handlers`: per-user flood control."""
    from .flood import flood_handler

    return [flood_handler()]
