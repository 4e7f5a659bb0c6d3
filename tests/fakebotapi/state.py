"""What the fake Telegram remembers and answers: the bot, chats, messages, updates, commands.

Only calls that already passed validation reach :meth:`TelegramState.answer`. It returns the
``result`` Telegram would send, or raises :class:`ApiError` for Telegram's own refusals
("message is not modified", getUpdates while a webhook is set, ...).
"""

from __future__ import annotations

import copy
import itertools
import json
import time
from typing import Any

from .html import parse_formatted

BOT_ID = 7000001
BOT_USERNAME = "dostyq_test_bot"
BOT_FIRST_NAME = "Dostyq"
BOT_USER: dict[str, Any] = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": BOT_FIRST_NAME,
    "username": BOT_USERNAME,
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": True,
    "can_connect_to_business": False,
    "has_main_web_app": False,
}
# The bot as it appears in Message.from.
BOT_SENDER: dict[str, Any] = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": BOT_FIRST_NAME,
    "username": BOT_USERNAME,
}
# Messages carried by an update, by the update's field name.
MESSAGE_UPDATE_FIELDS = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_message",
    "edited_business_message",
)
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a content and reply markup of the current message"
)
# Updates that Telegram sends only when asked for them in allowed_updates.
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class ApiError(Exception):
    """A refusal that Telegram itself would send (status and description)."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def update_kind(update: dict[str, Any]) -> str:
    """The update's type: the name of its one field other than update_id."""
    return next((key for key in update if key != "update_id"), "")


def _scope_key(params: dict[str, Any]) -> str:
    scope = params.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True) + "|" + str(params.get("language_code") or "")


def _inline_markup(params: dict[str, Any]) -> dict[str, Any] | None:
    markup = params.get("reply_markup")
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        return {"inline_keyboard": markup["inline_keyboard"]}
    return None


