"""What every handler shares: the user's language, asking the engine, sending the answer."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from telegram import InlineKeyboardMarkup, Message, ReactionTypeEmoji, Update, User
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import TelegramError

from knowledge.engine import MAX_QUESTION_CHARS
from knowledge.models import LANGS, Answer, Fact, Hit, Lang

from .context import Ctx
from .i18n import ui
from .keyboards import answer_keyboard, examples_menu, year_keyboard, years_keyboard
from .render import render, years_with_events
from .see_also import with_see_also

log = logging.getLogger(__name__)

#: In a group, a second "no answer" within this many seconds gets a 🤷 reaction, not a message.
GROUP_NONE_QUIET_SECONDS = 600
#: "typing..." is shown only if an answer takes longer than this. Answers take milliseconds, and
#: a chat action per question doubled the Bot API calls (and, under the rate limiter's 30 calls
#: a second, halved the answers a second).
TYPING_AFTER_SECONDS = 0.5


def telegram_lang(user: User | None) -> Lang | None:
    """The user's Telegram interface language, if it is one of ours."""
    code = (user.language_code or "").split("-")[0].lower() if user else ""
    for lang in LANGS:
        if code == lang:
            return lang
    return None


async def chosen_lang(context: Ctx, user: User | None) -> Lang | None:
    """The language the user chose with /lang (the store is the one place that holds it)."""
    if user is None:
        return None
    _, store, _ = context.bot_data.services()
    return await store.get_lang(user.id)


def default_lang(context: Ctx) -> Lang:
    settings = context.bot_data.settings
    return settings.default_lang if settings else "en"


async def ui_lang(update: Update, context: Ctx) -> Lang:
    """Language for the bot's own words: the user's choice, Telegram's, or the default."""
    user = update.effective_user
    return await chosen_lang(context, user) or telegram_lang(user) or default_lang(context)


def recall_question(context: Ctx, message: Message, user_id: int) -> str | None:
    """The question ``message`` answered, if ``user_id`` asked it (a vote keeps only its own)."""
    return context.bot_data.memory.recall(message.chat_id, message.message_id, user_id)


async def send_html(
    message: Message, text: str, markup: InlineKeyboardMarkup | None, *, quote: bool
) -> Message:
    """Reply in the same chat and forum topic; quote the asking message when asked to."""
    return await message.reply_text(
        text,
        parse_mode=ParseMode.HTML,
        reply_markup=markup,
        do_quote=quote,
        # A group question deleted before the answer goes out must not lose the answer.
        allow_sending_without_reply=True,
        disable_web_page_preview=True,
    )


async def _typing(context: Ctx, message: Message) -> None:
    await asyncio.sleep(TYPING_AFTER_SECONDS)
    with contextlib.suppress(TelegramError):
        await context.bot.send_chat_action(
            message.chat_id, ChatAction.TYPING, message_thread_id=message.message_thread_id
        )


async def answer_question(update: Update, context: Ctx, question: str) -> None:
    """Ask the engine and send its answer as a reply; log the question."""
    message = update.effective_message
    if message is None:
        return
    engine, store, base = context.bot_data.services()
    question = question[:MAX_QUESTION_CHARS]
    user = update.effective_user
    private = message.chat.type == ChatType.PRIVATE
    forced = await chosen_lang(context, user)
    fallback = telegram_lang(user) or default_lang(context)
    typing = asyncio.create_task(_typing(context, message)) if private else None
    user_id = user.id if user is not None else 0
    previous = context.bot_data.memory.context(message.chat_id, user_id)
    try:
        answer = await engine.ask(question, lang=forced, fallback_lang=fallback, context=previous)
    finally:
        if typing is not None:
            typing.cancel()
    if user is not None:
        top = answer.hits[0] if answer.hits else None
        store.log_question(
            user.id,
            question,
            answer.lang,
            message.chat.type,
            answer.kind,
            top.fact.id if top else None,
            top.score if top else None,
        )
    if answer.kind != "chat":
        context.bot_data.memory.keep_context(message.chat_id, user_id, answer.context)
    if not private and answer.kind == "none":
        await _group_none(message, context, answer.lang)
        return
    text = await with_see_also(render(answer, base.sources), answer, engine, context.bot.username)
    markup = answer_keyboard(answer)
    if answer.kind == "year" and answer.years and answer.hits:
        markup = year_keyboard_for(
            engine.years, answer.years[0], len(answer.hits), answer.page, answer.lang
        )
    elif answer.kind in ("range", "compare") and answer.hits:
        markup = years_keyboard(sorted(years_with_events(answer)), answer.lang)
    elif answer.kind == "chat":
        markup = examples_menu(answer.lang)
    sent = await send_html(message, text, markup, quote=not private)
    if user is not None:
        context.bot_data.memory.remember(sent.chat_id, sent.message_id, user.id, question)


def year_keyboard_for(
    years: list[int], year: int, n_items: int, page: int, lang: Lang
) -> InlineKeyboardMarkup | None:
    prev_year = max((y for y in years if y < year), default=None)
    next_year = min((y for y in years if y > year), default=None)
    return year_keyboard(year, n_items, page, lang, prev_year, next_year)


async def _group_none(message: Message, context: Ctx, lang: Lang) -> None:
    """Say "nothing on this" once; within the quiet period, only react with 🤷."""
    now = time.monotonic()
    last = context.bot_data.memory.swap_last_none(message.chat_id, now)
    if last is not None and now - last < GROUP_NONE_QUIET_SECONDS:
        with contextlib.suppress(TelegramError):
            await message.set_reaction(ReactionTypeEmoji("🤷"))
        return
    await send_html(message, ui("group_none", lang), None, quote=True)


def fact_answer(fact: Fact, lang: Lang, question: str = "") -> Answer:
    """A one-fact answer, for buttons, deep links and inline cards."""
    return Answer(
        question=question or fact.id, lang=lang, kind="fact", hits=[Hit(fact=fact, score=100.0)]
    )
