"""The fake Bot API itself: it accepts what Telegram accepts and flags what Telegram refuses."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import telegram
from telegram import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.error import BadRequest, Conflict, NetworkError, RetryAfter
from telegram.ext import Application, CommandHandler, ContextTypes

from tests.factories import (
    USER_ID,
    compute_entities,
    make_callback_query_update,
    make_command_update,
    make_edited_message_update,
    make_inline_query_update,
    make_message,
    make_message_update,
    make_photo_update,
    make_sticker_update,
)
from tests.fakebotapi import (
    BOT_ID,
    BOT_USERNAME,
    FakeBotAPI,
    default_validator,
    load_spec,
    parse_html,
    utf16_len,
)
from tests.tools.extract_botapi import extract

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
async def server() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as fake:
        yield fake


@pytest.fixture
async def bot(server: FakeBotAPI) -> AsyncIterator[telegram.Bot]:
    async with telegram.Bot(server.token, base_url=server.base_url) as ptb_bot:
        yield ptb_bot


@pytest.fixture
async def http(server: FakeBotAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=f"{server.base_url}{server.token}/") as client:
        yield client


async def post(http: httpx.AsyncClient, method: str, **params: Any) -> httpx.Response:
    """A raw JSON call, bypassing PTB's own checks."""
    return await http.post(method, json=params)


def keyboard(*buttons: dict[str, Any]) -> dict[str, Any]:
    return {"inline_keyboard": [list(buttons)]}


def article(result_id: str, text: str = "x") -> dict[str, Any]:
    return {
        "type": "article",
        "id": result_id,
        "title": "Title",
        "input_message_content": {"message_text": text},
    }


# -- real PTB calls pass ---------------------------------------------------------------------


async def test_ptb_calls_are_recorded_and_clean(server: FakeBotAPI, bot: telegram.Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot, me.first_name) == (BOT_ID, BOT_USERNAME, True, "Dostyq")
    assert me.can_join_groups and me.supports_inline_queries

    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Жыл 2004", callback_data="year:2004")],
            [InlineKeyboardButton("Source", url="https://example.org/a?b=1&c=2")],
        ]
    )
    sent = await bot.send_message(
        USER_ID,
        '<b>Абай</b> &amp; <i>Конфуций</i> — <a href="https://example.org/?a=1&amp;b=2">link</a>',
        parse_mode="HTML",
        reply_markup=markup,
    )
    assert sent.text == "Абай & Конфуций — link"
    assert sent.reply_markup == markup
    assert [e.type for e in sent.entities] == ["bold", "italic", "text_link"]
    assert sent.from_user is not None and sent.from_user.id == BOT_ID

    await bot.answer_inline_query(
        "42",
        [
            InlineQueryResultArticle(
                "abai-1",
                "Абай",
                InputTextMessageContent("<b>Абай</b> Құнанбайұлы", parse_mode="HTML"),
                reply_markup=InlineKeyboardMarkup(
                    [[InlineKeyboardButton("More", callback_data="m")]]
                ),
            )
        ],
        cache_time=0,
    )
    scope = BotCommandScopeAllPrivateChats()
    await bot.set_my_commands(
        [BotCommand("year", "Жыл бойынша іздеу")], scope=scope, language_code="kk"
    )
    assert [c.command for c in await bot.get_my_commands(scope=scope, language_code="kk")] == [
        "year"
    ]
    assert await bot.get_my_commands() == ()

    methods = [call.method for call in server.calls]
    assert methods == [
        "getMe",  # Bot.initialize
        "getMe",
        "sendMessage",
        "answerInlineQuery",
        "setMyCommands",
        "getMyCommands",
        "getMyCommands",
    ]
    send = server.calls_to("sendMessage")[0]
    assert send.params["chat_id"] == USER_ID  # decoded from the form string "100001"
    assert send.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "year:2004"
    assert send.content_type == "application/x-www-form-urlencoded"
    commands = server.calls_to("setMyCommands")[0].params
    assert commands["scope"] == {"type": "all_private_chats"}
    assert commands["language_code"] == "kk"
    assert server.violations == []
    server.assert_clean()


