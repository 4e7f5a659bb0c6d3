"""Two replicas on one PostgreSQL: two ``python -m bot run --webhook`` processes share a real
PostgreSQL store (``DOSTYQ_DB=postgresql://...``, a fresh schema) and one fake Bot API. This test
stands in for Telegram and the load balancer: it posts one user's updates to the replicas in
turn and reads the bot's answers from the fake server.

It proves that the user's /lang choice and 👍/👎 votes made through one replica are what the
other one uses and stores, and that an update delivered to both replicas (at once, or again
later) is answered once. Skipped without a server (``DOSTYQ_TEST_PG_URL``), failed under CI.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from handlers.callback_data import Callback, encode
from handlers.i18n import ui
from knowledge.models import Lang
from tests import factories as F
from tests import pg
from tests.e2e import ROOT, BotProcess, bot_env
from tests.fakebotapi import Call, FakeBotAPI
from tests.test_startup import assert_no_token, free_port

pytestmark = pytest.mark.asyncio(loop_scope="module")

SECRET = "replica-Secret_0123456789"
URL = "https://bot.example.org/hook/telegram"
USER = 61_001
WAIT = 20.0
DIPLO_EN = "When did Kazakhstan and China establish diplomatic relations?"
#: The answer's heading in each language: which language the bot answered in.
DIPLO_HEADING: dict[Lang, str] = {
    "en": "<b>3 January 1992</b>",
    "ru": "<b>3 января 1992 г.</b>",
    "kk": "<b>1992 жылғы 3 қаңтар</b>",
}
DIPLO_FACT = "diplomatic-relations-1992"


class Replica:
    def __init__(self, name: str, proc: BotProcess, port: int) -> None:
        self.name, self.proc, self.base = name, proc, f"http://127.0.0.1:{port}"

    async def post(self, update: dict[str, Any]) -> dict[str, Any]:
        """Deliver ``update`` as Telegram would; the bot handles it before it answers 200."""
        headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                f"{self.base}/hook/telegram", data=json.dumps(update).encode(), headers=headers
            ) as resp,
        ):
            assert resp.status == 200, (self.name, resp.status, await resp.text())
            body: dict[str, Any] = await resp.json()
            return body


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def server() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as s:
        yield s


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared_db() -> AsyncIterator[str]:
    with pg.fresh_schema() as url:
        yield url


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def replicas(server: FakeBotAPI, shared_db: str) -> AsyncIterator[list[Replica]]:
    started: list[Replica] = []
    try:
        for name in ("A", "B"):
            port = free_port()
            env = bot_env(
                server,
                ROOT / "unused.sqlite3",  # replaced below by the shared PostgreSQL
                DOSTYQ_WEBHOOK_URL=URL,
                DOSTYQ_WEBHOOK_SECRET=SECRET,
                DOSTYQ_WEBHOOK_LISTEN="127.0.0.1",
                DOSTYQ_WEBHOOK_PORT=str(port),
            )
            env["DOSTYQ_DB"] = shared_db
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", "--webhook", cwd=str(ROOT), env=env,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
            )  # fmt: skip
            bp = BotProcess(proc)
            bp._reader = asyncio.create_task(bp._read())
            started.append(Replica(name, bp, port))
        # Both started together (they race to migrate the empty schema); each registers the
        # webhook once it listens.
        for _ in started:
            try:
                await server.wait_for("setWebhook", timeout=60)
            except AssertionError:
                raise AssertionError("\n".join(x.proc.text for x in started)) from None
        for r in started:
            async with aiohttp.ClientSession() as s, s.get(f"{r.base}/healthz") as resp:
                assert resp.status == 200, (r.name, await resp.text())
        yield started
    finally:
        for r in started:
            if r.proc.proc.returncode is None:
                await r.proc.stop()


def rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    """Read the shared database on a connection of this test's own."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return list(conn.execute(sql.encode()).fetchall())


def user_calls(server: FakeBotAPI, method: str, user_id: int = USER) -> list[Call]:
    def to_user(c: Call) -> bool:
        if method == "answerCallbackQuery":
            return True  # the only user pressing buttons is this test's
        return c.params.get("chat_id") == user_id

    return [c for c in server.calls_to(method) if to_user(c)]


async def answered(server: FakeBotAPI, method: str, user_id: int = USER) -> Call:
    pred = None if method == "answerCallbackQuery" else (lambda c: c.params["chat_id"] == user_id)
    call = await server.wait_for(method, pred, timeout=WAIT)
    assert call.ok, call.response
    return call


def button(message: Call, text: str) -> str:
    keyboard = message.params["reply_markup"]["inline_keyboard"]
    return next(b["callback_data"] for row in keyboard for b in row if b["text"] == text)


async def ask(server: FakeBotAPI, r: Replica, text: str = DIPLO_EN) -> Call:
    body = await r.post(F.make_message_update(text, user_id=USER, language_code="en"))
    assert "duplicate" not in body
    return await answered(server, "sendMessage")


