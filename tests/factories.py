"""Update factories: plain dicts shaped exactly like the updates Telegram sends.

Like PTB's own test kit, each factory fills in every field Telegram always sends (the Bot API's
required fields of Update, Message, User, Chat, CallbackQuery and InlineQuery) and computes
``entities`` as Telegram would: ``bot_command`` for /cmd and /cmd@bot, ``mention`` for @username,
with offsets and lengths in UTF-16 code units.

    server.push_update(make_command_update("/year 2004", language_code="kk"))
    update = telegram.Update.de_json(make_message_update("hi"), bot)
"""

from __future__ import annotations

import itertools
import re
import time
from typing import Any, Literal

from tests.fakebotapi import BOT_SENDER, BOT_USERNAME, utf16_len

ChatType = Literal["private", "group", "supergroup", "channel"]

USER_ID = 100001
USER_FIRST_NAME = "Aigerim"
USER_USERNAME = "aigerim_test"
GROUP_ID = -4000000001
SUPERGROUP_ID = -1001000000001

_update_ids = itertools.count(1)
_message_ids = itertools.count(1)
_query_ids = itertools.count(1)

# Telegram marks /command anywhere it starts a word, and @username of 5-32 characters.
_COMMAND = re.compile(r"(?<![^\s])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")
_MENTION = re.compile(r"(?<![\w@/])@[A-Za-z][A-Za-z0-9_]{4,31}(?![\w@])")


def next_update_id() -> int:
    """A fresh update_id (increasing across the whole test run)."""
    return next(_update_ids)


def compute_entities(text: str) -> list[dict[str, Any]]:
    """bot_command and mention entities of ``text``, offsets and lengths in UTF-16 code units."""
    entities: list[dict[str, Any]] = []
    for entity_type, pattern in (("bot_command", _COMMAND), ("mention", _MENTION)):
        for match in pattern.finditer(text):
            entities.append(
                {
                    "type": entity_type,
                    "offset": utf16_len(text[: match.start()]),
                    "length": utf16_len(match.group()),
                }
            )
    entities.sort(key=lambda entity: entity["offset"])
    return entities


def make_user(
    user_id: int = USER_ID,
    *,
    first_name: str = USER_FIRST_NAME,
    username: str | None = USER_USERNAME,
    language_code: str | None = "en",
    is_bot: bool = False,
) -> dict[str, Any]:
    """A User as Telegram sends it in updates."""
    user: dict[str, Any] = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
    if username:
        user["username"] = username
    if language_code:
        user["language_code"] = language_code
    return user


def make_chat(
    chat_type: ChatType = "private",
    *,
    chat_id: int | None = None,
    user: dict[str, Any] | None = None,
    title: str | None = None,
    is_forum: bool = False,
) -> dict[str, Any]:
    """A Chat: a private chat mirrors its user; groups get a title."""
    if chat_type == "private":
        user = user or make_user()
        chat: dict[str, Any] = {
            "id": chat_id if chat_id is not None else user["id"],
            "type": "private",
            "first_name": user["first_name"],
        }
        if "username" in user:
            chat["username"] = user["username"]
        return chat
    default_id = GROUP_ID if chat_type == "group" else SUPERGROUP_ID
    chat = {
        "id": chat_id if chat_id is not None else default_id,
        "type": chat_type,
        "title": title or "Dostyq test group",
    }
    if is_forum and chat_type == "supergroup":
        chat["is_forum"] = True
    return chat


def make_message(
    text: str | None = None,
    *,
    chat_id: int | None = None,
    chat_type: ChatType = "private",
    user_id: int = USER_ID,
    first_name: str = USER_FIRST_NAME,
    username: str | None = USER_USERNAME,
    language_code: str | None = "en",
    message_id: int | None = None,
    message_thread_id: int | None = None,
    reply_to: dict[str, Any] | None = None,
    date: int | None = None,
    from_bot: bool = False,
    **extra: Any,
) -> dict[str, Any]:
    """A Message dict; ``text`` gets its entities, ``extra`` fields are added as they are."""
    user = make_user(user_id, first_name=first_name, username=username, language_code=language_code)
    chat = make_chat(chat_type, chat_id=chat_id, user=user, is_forum=message_thread_id is not None)
    message: dict[str, Any] = {
        "message_id": message_id if message_id is not None else next(_message_ids),
        "from": dict(BOT_SENDER) if from_bot else user,
        "chat": chat,
        "date": date if date is not None else int(time.time()),
    }
    if message_thread_id is not None:
        message["message_thread_id"] = message_thread_id
        message["is_topic_message"] = True
    if reply_to is not None:
        message["reply_to_message"] = {k: v for k, v in reply_to.items() if k != "reply_to_message"}
    if text is not None:
        message["text"] = text
        entities = compute_entities(text)
        if entities:
            message["entities"] = entities
    message.update(extra)
    return message


def _update(kind: str, payload: dict[str, Any], update_id: int | None) -> dict[str, Any]:
    return {"update_id": update_id if update_id is not None else next_update_id(), kind: payload}