async def test_results_are_valid_telegram_objects(server: FakeBotAPI, bot: telegram.Bot) -> None:
    server.push_update(make_message_update("hi", chat_type="group"))
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data="b")]])
    await bot.send_message(-4000000001, "one", reply_markup=markup)
    await bot.send_chat_action(-4000000001, "typing")
    validator = default_validator()
    for call in server.calls:
        method = validator.methods[call.method]
        assert validator.check_value(call.result, method["returns"], "result") == [], call


async def test_message_ids_increase_per_chat_and_chat_type_is_remembered(
    server: FakeBotAPI, bot: telegram.Bot
) -> None:
    update = make_message_update("hi", chat_type="supergroup", message_id=500)
    server.push_update(update)
    first = await bot.send_message(update["message"]["chat"]["id"], "a")
    second = await bot.send_message(update["message"]["chat"]["id"], "b")
    other = await bot.send_message(USER_ID, "c")
    assert (first.message_id, second.message_id, other.message_id) == (501, 502, 1)
    assert first.chat.type == "supergroup"
    assert other.chat.type == "private"


async def test_reply_parameters_echo_the_replied_message(
    server: FakeBotAPI, bot: telegram.Bot
) -> None:
    update = server.push_update(make_message_update("question?"))
    message_id = update["message"]["message_id"]
    reply = await bot.send_message(
        USER_ID, "answer", reply_parameters=telegram.ReplyParameters(message_id)
    )
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.text == "question?"
    server.assert_clean()


async def test_edits_return_the_edited_message(server: FakeBotAPI, bot: telegram.Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("1", callback_data="1")]])
    sent = await bot.send_message(USER_ID, "<b>old</b>", parse_mode="HTML", reply_markup=markup)
    edited = await bot.edit_message_text("new", USER_ID, sent.message_id, reply_markup=markup)
    assert isinstance(edited, telegram.Message)
    assert edited.text == "new" and edited.edit_date is not None and edited.reply_markup == markup
    plain = await bot.edit_message_reply_markup(USER_ID, sent.message_id)
    assert isinstance(plain, telegram.Message) and plain.reply_markup is None
    server.assert_clean()
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("new", USER_ID, sent.message_id)
    assert [v.method for v in server.violations] == ["editMessageText"]


async def test_form_and_multipart_parameters_are_decoded(
    server: FakeBotAPI, http: httpx.AsyncClient
) -> None:
    form = {
        "chat_id": "-1001000000001",
        "text": "hi",
        "disable_notification": "true",
        "reply_markup": json.dumps(keyboard({"text": "a", "callback_data": "b"})),
    }
    response = await http.post("sendMessage", data=form)
    assert response.json()["ok"], response.json()
    photo = await http.post(
        "sendPhoto",
        data={"chat_id": "5", "caption": "<i>c</i>", "parse_mode": "HTML"},
        files={"photo": ("p.jpg", b"\xff\xd8\xff" * 10, "image/jpeg")},
    )
    assert photo.json()["ok"], photo.json()
    assert photo.json()["result"]["caption"] == "c"
    query = await http.get("sendMessage", params={"chat_id": "@dostyq_channel", "text": "q"})
    assert query.json()["result"]["chat"]["type"] == "channel"
    send, upload, by_get = server.calls
    assert by_get.http_method == "GET" and by_get.params["chat_id"] == "@dostyq_channel"
    assert send.params["chat_id"] == -1001000000001
    assert send.params["disable_notification"] is True
    assert send.params["reply_markup"]["inline_keyboard"][0][0]["text"] == "a"
    assert upload.content_type == "multipart/form-data"
    assert upload.files["photo"].size == 30
    server.assert_clean()


# -- the checker fails what Telegram refuses -------------------------------------------------