async def press(server: FakeBotAPI, r: Replica, data: str, message: Call) -> Call:
    body = await r.post(F.make_callback_query_update(data, message=message.result, user_id=USER))
    assert "duplicate" not in body
    return await answered(server, "answerCallbackQuery")


async def choose(server: FakeBotAPI, r: Replica, lang: Lang, menu: Call) -> None:
    await press(server, r, encode(Callback("setlang", lang=lang)), menu)
    edit = await answered(server, "editMessageText")
    assert edit.params["text"] == ui("lang_set", lang)


async def test_language_and_votes_are_shared_by_the_replicas(
    server: FakeBotAPI, replicas: list[Replica], shared_db: str
) -> None:
    a, b = replicas
    # Each replica first reads the user's language while none is chosen (Telegram's "en"): a
    # replica caching that read would answer in English below.
    await a.post(F.make_command_update("/lang", user_id=USER))
    menu_a = await answered(server, "sendMessage")
    assert menu_a.params["text"] == ui("lang_prompt", "en")
    assert (await ask(server, b)).params["text"].startswith(DIPLO_HEADING["en"])

    await choose(server, a, "ru", menu_a)  # chosen through A ...
    assert (await ask(server, b)).params["text"].startswith(DIPLO_HEADING["ru"])  # ... B uses it
    assert (await ask(server, a)).params["text"].startswith(DIPLO_HEADING["ru"])

    await b.post(F.make_command_update("/lang", user_id=USER))
    menu_b = await answered(server, "sendMessage")
    assert menu_b.params["text"] == ui("lang_prompt", "ru")
    await choose(server, a, "kk", menu_b)  # B's menu pressed through A
    answer = await ask(server, b)
    assert answer.params["text"].startswith(DIPLO_HEADING["kk"])
    assert (await ask(server, a)).params["text"].startswith(DIPLO_HEADING["kk"])
    assert rows(shared_db, "SELECT lang FROM user_lang") == [("kk",)]

    # Votes on B's answer, through either replica: one row, the last vote wins.
    up, down = button(answer, "👍"), button(answer, "👎")
    for r, data, vote in ((a, up, 1), (b, down, -1), (a, down, -1), (b, up, 1)):
        thanks = await press(server, r, data, answer)
        assert thanks.params["text"] == ui("thanks", "kk"), r.name  # the shared language
        assert rows(shared_db, "SELECT fact_id, vote FROM feedback") == [(DIPLO_FACT, vote)]
    server.assert_clean()


async def test_an_update_delivered_to_both_replicas_is_answered_once(
    server: FakeBotAPI, replicas: list[Replica], shared_db: str
) -> None:
    # A user of its own per update: the rate limiter (1 message a second per chat, in each
    # replica) would otherwise pace the answers.
    users = iter(range(USER + 100, USER + 200))
    # At once, to both: whichever records it first answers; the other says it is a duplicate.
    for i in range(6):
        user = next(users)
        update = F.make_message_update(DIPLO_EN, user_id=user)
        order = replicas if i % 2 == 0 else replicas[::-1]
        bodies = await asyncio.gather(*(r.post(update) for r in order))
        assert sorted("duplicate" in x for x in bodies) == [False, True], bodies
        # Both POSTs returned, so both replicas are done with it: nothing more will be sent.
        assert len(user_calls(server, "sendMessage", user)) == 1
    # Again later, to the replica that did not get it first (each replica's own memory of
    # update ids cannot know it: only the shared table does).
    user = next(users)
    update = F.make_message_update(DIPLO_EN, user_id=user)
    first, again = replicas
    assert "duplicate" not in await first.post(update)
    assert (await again.post(update)).get("duplicate") is True
    assert (await first.post(update)).get("duplicate") is True
    assert len(user_calls(server, "sendMessage", user)) == 1

    # A button press delivered to both: one vote, one answer to it.
    answer = user_calls(server, "sendMessage", user)[-1]
    pressed = len(server.calls_to("answerCallbackQuery"))
    update = F.make_callback_query_update(button(answer, "👎"), message=answer.result, user_id=user)
    bodies = await asyncio.gather(*(r.post(update) for r in replicas))
    assert sorted("duplicate" in x for x in bodies) == [False, True], bodies
    assert len(server.calls_to("answerCallbackQuery")) == pressed + 1
    n = rows(shared_db, f"SELECT count(*) FROM seen_update WHERE update_id = {update['update_id']}")
    assert n == [(1,)]
    server.assert_clean()


async def test_zz_both_replicas_stop_cleanly(replicas: list[Replica]) -> None:
    for r in replicas:
        assert await r.proc.stop() == 0, r.proc.text
        text = r.proc.text
        assert "webhook registered" in text and " ERROR " not in text, text
        assert_no_token(text)
