"""What every handler shares: the user's language, asking the engine, sending the answer."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from typing import cast

from telegram import InlineKeyboardMarkup, Message, ReactionTypeEmoji, Update, User
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import TelegramError

from knowledge.engine import MAX_QUESTION_CHARS
from knowledge.models import LANGS, Answer, Fact, Hit, Lang

from .context import Ctx
from .i18n import ui
from .keyboards import answer_keyboard, year_keyboard
from .render import render
from .see_also import with_see_also

log = logging.getLogger(__name__)

#: In a group, a second "no answer" within this many seconds gets a 🤷 reaction, not a message.
GROUP_NONE_QUIET_SECONDS = 600
#: "typing..." is shown only if an answer takes longer than this. Answers take milliseconds, and
#: a chat action per question doubled the Bot API calls (and, under the rate limiter's 30 calls
#: a second, halved the answers a second).
TYPING_AFTER_SECONDS = 0.5
#: Questions remembered per chat, so that a 👍/👎 can be stored with the question it answered.
REMEMBERED_QUESTIONS = 200


def telegram_lang(user: User | None) -> Lang | None:
    """The user's Telegram interface language, if it is one of ours."""
    code = (user.language_code or "").split("-")[0].lower() if user else ""
    for lang in LANGS:
        if code == lang:
            return lang
    return None


async def chosen_lang(context: Ctx, user: User | None) -> Lang | None:
    """The language the user chose with /lang (cached in user_data, stored in SQLite)."""
    if user is None or context.user_data is None:
        return None
    if "lang" not in context.user_data:
        _, store, _ = context.bot_data.services()
        context.user_data["lang"] = await store.get_lang(user.id)
    return cast(Lang | None, context.user_data["lang"])


def default_lang(context: Ctx) -> Lang:
    settings = context.bot_data.settings
    return settings.default_lang if settings else "en"


async def ui_lang(update: Update, context: Ctx) -> Lang:
    """Language for the bot's own words: the user's choice, Telegram's, or the default."""
    user = update.effective_user
    return await chosen_lang(context, user) or telegram_lang(user) or default_lang(context)


def remember_question(context: Ctx, message_id: int, question: str) -> None:
    if context.chat_data is None:
        return
    memo = context.chat_data.setdefault("questions", OrderedDict())
    memo[message_id] = question[:500]
    while len(memo) > REMEMBERED_QUESTIONS:
        memo.popitem(last=False)


def recall_question(context: Ctx, message_id: int) -> str | None:
    memo = (context.chat_data or {}).get("questions") or {}
    return cast(str | None, memo.get(message_id))


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
    try:
        answer = await engine.ask(question, lang=forced, fallback_lang=fallback)
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
    if not private and answer.kind == "none":
        await _group_none(message, context, answer.lang)
        return
    text = with_see_also(render(answer, base.sources), answer, base, context.bot.username)
    markup = answer_keyboard(answer)
    if answer.kind == "year" and answer.years and answer.hits:
        markup = year_keyboard_for(engine.years, answer.years[0], len(answer.hits), 0, answer.lang)
    sent = await send_html(message, text, markup, quote=not private)
    remember_question(context, sent.message_id, question)


def year_keyboard_for(
    years: list[int], year: int, n_items: int, page: int, lang: Lang
) -> InlineKeyboardMarkup | None:
    prev_year = max((y for y in years if y < year), default=None)
    next_year = min((y for y in years if y > year), default=None)
    return year_keyboard(year, n_items, page, lang, prev_year, next_year)


async def _group_none(message: Message, context: Ctx, lang: Lang) -> None:
    """Say "nothing on this" once; within the quiet period, only react with 🤷."""
    chat_data = context.chat_data if context.chat_data is not None else {}
    now = time.monotonic()
    last = chat_data.get("last_none")
    chat_data["last_none"] = now
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
