"""Scenarios against the real ``dostyq run`` process, talking HTTP to the fake Bot API.

Most scenarios share one bot process (module scope) and stay apart by using their own user and
chat ids; every call the bot makes is still checked against the Bot API spec, and each scenario
ends with ``server.assert_clean()``. Scenarios that need a process of their own (restart on the
same database, SIGTERM, a missing token) start one.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import html
import itertools
import signal
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from handlers.i18n import events
from knowledge.factbase import FactBase
from tests import factories as F
from tests.e2e import BotProcess, running_bot
from tests.fakebotapi import BOT_USERNAME, Call, FakeBotAPI

pytestmark = pytest.mark.asyncio(loop_scope="module")

WAIT = 10.0  # seconds to wait for a call the bot must make
QUIET = 1.5  # seconds of silence that count as "the bot said nothing"
DIPLO_EN = "When did Kazakhstan and China establish diplomatic relations?"
DIPLO_RU = "Когда Казахстан и Китай установили дипломатические отношения?"
DIPLO_KK = "Қазақстан мен Қытай дипломатиялық қатынасты қашан орнатты?"
OFF_TOPIC = "What is the weather like in Paris tomorrow?"

_users = itertools.count(310_001)
_groups = itertools.count(1)


def new_user() -> int:
    return next(_users)


def new_group() -> int:
    return -1003_000_000_000 - next(_groups)


# -- the bot process ------------------------------------------------------------------------


async def timed_stop(bp: BotProcess, sig: int) -> tuple[int, float]:
    t0 = time.monotonic()
    rc = await bp.stop(sig, timeout=10)
    return rc, time.monotonic() - t0


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def server() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as s:
        yield s


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("scenarios") / "bot.sqlite3"


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["httpx", "aiohttp"])
async def bot(
    server: FakeBotAPI, db: Path, request: pytest.FixtureRequest
) -> AsyncIterator[BotProcess]:
    """The shared bot, once on each HTTP backend (httpx is the default, aiohttp optional)."""
    async with running_bot(server, db, DOSTYQ_HTTP_BACKEND=request.param) as bp:
        yield bp


# -- helpers --------------------------------------------------------------------------------


def to_chat(chat_id: int, extra: Callable[[Call], bool] | None = None) -> Callable[[Call], bool]:
    return lambda c: c.params.get("chat_id") == chat_id and (extra is None or extra(c))


async def sent(server: FakeBotAPI, chat_id: int, timeout: float = WAIT) -> Call:
    """The next sendMessage into ``chat_id`` (it must have succeeded)."""
    call = await server.wait_for("sendMessage", to_chat(chat_id), timeout=timeout)
    assert call.ok, call.response
    return call


async def edited(server: FakeBotAPI, chat_id: int) -> Call:
    call = await server.wait_for("editMessageText", to_chat(chat_id), timeout=WAIT)
    assert call.ok, call.response
    return call


async def answered_cb(server: FakeBotAPI, query_id: str) -> Call:
    call = await server.wait_for(
        "answerCallbackQuery", lambda c: c.params.get("callback_query_id") == query_id, WAIT
    )
    assert call.ok, call.response
    return call


async def ask(server: FakeBotAPI, text: str, **kw: Any) -> tuple[dict[str, Any], Call]:
    """Push a private (by default) text message; return it and the bot's reply."""
    update = server.push_update(F.make_message_update(text, **kw))
    msg = update["message"]
    return msg, await sent(server, msg["chat"]["id"])


async def press(
    server: FakeBotAPI, message: dict[str, Any], data: str, user_id: int, **kw: Any
) -> str:
    """Press a button under the bot's ``message``; returns the callback query id."""
    update = server.push_update(
        F.make_callback_query_update(data, message=message, user_id=user_id, **kw)
    )
    return str(update["callback_query"]["id"])


async def assert_silent(server: FakeBotAPI, chat_id: int, sentinel_user: int) -> None:
    """Nothing was sent into ``chat_id``: after QUIET seconds an /ask is the next reply there."""
    await asyncio.sleep(QUIET)
    update = server.push_update(
        F.make_command_update(
            f"/ask {DIPLO_EN}",
            at_bot=True,
            chat_type="supergroup",
            chat_id=chat_id,
            user_id=sentinel_user,
        )
    )
    reply = await sent(server, chat_id)
    assert reply.params["reply_parameters"]["message_id"] == update["message"]["message_id"]


