"""A share of benchmarks/fuzz_updates.py in CI, and a lone surrogate through the real getUpdates."""

from __future__ import annotations

from pathlib import Path

from benchmarks.fuzz_updates import fuzz
from bot.delivery import clean_payload
from tests import factories as F
from tests.e2e import running_bot
from tests.fakebotapi import FakeBotAPI


async def test_fuzz_share(tmp_path: Path) -> None:
    result = await fuzz(1500, seed=20261201, db=tmp_path / "fuzz.sqlite3")
    assert result["inputs"] == 1500
    assert result["errors"] == [] and result["problems"] == []


def test_clean_payload_replaces_lone_surrogates_only() -> None:
    raw = b'{"result": [{"update_id": 1, "text": "a\\ud800b \\ud83d\\ude00 \\\\ud800"}]}'
    assert clean_payload(raw).decode() == (
        '{"result": [{"update_id": 1, "text": "a\ufffdb \U0001f600 \\\\ud800"}]}'
    )
    plain = b'{"result": []}'
    assert clean_payload(plain) is plain


async def test_a_lone_surrogate_from_telegram_is_answered(tmp_path: Path) -> None:
    async with FakeBotAPI() as server, running_bot(server, tmp_path / "bot.sqlite3") as bot:
        server.push_update(F.make_message_update("Абай \ud800 150", user_id=77_001))
        reply = await server.wait_for("sendMessage", timeout=15)
        assert reply.ok and reply.params["chat_id"] == 77_001
        server.push_update(F.make_inline_query_update("Абай \udfff", user_id=77_002))
        assert (await server.wait_for("answerInlineQuery", timeout=15)).ok
        server.assert_clean()
        assert await bot.stop() == 0
    assert " ERROR " not in bot.text, bot.text
