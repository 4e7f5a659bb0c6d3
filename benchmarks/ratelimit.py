"""Flood limits under load: ``python -m benchmarks.ratelimit [--quick] [--write]``.

What runs: the fake Bot API (tests/fakebotapi) in this process on 127.0.0.1, with Telegram's
flood limits enforced as strict sliding windows (``FloodLimits``: 30 messages a second overall,
1 a second per chat, 20 a minute per group; past one, a 429 with ``retry_after``). An ``ExtBot``
sends one burst through each rate limiter in turn, over HTTP:

* ``--chats`` messages (default 300), each to its own private chat;
* 5 messages to one private chat;
* 25 messages to one group (the 21st onwards must wait for the group's minute; ``--quick``
  scales that minute to 5 s on both sides).

Then a 429 with ``retry_after=2`` is injected and the pause measured. Figures: wall time, the
messages delivered, 429s received, messages lost (the limiter gave up), the most messages in
any sliding second / in one chat's second / in the group's minute, the achieved rate.
Everything goes to 127.0.0.1 and is bounded (about 75 s per limiter without ``--quick``).
``--write`` replaces the ``ratelimit`` section of ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import time
from dataclasses import dataclass
from typing import Any

os.environ.setdefault("PTB_TIMEDELTA", "1")

import itertools

from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter, BaseRateLimiter, ExtBot

from benchmarks.latency import section_header, write_section
from bot.ratelimit import TelegramRateLimiter
from tests.fakebotapi import FakeBotAPI
from tests.fakebotapi.limits import FloodLimits

ONE_CHAT = 800_000_001
GROUP = -100_800_000_001


def max_in_window(times: list[float], period: float) -> int:
    times = sorted(times)
    best, j = 0, 0
    for i, t in enumerate(times):
        while times[j] <= t - period:
            j += 1
        best = max(best, i - j + 1)
    return best


@dataclass
class Run:
    name: str
    wall: float
    sent: int
    delivered: int
    refused: int
    lost: int
    max_second: int
    max_chat_second: int
    min_chat_gap: float
    max_group_window: int
    group_last: float
    chats_done: float
    pause: float | None


async def burst(name: str, make_limiter: Any, chats: int, group_period: float, quiet: bool) -> Run:
    limits = FloodLimits(group=(20, group_period))
    async with FakeBotAPI(flood_limits=limits) as server:
        limiter: BaseRateLimiter[Any] = make_limiter(group_period)
        bot: ExtBot[Any] = ExtBot(server.token, base_url=server.base_url, rate_limiter=limiter)
        async with bot:
            sends = [bot.send_message(700_000_000 + i, f"answer {i}") for i in range(chats)]
            sends += [bot.send_message(ONE_CHAT, f"one chat {i}") for i in range(5)]
            sends += [bot.send_message(GROUP, f"group {i}") for i in range(25)]
            t0 = time.monotonic()
            results = await asyncio.gather(*sends, return_exceptions=True)
            wall = time.monotonic() - t0
            lost = sum(isinstance(r, RetryAfter) for r in results)
            others = [
                r for r in results if isinstance(r, BaseException) and not isinstance(r, RetryAfter)
            ]
            if others:
                raise others[0]
            refused_in_burst = len(limits.refused)
            accepted = list(limits.accepted)
            # A 429 from Telegram itself: how long until the retry, and until another chat.
            server.fail_next("sendMessage", status=429, retry_after=2)
            first = asyncio.create_task(bot.send_message(900_000_001, "after a 429"))
            await server.wait_for("sendMessage", lambda c: c.status == 429, timeout=10)
            refused_at = time.monotonic()
            try:
                await asyncio.wait_for(first, 15)
                pause: float | None = time.monotonic() - refused_at
            except RetryAfter:
                pause = None
    one_chat = sorted(t for t, c in accepted if c == ONE_CHAT)
    group = sorted(t for t, c in accepted if c == GROUP)
    gaps = [b - a for a, b in itertools.pairwise(one_chat)]
    run = Run(
        name=name,
        wall=wall,
        sent=len(sends),
        delivered=len(accepted),
        refused=refused_in_burst,
        lost=lost,
        max_second=max_in_window([t for t, _ in accepted], 1.0),
        max_chat_second=max_in_window(one_chat, 1.0),
        min_chat_gap=min(gaps) if gaps else float("nan"),
        max_group_window=max_in_window(group, group_period),
        group_last=(group[-1] - t0) if group else float("nan"),
        chats_done=max((t for t, c in accepted if 700_000_000 <= c < 800_000_000), default=t0) - t0,
        pause=pause,
    )
    if not quiet:
        print(run)
    return run


def table(runs: list[Run], group_period: float, chats: int) -> list[str]:
    rows = [
        f"Burst: {chats} messages to {chats} private chats + 5 to one private chat + 25 to one "
        f"group, all at once; the fake enforces 30/s overall, 1/s per chat, 20 per "
        f"{group_period:g} s per group (sliding windows). The fake refuses what is over a limit, so"
        " what it accepted never exceeds one: the 429s (and the messages lost when the limiter"
        " gave up retrying) are what show a limiter sending too fast.",
        "",
        f"| limiter | wall (s) | delivered | 429s | lost | {chats} chats done (s) | max in any 1 s"
        " | one chat: max in 1 s"
        f" / min gap (s) | group: max in {group_period:g} s | group's last message (s) |"
        " after an injected 429 (retry_after=2), retried after (s) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        pause = f"{r.pause:.2f}" if r.pause is not None else "gave up"
        rows.append(
            f"| {r.name} | {r.wall:.1f} | {r.delivered}/{r.sent} | {r.refused} | {r.lost} |"
            f" {r.chats_done:.1f} | {r.max_second} | {r.max_chat_second} / {r.min_chat_gap:.2f} |"
            f" {r.max_group_window} | {r.group_last:.1f} | {pause} |"
        )
    return rows


async def main_async(args: argparse.Namespace) -> list[Run]:
    group_period = 5.0 if args.quick else 60.0
    runs = [
        await burst(
            "bot.ratelimit.TelegramRateLimiter (max_retries=3)",
            lambda p: TelegramRateLimiter(per_group=(20, p), max_retries=3),
            args.chats,
            group_period,
            args.quiet,
        ),
        await burst(
            "PTB AIORateLimiter (max_retries=3)",
            lambda p: AIORateLimiter(group_time_period=p, max_retries=3),
            args.chats,
            group_period,
            args.quiet,
        ),
    ]
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chats", type=int, default=300)
    parser.add_argument("--quick", action="store_true", help="a 5 s group window, not 60 s")
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL)
    runs = asyncio.run(main_async(args))
    group_period = 5.0 if args.quick else 60.0
    lines = table(runs, group_period, args.chats)
    print("\n".join(lines))
    if args.write:
        body = section_header("Flood limits", "benchmarks.ratelimit") + lines
        write_section("ratelimit", "\n".join(body))


if __name__ == "__main__":
    main()
