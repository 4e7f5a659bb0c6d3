"""kill -9 in the middle of a burst: no update Telegram was told was received goes unanswered."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from tests import factories as F
from tests.e2e import running_bot
from tests.fakebotapi import FakeBotAPI

BURST = 400
FIRST_CHAT = 720_001


def answered(server: FakeBotAPI) -> set[int]:
    return {c.params["chat_id"] for c in server.calls_to("sendMessage") if c.ok}


async def test_kill_9_loses_no_confirmed_update(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    async with FakeBotAPI() as server:
        async with running_bot(server, db) as bot:
            ids = {}
            for i in range(BURST):
                chat = FIRST_CHAT + i
                ids[
                    server.push_update(F.make_message_update("Abai 150", user_id=chat))["update_id"]
                ] = chat
            while len(answered(server)) < 30:
                await asyncio.sleep(0.01)
            bot.proc.send_signal(signal.SIGKILL)
            await bot.proc.wait()
        # What the fake Telegram still holds was never confirmed; the rest was.
        unconfirmed = {u["update_id"] for u in server.state.updates}
        confirmed = {uid for uid in ids if uid not in unconfirmed}
        done = answered(server)
        lost = sorted(ids[uid] for uid in confirmed if ids[uid] not in done)
        assert not lost, f"{len(lost)} confirmed updates were never answered"
        assert len(unconfirmed) >= BURST - 100 - len(done)  # at most one batch was ahead

        async with running_bot(server, db):
            while len(answered(server)) < BURST:
                await asyncio.sleep(0.05)
        assert answered(server) == set(ids.values())
        server.assert_clean()


async def test_polling_resumes_after_an_outage_and_answers_each_update_once() -> None:
    """The fake API goes away for 3 s with replies in flight (benchmarks/faults.py runs 30 s)."""
    from benchmarks.faults import outage

    r = await outage(3.0, in_flight=3, queued=5)
    assert (r["never"], r["twice"], r["answered_once"]) == (0, 0, 8)
    assert r["resumed_after_s"] < 10