def make_message_update(
    text: str, *, update_id: int | None = None, **kwargs: Any
) -> dict[str, Any]:
    """An Update with a text message (see :func:`make_message` for the keyword arguments).

    ``chat_type`` is "private" (chat id = user id), "group" or "supergroup";
    ``reply_to`` is a message dict the new message replies to.
    """
    return _update("message", make_message(text, **kwargs), update_id)


def make_command_update(
    command: str, *, at_bot: bool = False, update_id: int | None = None, **kwargs: Any
) -> dict[str, Any]:
    """An Update with a command, e.g. ``make_command_update("/year 2004")``.

    ``at_bot=True`` addresses the bot explicitly (``/year@dostyq_test_bot 2004``), as in groups.
    """
    if not command.startswith("/"):
        raise ValueError(f"a command starts with '/': {command!r}")
    if at_bot:
        name, _, rest = command.partition(" ")
        command = f"{name}@{BOT_USERNAME}" + (f" {rest}" if rest else "")
    return make_message_update(command, update_id=update_id, **kwargs)


def make_edited_message_update(
    text: str, *, message_id: int | None = None, update_id: int | None = None, **kwargs: Any
) -> dict[str, Any]:
    """An Update with an edited text message (``edit_date`` set)."""
    message = make_message(text, message_id=message_id, **kwargs)
    message["edit_date"] = message["date"] + 1
    return _update("edited_message", message, update_id)


def make_sticker_update(
    emoji: str = "👍", *, set_name: str = "DostyqTest", update_id: int | None = None, **kwargs: Any
) -> dict[str, Any]:
    """An Update with a sticker message."""
    number = next(_query_ids)
    sticker = {
        "file_id": f"CAACAgIAAxkBAAF{number:08d}",
        "file_unique_id": f"AgAD{number:08d}",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": emoji,
        "set_name": set_name,
    }
    return _update("message", make_message(None, sticker=sticker, **kwargs), update_id)


def make_photo_update(
    caption: str | None = None, *, update_id: int | None = None, **kwargs: Any
) -> dict[str, Any]:
    """An Update with a photo (two sizes), optionally captioned (caption_entities computed)."""
    number = next(_query_ids)
    photo = [
        {
            "file_id": f"AgACAgIAAxkBAAF{number:08d}{size}",
            "file_unique_id": f"AQAD{number:08d}{size}",
            "width": width,
            "height": height,
            "file_size": width * height // 8,
        }
        for size, (width, height) in enumerate(((90, 60), (1280, 853)))
    ]
    extra: dict[str, Any] = {"photo": photo}
    if caption is not None:
        extra["caption"] = caption
        entities = compute_entities(caption)
        if entities:
            extra["caption_entities"] = entities
    return _update("message", make_message(None, **extra, **kwargs), update_id)


def make_callback_query_update(
    data: str,
    *,
    message: dict[str, Any] | None = None,
    chat_id: int | None = None,
    chat_type: ChatType = "private",
    user_id: int = USER_ID,
    first_name: str = USER_FIRST_NAME,
    username: str | None = USER_USERNAME,
    language_code: str | None = "en",
    update_id: int | None = None,
) -> dict[str, Any]:
    """An Update with a button press. ``message`` is the bot's message carrying the keyboard;
    by default one is made (sent by the bot, with a single button whose callback_data is
    ``data``)."""
    if message is None:
        keyboard = {"inline_keyboard": [[{"text": "Button", "callback_data": data}]]}
        message = make_message(
            "Choose:",
            chat_id=chat_id,
            chat_type=chat_type,
            user_id=user_id,
            first_name=first_name,
            username=username,
            language_code=language_code,
            from_bot=True,
            reply_markup=keyboard,
        )
    callback = {
        "id": str(4_000_000_000 + next(_query_ids)),
        "from": make_user(
            user_id, first_name=first_name, username=username, language_code=language_code
        ),
        "message": message,
        "chat_instance": f"-{abs(message['chat']['id']) * 7 + 3}",
        "data": data,
    }
    return _update("callback_query", callback, update_id)


def make_inline_query_update(
    query: str,
    *,
    offset: str = "",
    chat_type: Literal["sender", "private", "group", "supergroup", "channel"] | None = "private",
    user_id: int = USER_ID,
    first_name: str = USER_FIRST_NAME,
    username: str | None = USER_USERNAME,
    language_code: str | None = "en",
    update_id: int | None = None,
) -> dict[str, Any]:
    """An Update with an inline query (``@dostyq_test_bot query``)."""
    inline_query: dict[str, Any] = {
        "id": str(5_000_000_000 + next(_query_ids)),
        "from": make_user(
            user_id, first_name=first_name, username=username, language_code=language_code
        ),
        "query": query,
        "offset": offset,
    }
    if chat_type is not None:
        inline_query["chat_type"] = chat_type
    return _update("inline_query", inline_query, update_id)