class TelegramState:
    """The fake Telegram's memory for one bot."""

    def __init__(self) -> None:
        self.updates: list[dict[str, Any]] = []
        self.last_update_id = 0
        self.allowed_updates: list[str] = []
        self.chats: dict[int, dict[str, Any]] = {}
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.last_message_id: dict[int, int] = {}
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.texts: dict[str, str] = {}  # "description|en" -> value
        self.webhook_url = ""
        self._file_ids = itertools.count(1)

    # -- updates -----------------------------------------------------------------------------

    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue ``update``; keep its update_id if larger than every earlier one, else renumber."""
        update = copy.deepcopy(update)
        update_id = update.get("update_id")
        if not isinstance(update_id, int) or update_id <= self.last_update_id:
            update = {
                "update_id": self.last_update_id + 1,
                **{key: value for key, value in update.items() if key != "update_id"},
            }
        self.last_update_id = update["update_id"]
        self._remember_update(update)
        self.updates.append(update)
        return update

    def take_updates(
        self, offset: int | None, limit: int, allowed: list[str] | None
    ) -> list[dict[str, Any]]:
        """getUpdates without the waiting: confirm below ``offset`` and return what is left."""
        if allowed is not None:
            self.allowed_updates = list(allowed)
        if offset is not None and offset < 0:
            self.updates = self.updates[offset:]
        elif offset is not None:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        if self.allowed_updates:
            wanted = set(self.allowed_updates)
        else:
            wanted = {update_kind(u) for u in self.updates} - OPT_IN_UPDATES
        self.updates = [u for u in self.updates if update_kind(u) in wanted]
        return copy.deepcopy(self.updates[: max(1, min(limit, 100))])

    def _remember_update(self, update: dict[str, Any]) -> None:
        for key in MESSAGE_UPDATE_FIELDS:
            if isinstance(update.get(key), dict):
                self.remember_message(update[key])
        callback = update.get("callback_query")
        message = callback.get("message") if isinstance(callback, dict) else None
        # date 0 marks an InaccessibleMessage.
        if isinstance(message, dict) and message.get("date"):
            self.remember_message(message)

    def remember_message(self, message: dict[str, Any]) -> None:
        """Store a message (and the one it replies to) and its chat."""
        chat = message["chat"]
        self.chats[chat["id"]] = copy.deepcopy(chat)
        self.messages[(chat["id"], message["message_id"])] = copy.deepcopy(message)
        last = self.last_message_id.get(chat["id"], 0)
        self.last_message_id[chat["id"]] = max(last, message["message_id"])
        if isinstance(message.get("reply_to_message"), dict):
            self.remember_message(message["reply_to_message"])

    # -- chats and messages ------------------------------------------------------------------

    def chat(self, chat_id: int | str) -> dict[str, Any]:
        """The chat ``chat_id`` as seen in updates, or a plausible one made up from the id."""
        if isinstance(chat_id, str):
            name = chat_id.removeprefix("@")
            for chat in self.chats.values():
                if chat.get("username") == name:
                    return copy.deepcopy(chat)
            made_up_id = -1009000000000 - len(self.chats)
            made_up = {"id": made_up_id, "type": "channel", "title": name, "username": name}
            self.chats[made_up_id] = made_up
            return copy.deepcopy(made_up)
        if chat_id in self.chats:
            return copy.deepcopy(self.chats[chat_id])
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "User"}
        kind = "supergroup" if chat_id <= -1000000000000 else "group"
        return {"id": chat_id, "type": kind, "title": "Chat"}

    def new_message(self, params: dict[str, Any]) -> dict[str, Any]:
        """A message sent by the bot into params["chat_id"], stored and returned."""
        chat = self.chat(params["chat_id"])
        message_id = self.last_message_id.get(chat["id"], 0) + 1
        message: dict[str, Any] = {
            "message_id": message_id,
            "from": dict(BOT_SENDER),
            "chat": chat,
            "date": int(time.time()),
        }
        if "message_thread_id" in params:
            message["message_thread_id"] = params["message_thread_id"]
            if chat.get("is_forum"):
                message["is_topic_message"] = True
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            reply_chat = self.chat(reply.get("chat_id", params["chat_id"]))["id"]
            replied = self.messages.get((reply_chat, reply["message_id"]))
            if replied is not None:
                replied = {k: v for k, v in replied.items() if k != "reply_to_message"}
                message["reply_to_message"] = replied
        self._set_content(message, params)
        self.remember_message(message)
        return copy.deepcopy(message)

    def _set_content(self, message: dict[str, Any], params: dict[str, Any]) -> None:
        for text_field, entities_field in (("text", "entities"), ("caption", "caption_entities")):
            if isinstance(params.get(text_field), str):
                mode = params.get("parse_mode") if entities_field not in params else None
                parsed = parse_formatted(params[text_field], mode)
                message[text_field] = parsed.text.strip()
                entities = params.get(entities_field, parsed.entities)
                if entities:
                    message[entities_field] = entities
                else:
                    message.pop(entities_field, None)
        markup = _inline_markup(params)
        if markup is not None:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)

    def _file(self, value: Any) -> dict[str, Any]:
        number = next(self._file_ids)
        file_id = value if isinstance(value, str) and "://" not in value else f"FAKE{number:06d}"
        return {"file_id": file_id, "file_unique_id": f"U{number:06d}"}

    def _media(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "sendPhoto":
            return {"photo": [{**self._file(params["photo"]), "width": 800, "height": 600}]}
        if method == "sendSticker":
            sticker = {**self._file(params["sticker"]), "type": "regular", "width": 512}
            return {"sticker": {**sticker, "height": 512, "is_animated": False, "is_video": False}}
        if method == "sendDocument":
            return {"document": self._file(params["document"])}
        if method == "sendLocation":
            return {"location": {"latitude": params["latitude"], "longitude": params["longitude"]}}
        return {}

    def edit_message(self, method: str, params: dict[str, Any]) -> dict[str, Any] | bool:
        """editMessageText / editMessageCaption / editMessageReplyMarkup."""
        if "inline_message_id" in params:
            return True
        chat = self.chat(params["chat_id"])
        key = (chat["id"], params["message_id"])
        known = key in self.messages
        message = copy.deepcopy(self.messages.get(key)) or {
            "message_id": params["message_id"],
            "from": dict(BOT_SENDER),
            "chat": chat,
            "date": int(time.time()),
        }
        if known and message.get("from", {}).get("id") != BOT_ID:
            raise ApiError(400, "Bad Request: message can't be edited")
        before = copy.deepcopy(message)
        if method == "editMessageReplyMarkup":
            markup = _inline_markup(params)
            if markup is None:
                message.pop("reply_markup", None)
            else:
                message["reply_markup"] = markup
        else:
            self._set_content(message, params)
        if known and before == message:
            raise ApiError(400, NOT_MODIFIED)
        message["edit_date"] = int(time.time())
        self.remember_message(message)
        return copy.deepcopy(message)

    # -- answers -----------------------------------------------------------------------------

    def answer(self, method: str, params: dict[str, Any], returns: list[str]) -> Any:
        """The result of a validated call of ``method`` (getUpdates is the server's)."""
        if method == "getMe":
            return dict(BOT_USER)
        if method in ("editMessageText", "editMessageCaption", "editMessageReplyMarkup"):
            return self.edit_message(method, params)
        if returns == ["Message"] and "chat_id" in params:
            message = self.new_message(params)
            message.update(self._media(method, params))
            self.messages[(message["chat"]["id"], message["message_id"])].update(message)
            return message
        if method == "copyMessage":
            return {"message_id": self.new_message({"chat_id": params["chat_id"]})["message_id"]}
        if method == "deleteMessage":
            self.messages.pop((self.chat(params["chat_id"])["id"], params["message_id"]), None)
            return True
        return self._answer_settings(method, params)

    def _answer_settings(self, method: str, params: dict[str, Any]) -> Any:
        if method == "setWebhook":
            self.webhook_url = params["url"]
            if params.get("drop_pending_updates"):
                self.updates.clear()
            return True
        if method == "deleteWebhook":
            self.webhook_url = ""
            if params.get("drop_pending_updates"):
                self.updates.clear()
            return True
        if method == "getWebhookInfo":
            return {
                "url": self.webhook_url,
                "has_custom_certificate": False,
                "pending_update_count": len(self.updates),
            }
        if method == "setMyCommands":
            self.commands[_scope_key(params)] = copy.deepcopy(params["commands"])
            return True
        if method == "getMyCommands":
            return copy.deepcopy(self.commands.get(_scope_key(params), []))
        if method == "deleteMyCommands":
            self.commands.pop(_scope_key(params), None)
            return True
        for name in ("description", "short_description", "name"):
            suffix = "".join(part.title() for part in name.split("_"))
            key = f"{name}|{params.get('language_code') or ''}"
            if method == f"setMy{suffix}":
                self.texts[key] = params.get(name, "")
                return True
            if method == f"getMy{suffix}":
                return {name: self.texts.get(key, "")}
        return self._answer_lookups(method, params)

    def _answer_lookups(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getChat":
            return {
                **self.chat(params["chat_id"]),
                "accent_color_id": 0,
                "max_reaction_count": 11,
                "accepted_gift_types": {
                    key: False
                    for key in (
                        "unlimited_gifts",
                        "limited_gifts",
                        "unique_gifts",
                        "premium_subscription",
                        "gifts_from_channels",
                    )
                },
            }
        if method == "getChatMember":
            if params["user_id"] == BOT_ID:
                user = dict(BOT_SENDER)
            else:
                user = {"id": params["user_id"], "is_bot": False, "first_name": "User"}
            return {"status": "member", "user": user}
        if method == "getChatMemberCount":
            return 2
        if method == "getFile":
            return {**self._file(params["file_id"]), "file_path": f"files/{params['file_id']}"}
        return True