async def test_wrong_token_and_unknown_method(server: FakeBotAPI) -> None:
    async with httpx.AsyncClient() as client:
        bad = await client.post(f"{server.base_url}123:nope/getMe")
        unknown = await client.post(f"{server.base_url}{server.token}/sendMesage", json={})
    assert bad.status_code == 401
    assert bad.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert unknown.status_code == 404
    assert unknown.json() == {
        "ok": False,
        "error_code": 404,
        "description": "Not Found: method not found",
    }
    assert len(server.violations) == 2
    with pytest.raises(AssertionError, match="sendMesage"):
        server.assert_clean()


LONG = "a" * 4097
CYRILLIC_33 = "я" * 33  # 66 bytes in UTF-8


@pytest.mark.parametrize(
    ("method", "params", "field", "reason"),
    [
        ("sendMessage", {"text": "no chat"}, "chat_id", "missing"),
        ("sendMessage", {"chat_id": 1, "text": "x", "colour": "red"}, "colour", "unknown field"),
        ("sendMessage", {"chat_id": 1, "text": "x", "message_thread_id": "7a"}, "", "Integer"),
        (
            "sendMessage",
            {"chat_id": 1, "text": "<b>unclosed", "parse_mode": "HTML"},
            "text",
            "end tag",
        ),
        (
            "sendMessage",
            {"chat_id": 1, "text": "<script>x</script>", "parse_mode": "HTML"},
            "text",
            "script",
        ),
        ("sendMessage", {"chat_id": 1, "text": "if a < b", "parse_mode": "HTML"}, "text", "'<'"),
        ("sendMessage", {"chat_id": 1, "text": "a > b", "parse_mode": "HTML"}, "text", "'>'"),
        ("sendMessage", {"chat_id": 1, "text": "&bogus;", "parse_mode": "HTML"}, "text", "entity"),
        ("sendMessage", {"chat_id": 1, "text": "AT&T", "parse_mode": "HTML"}, "text", "'&'"),
        (
            "sendMessage",
            {"chat_id": 1, "text": "<b><i>x</b></i>", "parse_mode": "HTML"},
            "text",
            "end tag",
        ),
        (
            "sendMessage",
            {"chat_id": 1, "text": "<span>x</span>", "parse_mode": "HTML"},
            "text",
            "tg-spoiler",
        ),
        ("sendMessage", {"chat_id": 1, "text": "<a>x</a>", "parse_mode": "HTML"}, "text", "href"),
        ("sendMessage", {"chat_id": 1, "text": "<br>", "parse_mode": "HTML"}, "text", "br"),
        ("sendMessage", {"chat_id": 1, "text": LONG}, "text", "too long"),
        (
            "sendMessage",
            {"chat_id": 1, "text": f"<b>{LONG}</b>", "parse_mode": "HTML"},
            "text",
            "4097",
        ),
        ("sendMessage", {"chat_id": 1, "text": "😀" * 2049}, "text", "4098"),
        ("sendMessage", {"chat_id": 1, "text": "<b> </b>", "parse_mode": "HTML"}, "text", "empty"),
        (
            "sendMessage",
            {"chat_id": 1, "text": "x", "parse_mode": "html5"},
            "parse_mode",
            "parse mode",
        ),
        (
            "sendMessage",
            {
                "chat_id": 1,
                "text": "x",
                "reply_markup": keyboard({"text": "a", "callback_data": CYRILLIC_33}),
            },
            "reply_markup.inline_keyboard[0][0].callback_data",
            "66",
        ),
        (
            "sendMessage",
            {
                "chat_id": 1,
                "text": "x",
                "reply_markup": keyboard({"text": "a", "callback_data": ""}),
            },
            "reply_markup.inline_keyboard[0][0].callback_data",
            "1-64 bytes",
        ),
        (
            "sendMessage",
            {"chat_id": 1, "text": "x", "reply_markup": keyboard({"text": "a"})},
            "reply_markup.inline_keyboard[0][0]",
            "exactly one",
        ),
        (
            "sendMessage",
            {
                "chat_id": 1,
                "text": "x",
                "reply_markup": keyboard(
                    {"text": "a", "callback_data": "b", "url": "https://x.org"}
                ),
            },
            "reply_markup.inline_keyboard[0][0]",
            "exactly one",
        ),
        (
            "sendMessage",
            {"chat_id": 1, "text": "x", "reply_markup": {"inline_keyboard": [{"text": "a"}]}},
            "reply_markup",
            "expected",
        ),
        (
            "sendMessage",
            {"chat_id": 1, "text": "x", "reply_parameters": {"chat_id": 1}},
            "reply_parameters.message_id",
            "missing",
        ),
        (
            "sendMessage",
            {"chat_id": 1, "text": "x", "link_preview_options": {"is_disabled": "yes"}},
            "link_preview_options.is_disabled",
            "Boolean",
        ),
        (
            "answerInlineQuery",
            {"inline_query_id": "1", "results": [article(str(i)) for i in range(51)]},
            "results",
            "at most 50",
        ),
        (
            "answerInlineQuery",
            {"inline_query_id": "1", "results": [article("same"), article("same")]},
            "results",
            "duplicate",
        ),
        (
            "answerInlineQuery",
            {"inline_query_id": "1", "results": [article("x" * 65)]},
            "results[0].id",
            "65",
        ),
        (
            "answerInlineQuery",
            {
                "inline_query_id": "1",
                "results": [
                    {
                        **article("1"),
                        "input_message_content": {"message_text": "<b>x", "parse_mode": "HTML"},
                    }
                ],
            },
            "results[0].input_message_content.message_text",
            "end tag",
        ),
        (
            "answerInlineQuery",
            {"inline_query_id": "1", "results": [{"type": "articel", "id": "1"}]},
            "results[0]",
            "subtype",
        ),
        (
            "answerInlineQuery",
            {
                "inline_query_id": "1",
                "results": [{**article("1"), "input_message_content": {"text": "x"}}],
            },
            "results[0].input_message_content",
            "",
        ),
        ("answerCallbackQuery", {"callback_query_id": "1", "text": "x" * 201}, "text", "0-200"),
        (
            "setMyCommands",
            {"commands": [{"command": "Year", "description": "d"}]},
            "commands[0].command",
            "a-z",
        ),
        (
            "setMyCommands",
            {"commands": [{"command": "year", "description": ""}]},
            "commands[0].description",
            "1-256",
        ),
        (
            "setMyCommands",
            {"commands": [{"command": f"c{i}", "description": "d"} for i in range(101)]},
            "commands",
            "at most 100",
        ),
        (
            "setMyCommands",
            {"commands": [{"command": "a", "description": "d"}], "scope": {"type": "all_chats"}},
            "scope",
            "subtype",
        ),
        (
            "setMyCommands",
            {"commands": [{"command": "a", "description": "d"}], "scope": {"type": "chat"}},
            "scope.chat_id",
            "missing",
        ),
        ("sendChatAction", {"chat_id": 1, "action": "thinking"}, "action", "chat action"),
        ("sendPhoto", {"chat_id": 1, "photo": "AgAC", "caption": "c" * 1025}, "caption", "1025"),
        ("editMessageText", {"text": "x"}, "message_id", "inline_message_id"),
    ],
)
async def test_invalid_calls_are_refused_and_recorded(
    server: FakeBotAPI,
    http: httpx.AsyncClient,
    method: str,
    params: dict[str, Any],
    field: str,
    reason: str,
) -> None:
    response = await post(http, method, **params)
    body = response.json()
    assert response.status_code == 400, body
    assert body["ok"] is False and body["error_code"] == 400
    assert body["description"].startswith("Bad Request: ")
    assert server.violations, "nothing recorded"
    assert all(v.method == method for v in server.violations)
    assert any(v.field.startswith(field) and reason in v.reason for v in server.violations), (
        server.violations
    )
    with pytest.raises(AssertionError, match="violation"):
        server.assert_clean()


