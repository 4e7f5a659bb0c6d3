"""Admin commands (/stats, /gaps, /reload) for ``DOSTYQ_ADMIN_IDS``, and the unknown-command reply.

Everyone else gets exactly what an unknown command gets: in a private chat one line pointing to
/help, in a group nothing. The reports come from :mod:`handlers.insight` (read-only queries).
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol, cast

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from knowledge.engine import Engine
from knowledge.factbase import BaseInfo, FactBaseError, load_configured
from knowledge.models import LANGS
from knowledge.settle import settle

from .context import Ctx
from .i18n import ADMIN_COMMANDS, COMMANDS, ops_ui
from .insight import (
    InsightError,
    LogReader,
    SQLiteReader,
    read_gaps,
    read_stats,
    render_gaps,
    render_stats,
)
from .replies import send_html, ui_lang

log = logging.getLogger("dostyq.admin")

#: Telegram's message limit is 4096 characters; reports are cut below it, at a line.
REPORT_MAX_CHARS = 3800
#: After /reload, the replaced engine is closed this many seconds later (PTB waits for it at stop).
OLD_ENGINE_GRACE_SECONDS = 5.0


def is_admin(update: Update, context: Ctx) -> bool:
    """An admin, in a private chat (reports are not for groups)."""
    user, chat, settings = update.effective_user, update.effective_chat, context.bot_data.settings
    return (
        user is not None
        and chat is not None
        and chat.type == ChatType.PRIVATE
        and settings is not None
        and user.id in settings.admin_ids
    )


async def register_admin_commands(bot: Any, admin_ids: Iterable[int]) -> None:
    """Each admin's own command menu: the ordinary commands and /stats, /gaps, /reload.

    Telegram refuses a chat scope for someone who has not started the bot yet: that is
    logged, and the menu appears after the bot's next start.
    """
    for admin in sorted(admin_ids):
        for lang in (None, *LANGS):
            pairs = COMMANDS[lang or "en"] + ADMIN_COMMANDS[lang or "en"]
            try:
                await bot.set_my_commands(
                    [BotCommand(c, d) for c, d in pairs],
                    scope=BotCommandScopeChat(admin),
                    language_code=lang,
                )
            except TelegramError as e:
                log.warning("admin %s: setMyCommands (%s) failed: %s", admin, lang or "default", e)
                break


async def unknown_command(update: Update, context: Ctx) -> None:
    """A command the bot does not have: in a private chat, point to /help."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or chat.type != ChatType.PRIVATE:
        return
    lang = await ui_lang(update, context)
    await send_html(message, html.escape(ops_ui("unknown_command", lang)), None, quote=False)


def _pre(text: str) -> str:
    if len(text) > REPORT_MAX_CHARS:
        text = text[:REPORT_MAX_CHARS].rsplit("\n", 1)[0] + "\n…"
    return f"<pre>{html.escape(text)}</pre>"


class _ReportStore(Protocol):
    """What a report needs of the store (``bot.store.Store`` has both)."""

    backend: LogReader

    async def flush(self) -> None: ...


def report_reader(db: Path | str, store: object) -> LogReader:
    """SQLite: a read-only connection of the reports' own; PostgreSQL: the store's backend."""
    if str(db).startswith(("postgresql:", "postgres:")):
        return cast(_ReportStore, store).backend
    return SQLiteReader(db)


async def _report(update: Update, context: Ctx, which: str) -> None:
    message = update.effective_message
    assert message is not None
    lang = await ui_lang(update, context)
    engine, store, _ = context.bot_data.services()
    settings = context.bot_data.settings
    assert settings is not None
    flush = getattr(store, "flush", None)
    if flush is not None:
        await flush()  # the questions asked a moment ago are in the report too
    reader = report_reader(settings.db, store)
    try:
        if which == "stats":
            found = await read_stats(reader)
            shown = await engine.facts_by_ids([i for i, _ in found.top_facts])
            titles = {f.id: f.title.get(lang) for f in shown}
            text = render_stats(found, lang, titles.get)
        else:
            text = render_gaps(await read_gaps(reader), lang)
    except InsightError as e:
        text = f"{ops_ui('insight_error', lang)} {e}"
    await send_html(message, _pre(text), None, quote=False)


async def stats(update: Update, context: Ctx) -> None:
    """/stats: questions per day, share answered, languages, chat types, top facts, votes."""
    if not is_admin(update, context):
        await unknown_command(update, context)
        return
    await _report(update, context, "stats")


async def gaps(update: Update, context: Ctx) -> None:
    """/gaps: the most frequent unanswered or low-confidence questions, grouped."""
    if not is_admin(update, context):
        await unknown_command(update, context)
        return
    await _report(update, context, "gaps")


async def _close_later(engine: Engine) -> None:
    await asyncio.sleep(OLD_ENGINE_GRACE_SECONDS)
    await engine.close()


async def reload(update: Update, context: Ctx) -> None:
    """/reload: re-read the fact files; on an error keep the running base and say why."""
    if not is_admin(update, context):
        await unknown_command(update, context)
        return
    message, lang = update.effective_message, await ui_lang(update, context)
    assert message is not None
    data = context.bot_data
    engine, _, base = data.services()
    settings = data.settings
    assert settings is not None
    try:
        new_base = await asyncio.to_thread(load_configured, settings.facts_dir)
    except FactBaseError as e:
        log.warning("reload refused: %s", e)
        head = ops_ui("reload_failed", lang, facts=base.n_facts)
        await send_html(
            message, f"{html.escape(head)}\n<code>{html.escape(str(e))}</code>", None, quote=False
        )
        return
    # The new index is built apart, in memory, so that questions being answered on the running
    # one are not disturbed; the bot then switches over, and the old engine is closed once the
    # questions it may still be answering are done. The file's index follows at the next start.
    data.engine, data.base = await Engine.open(":memory:", new_base), BaseInfo.of(new_base)
    if context.application.running:
        context.application.create_task(_close_later(engine), name="dostyq-close-old-engine")
    else:  # driven update by update (process_update): nothing else is using it
        await engine.close()
    info = data.base
    del new_base  # the facts are in the new index now
    settle()  # as after start-up: the new engine's tables out of full collections
    log.info("fact base reloaded: %d facts", info.n_facts)
    text = ops_ui(
        "reload_ok", lang, facts=info.n_facts, files=len(info.files), hash=info.content_hash[:12]
    )
    await send_html(message, html.escape(text), None, quote=False)
