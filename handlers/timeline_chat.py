"""/timeline in a chat and in inline mode: the picture, its caption and its year buttons."""

from __future__ import annotations

import contextlib
import html

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultCachedPhoto,
    InlineQueryResultsButton,
    Message,
    Update,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest, TelegramError

from knowledge.models import Fact, Lang, Sources

from .callback_data import Callback, encode
from .context import Ctx
from .i18n import events, ui
from .pictures import Picture, footer_line, picture_key
from .replies import send_html, ui_lang
from .timeline_filters import Selection, filter_names, select

#: Year buttons per row under the picture.
YEARS_PER_ROW = 6
#: The words that ask for the timeline in inline mode, and the language each one implies
#: (None: the word is both Kazakh and Russian, so the user's language decides).
INLINE_WORDS: dict[str, Lang | None] = {
    "timeline": "en",
    "time line": "en",
    "chronology": "en",
    "таймлайн": "ru",
    "лента времени": "ru",
    "хронология": None,
    "уақыт сызығы": "kk",
    "уақыт желісі": "kk",
    "шежіре": "kk",
}
#: The deep-link parameter (t.me/<bot>?start=timeline) that opens the picture.
START_PARAM = "timeline"


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def caption(pic: Picture, sources: Sources, lang: Lang) -> str:
    """Telegram HTML: the title, how many events over which years, and the source."""
    title = ui("timeline", lang)
    name = pic.selection.names.get(lang)
    if name:
        title += f" · {name}"
    lines = [f"<b>{_esc(title)}</b>"]
    if pic.years:
        count = ui(
            "timeline_count", lang, events=events(pic.count, lang), a=pic.years[0], b=pic.years[-1]
        )
        lines.append(_esc(count))
    if pic.inferred:
        lines.append(_esc(ui("timeline_inferred", lang, n=pic.inferred)))
    if pic.undated:
        lines.append(_esc(ui("timeline_undated", lang, n=pic.undated)))
    lines.append(f"<i>{_esc(footer_line(sources.article.title.get(lang), lang))}</i>")
    return "\n".join(lines)


def years_keyboard(pic: Picture, lang: Lang) -> InlineKeyboardMarkup | None:
    """A button for each year with events; each opens that year's list (the "more" callback)."""
    buttons = [
        InlineKeyboardButton(str(y), callback_data=encode(Callback("more", year=y, lang=lang)))
        for y in pic.years
    ]
    if not buttons:
        return None
    rows = [buttons[i : i + YEARS_PER_ROW] for i in range(0, len(buttons), YEARS_PER_ROW)]
    return InlineKeyboardMarkup(rows)


async def picture(context: Ctx, lang: Lang, selection: Selection, facts: list[Fact]) -> Picture:
    _, _, base = context.bot_data.services()
    footer = footer_line(base.sources.article.title.get(lang), lang)
    return await context.bot_data.pictures.get(facts, lang, selection, base.content_hash, footer)


async def send_timeline(message: Message, context: Ctx, query: str, lang: Lang) -> None:
    """Reply with the timeline of ``query`` (a kind or topic; empty for all) in ``lang``."""
    engine, _, base = context.bot_data.services()
    quote = message.chat.type != ChatType.PRIVATE
    facts = await engine.index.all_facts()  # read for this picture only
    selection = select(query, facts)
    if selection is None:
        names = filter_names(facts, lang)
        text = ui("timeline_unknown", lang, example=names[0].lower(), names=", ".join(names))
        await send_html(message, _esc(text), None, quote=quote)
        return
    pictures = context.bot_data.pictures
    key = picture_key(base.content_hash, lang, selection)
    if pictures.cached(key) is None:
        with contextlib.suppress(TelegramError):
            await context.bot.send_chat_action(
                message.chat_id,
                ChatAction.UPLOAD_PHOTO,
                message_thread_id=message.message_thread_id,
            )
    pic = await picture(context, lang, selection, facts)
    if not pic.count:
        await send_html(message, _esc(ui("timeline_empty", lang)), None, quote=quote)
        return
    text, markup = caption(pic, base.sources, lang), years_keyboard(pic, lang)
    file_id = pictures.file_ids.get(key)
    sent: Message | None = None
    if file_id is not None:
        with contextlib.suppress(BadRequest):  # a file_id Telegram no longer knows: upload again
            sent = await _reply_photo(message, file_id, text, markup, quote)
    if sent is None:
        sent = await _reply_photo(message, pic.png, text, markup, quote)
    if sent.photo:
        pictures.file_ids[key] = sent.photo[-1].file_id