@pytest.mark.parametrize(
    "text",
    [
        "a" * 4096,
        "<b>" + "a" * 4096 + "</b>",  # the markup makes the raw string longer: still fine
        "&lt;" * 4096,
        "😀" * 2048,  # 4096 UTF-16 code units
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike>"
        '<del>d</del><span class="tg-spoiler">p</span><tg-spoiler>t</tg-spoiler>'
        '<a href="tg://user?id=1">m</a><tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
        '<code>c</code><pre><code class="language-python">x = 1</code></pre><pre>p</pre>'
        "<blockquote>q</blockquote><blockquote expandable>e</blockquote>"
        '<tg-time unix="1647531900" format="wDT">t</tg-time> &quot;&#39;&#x1F600;&amp;&gt;',
        "<b>bold <i>italic <u>under</u></i></b> \n <B>upper-case tags</B>",
    ],
)
async def test_valid_html_is_accepted(
    server: FakeBotAPI, http: httpx.AsyncClient, text: str
) -> None:
    response = await post(http, "sendMessage", chat_id=1, text=text, parse_mode="HTML")
    assert response.json()["ok"], response.json()
    server.assert_clean()


def test_html_entities_and_lengths_follow_telegram() -> None:
    parsed = parse_html('😀 <b>Абай</b> <pre><code class="language-py">x</code></pre>')
    assert parsed.errors == []
    assert parsed.text == "😀 Абай x"
    assert parsed.entities == [
        {"type": "bold", "offset": 3, "length": 4},
        {"type": "pre", "offset": 8, "length": 1, "language": "py"},
    ]
    assert utf16_len("😀") == 2 and utf16_len("Абай") == 4


