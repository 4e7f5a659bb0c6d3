"""Text messages: every text in a private chat; mentions and replies to the bot in groups."""

from __future__ import annotations

import html

from telegram import Message, MessageEntity, Update
from telegram.ext import filters

from .context import Ctx
from .i18n import ui
from .replies import answer_question, send_html, ui_lang


class MentionsBot(filters.MessageFilter):
    """A message that @-mentions this bot, or replies to one of its messages."""

    def filter(self, message: Message) -> bool:
        bot = message.get_bot()
        reply = message.reply_to_message
        if reply is not None and reply.from_user is not None and reply.from_user.id == bot.id:
            return True
        name = f"@{bot.username}".lower()
        mentions = message.parse_entities([MessageEntity.MENTION])
        mentions |= message.parse_caption_entities([MessageEntity.MENTION])
        return any(text.lower() == name for text in mentions.values())


MENTIONS_BOT = MentionsBot(name="MentionsBot")


def _strip_mention(message: Message) -> str:
    """The text without the bot's @username."""
    text = message.text or message.caption or ""
    name = f"@{message.get_bot().username}".lower()
    for value in message.parse_entities([MessageEntity.MENTION]).values():
        if value.lower() == name:
            # Entity offsets are in UTF-16 units; remove the mention by its text instead.
            text = text.replace(value, " ", 1)
    return " ".join(text.split())


async def private_text(update: Update, context: Ctx) -> None:
    """Any text in a private chat is a question (edited messages are answered again)."""
    message = update.effective_message
    assert message is not None and message.text is not None
    await answer_question(update, context, message.text)


async def group_text(update: Update, context: Ctx) -> None:
    """A mention of the bot, or a reply to it, in a group: answer what was asked."""
    message = update.effective_message
    assert message is not None
    question = _strip_mention(message)
    if not question:
        lang = await ui_lang(update, context)
        await send_html(message, html.escape(ui("ask_usage", lang)), None, quote=True)
        return
    await answer_question(update, context, question)


async def non_text(update: Update, context: Ctx) -> None:
    """Stickers, photos, voice... in a private chat: a one-line hint."""
    message = update.effective_message
    assert message is not None
    await send_html(
        message, html.escape(ui("non_text", await ui_lang(update, context))), None, quote=False
    )
