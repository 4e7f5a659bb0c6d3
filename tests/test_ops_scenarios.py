"""Operating scenarios against the real ``dostyq run`` process, over HTTP on 127.0.0.1.

The fake Bot API enforces Telegram's flood limits here (a 429 past 30 messages a second, one a
second per chat, 20 a minute per group), so every scenario also checks that the bot's rate
limiter kept it from a single 429. One bot process (module scope) with one admin, a flood limit
of 4 questions a minute and its own copy of the fact files (for /reload).
"""

from __future__ import annotations

import asyncio
import html
import itertools
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
import pytest_asyncio

from handlers.i18n import OPS_UI
from knowledge.factbase import DEFAULT_FACTS_DIR
from tests import factories as F
from tests.e2e import ROOT, BotProcess, bot_env, running_bot
from tests.fakebotapi import Call, FakeBotAPI
from tests.fakebotapi.limits import FloodLimits

pytestmark = pytest.mark.asyncio(loop_scope="module")

ADMIN = 880_001
FLOOD = 4
WAIT = 15.0
DIPLO_EN = "When did Kazakhstan and China establish diplomatic relations?"
_users = itertools.count(880_101)


def new_user() -> int:
    return next(_users)


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ops")
    shutil.copytree(DEFAULT_FACTS_DIR, root / "facts")
    return root


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def server() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(flood_limits=FloodLimits()) as s:
        yield s


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(server: FakeBotAPI, place: Path) -> AsyncIterator[BotProcess]:
    async with running_bot(
        server,
        place / "bot.sqlite3",
        DOSTYQ_ADMIN_IDS=f"{ADMIN}, 880002",
        DOSTYQ_FLOOD_PER_MINUTE=str(FLOOD),
        DOSTYQ_FACTS_DIR=str(place / "facts"),
    ) as bp:
        yield bp


def to_chat(chat_id: int) -> Callable[[Call], bool]:
    return lambda c: c.params.get("chat_id") == chat_id


async def reply_to(server: FakeBotAPI, chat_id: int, timeout: float = WAIT) -> Call:
    call = await server.wait_for("sendMessage", to_chat(chat_id), timeout=timeout)
    assert call.ok, call.response
    return call


async def ask(server: FakeBotAPI, text: str, user: int, **kw: object) -> Call:
    server.push_update(F.make_message_update(text, user_id=user, **kw))
    return await reply_to(server, user)


def no_429(server: FakeBotAPI) -> None:
    assert server.flood_limits is not None
    assert server.flood_limits.refused == [], server.flood_limits.refused[:5]
    server.assert_clean()


def unpre(text: str) -> str:
    assert text.startswith("<pre>") and text.endswith("</pre>"), text[:80]
    return html.unescape(text.removeprefix("<pre>").removesuffix("</pre>"))


