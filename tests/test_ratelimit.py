"""Telegram's flood limits: the fake Bot API enforces them, the bot's rate limiter holds them.

The fake (tests/fakebotapi/limits.py, ``FloodLimits``) answers 429 past about 30 messages a
second, one a second per chat and 20 a minute per group, as strict sliding windows. The bot's
limiter (bot/ratelimit.py) sends through an ``ExtBot`` to it over HTTP on 127.0.0.1. The group
limit is scaled to 2 messages in 2.5 s on both sides (tighter than one a second, as 20 a minute
is) to keep the suite fast; the constants themselves are Telegram's (checked below), and
benchmarks/ratelimit.py runs the real minute.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator

import pytest
from telegram.ext import ExtBot

from bot import ratelimit
from bot.ratelimit import TelegramRateLimiter
from tests.fakebotapi import FakeBotAPI
from tests.fakebotapi.limits import (
    CHAT_PER_SECOND,
    GROUP_PER_MINUTE,
    OVERALL_PER_SECOND,
    FloodLimits,
)

GROUP = (2, 2.5)  # the group window, scaled down from 20 in 60 s


def max_in_window(times: list[float], period: float) -> int:
    """The most calls in any half-open window [t, t + period)."""
    times = sorted(times)
    best, j = 0, 0
    for i, t in enumerate(times):
        while times[j] <= t - period:
            j += 1
        best = max(best, i - j + 1)
    return best


def test_limits_are_telegrams() -> None:
    assert (OVERALL_PER_SECOND, CHAT_PER_SECOND, GROUP_PER_MINUTE) == (30, 1, 20)
    assert ratelimit.OVERALL == (30, 1.0)
    assert ratelimit.PER_CHAT == (1, 1.0)
    assert ratelimit.PER_GROUP == (20, 60.0)


def test_the_fake_refuses_past_each_window() -> None:
    limits = FloodLimits()
    send = {"chat_id": 5, "text": "x"}
    assert limits.check("sendMessage", send, 0.0) is None
    assert limits.check("sendMessage", send, 0.5) == 1  # one a second in a chat
    assert limits.check("sendChatAction", {"chat_id": 5, "action": "typing"}, 0.5) is None
    assert limits.check("sendMessage", send, 1.0) is None
    for i in range(29):
        assert limits.check("sendMessage", {"chat_id": 100 + i, "text": "x"}, 1.1) is None
    assert limits.check("sendMessage", {"chat_id": 99, "text": "x"}, 1.2) == 1  # 31st in 1 s
    group = {"chat_id": -100123, "text": "x"}
    for i in range(20):
        assert limits.check("sendMessage", group, 10.0 + 1.5 * i) is None
    assert limits.check("sendMessage", group, 40.0) == 30  # the 21st in the minute
    assert limits.check("sendMessage", group, 70.0) is None
    assert [r[2] for r in limits.refused] == ["chat", "overall", "group"]


@pytest.fixture
async def flood_server() -> AsyncIterator[FakeBotAPI]:
    limits = FloodLimits(group=GROUP)
    async with FakeBotAPI(flood_limits=limits) as server:
        yield server


@pytest.fixture
async def bot(flood_server: FakeBotAPI) -> AsyncIterator[ExtBot[None]]:
    limiter = TelegramRateLimiter(per_group=GROUP)
    b: ExtBot[None] = ExtBot(
        flood_server.token, base_url=flood_server.base_url, rate_limiter=limiter
    )
    async with b:
        yield b


async def test_a_burst_stays_within_every_limit(
    flood_server: FakeBotAPI, bot: ExtBot[None]
) -> None:
    sends = [bot.send_message(700_000 + i, f"to user {i}") for i in range(45)]
    sends += [bot.send_message(700_100, f"to one user, {i}") for i in range(3)]
    sends += [bot.send_message(-100_500, f"to one group, {i}") for i in range(4)]
    t0 = time.monotonic()
    await asyncio.gather(*sends)
    elapsed = time.monotonic() - t0
    limits = flood_server.flood_limits
    assert limits is not None
    assert limits.refused == []  # not one 429
    accepted = limits.accepted
    assert len(accepted) == 52
    assert max_in_window([t for t, _ in accepted], 1.0) <= 30
    one_user = [t for t, chat in accepted if chat == 700_100]
    assert min(b - a for a, b in itertools.pairwise(one_user)) >= 1.0
    one_group = [t for t, chat in accepted if chat == -100_500]
    assert max_in_window(one_group, GROUP[1]) <= GROUP[0]
    # The group's 3rd and 4th messages wait for its window: 2.5 s after the 1st and 2nd.
    assert one_group[2] - one_group[0] >= GROUP[1] and elapsed >= GROUP[1] + 1
    flood_server.assert_clean()


async def test_a_429_is_waited_out_for_every_request(
    flood_server: FakeBotAPI, bot: ExtBot[None]
) -> None:
    flood_server.fail_next("sendMessage", status=429, retry_after=1)
    first = asyncio.create_task(bot.send_message(710_001, "first"))
    await flood_server.wait_for("sendMessage", lambda c: c.status == 429)
    other = asyncio.create_task(bot.send_message(710_002, "another chat, during the pause"))
    await asyncio.gather(first, other)
    calls = flood_server.calls_to("sendMessage")
    refused = next(c for c in calls if c.status == 429)
    retried = next(c for c in calls if c.status == 200 and c.params["chat_id"] == 710_001)
    during = next(c for c in calls if c.params["chat_id"] == 710_002)
    assert retried.time - refused.time >= 1.1
    assert during.time - refused.time >= 1.0  # the pause held the other chat too
    assert bot.rate_limiter is not None and bot.rate_limiter.retries == 1  # type: ignore[attr-defined]


async def test_retries_are_bounded(flood_server: FakeBotAPI) -> None:
    from telegram.error import RetryAfter

    b: ExtBot[None] = ExtBot(
        flood_server.token,
        base_url=flood_server.base_url,
        rate_limiter=TelegramRateLimiter(max_retries=1),
    )
    async with b:
        flood_server.fail_next("sendMessage", status=429, retry_after=1, times=2)
        with pytest.raises(RetryAfter):
            await b.send_message(720_001, "refused twice")
    assert [c.status for c in flood_server.calls_to("sendMessage")] == [429, 429]


def test_idle_windows_are_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ratelimit, "MAX_WINDOWS", 4)
    limiter = TelegramRateLimiter()
    for chat in range(10):
        window = limiter._window(limiter._chats, chat, ratelimit.PER_CHAT)
        window.entries.append([time.monotonic() - 10])  # long idle
    assert len(limiter._chats) <= 5
