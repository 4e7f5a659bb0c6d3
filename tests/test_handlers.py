"""Handler unit tests in PTB's own style: the real Application, no network, no subprocess.

The bot talks to an offline :class:`RecordingRequest` (a ``telegram.request.BaseRequest``). It
checks every call against the Bot API spec with the fake server's validator and answers it with
the fake server's state, without HTTP; getUpdates, unknown methods and spec violations are
recorded and fail the test. Updates go straight to ``Application.process_update``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import sqlite3
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram import InlineKeyboardMarkup, Update
from telegram.request import BaseRequest, RequestData

from bot.app import DostyqApp, build_application
from bot.settings import Settings
from bot.store import Store
from bot.store_sqlite import SQLiteBackend
from handlers import callback_data as cbd
from handlers import replies
from handlers.callback_data import Callback, encode, parse
from handlers.i18n import COMMANDS, GROUP_COMMANDS, events
from handlers.keyboards import (
    examples_menu,
    fact_keyboard,
    lang_menu,
    topic_keyboard,
    topics_menu,
    year_keyboard,
)
from handlers.messages import MENTIONS_BOT
from handlers.render import pages_of
from knowledge.factbase import FactBase
from knowledge.models import LANGS, TAGS, Lang
from tests import factories as F
from tests import pg
from tests.fakebotapi import BOT_USERNAME, DEFAULT_TOKEN, default_validator
from tests.fakebotapi.spec import decode_params
from tests.fakebotapi.state import ApiError, TelegramState

DIPLO_EN = "When did Kazakhstan and China establish diplomatic relations?"
_users = itertools.count(410_001)


# -- the offline request ------------------------------------------------------------------------


@dataclass
class Recorded:
    method: str
    params: dict[str, Any]
    status: int
    result: Any = None


@dataclass
class RecordingRequest(BaseRequest):
    """Answers Bot API calls from memory, validating each against the spec."""

    calls: list[Recorded] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    faults: dict[str, deque[tuple[int, str]]] = field(default_factory=dict)
    state: TelegramState = field(default_factory=TelegramState)

    def __post_init__(self) -> None:
        self.validator = default_validator()

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    def fail(self, method: str, status: int, description: str, times: int = 1) -> None:
        self.faults.setdefault(method, deque()).extend([(status, description)] * times)

    def to(self, method: str) -> list[Recorded]:
        return [c for c in self.calls if c.method == method]

    def sent(self) -> list[Recorded]:
        return [c for c in self.calls if c.method == "sendMessage" and c.status == 200]

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        name = self.validator.canonical_method(url.rsplit("/", 1)[-1])
        raw = request_data.json_parameters if request_data is not None else {}

        def reply(status: int, body: dict[str, Any], params: dict[str, Any]) -> tuple[int, bytes]:
            self.calls.append(Recorded(name or url, params, status, body.get("result")))
            return status, json.dumps(body).encode()

        if name is None or name == "getUpdates":
            self.problems.append(f"unexpected call: {url.rsplit('/', 1)[-1]}")
            return reply(404, {"ok": False, "error_code": 404, "description": "Not Found"}, raw)
        params = decode_params(self.validator.spec, name, dict(raw))
        for p in self.validator.check_call(name, params):
            self.problems.append(f"{name}.{p.field}: {p.reason}")
        queue = self.faults.get(name)
        if queue:
            status, description = queue.popleft()
            body = {"ok": False, "error_code": status, "description": description}
            return reply(status, body, params)
        try:
            returns = self.validator.methods[name].get("returns", [])
            result = self.state.answer(name, params, returns)
        except ApiError as e:
            return reply(
                e.status, {"ok": False, "error_code": e.status, "description": str(e)}, params
            )
        return reply(200, {"ok": True, "result": result}, params)


# -- the application ----------------------------------------------------------------------------


@dataclass
class Harness:
    app: DostyqApp
    request: RecordingRequest

    async def feed(self, update: dict[str, Any]) -> list[Recorded]:
        """Process one update; return the calls it caused."""
        before = len(self.request.calls)
        self.request.state.push_update(update)
        await self.app.process_update(Update.de_json(update, self.app.bot))
        return self.request.calls[before:]

    async def text(self, update: dict[str, Any]) -> Recorded:
        """Process an update that must be answered with exactly one message; return it."""
        sent = [c for c in await self.feed(update) if c.method == "sendMessage"]
        assert len(sent) == 1, [c.method for c in self.request.calls[-5:]]
        assert sent[0].status == 200
        return sent[0]

    @property
    def store(self) -> Store:
        store = self.app.bot_data.store
        assert isinstance(store, Store)
        return store


def make_settings(db: Path, **kw: Any) -> Settings:
    return Settings(
        _env_file=None,
        TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN,
        TELEGRAM_API_URL="http://offline.invalid/bot",
        DOSTYQ_DB=str(db),
        **{"rate_limit": False, **kw},
    )


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith(("TELEGRAM_", "DOSTYQ_")):
            monkeypatch.delenv(name)


async def start(settings: Settings, request: RecordingRequest) -> DostyqApp:
    app = build_application(settings, request=request)
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)  # run_polling would call it; process_update does not
    return app


async def stop(app: DostyqApp) -> None:
    assert app.post_shutdown is not None
    await app.post_shutdown(app)
    await app.shutdown()


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    request = RecordingRequest()
    app = await start(make_settings(tmp_path / "bot.sqlite3"), request)
    try:
        yield Harness(app, request)
    finally:
        await stop(app)
    assert request.problems == []


# -- callback_data --------------------------------------------------------------------------


ROUND_TRIPS = [
    Callback("src", fact_id="diplomatic-relations-1992", lang="kk"),
    Callback("tr", fact_id="abai-works-in-chinese", lang="ru"),
    Callback("vote", fact_id="hu-jintao-visit-2003", vote=1),
    Callback("vote", fact_id="hu-jintao-visit-2003", vote=-1),
    Callback("year", year=2003, page=1, lang="en"),
    Callback("more", year=1992, lang="kk"),
    Callback("topic", tag="culture-days", page=2, lang="ru"),
    Callback("setlang", lang="en"),
    Callback("ex", example=2, lang="kk"),
]


@pytest.mark.parametrize("cb", ROUND_TRIPS, ids=lambda cb: cb.action)
def test_callback_round_trip(cb: Callback) -> None:
    data = encode(cb)
    assert data.startswith("1|") and len(data.encode()) <= 64
    assert parse(data) == cb


def test_encode_keeps_only_the_actions_fields() -> None:
    assert encode(Callback("vote", fact_id="x1", vote=5, lang="kk")) == "1|vote|x1|+"
    assert parse(encode(Callback("setlang", lang="ru", year=2004))) == Callback(
        "setlang", lang="ru"
    )


@pytest.mark.parametrize(
    "cb",
    [
        Callback("src", lang="en"),  # no fact
        Callback("tr", fact_id="x", lang=None),  # no language
        Callback("src", fact_id="Not-Valid", lang="en"),  # does not round-trip
        Callback("src", fact_id="a" * 41, lang="en"),
        Callback("year", year=10000, lang="en"),  # /year takes four digits at most
        Callback("year", year=-1, lang="en"),
        Callback("topic", tag="cooking", lang="en"),
        Callback("ex", example=7, lang="en"),
    ],
)
def test_encode_refuses_what_would_not_parse(cb: Callback) -> None:
    with pytest.raises(ValueError):
        encode(cb)


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "garbage",
        "1",
        "1|src",
        "2|src|x|en",
        "0|year|2004|0|en",
        "1|src|x|de",
        "1|src|X|en",
        "1|src|-x|en",
        "1|src|x|en|extra",
        "1|src|" + "a" * 41 + "|en",
        "1|vote|x|0",
        "1|vote|x",
        "1|year|10000|0|en",
        "1|year|-1|0|en",
        "1|year|+204|0|en",
        "1|year|2004|1000|en",
        "1|year|2004|-1|en",
        "1|year|२००४|0|en",  # Devanagari digits match \d
        "1|topic|cooking|0|en",
        "1|setlang|fr",
        "1|ex|3|en",
        "1|nope|x|en",
        "1|tr|" + "x" * 57 + "|en",  # 65 bytes
        "1|src|dіplomatic|en",  # a Cyrillic і
    ],
)
def test_parse_rejects(data: str | None) -> None:
    assert parse(data) is None


@given(st.text(max_size=80))
def test_parse_never_raises_and_what_parses_re_encodes(data: str) -> None:
    cb = parse(data)
    if cb is not None:
        assert parse(encode(cb)) == cb


@given(
    st.lists(st.sampled_from(["1", "src", "tr", "year", "2004", "0", "en", "x", "+"]), max_size=6)
)
def test_parse_of_plausible_pieces(parts: list[str]) -> None:
    cb = parse("|".join(parts))
    if cb is not None:
        assert parse(encode(cb)) == cb


def _callback_data(markup: InlineKeyboardMarkup | None) -> list[str]:
    if markup is None:
        return []
    return [b.callback_data for row in markup.inline_keyboard for b in row if b.callback_data]  # type: ignore[misc]


def test_every_keyboard_fits_64_bytes(base: FactBase) -> None:
    validator = default_validator()
    markups: list[InlineKeyboardMarkup | None] = [lang_menu(), topics_menu(list(TAGS), "en")]
    years = base.years()
    for lang in LANGS:
        markups.append(examples_menu(lang))
        markups += [fact_keyboard(f, lang) for f in base.facts]
        for year in [*years, 1600, 2099]:
            markups += [year_keyboard(year, 40, page, lang, 1600, 2099) for page in (0, 1, 6)]
        markups += [topic_keyboard(tag, 40, page, lang) for tag in TAGS for page in (0, 3, 6)]
    count = 0
    for markup in markups:
        for data in _callback_data(markup):
            count += 1
            assert len(data.encode()) <= cbd.MAX_BYTES, data
            assert parse(data) is not None, data
        if markup is not None:
            problems = validator.check_value(markup.to_dict(), ["InlineKeyboardMarkup"], "markup")
            assert problems == []
    assert count > 78 * 3 * 6
    # The longest fact id leaves room: tr with the longest id is well under the limit.
    longest = max(base.facts, key=lambda f: len(f.id))
    assert len(encode(Callback("tr", fact_id=longest.id, lang="kk")).encode()) <= 64


# -- handlers ---------------------------------------------------------------------------------


async def test_private_question_answered(h: Harness) -> None:
    calls = await h.feed(F.make_message_update(DIPLO_EN, user_id=next(_users)))
    # A fast answer goes out alone: no "typing..." first.
    assert [c.method for c in calls] == ["sendMessage"]
    text = calls[0].params["text"]
    assert text.startswith("<b>3 January 1992</b>") and "<i>Source: " in text


async def test_a_slow_answer_shows_typing_first(
    h: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = h.app.bot_data.engine
    assert engine is not None
    fast_ask = engine.ask

    async def slow_ask(*args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(replies.TYPING_AFTER_SECONDS + 0.2)
        return await fast_ask(*args, **kwargs)

    monkeypatch.setattr(engine, "ask", slow_ask)
    uid = next(_users)
    calls = await h.feed(F.make_message_update(DIPLO_EN, user_id=uid))
    assert [c.method for c in calls] == ["sendChatAction", "sendMessage"]
    assert calls[0].params == {"chat_id": uid, "action": "typing"}
    # In groups the bot never shows typing.
    group = F.make_command_update(f"/ask {DIPLO_EN}", at_bot=True, chat_type="supergroup")
    assert [c.method for c in await h.feed(group)] == ["sendMessage"]


async def test_mentions_bot_filter(h: Harness) -> None:
    gid = -1004_000_000_001
    other = F.make_message_update(
        "@some_other_bot When did Kazakhstan and China establish diplomatic relations?",
        chat_type="supergroup",
        chat_id=gid,
    )
    upd = Update.de_json(other, h.app.bot)
    assert not MENTIONS_BOT.check_update(upd)
    assert await h.feed(other) == []

    # Case-insensitive @username, anywhere in the text.
    ours = F.make_message_update(
        f"so @{BOT_USERNAME.upper()} what happened in 2004?", chat_type="supergroup", chat_id=gid
    )
    assert MENTIONS_BOT.check_update(Update.de_json(ours, h.app.bot))
    reply = await h.text(ours)
    assert reply.params["text"].startswith("<b>2004</b>")
    assert reply.params["reply_parameters"]["message_id"] == ours["message"]["message_id"]

    # A reply to another user is not for the bot; a reply to the bot is.
    human = F.make_message("hi all", chat_type="supergroup", chat_id=gid, user_id=5)
    to_human = F.make_message_update(DIPLO_EN, chat_type="supergroup", chat_id=gid, reply_to=human)
    assert await h.feed(to_human) == []
    to_bot = F.make_message_update(
        DIPLO_EN, chat_type="supergroup", chat_id=gid, reply_to=reply.result
    )
    assert (await h.text(to_bot)).params["text"].startswith("<b>3 January 1992</b>")

    # A username merely containing ours is not a mention of us.
    longer = F.make_message_update(
        f"@{BOT_USERNAME}_fan what happened in 2004?", chat_type="supergroup", chat_id=gid
    )
    assert await h.feed(longer) == []
    # /ask addressed to another bot is ignored too.
    other_cmd = F.make_message_update(
        f"/ask@some_other_bot {DIPLO_EN}", chat_type="supergroup", chat_id=gid
    )
    assert await h.feed(other_cmd) == []
    # A bare mention: how to ask.
    bare = F.make_message_update(f"@{BOT_USERNAME}", chat_type="supergroup", chat_id=gid)
    assert (await h.text(bare)).params["text"].startswith("Put the question after the command")


@pytest.mark.parametrize("arg", ["", " abc", " 20045", " 2004x", " 04", " -2004", " 2004.5"])
async def test_year_with_a_bad_argument(h: Harness, arg: str) -> None:
    reply = await h.text(F.make_command_update(f"/year{arg}", user_id=next(_users)))
    assert reply.params["text"] == "Give a year: /year 2004"


async def test_year_in_fullwidth_digits(h: Harness) -> None:
    # Some East Asian keyboards type fullwidth digits; they are read as the year.
    reply = await h.text(F.make_command_update("/year ２００４", user_id=next(_users)))
    assert reply.params["text"].startswith("<b>2004</b>")


async def test_year_without_events(h: Harness) -> None:
    reply = await h.text(F.make_command_update("/year 1800", user_id=next(_users)))
    assert reply.params["text"].startswith("The article mentions no events in 1800.")
    assert "Nearest years with events: 1991" in reply.params["text"]


@pytest.mark.parametrize("year", ["0000", "0001", "1599", "2100", "9999"])
async def test_year_outside_the_keyboards_old_range_is_answered(h: Harness, year: str) -> None:
    # The year keyboard's callback data once accepted only 1600-2099 and raised outside it.
    reply = await h.text(F.make_command_update(f"/year {year}", user_id=next(_users)))
    assert reply.params["text"].startswith(f"The article mentions no events in {int(year)}.")
    markup = reply.params.get("reply_markup") or {}
    for row in markup.get("inline_keyboard", []):
        for button in row:
            assert parse(button["callback_data"]) is not None


async def test_ask_without_a_question(h: Harness) -> None:
    reply = await h.text(F.make_command_update("/ask", user_id=next(_users), language_code="kk"))
    assert reply.params["text"] == "Сұрақты командадан кейін жазыңыз: /ask 2004 жылы не болды?"
    group = F.make_command_update("/ask   ", at_bot=True, chat_type="group")
    reply = await h.text(group)
    assert reply.params["text"].startswith("Put the question after the command")
    assert reply.params["reply_parameters"]["message_id"] == group["message"]["message_id"]


async def test_help_names_the_bot(h: Harness) -> None:
    reply = await h.text(F.make_command_update("/help", at_bot=True, chat_type="supergroup"))
    assert f"/ask@{BOT_USERNAME}" in reply.params["text"]
    assert "reply_parameters" in reply.params


async def test_lang_is_private_only(h: Harness) -> None:
    assert await h.feed(F.make_command_update("/lang", at_bot=True, chat_type="group")) == []
    assert await h.feed(F.make_command_update("/forget", at_bot=True, chat_type="group")) == []


# -- setMyCommands ----------------------------------------------------------------------------


async def test_commands_registered_per_language_and_scope(h: Harness) -> None:
    calls = h.request.to("setMyCommands")
    got = {(c.params["scope"]["type"], c.params.get("language_code")) for c in calls}
    assert got == {
        (scope, lang)
        for scope in ("all_private_chats", "all_group_chats")
        for lang in (None, "kk", "ru", "en")
    }
    assert len(calls) == 8
    for c in calls:
        names = [cmd["command"] for cmd in c.params["commands"]]
        lang: Lang = c.params.get("language_code") or "en"
        if c.params["scope"]["type"] == "all_group_chats":
            assert set(names) == set(GROUP_COMMANDS)
        else:
            assert names == [n for n, _ in COMMANDS[lang]]
        assert dict((cmd["command"], cmd["description"]) for cmd in c.params["commands"]) == {
            n: d for n, d in COMMANDS[lang] if n in names
        }


async def test_failing_set_my_commands_is_logged_and_the_bot_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    request = RecordingRequest()
    request.fail("setMyCommands", 400, "Bad Request: BOT_COMMAND_INVALID", times=3)
    request.fail("setMyCommands", 500, "Internal Server Error", times=1)
    with caplog.at_level(logging.WARNING, logger="dostyq"):
        app = await start(make_settings(tmp_path / "bot.sqlite3"), request)
    try:
        warnings = [r for r in caplog.records if "setMyCommands" in r.getMessage()]
        assert len(warnings) == 4
        assert (
            "(all_private_chats, default) failed: Bot_command_invalid" in warnings[0].getMessage()
        )
        # The others were still tried, and the 500 was retried (bot.delivery).
        assert len(request.to("setMyCommands")) == 9
        reply = await Harness(app, request).text(F.make_message_update(DIPLO_EN))
        assert reply.params["text"].startswith("<b>3 January 1992</b>")
    finally:
        await stop(app)
    assert request.problems == []


# -- errors -----------------------------------------------------------------------------------


async def test_error_handler_tells_the_admin_chat_only_the_type(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    request = RecordingRequest()
    app = await start(make_settings(tmp_path / "b.sqlite3", admin_chat_id=-1005), request)
    try:
        # A 500 would be retried (bot.delivery); a 400 is final and reaches the error handler.
        request.fail("sendMessage", 400, "Bad Request: message is too long")
        with caplog.at_level(logging.ERROR, logger="dostyq.errors"):
            await Harness(app, request).feed(F.make_message_update("secret question 1992"))
        assert any("raised an exception" in r.getMessage() for r in caplog.records)
        note = request.sent()[-1]
        assert note.params["chat_id"] == -1005
        assert note.params["text"] == "⚠️ Dostyq error: <code>BadRequest</code>"
    finally:
        await stop(app)
    assert request.problems == []


# -- the store, seen through the handlers ------------------------------------------------


async def test_user_ids_are_only_stored_hashed(h: Harness, tmp_path: Path) -> None:
    uid = 987_654_321_987
    await h.text(F.make_message_update(DIPLO_EN, user_id=uid))
    answer = await h.text(F.make_message_update("What happened in 2004?", user_id=uid))
    lang_menu_msg = await h.text(F.make_command_update("/lang", user_id=uid))
    await h.feed(
        F.make_callback_query_update("1|setlang|kk", message=lang_menu_msg.result, user_id=uid)
    )
    await h.feed(
        F.make_callback_query_update(
            "1|vote|almaty-days-shanghai-2004|+", message=answer.result, user_id=uid
        )
    )
    await h.store.flush()
    db = tmp_path / "bot.sqlite3"
    with sqlite3.connect(db) as conn:
        hashes = {
            r[0]
            for t in ("user_lang", "feedback", "question_log")
            for r in conn.execute(f"SELECT user_hash FROM {t}")
        }
        (logged,) = conn.execute("SELECT count(*) FROM question_log").fetchone()
    assert hashes == {h.store.user_hash(uid)} and logged == 2
    assert len(next(iter(hashes))) == 32 and str(uid) not in next(iter(hashes))
    # Neither in the database file nor in its write-ahead log, in any encoding.
    for f in tmp_path.glob("bot.sqlite3*"):
        data = f.read_bytes()
        assert str(uid).encode() not in data, f.name
        assert uid.to_bytes(8, "big") not in data, f.name


def _log_rows(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        rows = [q for (q,) in conn.execute("SELECT question FROM question_log ORDER BY id")]
    conn.close()
    return rows


async def test_log_days_setting_reaches_the_store(tmp_path: Path) -> None:
    request = RecordingRequest()
    app = await start(make_settings(tmp_path / "bot.sqlite3", log_days=0), request)
    try:
        harness = Harness(app, request)
        await harness.text(F.make_message_update(DIPLO_EN))
        await harness.store.flush()
        assert harness.store.log_days == 0
    finally:
        await stop(app)
    assert _log_rows(tmp_path / "bot.sqlite3") == []


@pytest.mark.parametrize("fault", ["readonly", "full"])
async def test_a_failing_database_still_answers_and_logs_once(
    h: Harness, caplog: pytest.LogCaptureFixture, fault: str
) -> None:
    backend = h.store.backend
    assert isinstance(backend, SQLiteBackend)
    uid = next(_users)
    assert await h.store.set_lang(uid, "ru")
    if fault == "readonly":
        await backend.db.execute("PRAGMA query_only = 1")
    else:
        # No page left (SQLITE_FULL), and no room left on the question log's own pages.
        (pages,) = next(iter(await backend.db.execute_fetchall("PRAGMA page_count")))
        await backend.db.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(sqlite3.OperationalError, match="full"):
            while True:
                await backend.db.execute(
                    "INSERT INTO question_log(created, user_hash, question, lang, chat_type,"
                    " kind) VALUES (0, 'ballast', randomblob(50), 'en', 'private', 'none')"
                )
    with caplog.at_level(logging.ERROR, logger="bot.store"):
        for i in range(20):
            asker = uid if i == 0 else next(_users)
            reply = await h.text(F.make_message_update(DIPLO_EN, user_id=asker))
            assert "1992" in reply.params["text"]
        await h.store.flush()
        if fault == "full":  # a vote may still fit on its table's pages: nothing more to say
            assert h.store.write_errors == 20
            errors = [r.getMessage() for r in caplog.records if r.name == "bot.store"]
            assert len(errors) == 1 and "full" in errors[0]
            return
        # What the user is told about says that it was not saved, and changes nothing.
        calls = await h.feed(
            F.make_callback_query_update(
                "1|vote|diplomatic-relations-1992|+", message=reply.result, user_id=uid
            )
        )
        assert [(c.method, c.params.get("text")) for c in calls] == [
            ("answerCallbackQuery", "Не удалось сохранить, повторите позже.")
        ]
        forget = await h.text(F.make_command_update("/forget", user_id=uid))
        assert "удалить не получилось" in forget.params["text"]
        assert await h.store.get_lang(uid) == "ru"  # kept, in the cache and the database
    assert h.store.write_errors == 22  # 20 log entries, the vote, the /forget
    errors = [r.getMessage() for r in caplog.records if r.name == "bot.store"]
    assert len(errors) == 1, errors  # once a minute, not once per message
    await backend.db.execute("PRAGMA query_only = 0")


def _feedback(path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        rows = list(conn.execute("SELECT user_hash, fact_id, vote, question FROM feedback"))
    conn.close()
    return rows


async def test_vote_and_language_are_committed_before_the_reply(h: Harness, tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    uid = next(_users)
    seen: list[tuple[str, int, int]] = []
    inner = h.request.do_request

    async def spy(url: str, method: str, *args: Any, **kw: Any) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        if name in ("answerCallbackQuery", "editMessageText"):
            with sqlite3.connect(db) as conn:  # another connection: what a crash would keep
                (votes,) = conn.execute("SELECT count(*) FROM feedback").fetchone()
                (langs,) = conn.execute("SELECT count(*) FROM user_lang").fetchone()
            conn.close()
            seen.append((name, votes, langs))
        return await inner(url, method, *args, **kw)

    h.request.do_request = spy  # type: ignore[method-assign]
    reply = await h.text(F.make_message_update(DIPLO_EN, user_id=uid))
    await h.feed(
        F.make_callback_query_update(
            "1|vote|diplomatic-relations-1992|+", message=reply.result, user_id=uid
        )
    )
    menu = await h.text(F.make_command_update("/lang", user_id=uid))
    await h.feed(F.make_callback_query_update("1|setlang|kk", message=menu.result, user_id=uid))
    assert seen == [
        ("answerCallbackQuery", 1, 0),  # the vote's "thanks": the vote is in
        ("answerCallbackQuery", 1, 1),  # the language button: the language is in
        ("editMessageText", 1, 1),
    ]


async def test_a_vote_under_someone_elses_answer_keeps_no_text_of_theirs(
    h: Harness, tmp_path: Path
) -> None:
    gid, a, b = -100_777, next(_users), next(_users)
    question = f"/ask {DIPLO_EN}"
    reply = await h.text(
        F.make_command_update(question, chat_type="supergroup", chat_id=gid, user_id=a, at_bot=True)
    )
    for voter in (b, a):
        await h.feed(
            F.make_callback_query_update(
                "1|vote|diplomatic-relations-1992|+", message=reply.result, user_id=voter
            )
        )
    by_user = {row[0]: row[3] for row in _feedback(tmp_path / "bot.sqlite3")}
    assert by_user[h.store.user_hash(b)] is None
    assert by_user[h.store.user_hash(a)] == DIPLO_EN
    # A's /forget removes A's text from every row and from memory.
    await h.text(F.make_command_update("/forget", user_id=a))
    rows = _feedback(tmp_path / "bot.sqlite3")
    assert [r[0] for r in rows] == [h.store.user_hash(b)]
    assert rows[0][3] is None
    assert h.app.bot_data.memory.recall(gid, reply.result["message_id"], a) is None


async def test_forget_waits_for_the_users_questions_in_flight(h: Harness, tmp_path: Path) -> None:
    uid = next(_users)
    updates = [F.make_message_update(f"Abai {i} 150", user_id=uid) for i in range(10)]
    updates.append(F.make_command_update("/forget", user_id=uid))
    processor = h.app.update_processor
    await processor.initialize()
    # As Application.start does: one task per update, all at once, through the processor.
    tasks = []
    for raw_update in updates:
        update = Update.de_json(raw_update, h.app.bot)
        tasks.append(
            asyncio.create_task(processor.process_update(update, h.app.process_update(update)))
        )
    await asyncio.gather(*tasks)
    await h.store.flush()
    assert _log_rows(tmp_path / "bot.sqlite3") == []
    assert h.request.sent()[-1].params["text"].endswith("(10 records).")


async def test_user_and_chat_data_stay_empty(h: Harness) -> None:
    for _ in range(30):
        uid = next(_users)
        reply = await h.text(F.make_message_update(DIPLO_EN, user_id=uid))
        await h.feed(
            F.make_callback_query_update(
                "1|vote|diplomatic-relations-1992|+", message=reply.result, user_id=uid
            )
        )
        await h.text(
            F.make_command_update(
                f"/ask {DIPLO_EN}", chat_type="supergroup", chat_id=-uid, user_id=uid, at_bot=True
            )
        )
    assert len(h.app.user_data) == 0 and len(h.app.chat_data) == 0


async def test_the_bot_with_its_store_on_postgresql() -> None:
    with pg.fresh_schema() as url:
        request = RecordingRequest()
        app = await start(make_settings(url), request)  # type: ignore[arg-type]
        h = Harness(app, request)
        try:
            assert h.store.backend.dialect == "postgresql"
            assert app.bot_data.engine is not None  # the index: in memory, not in PostgreSQL
            uid = next(_users)
            menu = await h.text(F.make_command_update("/lang", user_id=uid))
            await h.feed(
                F.make_callback_query_update("1|setlang|ru", message=menu.result, user_id=uid)
            )
            reply = await h.text(F.make_message_update(DIPLO_EN, user_id=uid))
            assert reply.params["text"].startswith("<b>3 января 1992")
            calls = await h.feed(
                F.make_callback_query_update(
                    "1|vote|diplomatic-relations-1992|+", message=reply.result, user_id=uid
                )
            )
            assert [c.params.get("text") for c in calls] == ["Спасибо!"]
            forgot = await h.text(F.make_command_update("/forget", user_id=uid))
            assert forgot.params["text"].endswith("(записей: 3).")  # language, vote, question
        finally:
            await stop(app)
        assert request.problems == []
        from tests.test_store import raw

        assert raw(url, "SELECT count(*) FROM question_log") == [(0,)]


async def test_a_vote_for_an_unknown_fact_is_not_stored(h: Harness, tmp_path: Path) -> None:
    uid = next(_users)
    reply = await h.text(F.make_message_update(DIPLO_EN, user_id=uid))
    calls = await h.feed(
        F.make_callback_query_update("1|vote|no-such-fact|+", message=reply.result, user_id=uid)
    )
    assert [(c.method, c.params.get("text")) for c in calls] == [
        ("answerCallbackQuery", "No such fact.")
    ]
    await h.store.flush()
    with sqlite3.connect(tmp_path / "bot.sqlite3") as conn:
        assert conn.execute("SELECT count(*) FROM feedback").fetchone() == (0,)


@pytest.mark.parametrize("lang", LANGS)
async def test_info_commands_are_valid_html_in_every_language(h: Harness, lang: Lang) -> None:
    for command in ("/start", "/help", "/about", "/sources", "/topics", "/lang"):
        reply = await h.text(
            F.make_command_update(command, user_id=next(_users), language_code=lang)
        )
        assert reply.params["text"]
    assert h.request.problems == []  # the HTML of each parsed, within the limits


async def test_topics_list_and_pages(h: Harness, base: FactBase) -> None:
    uid = next(_users)
    menu = await h.text(F.make_command_update("/topics", user_id=uid))
    keys = {
        b["text"]: b["callback_data"]
        for row in menu.params["reply_markup"]["inline_keyboard"]
        for b in row
    }
    n = sum("culture-days" in f.tags for f in base.facts)
    assert n > 6
    calls = await h.feed(
        F.make_callback_query_update(keys["Culture days"], message=menu.result, user_id=uid)
    )
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    text = calls[1].params["text"]
    assert text.startswith(f"<b>Culture days</b> · {events(n, 'en')} · page 1/")
    nav = calls[1].params["reply_markup"]["inline_keyboard"][0]
    assert nav[-1]["callback_data"] == "1|topic|culture-days|1|en"
    calls = await h.feed(
        F.make_callback_query_update(nav[-1]["callback_data"], message=calls[1].result, user_id=uid)
    )
    assert "page 2/" in calls[1].params["text"]


async def test_a_forged_page_is_clamped(h: Harness, base: FactBase) -> None:
    pages = pages_of(sum(f.date is not None and f.date.start.year == 2003 for f in base.facts))
    uid = next(_users)
    msg = F.make_message("list", user_id=uid, from_bot=True)
    calls = await h.feed(
        F.make_callback_query_update("1|year|2003|999|en", message=msg, user_id=uid)
    )
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    assert f"page {pages}/{pages}" in calls[1].params["text"]
