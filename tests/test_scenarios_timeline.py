"""Scenarios for /timeline and "See also", in kk, ru and en, against the real ``dostyq run``
process talking HTTP to the fake Bot API (every call checked against the Bot API spec)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from handlers.i18n import events
from knowledge.factbase import FactBase
from knowledge.models import LANGS, Lang
from tests import factories as F
from tests.e2e import BotProcess
from tests.fakebotapi import BOT_USERNAME, Call, FakeBotAPI
from tests.fakebotapi.spec import UploadedFile

pytestmark = pytest.mark.asyncio(loop_scope="module")

WAIT = 10.0
#: The first picture in a fresh process also imports matplotlib (and may build its font cache).
FIRST_PICTURE_WAIT = 60.0
_users = itertools.count(510_001)

TIMELINE = {"kk": "Уақыт сызығы", "ru": "Хронология", "en": "Timeline"}
SEE_ALSO = {"kk": "Тағы қараңыз", "ru": "См. также", "en": "See also"}
ARTICLE = {"kk": "мақала", "ru": "статья", "en": "the article"}
SHANGHAI_DAYS = {
    "kk": "Алматының Шанхайдағы күндері 2004",
    "ru": "Дни Алматы в Шанхае 2004",
    "en": "Almaty days in Shanghai 2004",
}
FILM = {"kk": "кино", "ru": "кино", "en": "film"}


def to_chat(chat_id: int) -> Any:
    return lambda c: c.params.get("chat_id") == chat_id


async def photo_to(server: FakeBotAPI, chat_id: int, timeout: float = WAIT) -> Call:
    call = await server.wait_for("sendPhoto", to_chat(chat_id), timeout=timeout)
    assert call.ok, call.response
    return call


async def text_to(server: FakeBotAPI, chat_id: int) -> Call:
    call = await server.wait_for("sendMessage", to_chat(chat_id), timeout=WAIT)
    assert call.ok, call.response
    return call


def buttons(call: Call) -> dict[str, dict[str, Any]]:
    markup = call.params.get("reply_markup") or {}
    return {b["text"]: b for row in markup.get("inline_keyboard", []) for b in row}


def command(text: str, uid: int, lang: Lang) -> dict[str, Any]:
    return F.make_command_update(text, user_id=uid, language_code=lang)


async def inline(server: FakeBotAPI, query: str, lang: Lang) -> dict[str, Any]:
    update = server.push_update(
        F.make_inline_query_update(query, user_id=next(_users), language_code=lang)
    )
    qid = update["inline_query"]["id"]
    call = await server.wait_for(
        "answerInlineQuery", lambda c: c.params.get("inline_query_id") == qid, timeout=WAIT
    )
    assert call.ok, call.response
    return call.params


@pytest.mark.parametrize("lang", LANGS)
async def test_timeline_picture_caption_and_year_buttons(
    server: FakeBotAPI, bot: BotProcess, base: FactBase, lang: Lang
) -> None:
    uid = next(_users)
    server.push_update(command("/timeline", uid, lang))
    first = await photo_to(server, uid, FIRST_PICTURE_WAIT)
    upload = first.params["photo"]
    assert isinstance(upload, UploadedFile)
    assert upload.filename == "timeline.png" and upload.content_type == "image/png"
    assert upload.size > 20_000
    dated = [f for f in base.facts if f.date is not None]
    caption = first.params["caption"]
    assert first.params["parse_mode"] == "HTML"
    assert caption.startswith(f"<b>{TIMELINE[lang]}</b>")
    assert events(len(dated), lang) in caption
    assert base.sources.article.title.get(lang) in caption and ARTICLE[lang] in caption
    years = sorted({y for f in dated if f.date for y in f.date.years})
    keys = buttons(first)
    assert list(keys) == [str(y) for y in years]
    # The picture was being built: "sending a photo..." was shown first.
    action = await server.wait_for("sendChatAction", to_chat(uid), timeout=WAIT)
    assert action.params["action"] == "upload_photo"

    # A year button opens that year's list, in the same language.
    message = first.result
    server.push_update(
        F.make_callback_query_update(
            keys["2004"]["callback_data"], message=message, user_id=uid, language_code=lang
        )
    )
    year = await text_to(server, uid)
    assert year.params["text"].startswith("<b>2004</b>")
    assert (
        base.by_id()["almaty-days-shanghai-2004"].title.get(lang).split(" (")[0]
        in (year.params["text"])
    )

    # Asked again: the same picture, sent by its file_id (no second upload, no build).
    server.push_update(command("/timeline", uid, lang))
    again = await photo_to(server, uid)
    assert again.params["photo"] == first.result["photo"][-1]["file_id"]
    assert again.params["caption"] == caption
    server.assert_clean()


@pytest.mark.parametrize("lang", LANGS)
async def test_timeline_of_one_kind_and_of_an_unknown_one(
    server: FakeBotAPI, bot: BotProcess, base: FactBase, lang: Lang
) -> None:
    uid = next(_users)
    server.push_update(command(f"/timeline {FILM[lang]}", uid, lang))
    film = await photo_to(server, uid, FIRST_PICTURE_WAIT)
    name = {"kk": "Кино", "ru": "Кино", "en": "Film"}[lang]
    assert film.params["caption"].startswith(f"<b>{TIMELINE[lang]} · {name}</b>")
    n = len([f for f in base.facts if f.date is not None and f.event == "film"])
    assert events(n, lang) in film.params["caption"]
    assert list(buttons(film)) == ["2007"]

    server.push_update(command("/timeline weather", uid, lang))
    unknown = await text_to(server, uid)
    assert "/timeline" in unknown.params["text"]
    assert {"kk": "Мәдениет күндері", "ru": "Дни культуры", "en": "Culture days"}[lang] in (
        unknown.params["text"]
    )
    server.assert_clean()


async def test_inline_timeline_before_and_after_the_picture_exists(
    server: FakeBotAPI, bot: BotProcess, base: FactBase
) -> None:
    # "уақыт сызығы" is Kazakh. A culture-days picture in Kazakh has not been sent yet: the
    # inline answer is a button that opens it in the bot.
    before = await inline(server, "уақыт сызығы мәдениет күндері", "en")
    assert before["results"] == []
    param = before["button"]["start_parameter"]
    assert param == "timeline_culture-days"
    # The button opens t.me/<bot>?start=timeline_culture-days: the picture, in the user's chat.
    uid = next(_users)
    server.push_update(command(f"/start {param}", uid, "kk"))
    sent = await photo_to(server, uid, FIRST_PICTURE_WAIT)
    assert sent.params["caption"].startswith("<b>Уақыт сызығы · Мәдениет күндері</b>")
    file_id = sent.result["photo"][-1]["file_id"]
    # Now inline mode offers the picture itself.
    after = await inline(server, "уақыт сызығы мәдениет күндері", "en")
    (result,) = after["results"]
    assert result["type"] == "photo" and result["photo_file_id"] == file_id
    assert result["caption"] == sent.params["caption"] and result["parse_mode"] == "HTML"
    # "хронология" is Kazakh and Russian: the user's language decides. Both full pictures were
    # sent by the first scenario, so both are offered.
    for lang, title in (("ru", "Хронология"), ("kk", "Уақыт сызығы")):
        (card,) = (await inline(server, "хронология", lang))["results"]
        assert card["type"] == "photo" and card["caption"].startswith(f"<b>{title}</b>")
    # An unknown topic: nothing to show, a button to the full timeline.
    odd = await inline(server, "timeline weather", "en")
    assert odd["results"] == [] and odd["button"]["start_parameter"] == "timeline"
    server.assert_clean()


@pytest.mark.parametrize("lang", LANGS)
async def test_see_also_under_an_answer(
    server: FakeBotAPI, bot: BotProcess, base: FactBase, lang: Lang
) -> None:
    uid = next(_users)
    server.push_update(F.make_message_update(SHANGHAI_DAYS[lang], user_id=uid, language_code=lang))
    reply = await text_to(server, uid)
    text = reply.params["text"]
    assert "almaty-days-shanghai-2004" in str(buttons(reply))  # the answer is that fact
    head, _, tail = text.partition(f"\n\n<i>{SEE_ALSO[lang]}:</i>\n")
    assert head and tail, text
    lines = tail.split("\n")
    assert 2 <= len(lines) <= 3 and all(line.startswith("• <a href=") for line in lines)
    # The reciprocal event: Shanghai's days in Almaty, 2005.
    link = f"https://t.me/{BOT_USERNAME}?start=f_shanghai-days-almaty-2005"
    assert f'<a href="{link}">' in tail
    assert base.by_id()["shanghai-days-almaty-2005"].title.get(lang).split(" (")[0] in tail
    # The message as Telegram shows it has the links as text_link entities.
    entities = [e for e in reply.result.get("entities", []) if e["type"] == "text_link"]
    assert link in [e["url"] for e in entities]

    # Following the link opens that fact, with its own "See also" pointing back.
    server.push_update(command("/start f_shanghai-days-almaty-2005", uid, lang))
    opened = await text_to(server, uid)
    assert f"<i>{SEE_ALSO[lang]}:</i>" in opened.params["text"]
    assert "start=f_almaty-days-shanghai-2004" in opened.params["text"]
    server.assert_clean()


async def test_see_also_leaves_out_what_the_answer_shows(
    server: FakeBotAPI, bot: BotProcess
) -> None:
    uid = next(_users)
    server.push_update(F.make_message_update("Almaty culture days in Shanghai", user_id=uid))
    reply = await text_to(server, uid)
    text = reply.params["text"]
    # Almaty's days in Shanghai (2004) are the answer; Shanghai's days in Almaty (2005) go
    # the other way, so they are no part of it. "See also" never repeats the answer.
    head = text.partition("See also")[0]
    assert head.startswith("<b>2004</b>") and "<b>2005</b>" not in head
    tail = text.partition("<i>See also:</i>\n")[2]
    assert tail and "f_almaty-days-shanghai-2004" not in tail
    server.assert_clean()


async def test_no_see_also_under_a_year_list(server: FakeBotAPI, bot: BotProcess) -> None:
    uid = next(_users)
    server.push_update(command("/year 2004", uid, "en"))
    reply = await text_to(server, uid)
    assert "See also" not in reply.params["text"]
    server.assert_clean()


async def test_drawing_a_picture_does_not_hold_up_other_chats(
    server: FakeBotAPI, bot: BotProcess
) -> None:
    """A picture not drawn yet (a few hundred ms, in a worker thread): a question from another
    chat, sent just after, is answered before the picture goes out."""
    drawer, asker = next(_users), next(_users)
    server.push_update(command("/timeline гастроли", drawer, "ru"))
    await server.wait_for("sendChatAction", to_chat(drawer), timeout=WAIT)  # drawing has begun
    server.push_update(F.make_message_update("Abai 150", user_id=asker))
    answer = await text_to(server, asker)
    photo = await photo_to(server, drawer, FIRST_PICTURE_WAIT)
    assert answer.time < photo.time
    server.assert_clean()


async def test_timeline_in_a_group_replies_to_the_command(
    server: FakeBotAPI, bot: BotProcess
) -> None:
    uid, group = next(_users), -1005_000_000_000 - next(_users)
    update = server.push_update(
        F.make_command_update(
            "/timeline", at_bot=True, chat_type="supergroup", chat_id=group, user_id=uid,
            language_code="ru",
        )
    )  # fmt: skip
    photo = await photo_to(server, group, FIRST_PICTURE_WAIT)
    assert photo.params["reply_parameters"]["message_id"] == update["message"]["message_id"]
    assert photo.params["caption"].startswith("<b>Хронология</b>")
    server.assert_clean()
