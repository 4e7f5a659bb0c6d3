"""Proof under faults: ``python -m benchmarks.faults [--kill-repeats 5] [--outage 30]``.

* **kill -9 in a burst.** The real ``python -m bot run`` against the fake Bot API; a burst of
  ``--burst`` private questions (with /lang choices among them, which write to the store) is
  queued; once ``--kill-after`` answers are out, the bot gets SIGKILL. Counted: updates the fake
  Telegram had been told were received (confirmed by getUpdates' offset) and never answered.
  Then ``PRAGMA integrity_check`` on the database, a restart on the same file, and the count
  of updates never answered at all. Repeated ``--kill-repeats`` times.
* **Bot API unreachable.** While the bot is idle, the fake server goes away for ``--outage``
  seconds with replies in flight and updates queued behind it; figures: seconds from the
  server's return to the first getUpdates, and whether every update was answered exactly once.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sqlite3
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from tests import factories as F
from tests.e2e import running_bot
from tests.fakebotapi import FakeBotAPI

QUESTIONS = ["Abai 150", "2004", "Когда Казахстан и Китай установили дипломатические отношения?",
             "Қытай мәдениет күндері", "weather tomorrow"]  # fmt: skip


def answers(server: FakeBotAPI) -> Counter[int]:
    return Counter(c.params["chat_id"] for c in server.calls_to("sendMessage") if c.ok)


async def kill_once(db: Path, burst: int, kill_after: int, first_chat: int) -> dict[str, Any]:
    async with FakeBotAPI() as server:
        chats: dict[int, int] = {}
        async with running_bot(server, db) as bot:
            for i in range(burst):
                chat = first_chat + i
                text = "/lang" if i % 10 == 0 else QUESTIONS[i % len(QUESTIONS)]
                make = F.make_command_update if text.startswith("/") else F.make_message_update
                chats[server.push_update(make(text, user_id=chat))["update_id"]] = chat
            while sum(answers(server).values()) < kill_after:
                await asyncio.sleep(0.005)
            bot.proc.send_signal(signal.SIGKILL)
            await bot.proc.wait()
        unconfirmed = {u["update_id"] for u in server.state.updates}
        done = answers(server)
        confirmed = [uid for uid in chats if uid not in unconfirmed]
        lost_confirmed = sum(1 for uid in confirmed if chats[uid] not in done)
        answered_before = len(done)
        conn = sqlite3.connect(db)
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        conn.close()
        async with running_bot(server, db):
            deadline = time.monotonic() + 120
            while len(answers(server)) < burst and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
        final = answers(server)
        never = sum(1 for chat in chats.values() if chat not in final)
        twice = sum(1 for chat in chats.values() if final[chat] > 1)
        server.assert_clean()
    return {
        "burst": burst,
        "answered_before_kill": answered_before,
        "confirmed_at_kill": len(confirmed),
        "confirmed_unanswered": lost_confirmed,
        "integrity": integrity,
        "never_answered": never,
        "answered_twice": twice,
    }


async def outage(seconds: float, in_flight: int, queued: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeBotAPI() as server, running_bot(server, Path(tmp) / "bot.sqlite3"):
            # Warm up: one answer, so the bot is idle and polling.
            server.push_update(F.make_message_update("Abai 150", user_id=1))
            await server.wait_for("sendMessage", timeout=30)
            chats = list(range(500_001, 500_001 + in_flight + queued))
            # Replies in flight when the API goes: the server dies under them.
            server.fail_next("sendMessage", status=502, times=in_flight)
            for chat in chats[:in_flight]:
                server.push_update(F.make_message_update("2004", user_id=chat))
            while len(server.calls_to("sendMessage")) < 1 + in_flight:
                await asyncio.sleep(0.01)
            await server.stop()
            t_down = time.monotonic()
            for chat in chats[in_flight:]:
                server.push_update(F.make_message_update("Abai 150", user_id=chat))
            await asyncio.sleep(seconds)
            n_before = len(server.calls)
            await server.start()
            t_up = time.monotonic()
            await server.wait_for("getUpdates", lambda c: c in server.calls[n_before:], 120)
            resumed = time.monotonic() - t_up
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                done = answers(server)
                if all(done[c] for c in chats):
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(2)  # would a duplicate follow?
            done = answers(server)
            server.assert_clean()
    return {
        "outage_s": round(t_up - t_down, 1),
        "in_flight": in_flight,
        "queued": queued,
        "resumed_after_s": round(resumed, 1),
        "answered_once": sum(1 for c in chats if done[c] == 1),
        "never": sum(1 for c in chats if done[c] == 0),
        "twice": sum(1 for c in chats if done[c] > 1),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.faults", description=__doc__)
    p.add_argument("--kill-repeats", type=int, default=5)
    p.add_argument("--burst", type=int, default=800)
    p.add_argument("--kill-after", type=int, default=150)
    p.add_argument("--outage", type=float, default=30.0)
    p.add_argument("--in-flight", type=int, default=20)
    p.add_argument("--queued", type=int, default=50)
    args = p.parse_args(argv)
    ok = True
    for i in range(args.kill_repeats):
        with tempfile.TemporaryDirectory() as tmp:
            r = asyncio.run(
                kill_once(
                    Path(tmp) / "bot.sqlite3", args.burst, args.kill_after, 800_000 + i * 10_000
                )
            )
        print(f"kill -9 #{i + 1}: {r}", flush=True)
        ok = (
            ok
            and not r["confirmed_unanswered"]
            and r["integrity"] == "ok"
            and not r["never_answered"]
        )
    if args.outage > 0:
        r = asyncio.run(outage(args.outage, args.in_flight, args.queued))
        print(f"outage: {r}", flush=True)
        ok = ok and not r["never"] and not r["twice"]
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
