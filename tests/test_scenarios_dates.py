"""Scenarios against the real bot process: worked-out dates and citations as a user sees them.

One bot process talks HTTP to the fake Bot API (every call checked against the Bot API spec); the
questions are asked in kk, ru and en in a private chat.
"""

from __future__ import annotations

import itertools

import pytest

from knowledge.factbase import FactBase
from knowledge.models import Lang
from tests import factories as F
from tests.e2e import BotProcess
from tests.fakebotapi import FakeBotAPI

pytestmark = pytest.mark.asyncio(loop_scope="module")

WAIT = 10.0
_users = itertools.count(350_001)


async def ask(server: FakeBotAPI, text: str) -> str:
    update = server.push_update(F.make_message_update(text, user_id=next(_users)))
    chat = update["message"]["chat"]["id"]
    call = await server.wait_for(
        "sendMessage", lambda c: c.params.get("chat_id") == chat, timeout=WAIT
    )
    assert call.ok, call.response
    return str(call.params["text"])


@pytest.mark.parametrize(
    ("question", "lang", "fid"),
    [
        ("Ганьсу опера театрының гастролі", "kk", "gansu-opera-tour-2006"),
        ("Гастроли оперного театра Ганьсу", "ru", "gansu-opera-tour-2006"),
        ("Gansu Opera Theatre tour", "en", "gansu-opera-tour-2006"),
        ("Сямэндегі байқау", "kk", "musicians-xiamen-contest-2003"),
        ("конкурс в Сямэне", "ru", "musicians-xiamen-contest-2003"),
        ("Xiamen contest", "en", "musicians-xiamen-contest-2003"),
    ],
)
async def test_a_worked_out_date_says_what_the_article_says(
    server: FakeBotAPI, bot: BotProcess, base: FactBase, question: str, lang: Lang, fid: str
) -> None:
    text = await ask(server, question)
    fact = base.by_id()[fid]
    assert fact.date_inferred and fact.date_note is not None
    first = text.split("\n")[0]
    assert first.startswith("<b>") and first.endswith(f"<i>({fact.date_note.get(lang)})</i>")
    # The sentence cites nothing: the paragraph and its opening words are shown.
    para = {"kk": "-абзац, «", "ru": "абзац ", "en": "body, para. "}[lang]
    assert para in text and "…»" in text
    server.assert_clean()


@pytest.mark.parametrize(
    ("command", "note"),
    [
        ("/year 2003", "the article says “this year”"),
    ],
)
async def test_a_year_list_marks_worked_out_dates(
    server: FakeBotAPI, bot: BotProcess, command: str, note: str
) -> None:
    update = server.push_update(F.make_command_update(command, user_id=next(_users)))
    chat = update["message"]["chat"]["id"]
    call = await server.wait_for(
        "sendMessage", lambda c: c.params.get("chat_id") == chat, timeout=WAIT
    )
    assert call.ok, call.response
    text = str(call.params["text"])
    assert note in text and "<i>(" in text
    assert "2–4 July 2003</b> — " in text  # a date the article gives carries no note
    server.assert_clean()