async def _reply_photo(
    message: Message,
    photo: str | bytes,
    text: str,
    markup: InlineKeyboardMarkup | None,
    quote: bool,
) -> Message:
    return await message.reply_photo(
        photo,
        caption=text,
        parse_mode=ParseMode.HTML,
        reply_markup=markup,
        filename="timeline.png",
        do_quote=quote,
        allow_sending_without_reply=True,
    )


async def timeline(update: Update, context: Ctx) -> None:
    """/timeline [topic or kind]: the timeline picture, with buttons that open a year."""
    message, lang = update.effective_message, await ui_lang(update, context)
    assert message is not None
    await send_timeline(message, context, " ".join(context.args or []), lang)


def start_parameter(selection: Selection) -> str:
    """t.me/<bot>?start=… that opens this picture: 'timeline' or 'timeline_<kind or tag>'."""
    value = selection.key.partition(":")[2]
    return f"{START_PARAM}_{value}" if value else START_PARAM


def from_start_parameter(arg: str) -> str | None:
    """The /timeline query of a deep-link parameter, or None if it is not a timeline link."""
    if arg == START_PARAM:
        return ""
    if arg.startswith(START_PARAM + "_"):
        return arg[len(START_PARAM) + 1 :].replace("_", " ")
    return None


def inline_request(text: str) -> tuple[str, Lang | None] | None:
    """(the rest of the query, the language its timeline word implies), if it asks for one."""
    low = " ".join(text.casefold().split())
    for word in sorted(INLINE_WORDS, key=len, reverse=True):
        if low == word or low.startswith(word + " "):
            return text.strip()[len(word) :].strip(), INLINE_WORDS[word]
    return None


async def inline_timeline(update: Update, context: Ctx, text: str, user_lang: Lang | None) -> bool:
    """Answer an inline query that asks for the timeline; False if it does not ask for one.

    The picture is offered once it has a file_id (it has been sent in some chat); until then,
    a button opens it in the bot.
    """
    query = update.inline_query
    asked = inline_request(text)
    if query is None or asked is None:
        return False
    rest, word_lang = asked
    # "хронология" is both Kazakh and Russian: the user's language decides between the two.
    lang: Lang = word_lang or (user_lang if user_lang in ("kk", "ru") else "ru")
    engine, _, base = context.bot_data.services()
    selection = select(rest, await engine.index.all_facts())
    if selection is None:
        await query.answer([], cache_time=0, is_personal=True, button=_open_button(lang, None))
        return True
    key = picture_key(base.content_hash, lang, selection)
    file_id = context.bot_data.pictures.file_ids.get(key)
    pic = context.bot_data.pictures.cached(key)
    if file_id is None or pic is None:
        # No upload yet: Telegram needs a file_id (or a public URL, which a bot on polling has
        # not got). Opening the bot sends the picture once; after that it is offered here.
        button = _open_button(lang, selection)
        await query.answer([], cache_time=0, is_personal=True, button=button)
        return True
    name = selection.names.get(lang)
    result = InlineQueryResultCachedPhoto(
        id=f"tl-{lang}-{selection.key.replace(':', '-')}"[:64],
        photo_file_id=file_id,
        title=ui("timeline", lang) + (f" · {name}" if name else ""),
        description=ui("timeline_card", lang),
        caption=caption(pic, base.sources, lang),
        parse_mode=ParseMode.HTML,
    )
    await query.answer([result], cache_time=60, is_personal=False)
    return True


def _open_button(lang: Lang, selection: Selection | None) -> InlineQueryResultsButton:
    param = start_parameter(selection) if selection is not None else START_PARAM
    return InlineQueryResultsButton(ui("timeline_open", lang), start_parameter=param)
