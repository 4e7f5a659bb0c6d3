"""Conversation scenarios over the fake Bot API, in kk, ru and en: a greeting, a period overview
with its year buttons, a list answer, a follow-up pair, "more", and an off-topic question in a
group (which gets no text answer, as any refusal there)."""

from __future__ import annotations

import html
import itertools
import re
from typing import Any

import pytest

from handlers.callback_data import parse
from tests import factories as F
from tests.e2e import BotProcess
from tests.fakebotapi import BOT_USERNAME, Call, FakeBotAPI

pytestmark = pytest.mark.asyncio(loop_scope="module")

WAIT = 10.0
_users = itertools.count(520_001)


async def say(server: FakeBotAPI, uid: int, text: str, **kw: Any) -> Call:
    """A private message from ``uid``; the bot's reply."""
    server.push_update(F.make_message_update(text, user_id=uid, **kw))
    call = await server.wait_for(
        "sendMessage", lambda c: c.params.get("chat_id") == uid, timeout=WAIT
    )
    assert call.ok, call.response
    return call


def plain(call: Call) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", call.params["text"]))


def button_data(call: Call) -> list[str]:
    markup = call.params.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


CASES = {
    "kk": {
        "hi": "сәлем",
        "greet": "Сәлем!",
        "period": "2004 жылдан 2007 жылға дейін не болды?",
        "list": "Қазақстан мәдениетінің күндері Қытайдың қай қалаларында өтті?",
        "listed": "Мақалада аталғандар",
        "first": "2004 жылы не болды?",
        "second": "ал 2005 жылы ше?",
        "more": "тағы",
    },
    "ru": {
        "hi": "привет",
        "greet": "Здравствуйте!",
        "period": "что было с 2004 по 2007 год?",
        "list": "в каких городах Китая прошли дни культуры Казахстана?",
        "listed": "В статье названы",
        "first": "что было в 2004 году?",
        "second": "а в 2005?",
        "more": "ещё",
    },
    "en": {
        "hi": "hi there",
        "greet": "Hello!",
        "period": "what happened from 2004 to 2007?",
        "list": "which cities in China hosted Kazakhstan's culture days?",
        "listed": "Named in the article",
        "first": "what happened in 2004?",
        "second": "and in 2005?",
        "more": "more",
    },
}


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
async def test_greeting_period_list_followup_and_more(
    server: FakeBotAPI, bot: BotProcess, lang: str
) -> None:
    case = CASES[lang]
    uid = next(_users)

    greet = await say(server, uid, case["hi"])
    assert plain(greet).startswith(case["greet"])
    assert all(parse(d) and parse(d).action == "ex" for d in button_data(greet))  # type: ignore[union-attr]

    period = await say(server, uid, case["period"])
    text = plain(period)
    assert text.startswith("2004–2007")
    for year in (2004, 2005, 2006, 2007):  # every year with events on the first screen
        assert f"\n{year} · " in text
    years = [parse(d) for d in button_data(period)]
    assert [cb.year for cb in years if cb and cb.action == "year"] == [2004, 2005, 2006, 2007]

    listed = await say(server, uid, case["list"])
    text = plain(listed)
    assert text.startswith(case["listed"])
    for city in {
        "kk": ("Бейжің", "Шанхай", "Үрімжі"),
        "ru": ("Пекин", "Шанхай", "Урумчи"),
        "en": ("Beijing", "Shanghai", "Urumqi"),
    }[lang]:
        assert f"• {city} — " in text, (city, text)

    first = await say(server, uid, case["first"])
    assert plain(first).startswith("2004 ·")
    second = await say(server, uid, case["second"])
    assert plain(second).startswith("2005 ·"), plain(second)

    period = await say(server, uid, case["period"])
    more = await say(server, uid, case["more"])
    # "more" after an overview opens its events, page by page.
    assert plain(more).startswith("2004–2007 ·") and "1/2" in plain(more)
    server.assert_clean()


async def test_topic_follow_up_keeps_the_topic(server: FakeBotAPI, bot: BotProcess) -> None:
    uid = next(_users)
    first = await say(server, uid, "Chinese culture days in Almaty")
    assert "Almaty" in plain(first)
    again = await say(server, uid, "and in 2006?")
    assert plain(again).startswith("20 September 2006") or "2006" in plain(again).split("\n")[0]
    assert "Chinese culture" in plain(again) or "China" in plain(again)
    server.assert_clean()


async def test_more_after_a_fact_shows_its_quote(server: FakeBotAPI, bot: BotProcess) -> None:
    uid = next(_users)
    await say(server, uid, "Когда Казахстан и Китай установили дипломатические отношения?")
    more = await say(server, uid, "расскажи подробнее")
    assert "Цитата из статьи" in plain(more)
    assert "<blockquote>" in more.params["text"]
    server.assert_clean()


@pytest.mark.parametrize(
    "question",
    [
        "What is the weather like in Paris tomorrow?",
        "Ертең Парижде ауа райы қандай?",
        "Какая завтра погода в Париже?",
    ],
)
async def test_off_topic_in_a_group_gets_no_text_answer(
    server: FakeBotAPI, bot: BotProcess, question: str
) -> None:
    gid = -1004_000_000_000 - next(_users)
    server.push_update(
        F.make_message_update(
            f"@{BOT_USERNAME} {question}", chat_type="supergroup", chat_id=gid, user_id=next(_users)
        )
    )
    # The first refusal in a group is one short line; no fact is offered.
    call = await server.wait_for(
        "sendMessage", lambda c: c.params.get("chat_id") == gid, timeout=WAIT
    )
    assert "\n" not in plain(call).strip() and "<b>" not in call.params["text"]
    server.assert_clean()


@pytest.mark.parametrize(
    ("first", "then", "says"),
    [
        ("When were diplomatic relations established?", "where?", "Almaty"),
        ("Дипломатиялық қатынас қашан орнады?", "кім қол қойды?", "Тянь Цзэнпэй"),
        ("how many times did xi jinping visit kazakhstan", "and nazarbayev?", "Beijing"),
    ],
)
async def test_a_follow_up_about_the_last_answer(
    server: FakeBotAPI, bot: BotProcess, first: str, then: str, says: str
) -> None:
    uid = next(_users)
    await say(server, uid, first)
    again = await say(server, uid, then)
    assert says in plain(again)
    server.assert_clean()


async def test_a_detail_the_article_does_not_give_is_named(
    server: FakeBotAPI, bot: BotProcess
) -> None:
    reply = await say(server, next(_users), "кто победил в конкурсе «Мост китайского языка»?")
    text = plain(reply)
    assert "не говорит, кто" in text and "Мост китайского языка" in text
    server.assert_clean()