# -- getUpdates ------------------------------------------------------------------------------


async def test_get_updates_offset_limit_and_confirmation(
    server: FakeBotAPI, bot: telegram.Bot
) -> None:
    pushed = [server.push_update(make_message_update(f"m{i}")) for i in range(3)]
    ids = [u["update_id"] for u in pushed]
    assert ids == sorted(ids) and len(set(ids)) == 3
    assert [u.update_id for u in await bot.get_updates()] == ids
    assert [u.update_id for u in await bot.get_updates(limit=1)] == ids[:1]
    assert [u.update_id for u in await bot.get_updates(offset=ids[1])] == ids[1:]
    # Confirmed updates are gone for good, even without an offset.
    assert [u.update_id for u in await bot.get_updates()] == ids[1:]
    assert await bot.get_updates(offset=ids[-1] + 1) == ()
    assert server.state.updates == []
    server.assert_clean()


async def test_update_ids_are_assigned_and_kept_increasing(server: FakeBotAPI) -> None:
    first = server.push_update({"message": make_message("no id")})
    given = server.push_update(make_message_update("given", update_id=first["update_id"] + 10))
    stale = server.push_update(make_message_update("stale", update_id=1))
    assert given["update_id"] == first["update_id"] + 10
    assert stale["update_id"] == given["update_id"] + 1
    with pytest.raises(ValueError, match="chat"):
        server.push_update({"message": {"message_id": 1, "date": 0}})


async def test_get_updates_long_poll_times_out_with_nothing(
    server: FakeBotAPI, bot: telegram.Bot
) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 <= time.monotonic() - started < 3
    started = time.monotonic()
    assert await bot.get_updates(timeout=0) == ()
    assert time.monotonic() - started < 0.5