def buttons(call_or_message: Call | dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Inline buttons by their text."""
    if isinstance(call_or_message, Call):
        markup = call_or_message.params.get("reply_markup") or {}
    else:
        markup = call_or_message.get("reply_markup") or {}
    return {b["text"]: b for row in markup.get("inline_keyboard", []) for b in row}


def user_hash(db: Path, user_id: int) -> str:
    with sqlite3.connect(db) as conn:
        (key,) = conn.execute("SELECT value FROM store_meta WHERE key = 'hash_key'").fetchone()
    return hmac.new(bytes.fromhex(key), str(user_id).encode(), hashlib.sha256).hexdigest()[:32]


def rows(db: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


async def poll_rows(db: Path, sql: str, *params: object, timeout: float = 5.0) -> list[Any]:
    deadline = time.monotonic() + timeout
    while True:
        found = rows(db, sql, *params)
        if found or time.monotonic() > deadline:
            return found
        await asyncio.sleep(0.05)


def year_facts(base: FactBase, year: int) -> list[str]:
    return [f.id for f in base.facts if f.date is not None and f.date.start.year == year]


# -- private chat: questions, commands, languages ---------------------------------------------


@pytest.mark.parametrize(
    ("question", "date", "source"),
    [
        (DIPLO_KK, "1992 жылғы 3 қаңтар", "Дереккөз:"),
        (DIPLO_RU, "3 января 1992 г.", "Источник:"),
        (DIPLO_EN, "3 January 1992", "Source:"),
    ],
    ids=["kk", "ru", "en"],
)
async def test_question_answered_in_its_language(
    server: FakeBotAPI, bot: BotProcess, question: str, date: str, source: str
) -> None:
    # The user's Telegram is in English; the answer follows the question's language.
    _, reply = await ask(server, question, user_id=new_user(), language_code="en")
    text = reply.params["text"]
    assert text.startswith(f"<b>{date}</b>")
    assert f"<i>{source} " in text
    assert reply.params["parse_mode"] == "HTML"
    assert "reply_parameters" not in reply.params  # private chat: no quoting
    src = buttons(reply)
    assert {"ҚАЗ", "РУС", "ENG"} - set(src) == {
        {"Дереккөз:": "ҚАЗ", "Источник:": "РУС", "Source:": "ENG"}[source]
    }
    server.assert_clean()


async def test_start_plain_and_deep_link(server: FakeBotAPI, bot: BotProcess) -> None:
    uid = new_user()
    server.push_update(F.make_command_update("/start", user_id=uid, language_code="ru"))
    greeting = await sent(server, uid)
    assert greeting.params["text"].startswith("<b>Здравствуйте! Я — Достык.</b>")
    examples = [b["callback_data"] for b in buttons(greeting).values()]
    assert examples == ["1|ex|0|ru", "1|ex|1|ru", "1|ex|2|ru"]

    server.push_update(
        F.make_command_update("/start f_diplomatic-relations-1992", user_id=uid, language_code="ru")
    )
    fact = await sent(server, uid)
    # The deep link opens the fact in the user's language (Telegram's: ru).
    assert fact.params["text"].startswith("<b>3 января 1992 г.</b>")
    assert buttons(fact)["↗ Поделиться"]["switch_inline_query"] == "diplomatic-relations-1992"

    # An unknown deep link falls back to the greeting.
    server.push_update(
        F.make_command_update("/start f_no-such-fact", user_id=uid, language_code="ru")
    )
    assert "Достык" in (await sent(server, uid)).params["text"]
    server.assert_clean()


async def test_year_arrows_and_long_year_pages(
    server: FakeBotAPI, bot: BotProcess, base: FactBase
) -> None:
    uid = new_user()
    server.push_update(F.make_command_update("/year 2004", user_id=uid))
    reply = await sent(server, uid)
    n2004 = len(year_facts(base, 2004))
    assert reply.params["text"].startswith(f"<b>2004</b> · {events(n2004, 'en')}")
    keys = buttons(reply)
    assert keys["◀ 2003"]["callback_data"] == "1|year|2003|0|en"
    assert keys["2005 ▶"]["callback_data"] == "1|year|2005|0|en"
    message = reply.result

    # ▶ 2005
    qid = await press(server, message, keys["2005 ▶"]["callback_data"], uid)
    await answered_cb(server, qid)
    edit = await edited(server, uid)
    assert edit.params["message_id"] == message["message_id"]
    assert edit.params["text"].startswith("<b>2005</b>")
    assert "◀ 2004" in buttons(edit)
    message = edit.result

    # ◀ 2004, then ◀ 2003: a long year, paged.
    qid = await press(server, message, buttons(edit)["◀ 2004"]["callback_data"], uid)
    await answered_cb(server, qid)
    edit = await edited(server, uid)
    assert edit.params["text"].startswith("<b>2004</b>")
    qid = await press(server, edit.result, buttons(edit)["◀ 2003"]["callback_data"], uid)
    await answered_cb(server, qid)
    edit = await edited(server, uid)
    n2003 = len(year_facts(base, 2003))
    pages = -(-n2003 // 6)
    assert n2003 > 6, "2003 should be a long year"
    assert edit.params["text"].startswith(f"<b>2003</b> · {events(n2003, 'en')} · page 1/{pages}")
    assert f"{n2003 - 6} more" in edit.params["text"]
    nxt = buttons(edit)[f"2/{pages} ›"]["callback_data"]
    assert nxt == "1|year|2003|1|en"
    qid = await press(server, edit.result, nxt, uid)
    await answered_cb(server, qid)
    page2 = await edited(server, uid)
    assert f"page 2/{pages}" in page2.params["text"]
    assert f"‹ 1/{pages}" in buttons(page2)
    # The two pages show different events.
    assert page2.params["text"].split("\n\n")[1] != edit.params["text"].split("\n\n")[1]

    # The language buttons under a year list switch its language in place.
    qid = await press(server, page2.result, buttons(page2)["РУС"]["callback_data"], uid)
    await answered_cb(server, qid)
    ru = await edited(server, uid)
    assert ru.params["text"].startswith(f"<b>2003</b> · {n2003} событий · стр. 2/{pages}")
    server.assert_clean()


async def test_lang_choice_and_forget(server: FakeBotAPI, bot: BotProcess, db: Path) -> None:
    uid = new_user()
    server.push_update(F.make_command_update("/lang", user_id=uid))
    menu = await sent(server, uid)
    assert menu.params["text"] == "Choose the reply language:"
    qid = await press(server, menu.result, buttons(menu)["🇷🇺 Русский"]["callback_data"], uid)
    await answered_cb(server, qid)
    assert (await edited(server, uid)).params["text"] == "Теперь отвечаю по-русски."

    _, reply = await ask(server, DIPLO_EN, user_id=uid)
    assert reply.params["text"].startswith("<b>3 января 1992 г.</b>")
    assert "<i>Источник: " in reply.params["text"]
    h = user_hash(db, uid)
    assert await poll_rows(db, "SELECT lang FROM user_lang WHERE user_hash = ?", h) == [("ru",)]

    server.push_update(F.make_command_update("/forget", user_id=uid))
    confirm = await sent(server, uid)
    # The choice and the logged question (at least) were deleted; the reply is still in Russian.
    text = confirm.params["text"]
    assert text.startswith("Всё, что хранилось о вас, удалено (записей: ")
    assert int(text.rsplit(" ", 1)[1].rstrip(").")) >= 2
    for table in ("user_lang", "feedback", "question_log"):
        assert rows(db, f"SELECT count(*) FROM {table} WHERE user_hash = ?", h) == [(0,)]

    # Forgotten: back to the question's language.
    _, reply = await ask(server, DIPLO_EN, user_id=uid)
    assert reply.params["text"].startswith("<b>3 January 1992</b>")
    server.assert_clean()


async def test_buttons_under_an_answer(
    server: FakeBotAPI, bot: BotProcess, base: FactBase, db: Path
) -> None:
    uid = new_user()
    _, reply = await ask(server, DIPLO_EN, user_id=uid)
    fact = next(f for f in base.facts if f.id == "diplomatic-relations-1992")
    keys = buttons(reply)
    message = reply.result
    assert set(keys) == {
        "📖 Source",
        "ҚАЗ",
        "РУС",
        "↗ Share",
        "👍",
        "👎",
        "More from 1992",
    }

    # Source: a new message quoting the article (in Kazakh), replying to the answer.
    qid = await press(server, message, keys["📖 Source"]["callback_data"], uid)
    await answered_cb(server, qid)
    quote = await sent(server, uid)
    assert html.escape(fact.source.quote, quote=False) in quote.params["text"]
    assert "<blockquote>" in quote.params["text"]
    assert quote.params["reply_parameters"]["message_id"] == message["message_id"]

    # ҚАЗ / РУС edit the answer into that language, with the keyboard in that language.
    for short, date, other in (("ҚАЗ", "1992 жылғы 3 қаңтар", "ENG"), ("РУС", "3 января", "ENG")):
        qid = await press(server, message, keys[short]["callback_data"], uid)
        await answered_cb(server, qid)
        edit = await edited(server, uid)
        assert edit.params["message_id"] == message["message_id"]
        assert edit.params["text"].startswith(f"<b>{date}")
        assert other in buttons(edit) and short not in buttons(edit)
        message = edit.result
    # ... and ENG back again.
    qid = await press(server, message, buttons(message)["ENG"]["callback_data"], uid)
    await answered_cb(server, qid)
    assert (await edited(server, uid)).params["text"] == reply.params["text"]

    # Share: an inline query with the fact id.
    assert keys["↗ Share"] == {"text": "↗ Share", "switch_inline_query": fact.id}

    # 👍 then 👎: answered with thanks, stored once per user and fact (the last vote wins).
    h = user_hash(db, uid)
    sql = "SELECT vote, question FROM feedback WHERE user_hash = ? AND fact_id = ?"
    qid = await press(server, message, keys["👍"]["callback_data"], uid)
    assert (await answered_cb(server, qid)).params["text"] == "Thank you!"
    assert await poll_rows(db, sql, h, fact.id) == [(1, DIPLO_EN)]
    qid = await press(server, message, keys["👎"]["callback_data"], uid)
    assert (await answered_cb(server, qid)).params["text"] == "Thank you!"
    deadline = time.monotonic() + 5
    while rows(db, sql, h, fact.id) != [(-1, DIPLO_EN)] and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert rows(db, sql, h, fact.id) == [(-1, DIPLO_EN)]

    # More from 1992: a new message with the year's list.
    qid = await press(server, message, keys["More from 1992"]["callback_data"], uid)
    await answered_cb(server, qid)
    more = await sent(server, uid)
    assert more.params["text"].startswith(
        f"<b>1992</b> · {events(len(year_facts(base, 1992)), 'en')}"
    )
    server.assert_clean()


async def test_example_buttons_ask_the_question(server: FakeBotAPI, bot: BotProcess) -> None:
    uid = new_user()
    server.push_update(F.make_command_update("/start", user_id=uid, language_code="kk"))
    greeting = await sent(server, uid)
    first = next(iter(buttons(greeting).values()))
    qid = await press(server, greeting.result, first["callback_data"], uid, language_code="kk")
    await answered_cb(server, qid)
    answer = await sent(server, uid)
    assert answer.params["text"].startswith("<b>1992 жылғы 3 қаңтар</b>")
    server.assert_clean()


@pytest.mark.parametrize(
    "data",
    ["1|year|10000|0|en", "garbage", "2|src|x|en", "1|tr|" + "x" * 57 + "|en", "1|src|no-such|en"],
    ids=["bad-year", "garbage", "old-version", "65-bytes", "unknown-fact"],
)
async def test_forged_callbacks_are_answered(
    server: FakeBotAPI, bot: BotProcess, data: str
) -> None:
    uid = new_user()
    # The button is on a message of the bot's with no keyboard (a 65-byte button can't exist).
    message = F.make_message("Choose:", user_id=uid, from_bot=True)
    qid = await press(server, message, data, uid)
    call = await answered_cb(server, qid)
    assert call.params["text"] in ("This button is out of date.", "No such fact.")
    # Still alive and answering.
    _, reply = await ask(server, DIPLO_EN, user_id=uid)
    assert reply.params["text"].startswith("<b>3 January 1992</b>")
    assert bot.proc.returncode is None
    server.assert_clean()


async def test_non_text_edits_long_and_hostile_input(server: FakeBotAPI, bot: BotProcess) -> None:
    uid = new_user()
    hint = "I only understand text: please type your question."
    server.push_update(F.make_sticker_update(user_id=uid))
    assert (await sent(server, uid)).params["text"] == hint
    server.push_update(F.make_photo_update(user_id=uid))
    assert (await sent(server, uid)).params["text"] == hint

    # An edited message is answered again, for what it says now.
    msg, first = await ask(server, "What happened in 2004?", user_id=uid)
    assert first.params["text"].startswith("<b>2004</b>")
    server.push_update(
        F.make_edited_message_update(DIPLO_EN, message_id=msg["message_id"], user_id=uid)
    )
    assert (await sent(server, uid)).params["text"].startswith("<b>3 January 1992</b>")

    # A 5,000-character message gets an answer within Telegram's limits.
    long_text = (DIPLO_EN + " ") * (5000 // (len(DIPLO_EN) + 1) + 1)
    t0 = time.monotonic()
    _, reply = await ask(server, long_text[:5000], user_id=uid)
    assert time.monotonic() - t0 < 5
    assert 0 < len(reply.params["text"]) <= 4096

    # HTML- and SQL-looking input is answered, escaped (the fake server parses the HTML).
    _, reply = await ask(server, "<b>x</b> & ' OR 1=1 --", user_id=uid)
    assert "<b>x</b>" not in reply.params["text"]
    assert reply.params["text"].startswith("The article says nothing about this.")
    server.push_update(F.make_command_update("/year' OR 1=1 -- <i>", user_id=uid))
    assert (await sent(server, uid)).params["text"] == "Give a year: /year 2004"
    server.assert_clean()


# -- groups -----------------------------------------------------------------------------------


async def test_group_is_silent_on_chatter(server: FakeBotAPI, bot: BotProcess) -> None:
    gid, uid = new_group(), new_user()
    server.push_update(
        F.make_message_update(
            "When did Kazakhstan and China establish diplomatic relations? lol",
            chat_type="supergroup",
            chat_id=gid,
            user_id=uid,
        )
    )
    server.push_update(  # addressed to another bot
        F.make_message_update(
            "@some_other_bot when was Abai's 150th?", chat_type="supergroup", chat_id=gid
        )
    )
    server.push_update(F.make_sticker_update(chat_type="supergroup", chat_id=gid))
    await assert_silent(server, gid, uid)
    assert not [c for c in server.calls_to("sendChatAction") if c.params["chat_id"] == gid]
    server.assert_clean()


async def test_group_answers_ask_mention_and_reply(server: FakeBotAPI, bot: BotProcess) -> None:
    gid = new_group()
    asker = new_user()
    ask_cmd = server.push_update(
        F.make_command_update(
            f"/ask {DIPLO_RU}", at_bot=True, chat_type="supergroup", chat_id=gid, user_id=asker
        )
    )["message"]
    reply = await sent(server, gid)
    assert reply.params["reply_parameters"]["message_id"] == ask_cmd["message_id"]
    assert reply.params["text"].startswith("<b>3 января 1992 г.</b>")

    mention = server.push_update(
        F.make_message_update(
            f"@{BOT_USERNAME} What happened in 1997?",
            chat_type="supergroup",
            chat_id=gid,
            user_id=new_user(),
        )
    )["message"]
    mreply = await sent(server, gid)
    assert mreply.params["reply_parameters"]["message_id"] == mention["message_id"]
    assert mreply.params["text"].startswith("<b>1997</b>")

    # A reply to the bot's own message is a question to it (no mention needed).
    follow = server.push_update(
        F.make_message_update(
            "What did Hu Jintao sign in 2003?",
            chat_type="supergroup",
            chat_id=gid,
            user_id=asker,
            reply_to=reply.result,
        )
    )["message"]
    freply = await sent(server, gid)
    assert freply.params["reply_parameters"]["message_id"] == follow["message_id"]
    assert "2003" in freply.params["text"].split("\n", 1)[0]
    server.assert_clean()


async def test_group_forum_topic_and_quiet_none(server: FakeBotAPI, bot: BotProcess) -> None:
    gid = new_group()
    topic = 4242
    q = server.push_update(
        F.make_command_update(
            f"/ask {DIPLO_KK}",
            at_bot=True,
            chat_type="supergroup",
            chat_id=gid,
            message_thread_id=topic,
        )
    )["message"]
    reply = await sent(server, gid)
    assert reply.params["message_thread_id"] == topic
    assert reply.params["reply_parameters"]["message_id"] == q["message_id"]
    assert reply.params["text"].startswith("<b>1992 жылғы 3 қаңтар</b>")

    # Off-topic: said once as text; the second time only a reaction.
    first = server.push_update(
        F.make_command_update(f"/ask {OFF_TOPIC}", at_bot=True, chat_type="supergroup", chat_id=gid)
    )["message"]
    none = await sent(server, gid)
    assert none.params["text"] == "The article has nothing on this."
    assert none.params["reply_parameters"]["message_id"] == first["message_id"]
    second = server.push_update(
        F.make_message_update(
            f"@{BOT_USERNAME} who will win the football tonight?",
            chat_type="supergroup",
            chat_id=gid,
            user_id=new_user(),
        )
    )["message"]
    reaction = await server.wait_for("setMessageReaction", to_chat(gid), timeout=WAIT)
    assert reaction.params["message_id"] == second["message_id"]
    assert reaction.params["reaction"] == [{"type": "emoji", "emoji": "🤷"}]
    await assert_silent(server, gid, new_user())
    server.assert_clean()


# -- inline mode ------------------------------------------------------------------------------


async def _inline(server: FakeBotAPI, query: str, **kw: Any) -> Call:
    update = server.push_update(F.make_inline_query_update(query, user_id=new_user(), **kw))
    qid = update["inline_query"]["id"]
    call = await server.wait_for(
        "answerInlineQuery", lambda c: c.params.get("inline_query_id") == qid, timeout=WAIT
    )
    assert call.ok, call.response
    return call


async def test_inline_queries(server: FakeBotAPI, bot: BotProcess, base: FactBase) -> None:
    ids = {f.id for f in base.facts}

    topical = (await _inline(server, "Abai")).params
    got = [r["id"] for r in topical["results"]]
    assert got and got[0] == "abai-150-in-china-1995"
    assert set(got) <= ids and len(got) <= 10
    card = topical["results"][0]
    assert card["type"] == "article"
    assert card["input_message_content"]["parse_mode"] == "HTML"
    assert "Source:" in card["input_message_content"]["message_text"]

    year = (await _inline(server, "2006")).params
    got = [r["id"] for r in year["results"]]
    assert got and set(got) == set(year_facts(base, 2006)[:10])

    featured = (await _inline(server, "", language_code="ru")).params
    got = [r["id"] for r in featured["results"]]
    assert 0 < len(got) <= 10 and set(got) <= ids
    assert featured["is_personal"] is True
    # An empty query from a Russian-speaking user gets Russian cards.
    assert "Источник:" in featured["results"][0]["input_message_content"]["message_text"]

    by_id = (await _inline(server, "diplomatic-relations-1992")).params
    assert [r["id"] for r in by_id["results"]] == ["diplomatic-relations-1992"]

    nothing = (await _inline(server, "zzzz qqqq")).params
    assert nothing["results"] == []
    assert nothing["button"]["start_parameter"] == "help"
    server.assert_clean()


# -- failures ---------------------------------------------------------------------------------


async def test_429_is_honoured(server: FakeBotAPI, bot: BotProcess) -> None:
    uid = new_user()
    server.fail_next("sendMessage", status=429, retry_after=1)
    t0 = time.monotonic()
    server.push_update(F.make_message_update(DIPLO_EN, user_id=uid))
    refused = await server.wait_for("sendMessage", to_chat(uid), timeout=WAIT)
    assert refused.status == 429
    reply = await sent(server, uid)
    assert reply.params["text"] == refused.params["text"]
    assert reply.time - refused.time >= 1.0
    assert reply.time - t0 >= 1.0
    server.assert_clean()


async def test_5xx_and_an_html_502_page_are_retried(server: FakeBotAPI, bot: BotProcess) -> None:
    """A 500, then a proxy's HTML 502 page: the same reply is sent again until it goes out."""
    uid = new_user()
    server.fail_next("sendMessage", status=500)
    server.fail_next("sendMessage", status=502, raw="<html><body>502 Bad Gateway</body></html>")
    server.push_update(F.make_message_update(DIPLO_EN, user_id=uid))
    first = await server.wait_for("sendMessage", to_chat(uid), timeout=WAIT)
    second = await server.wait_for("sendMessage", to_chat(uid), timeout=WAIT)
    assert (first.status, second.status) == (500, 502)
    reply = await sent(server, uid)
    assert reply.params["text"] == first.params["text"] == second.params["text"]
    assert reply.params["text"].startswith("<b>3 January 1992</b>")
    assert bot.proc.returncode is None
    server.assert_clean()


async def test_429_is_honoured_however_often_it_comes(server: FakeBotAPI, bot: BotProcess) -> None:
    uid = new_user()
    server.fail_next("sendMessage", status=429, retry_after=1, times=5)
    server.push_update(F.make_message_update(DIPLO_EN, user_id=uid))
    refused = [await server.wait_for("sendMessage", to_chat(uid), timeout=WAIT) for _ in range(5)]
    assert [c.status for c in refused] == [429] * 5
    reply = await sent(server, uid)
    assert reply.params["text"] == refused[0].params["text"]
    gaps = [b.time - a.time for a, b in itertools.pairwise([*refused, reply])]
    assert min(gaps) >= 1.0
    server.assert_clean()


async def test_zz_sigint_stops_cleanly_without_leaking_the_token(
    server: FakeBotAPI, bot: BotProcess
) -> None:
    """Last in the module: stops the shared process."""
    rc, took = await timed_stop(bot, signal.SIGINT)
    assert rc == 0
    assert took < 5, f"SIGINT took {took:.1f}s"
    out = bot.text
    # The injected 5xx answers were retried (warnings), so nothing was logged as an error.
    assert out.count(" ERROR ") == 0, out
    assert "Application started" in out and "stopped" in out
    secret = server.token.split(":", 1)[1]
    assert server.token not in out and secret not in out
    server.assert_clean()


# -- processes of their own ---------------------------------------------------------------------


async def test_language_survives_a_restart_and_signals(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    uid = new_user()
    async with FakeBotAPI() as server:
        async with running_bot(server, db) as first:
            server.push_update(F.make_command_update("/lang", user_id=uid))
            menu = await sent(server, uid)
            data = buttons(menu)["🇷🇺 Русский"]["callback_data"]
            qid = await press(server, menu.result, data, uid)
            await answered_cb(server, qid)
            await edited(server, uid)
            _, reply = await ask(server, DIPLO_EN, user_id=uid)
            assert reply.params["text"].startswith("<b>3 января 1992 г.</b>")
            qid = await press(server, reply.result, buttons(reply)["👍"]["callback_data"], uid)
            assert (await answered_cb(server, qid)).params["text"] == "Спасибо!"
            rc, took = await timed_stop(first, signal.SIGTERM)
        assert rc == 0
        assert took < 5, f"SIGTERM took {took:.1f}s"
        # Every queued write reached the file by the time the process ended.
        h = user_hash(db, uid)
        assert rows(db, "SELECT lang FROM user_lang WHERE user_hash = ?", h) == [("ru",)]
        assert rows(db, "SELECT fact_id, vote FROM feedback WHERE user_hash = ?", h) == [
            ("diplomatic-relations-1992", 1)
        ]
        assert rows(db, "SELECT count(*) FROM question_log WHERE user_hash = ?", h) == [(1,)]
        assert not rows(db, "SELECT 1 FROM question_log WHERE user_hash = ?", str(uid))

        async with running_bot(server, db) as second:
            _, reply = await ask(server, DIPLO_EN, user_id=uid)
            assert reply.params["text"].startswith("<b>3 января 1992 г.</b>")
            rc, took = await timed_stop(second, signal.SIGINT)
        assert rc == 0
        assert took < 5, f"SIGINT took {took:.1f}s"
        for out in (first.text, second.text):
            assert server.token not in out
        server.assert_clean()
