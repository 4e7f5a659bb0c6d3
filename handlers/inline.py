"""Inline mode: ``@bot query`` in any chat returns up to 10 fact cards to share."""

from __future__ import annotations

from telegram import (
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode

from knowledge.lang import detect
from knowledge.models import Fact, Lang

from .context import Ctx
from .i18n import format_date, ui
from .render import render
from .replies import chosen_lang, default_lang, fact_answer, telegram_lang
from .timeline_chat import inline_timeline

#: Cards per inline answer.
MAX_RESULTS = 10
#: Seconds Telegram may cache an inline answer.
CACHE_SECONDS = 300
FEATURED = 6


def _card(fact: Fact, lang: Lang, context: Ctx) -> InlineQueryResultArticle:
    _, _, base = context.bot_data.services()
    text = fact.text.get(lang)
    return InlineQueryResultArticle(
        id=fact.id,
        title=f"{format_date(fact.date, lang)} · {fact.title.get(lang)}"[:120],
        description=text if len(text) <= 120 else text[:119] + "…",
        input_message_content=InputTextMessageContent(
            render(fact_answer(fact, lang), base.sources), parse_mode=ParseMode.HTML
        ),
    )


async def inline_query(update: Update, context: Ctx) -> None:
    """Answer an inline query with fact cards in the query's language."""
    query = update.inline_query
    assert query is not None
    engine, _, _ = context.bot_data.services()
    text = query.query.strip()
    user_lang = await chosen_lang(context, query.from_user) or telegram_lang(query.from_user)
    if await inline_timeline(update, context, text, user_lang):  # "timeline", "хронология"...
        return
    lang: Lang = detect(text) or user_lang or default_lang(context)
    personal = not text or detect(text) is None
    facts = await engine.facts_by_ids([text]) if text else await engine.featured(FEATURED)
    if text and not facts:
        answer = await engine.ask(text, fallback_lang=lang)
        facts = [h.fact for h in answer.hits[:MAX_RESULTS]]
    results = [_card(f, lang, context) for f in facts[:MAX_RESULTS]]
    button = (
        None
        if results
        else InlineQueryResultsButton(ui("inline_help", lang), start_parameter="help")
    )
    await query.answer(results, cache_time=CACHE_SECONDS, is_personal=personal, button=button)