async def test_admin_commands_for_admins_only(
    server: FakeBotAPI, bot: BotProcess, place: Path
) -> None:
    asked = {DIPLO_EN: 2, "Who won the football match?": 2, "who won the football match": 1}
    for question, times in asked.items():
        for _ in range(times):
            await ask(server, question, new_user())
    other = new_user()
    for command in ("/stats", "/gaps", "/reload"):
        server.push_update(F.make_command_update(command, user_id=other, language_code="ru"))
        assert (await reply_to(server, other)).params["text"] == OPS_UI["unknown_command"]["ru"]

    server.push_update(F.make_command_update("/stats", user_id=ADMIN))
    stats = unpre((await reply_to(server, ADMIN)).params["text"])
    assert "7 days: 5 (40% answered), 0.7 a day. 30 days: 5 (40% answered), 0.2 a day." in stats
    assert "By chat type (30 days): private 5 (40% answered)" in stats
    assert "    2  diplomatic-relations-1992 — " in stats

    server.push_update(F.make_command_update("/gaps", user_id=ADMIN))
    gaps = unpre((await reply_to(server, ADMIN)).params["text"]).splitlines()
    assert gaps[1] == "1. ×3  Who won the football match?"

    # dostyq stats / gaps on the same (live) database print the same, and change nothing.
    env = bot_env(server, place / "bot.sqlite3", DOSTYQ_FACTS_DIR=str(place / "facts"))
    for command, shown in (("stats", stats), ("gaps", "\n".join(gaps))):
        out = subprocess.run(
            [sys.executable, "-m", "bot", command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        assert out.stdout.rstrip("\n") == shown
    no_429(server)


async def test_admin_commands_in_kazakh(server: FakeBotAPI, bot: BotProcess) -> None:
    server.push_update(F.make_command_update("/gaps", user_id=880002, language_code="kk"))
    text = unpre((await reply_to(server, 880002)).params["text"])
    assert text.startswith("Соңғы 30 күнде")
    no_429(server)


async def test_reload_keeps_the_base_on_an_error(
    server: FakeBotAPI, bot: BotProcess, place: Path
) -> None:
    broken = place / "facts" / "zz-broken.yaml"
    broken.write_text("- id: 1\n  title: not a fact\n", encoding="utf-8")
    try:
        server.push_update(F.make_command_update("/reload", user_id=ADMIN))
        reply = (await reply_to(server, ADMIN)).params["text"]
        assert reply.startswith("The fact files have an error; the running base is kept")
        assert "zz-broken.yaml" in reply
    finally:
        broken.unlink()
    assert "3 January 1992" in (await ask(server, DIPLO_EN, new_user())).params["text"]
    # A reload while questions are being answered: none of them is lost or fails.
    users = [new_user() for _ in range(12)]
    for i, user in enumerate(users):
        server.push_update(F.make_message_update(DIPLO_EN, user_id=user))
        if i == 3:
            server.push_update(F.make_command_update("/reload", user_id=ADMIN))
    assert (await reply_to(server, ADMIN)).params["text"].startswith("Reloaded: ")
    for user in users:
        assert "3 January 1992" in (await reply_to(server, user)).params["text"]
    assert "an update raised an exception" not in bot.text
    no_429(server)


async def test_flood_control_warns_once_then_drops(server: FakeBotAPI, bot: BotProcess) -> None:
    user = new_user()
    for i in range(FLOOD + 4):
        server.push_update(F.make_message_update(f"{1992 + i}", user_id=user, language_code="kk"))
    replies = [await reply_to(server, user) for _ in range(FLOOD + 1)]
    # Updates are handled concurrently: the warning may overtake the answers.
    texts = [r.params["text"] for r in replies]
    assert texts.count(OPS_UI["slow_down"]["kk"]) == 1
    assert sum("оқиға" in t for t in texts) == FLOOD, texts
    await asyncio.sleep(2.0)  # nothing more comes: the excess was dropped quietly
    assert [c for c in server.calls_to("sendMessage") if c.params["chat_id"] == user] == [*replies]
    # The answers to one user went out at most one a second.
    times = [r.time for r in replies]
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(times))
    no_429(server)


async def test_an_exception_tells_admins_without_user_data_and_the_bot_goes_on(
    server: FakeBotAPI, bot: BotProcess
) -> None:
    user = new_user()
    server.fail_next("sendMessage", status=400, description="Bad Request: injected")
    server.push_update(F.make_message_update("my secret 1992 question", user_id=user))
    failed = await server.wait_for("sendMessage", to_chat(user), timeout=WAIT)
    assert failed.status == 400
    notices = [await reply_to(server, admin) for admin in (ADMIN, 880002)]
    for notice in notices:
        assert notice.params["text"] == "⚠️ Dostyq error: <code>BadRequest</code>"
    assert "3 January 1992" in (await ask(server, DIPLO_EN, user)).params["text"]
    assert "raised an exception" in bot.text and "Traceback" in bot.text
    no_429(server)


async def test_a_burst_of_many_users_gets_no_429(server: FakeBotAPI, bot: BotProcess) -> None:
    users = [new_user() for _ in range(45)]
    for user in users:
        server.push_update(F.make_message_update(DIPLO_EN, user_id=user))
    for user in users:
        assert "3 January 1992" in (await reply_to(server, user, timeout=30)).params["text"]
    no_429(server)