async def test_get_updates_long_poll_wakes_on_push(server: FakeBotAPI, bot: telegram.Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    assert not poll.done()
    started = time.monotonic()
    server.push_update(make_command_update("/start"))
    updates = await asyncio.wait_for(poll, 2)
    assert time.monotonic() - started < 1
    assert updates[0].message is not None and updates[0].message.text == "/start"


async def test_stop_releases_a_waiting_long_poll(server: FakeBotAPI, bot: telegram.Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await asyncio.sleep(0.2)
    started = time.monotonic()
    await server.stop()
    await asyncio.wait_for(poll, 3)
    assert time.monotonic() - started < 3


async def test_get_updates_conflicts_with_a_webhook(server: FakeBotAPI, bot: telegram.Bot) -> None:
    await bot.set_webhook("https://example.org/hook")
    assert (await bot.get_webhook_info()).url == "https://example.org/hook"
    with pytest.raises(Conflict):
        await bot.get_updates()
    await bot.delete_webhook()
    assert await bot.get_updates() == ()


# -- fault injection and waiting -------------------------------------------------------------


async def test_429_is_raised_as_retry_after_by_ptb(
    server: FakeBotAPI, bot: telegram.Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PTB 22 warns (PTBDeprecationWarning) when it builds a RetryAfter unless this is set.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    server.fail_next("sendMessage", status=429, retry_after=3, times=2)
    for _ in range(2):
        with pytest.raises(RetryAfter):
            await bot.send_message(USER_ID, "x")
    assert (await bot.send_message(USER_ID, "x")).text == "x"
    assert server.calls_to("sendMessage")[0].response == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }
    server.assert_clean()  # an injected fault is not the bot's fault


async def test_500_is_raised_as_network_error_by_ptb(server: FakeBotAPI, bot: telegram.Bot) -> None:
    server.fail_next("answerCallbackQuery", status=500)
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.answer_callback_query("1")
    assert await bot.answer_callback_query("1", text="ok") is True
    call = server.calls_to("answerCallbackQuery")[0]
    assert (call.status, call.response["error_code"]) == (500, 500)


async def test_wait_for_consumes_calls_in_order(server: FakeBotAPI, bot: telegram.Bot) -> None:
    await bot.send_message(USER_ID, "one")
    await bot.send_message(USER_ID, "two")
    assert (await server.wait_for("sendMessage")).params["text"] == "one"
    later = asyncio.create_task(
        server.wait_for("sendMessage", lambda call: call.params["text"] == "three", timeout=3)
    )
    await asyncio.sleep(0.1)
    await bot.send_message(USER_ID, "three")
    assert (await later).params["text"] == "three"
    assert (await server.wait_for("sendMessage")).params["text"] == "two"
    with pytest.raises(AssertionError, match="no sendMessage call"):
        await server.wait_for("sendMessage", timeout=0.2)


# -- factories -------------------------------------------------------------------------------


def test_entities_use_utf16_offsets_after_an_emoji() -> None:
    text = f"😀 salem @{BOT_USERNAME}!"
    update = make_message_update(text)
    (mention,) = update["message"]["entities"]
    assert mention == {"type": "mention", "offset": 9, "length": 16}  # 😀 counts as 2
    message = Update.de_json(update, None).message
    assert message is not None
    assert message.parse_entities() == {message.entities[0]: f"@{BOT_USERNAME}"}


def test_command_entities() -> None:
    assert compute_entities("/year 2004") == [{"type": "bot_command", "offset": 0, "length": 5}]
    at_bot = make_command_update("/year 2004", at_bot=True, chat_type="group")
    assert at_bot["message"]["text"] == f"/year@{BOT_USERNAME} 2004"
    assert at_bot["message"]["entities"] == [
        {"type": "bot_command", "offset": 0, "length": len(f"/year@{BOT_USERNAME}")}
    ]
    assert compute_entities("1990/2000 and a/b") == []
    with pytest.raises(ValueError, match="starts with"):
        make_command_update("year")


async def test_ptb_command_handler_accepts_factory_commands(bot: telegram.Bot) -> None:
    async def callback(update: Update, context: Any) -> None:  # pragma: no cover
        pass

    handler = CommandHandler("year", callback)
    for update in (
        make_command_update("/year 2004"),
        make_command_update("/year 2004", at_bot=True, chat_type="supergroup"),
    ):
        assert handler.check_update(Update.de_json(update, bot))
    assert not handler.check_update(Update.de_json(make_message_update("year 2004"), bot))


@pytest.mark.parametrize(
    "update",
    [
        make_message_update("hi", chat_type="group", language_code="kk"),
        make_message_update("topic", chat_type="supergroup", message_thread_id=7),
        make_message_update("reply", reply_to=make_message("original", from_bot=True)),
        make_command_update("/year 2004"),
        make_edited_message_update("edited"),
        make_sticker_update(),
        make_photo_update("caption @someone_else"),
        make_photo_update(),
        make_callback_query_update("year:2004"),
        make_callback_query_update("x", chat_type="supergroup"),
        make_inline_query_update("абай"),
    ],
    ids=lambda update: next(key for key in update if key != "update_id"),
)
async def test_factories_make_spec_complete_updates(
    server: FakeBotAPI, bot: telegram.Bot, update: dict[str, Any]
) -> None:
    assert default_validator().check_value(update, ["Update"], "update") == []
    server.push_update(update)
    (parsed,) = await bot.get_updates()
    assert parsed.to_dict()[next(key for key in update if key != "update_id")]


# -- the spec extract and the standalone process ---------------------------------------------


def test_spec_extract_is_committed() -> None:
    spec = load_spec()
    assert spec["version"] == "Bot API 10.1"
    assert spec["license"].startswith("MIT")
    assert spec["types"]["InlineQueryResultArticle"]["fields"]["type"]["const"] == "article"
    assert "InlineQueryResultArticle" in spec["types"]["InlineQueryResult"]["subtypes"]
    assert spec["methods"]["sendMessage"]["fields"]["chat_id"] == {
        "types": ["Integer", "String"],
        "required": True,
    }


def test_extract_keeps_types_and_discriminators_only() -> None:
    api = {
        "version": "Bot API 0.1",
        "release_date": "today",
        "methods": {
            "ping": {
                "returns": ["Boolean"],
                "fields": [
                    {"name": "x", "types": ["Integer"], "required": True, "description": "d"}
                ],
                "description": ["long"],
            }
        },
        "types": {
            "Shape": {"subtypes": ["Circle"], "description": ["abstract"]},
            "Circle": {
                "fields": [
                    {
                        "name": "type",
                        "types": ["String"],
                        "required": True,
                        "description": 'Type of the shape, always "circle"',
                    },
                    {"name": "r", "types": ["Float"], "required": False, "description": "radius"},
                ]
            },
        },
    }
    spec = extract(api)
    assert spec["methods"] == {
        "ping": {"fields": {"x": {"types": ["Integer"], "required": True}}, "returns": ["Boolean"]}
    }
    assert spec["types"]["Circle"]["fields"]["type"]["const"] == "circle"
    assert spec["types"]["Shape"] == {"fields": {}, "subtypes": ["Circle"]}


def test_runs_as_its_own_process() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fakebotapi", "--port", "0", "--token", "T:1"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        assert line.startswith("READY http://127.0.0.1:") and line.endswith("/bot"), line
        base_url = line.removeprefix("READY ")
        root = base_url.removesuffix("/bot")
        with httpx.Client(timeout=5) as client:
            assert client.post(f"{base_url}T:1/getMe").json()["result"]["id"] == BOT_ID
            client.post(f"{root}/_fake/push_update", json=make_message_update("hi"))
            updates = client.post(f"{base_url}T:1/getUpdates", data={"timeout": "1"}).json()
            assert updates["result"][0]["message"]["text"] == "hi"
            report = client.get(f"{root}/_fake/report").json()["result"]
            assert report["calls"] == {"getMe": 1, "getUpdates": 1}
            assert report["violations"] == []
    finally:
        process.terminate()
        process.communicate(timeout=10)
    assert process.returncode == 0


async def test_ptb_application_polls_and_replies(server: FakeBotAPI) -> None:
    async def year(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_html(f"<b>{' '.join(context.args or [])}</b>")

    app = Application.builder().token(server.token).base_url(server.base_url).build()
    app.add_handler(CommandHandler("year", year))
    async with app:
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await app.start()
        server.push_update(make_command_update("/year 2004", chat_type="group", at_bot=True))
        reply = await server.wait_for("sendMessage", timeout=5)
        await app.updater.stop()
        await app.stop()
    assert reply.params["text"] == "<b>2004</b>"
    assert reply.result["chat"]["type"] == "group"
    assert "deleteWebhook" in [call.method for call in server.calls]
    server.assert_clean()
