"""Command handlers: /start, /help, /ask, /year, /topics, /sources, /lang, /about, /forget."""

from __future__ import annotations

import html
import re

from telegram import Update
from telegram.constants import ChatType

from knowledge.models import TAGS

from .context import Ctx
from .i18n import ui
from .keyboards import examples_menu, fact_keyboard, lang_menu, topics_menu
from .render import render
from .replies import answer_question, fact_answer, send_html, ui_lang, year_keyboard_for
from .see_also import with_see_also
from .timeline_chat import from_start_parameter, send_timeline

_DEEP_LINK = re.compile(r"^f_([a-z0-9][a-z0-9-]{0,39})$")


async def start(update: Update, context: Ctx) -> None:
    """Greet with examples, or open a deep link: a fact (``f_<id>``) or the timeline."""
    message, lang = update.effective_message, await ui_lang(update, context)
    assert message is not None
    timeline_query = from_start_parameter(context.args[0]) if context.args else None
    if timeline_query is not None:  # t.me/<bot>?start=timeline, from inline mode
        await send_timeline(message, context, timeline_query, lang)
        return
    m = _DEEP_LINK.match(context.args[0]) if context.args else None
    if m:
        engine, _, base = context.bot_data.services()
        facts = await engine.facts_by_ids([m.group(1)])
        if facts:
            answer = fact_answer(facts[0], lang)
            text = await with_see_also(
                render(answer, base.sources), answer, engine, context.bot.username
            )
            await send_html(message, text, fact_keyboard(facts[0], lang), quote=False)
            return
    await send_html(message, ui("start_html", lang), examples_menu(lang), quote=False)


async def help_command(update: Update, context: Ctx) -> None:
    """List the commands and how to ask."""
    message, lang = update.effective_message, await ui_lang(update, context)
    assert message is not None
    text = ui("help_html", lang, bot=html.escape(context.bot.username or "bot"))
    await send_html(message, text, None, quote=message.chat.type != ChatType.PRIVATE)


async def ask(update: Update, context: Ctx) -> None:
    """/ask QUESTION (in groups: /ask@bot QUESTION)."""
    message = update.effective_message
    assert message is not None
    question = " ".join(context.args or [])
    if not question.strip():
        lang = await ui_lang(update, context)
        await send_html(message, html.escape(ui("ask_usage", lang)), None, quote=True)
        return
    await answer_question(update, context, question)


async def year(update: Update, context: Ctx) -> None:
    """/year YYYY: that year's events, with ◀ ▶ to neighbouring years."""
    message, lang = update.effective_message, await ui_lang(update, context)
    assert message is not None
    arg = (context.args or [""])[0]
    if not re.fullmatch(r"\d{4}", arg):
        await send_html(message, html.escape(ui("year_usage", lang)), None, quote=True)
        return
    engine, _, base = context.bot_data.services()
    answer = await engine.year_answer(int(arg), lang)
    markup = year_keyboard_for(engine.years, int(arg), len(answer.hits), 0, lang)
    await send_html(
        message, render(answer, base.sources), markup, quote=message.chat.type != ChatType.PRIVATE
    )


async def topics(update: Update, context: Ctx) -> None:
    """Topic buttons; each lists its facts."""
    message, lang = update.effective_message, await ui_lang(update, context)
    assert message is not None
    engine, _, _ = context.bot_data.services()
    used = [t for t in TAGS if t in engine.index.tags]
    await send_html(message, html.escape(ui("topics", lang)), topics_menu(used, lang), quote=False)


async def sources(update: Update, context: Ctx) -> None:
    """The article, how answers are sourced, and that the bibliography is missing."""
    message, lang = update.effective_message, await ui_lang(update, context)
    assert message is not None
    _, _, base = context.bot_data.services()
    art = base.sources.article
    refs = ", ".join(
        f"[{r.number}]" + (f" {', '.join(r.pages)}" if r.pages else "")
        for r in base.sources.references
    )
    text = "\n\n".join(
        [
            html.escape(ui("sources_intro", lang)),
            "\n".join(f"• <b>{html.escape(art.title.get(x))}</b>" for x in ("kk", "ru", "en")),
            html.escape(ui("sources_how", lang)),
            f"<i>{html.escape(ui('refs', lang))}:</i> {html.escape(refs)}",
            html.escape(art.note.get(lang)),
        ]
    )
    await send_html(message, text, None, quote=message.chat.type != ChatType.PRIVATE)


async def lang_command(update: Update, context: Ctx) -> None:
    """kk / ru / en buttons; the choice is stored."""
    message, lang = update.effective_message, await ui_lang(update, context)
    assert message is not None
    await send_html(message, html.escape(ui("lang_prompt", lang)), lang_menu(), quote=False)


async def about(update: Update, context: Ctx) -> None:
    """What Dostyq is."""
    message, lang = update.effective_message, await ui_lang(update, context)
    assert message is not None
    await send_html(message, ui("about_html", lang), None, quote=False)


async def forget(update: Update, context: Ctx) -> None:
    """Delete everything stored about the user, and confirm."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    lang = await ui_lang(update, context)
    _, store, _ = context.bot_data.services()
    n = await store.forget(user.id)  # committed, or None: then nothing was deleted
    if n is None:
        await send_html(message, html.escape(ui("forget_failed", lang)), None, quote=False)
        return
    context.bot_data.memory.forget_user(user.id)  # questions and conversations
    await send_html(message, html.escape(ui("forgot", lang, n=n)), None, quote=False)
