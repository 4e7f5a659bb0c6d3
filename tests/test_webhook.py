"""Webhook mode over HTTP on 127.0.0.1: ``python -m bot run --webhook`` against the fake Bot API,
with this test in Telegram's place posting updates to the bot's webhook."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from tests import factories as F
from tests.e2e import BotProcess, bot_env
from tests.fakebotapi import FakeBotAPI
from tests.test_startup import ROOT, assert_no_token, free_port

pytestmark = pytest.mark.asyncio(loop_scope="module")

SECRET = "s3cret_-Webhook-0123456789"
URL = "https://bot.example.org/hook/telegram"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def server() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as s:
        yield s


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def hook(
    server: FakeBotAPI, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[BotProcess, str]]:
    import sys

    port = free_port()
    env = bot_env(
        server,
        tmp_path_factory.mktemp("webhook") / "bot.sqlite3",
        DOSTYQ_WEBHOOK_URL=URL,
        DOSTYQ_WEBHOOK_SECRET=SECRET,
        DOSTYQ_WEBHOOK_LISTEN="127.0.0.1",
        DOSTYQ_WEBHOOK_PORT=str(port),
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--webhook", cwd=str(ROOT), env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    bp = BotProcess(proc)
    bp._reader = asyncio.create_task(bp._read())
    try:
        await server.wait_for("setWebhook", timeout=30)
        yield bp, f"http://127.0.0.1:{port}"
    finally:
        if proc.returncode is None:
            await bp.stop()


async def post(
    base: str, body: bytes | dict[str, Any], secret: str | None = SECRET
) -> tuple[int, str]:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{base}/hook/telegram", data=data, headers=headers) as resp,
    ):
        return resp.status, await resp.text()


async def test_set_webhook_registers_url_secret_and_types(
    server: FakeBotAPI, hook: tuple[BotProcess, str]
) -> None:
    (call,) = server.calls_to("setWebhook")
    assert call.params["url"] == URL
    assert call.params["secret_token"] == SECRET
    assert call.params["allowed_updates"] == [
        "message",
        "edited_message",
        "callback_query",
        "inline_query",
    ]
    assert not server.calls_to("getUpdates")
    server.assert_clean()


async def test_health(hook: tuple[BotProcess, str]) -> None:
    async with aiohttp.ClientSession() as s, s.get(f"{hook[1]}/healthz") as resp:
        assert resp.status == 200
        body = await resp.json()
    assert body["ok"] is True and body["mode"] == "webhook" and body["bot"]


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x", SECRET[:-1]])
async def test_a_wrong_or_missing_secret_is_rejected_and_never_processed(
    server: FakeBotAPI, hook: tuple[BotProcess, str], secret: str | None
) -> None:
    update = {"update_id": 900_001, **F.make_message_update("Abai 150", user_id=51_001)}
    status, _ = await post(hook[1], update, secret)
    assert status == 403
    await asyncio.sleep(1.0)
    assert not [c for c in server.calls_to("sendMessage") if c.params["chat_id"] == 51_001]


@pytest.mark.parametrize("body", [b"{not json", b"", b"[1, 2]", b'{"update_id": "x"}', b"\xff"])
async def test_a_body_that_is_not_an_update_is_400_not_500(
    hook: tuple[BotProcess, str], body: bytes
) -> None:
    status, _ = await post(hook[1], body)
    assert status == 400


async def test_an_update_is_answered_and_a_duplicate_only_once(
    server: FakeBotAPI, hook: tuple[BotProcess, str]
) -> None:
    update = {"update_id": 900_100, **F.make_message_update("Abai 150", user_id=51_100)}
    status, _ = await post(hook[1], update)
    assert status == 200
    # Handled before the answer: the reply is already out when Telegram hears 200.
    replies = [c for c in server.calls_to("sendMessage") if c.params["chat_id"] == 51_100]
    assert len(replies) == 1 and replies[0].ok
    assert replies[0].params["parse_mode"] == "HTML"
    status, text = await post(hook[1], update)
    assert status == 200 and "duplicate" in text
    await asyncio.sleep(1.0)
    replies = [c for c in server.calls_to("sendMessage") if c.params["chat_id"] == 51_100]
    assert len(replies) == 1
    server.assert_clean()


async def test_zz_stops_cleanly_without_the_token(
    server: FakeBotAPI, hook: tuple[BotProcess, str]
) -> None:
    bp, _ = hook
    assert await bp.stop() == 0
    text = bp.text
    assert "webhook registered" in text and "started as @" in text
    assert " ERROR " not in text, text
    assert_no_token(text)
