"""Telegram's limits beyond the types: lengths, HTML, buttons, inline results, commands.

These run only on calls and objects whose shape already matches the spec. Every length is
counted as Telegram counts it: visible text after entity parsing, in UTF-16 code units.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from .html import parse_formatted, utf16_len
from .spec import Problem

MESSAGE_TEXT_MAX = 4096
CAPTION_MAX = 1024
CALLBACK_DATA_MAX_BYTES = 64
CALLBACK_ANSWER_MAX = 200
INLINE_RESULTS_MAX = 50
INLINE_RESULT_ID_MAX_BYTES = 64
COMMANDS_MAX = 100
COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
COMMAND_DESCRIPTION_MAX = 256
PARSE_MODES = frozenset({"html", "markdown", "markdownv2"})
# InlineKeyboardButton: exactly one field other than these must say what the button does.
BUTTON_NON_ACTION_FIELDS = frozenset({"text", "icon_custom_emoji_id", "style"})
BUTTON_STYLES = frozenset({"danger", "success", "primary"})
BUTTON_URL_SCHEMES = ("http://", "https://", "tg://")
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
# Plain-text limits of single fields: (method, field) -> (min, max) in UTF-16 code units.
PLAIN_LIMITS: dict[tuple[str, str], tuple[int, int]] = {
    ("answerCallbackQuery", "text"): (0, CALLBACK_ANSWER_MAX),
    ("setMyDescription", "description"): (0, 512),
    ("setMyShortDescription", "short_description"): (0, 120),
    ("setMyName", "name"): (0, 64),
}
EDIT_METHODS = frozenset(
    {
        "editMessageText",
        "editMessageCaption",
        "editMessageMedia",
        "editMessageReplyMarkup",
        "editMessageLiveLocation",
        "stopMessageLiveLocation",
        "editMessageChecklist",
    }
)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def check_formatted(
    holder: dict[str, Any],
    path: str,
    text_field: str,
    *,
    minimum: int,
    maximum: int,
    mode_field: str = "parse_mode",
    entities_field: str = "entities",
) -> list[Problem]:
    """Check a formatted text field of ``holder`` (its parse mode, entities and length)."""
    text = holder.get(text_field)
    if not isinstance(text, str):
        return []
    where = _join(path, text_field)
    parse_mode = holder.get(mode_field) if entities_field not in holder else None
    parsed = parse_formatted(text, parse_mode if isinstance(parse_mode, str) else None)
    problems = [Problem(where, f"can't parse entities: {error}") for error in parsed.errors]
    size = utf16_len(parsed.text.strip())
    what = "caption" if "caption" in text_field else "text"
    if size < minimum:
        problems.append(Problem(where, f"{what} is empty after entity parsing"))
    elif size > maximum:
        problems.append(
            Problem(where, f"{what} is too long: {size} > {maximum} characters after parsing")
        )
    entities = holder.get(entities_field)
    if isinstance(entities, list):
        total = utf16_len(text)
        for index, entity in enumerate(entities):
            offset, length = entity.get("offset", 0), entity.get("length", 0)
            if length <= 0 or offset < 0 or offset + length > total:
                reason = f"entity [{offset}, {offset}+{length}) is outside the text ({total})"
                problems.append(Problem(f"{_join(path, entities_field)}[{index}]", reason))
    return problems


def _check_common(value: dict[str, Any], path: str) -> list[Problem]:
    """Rules shared by every object and by the top level of every call."""
    problems: list[Problem] = []
    for mode_field in ("parse_mode", "quote_parse_mode"):
        mode = value.get(mode_field)
        if isinstance(mode, str) and mode.lower() not in PARSE_MODES:
            where = _join(path, mode_field)
            problems.append(Problem(where, f"unsupported parse mode {mode!r}"))
    if "caption" in value:
        problems += check_formatted(
            value,
            path,
            "caption",
            minimum=0,
            maximum=CAPTION_MAX,
            entities_field="caption_entities",
        )
    return problems


def _check_button(button: dict[str, Any], path: str) -> list[Problem]:
    problems: list[Problem] = []
    actions = sorted(set(button) - BUTTON_NON_ACTION_FIELDS)
    if len(actions) != 1:
        reason = f"an inline button needs exactly one action field, got {actions or 'none'}"
        problems.append(Problem(path, reason))
    if not str(button.get("text", "")).strip():
        problems.append(Problem(_join(path, "text"), "button text is empty"))
    data = button.get("callback_data")
    if isinstance(data, str) and not 1 <= len(data.encode("utf-8")) <= CALLBACK_DATA_MAX_BYTES:
        size = len(data.encode("utf-8"))
        reason = f"callback_data must be 1-{CALLBACK_DATA_MAX_BYTES} bytes, got {size}"
        problems.append(Problem(_join(path, "callback_data"), reason))
    url = button.get("url")
    if isinstance(url, str) and not url.startswith(BUTTON_URL_SCHEMES):
        problems.append(Problem(_join(path, "url"), f"button URL must be http(s) or tg://: {url}"))
    style = button.get("style")
    if style is not None and style not in BUTTON_STYLES:
        problems.append(Problem(_join(path, "style"), f"unknown button style {style!r}"))
    return problems


def _check_bot_command(command: dict[str, Any], path: str) -> list[Problem]:
    problems: list[Problem] = []
    name = command.get("command", "")
    if not COMMAND_RE.match(name):
        reason = f"command must be 1-32 characters of a-z, 0-9 and _: {name!r}"
        problems.append(Problem(_join(path, "command"), reason))
    size = utf16_len(command.get("description", "").strip())
    if not 1 <= size <= COMMAND_DESCRIPTION_MAX:
        reason = f"description must be 1-{COMMAND_DESCRIPTION_MAX} characters, got {size}"
        problems.append(Problem(_join(path, "description"), reason))
    return problems


def check_object(type_name: str, value: dict[str, Any], path: str) -> list[Problem]:
    """Telegram's rules for one object that already matches ``type_name``'s fields."""
    problems = _check_common(value, path)
    if type_name == "InlineKeyboardButton":
        problems += _check_button(value, path)
    elif type_name == "KeyboardButton" and not str(value.get("text", "")).strip():
        problems.append(Problem(_join(path, "text"), "button text is empty"))
    elif type_name == "BotCommand":
        problems += _check_bot_command(value, path)
    elif type_name == "InputTextMessageContent":
        problems += check_formatted(
            value, path, "message_text", minimum=1, maximum=MESSAGE_TEXT_MAX
        )
    elif type_name.startswith("InlineQueryResult") and isinstance(value.get("id"), str):
        size = len(value["id"].encode("utf-8"))
        if not 1 <= size <= INLINE_RESULT_ID_MAX_BYTES:
            reason = f"result id must be 1-{INLINE_RESULT_ID_MAX_BYTES} bytes, got {size}"
            problems.append(Problem(_join(path, "id"), reason))
    return problems


def _check_inline_results(params: dict[str, Any]) -> list[Problem]:
    results = params.get("results", [])
    problems: list[Problem] = []
    if len(results) > INLINE_RESULTS_MAX:
        reason = f"at most {INLINE_RESULTS_MAX} results are allowed, got {len(results)}"
        problems.append(Problem("results", reason))
    counts = Counter(result.get("id") for result in results if isinstance(result, dict))
    duplicates = sorted(str(rid) for rid, count in counts.items() if count > 1)
    if duplicates:
        problems.append(Problem("results", f"duplicate result ids: {duplicates}"))
    return problems


def check_method(method: str, params: dict[str, Any]) -> list[Problem]:
    """Telegram's rules for a call whose parameters already match the spec's types."""
    problems = _check_common(params, "")
    if method == "sendMessage":
        problems += check_formatted(params, "", "text", minimum=1, maximum=MESSAGE_TEXT_MAX)
    elif method == "editMessageText":
        if "text" not in params and "rich_message" not in params:
            problems.append(Problem("text", "text or rich_message is required"))
        problems += check_formatted(params, "", "text", minimum=1, maximum=MESSAGE_TEXT_MAX)
    elif method == "answerInlineQuery":
        problems += _check_inline_results(params)
    elif method == "setMyCommands" and len(params["commands"]) > COMMANDS_MAX:
        reason = f"at most {COMMANDS_MAX} commands are allowed, got {len(params['commands'])}"
        problems.append(Problem("commands", reason))
    elif method == "sendChatAction" and params["action"] not in CHAT_ACTIONS:
        problems.append(Problem("action", f"unknown chat action {params['action']!r}"))
    identified = "chat_id" in params and "message_id" in params
    if method in EDIT_METHODS and "inline_message_id" not in params and not identified:
        reason = "give chat_id and message_id, or inline_message_id"
        problems.append(Problem("message_id", reason))
    for (rule_method, field), (minimum, maximum) in PLAIN_LIMITS.items():
        if method == rule_method and isinstance(params.get(field), str):
            size = utf16_len(params[field])
            if not minimum <= size <= maximum:
                reason = f"must be {minimum}-{maximum} characters, got {size}"
                problems.append(Problem(field, reason))
    return problems


# -- flood limits (off unless the server is given a FloodLimits) ------------------------------

#: Telegram's published guidance (core.telegram.org/bots/faq): about 30 messages a second
#: overall, about one a second in one chat, at most 20 a minute in one group.
OVERALL_PER_SECOND = 30
CHAT_PER_SECOND = 1
GROUP_PER_MINUTE = 20
#: Calls that put a message in a chat: send* (not sendChatAction), copy* and forward*.
_NOT_MESSAGES = frozenset({"sendChatAction"})


def sends_a_message(method: str) -> bool:
    if method in _NOT_MESSAGES:
        return False
    return method.startswith(("send", "copyMessage", "forwardMessage"))


class FloodLimits:
    """Telegram's flood limits as strict sliding windows; a call over one gets a 429.

    ``check`` is given the call's arrival time (monotonic seconds). An accepted message is
    counted in three windows: the bot's (1 s), its chat's (1 s) and, for a group (negative
    chat id), the group's (60 s). A refused one is not counted, and its ``retry_after`` is the
    whole seconds until the fullest window has room, at least 1 (as Telegram sends it).
    """

    def __init__(
        self,
        overall: tuple[int, float] = (OVERALL_PER_SECOND, 1.0),
        chat: tuple[int, float] = (CHAT_PER_SECOND, 1.0),
        group: tuple[int, float] = (GROUP_PER_MINUTE, 60.0),
    ) -> None:
        self.overall, self.chat, self.group = overall, chat, group
        self._bot: list[float] = []
        self._chats: dict[object, list[float]] = {}
        self._groups: dict[object, list[float]] = {}
        self.accepted: list[tuple[float, object]] = []  # (time, chat_id)
        self.refused: list[tuple[float, object, str]] = []  # (time, chat_id, which limit)

    @staticmethod
    def _wait(times: list[float], limit: tuple[int, float], now: float) -> float:
        count, period = limit
        while times and times[0] <= now - period:
            times.pop(0)
        return 0.0 if len(times) < count else times[0] + period - now

    def check(self, method: str, params: dict[str, Any], now: float) -> int | None:
        """None if the call may go through (and it is counted), else its retry_after."""
        chat_id = params.get("chat_id")
        if chat_id is None or not sends_a_message(method):
            return None
        group = isinstance(chat_id, str) or (isinstance(chat_id, int) and chat_id < 0)
        windows = [
            ("overall", self._bot, self.overall),
            ("chat", self._chats.setdefault(chat_id, []), self.chat),
        ]
        if group:
            windows.append(("group", self._groups.setdefault(chat_id, []), self.group))
        waits = [(self._wait(times, limit, now), name) for name, times, limit in windows]
        wait, which = max(waits)
        if wait > 0:
            self.refused.append((now, chat_id, which))
            return max(1, int(wait + 0.999))
        for _, times, _ in windows:
            times.append(now)
        self.accepted.append((now, chat_id))
        return None
