"""Button presses. Every callback is parsed strictly; anything else gets a polite answer."""

from __future__ import annotations

import contextlib
import html

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from knowledge.models import Lang

from .callback_data import Callback, parse
from .context import Ctx
from .i18n import EXAMPLES, TAG_NAMES, ui
from .keyboards import fact_keyboard, topic_keyboard
from .render import render, render_list, render_quote
from .replies import (
    answer_question,
    fact_answer,
    recall_question,
    send_html,
    ui_lang,
    year_keyboard_for,
)
from .see_also import with_see_also


async def on_button(update: Update, context: Ctx) -> None:
    """Dispatch a button press by its (versioned) callback_data."""
    query = update.callback_query
    assert query is not None
    cb = parse(query.data)
    message = query.message if isinstance(query.message, Message) else None
    if cb is None or message is None:
        await query.answer(ui("stale", await ui_lang(update, context)))
        return
    if cb.action == "vote":
        await _vote(update, context, cb, message)
    elif cb.action == "ex":
        await query.answer()
        await answer_question(update, context, EXAMPLES[cb.lang or "en"][cb.example])
    elif cb.action == "setlang":
        await _setlang(update, context, cb, message)
    else:
        await _show(update, context, cb, message)


async def _show(update: Update, context: Ctx, cb: Callback, message: Message) -> None:
    query = update.callback_query
    assert query is not None
    engine, _, base = context.bot_data.services()
    lang: Lang = cb.lang or "en"
    if cb.action in ("src", "tr"):
        facts = await engine.facts_by_ids([cb.fact_id or ""])
        if not facts:
            await query.answer(ui("not_found", lang))
            return
        await query.answer()
        if cb.action == "src":
            await send_html(message, render_quote(facts[0], base.sources, lang), None, quote=True)
        else:
            answer = fact_answer(facts[0], lang)
            text = await with_see_also(
                render(answer, base.sources), answer, engine, context.bot.username
            )
            await _edit(message, text, fact_keyboard(facts[0], lang))
        return
    await query.answer()
    if cb.action in ("year", "more") and cb.year is not None:
        answer = await engine.year_answer(cb.year, lang)
        text = render(answer, base.sources, page=cb.page)
        markup = year_keyboard_for(engine.years, cb.year, len(answer.hits), cb.page, lang)
        if cb.action == "more":
            await send_html(message, text, markup, quote=False)
        else:
            await _edit(message, text, markup)
    elif cb.action == "topic" and cb.tag:
        facts = await engine.facts_by_ids(await engine.index.ids_with_tag(cb.tag))
        text = render_list(TAG_NAMES[cb.tag][lang], facts, lang, base.sources, page=cb.page)
        await _edit(message, text, topic_keyboard(cb.tag, len(facts), cb.page, lang))


async def _vote(update: Update, context: Ctx, cb: Callback, message: Message) -> None:
    query = update.callback_query
    assert query is not None and cb.fact_id is not None
    engine, store, _ = context.bot_data.services()
    lang = await ui_lang(update, context)
    if not await engine.facts_by_ids([cb.fact_id]):  # a forged id: store nothing
        await query.answer(ui("not_found", lang))
        return
    uid = query.from_user.id
    saved = await store.vote(uid, cb.fact_id, cb.vote, recall_question(context, message, uid))
    await query.answer(ui("thanks" if saved else "not_saved", lang))


async def _setlang(update: Update, context: Ctx, cb: Callback, message: Message) -> None:
    query = update.callback_query
    assert query is not None and cb.lang is not None
    _, store, _ = context.bot_data.services()
    if not await store.set_lang(query.from_user.id, cb.lang):
        await query.answer(ui("not_saved", cb.lang))
        return
    await query.answer()
    await _edit(message, html.escape(ui("lang_set", cb.lang)), None)


async def _edit(message: Message, text: str, markup: object) -> None:
    """Edit a message in place; an unchanged message is not an error."""
    with contextlib.suppress(BadRequest):
        await message.edit_text(
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,  # type: ignore[arg-type]
            disable_web_page_preview=True,
        )
