"""Inline keyboards under answers, lists and menus."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from knowledge.models import LANGS, Answer, Fact, Lang

from .callback_data import Callback, encode
from .i18n import EXAMPLES, LANG_NAMES, LANG_SHORT, TAG_NAMES, ui
from .render import pages_of


def _cb(text: str, cb: Callback) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=encode(cb))


def fact_keyboard(fact: Fact, lang: Lang) -> InlineKeyboardMarkup:
    """Source, the other two languages, Share, 👍/👎, and More from YEAR."""
    rows = [
        [_cb(ui("btn_source", lang), Callback("src", fact_id=fact.id, lang=lang))]
        + [
            _cb(LANG_SHORT[other], Callback("tr", fact_id=fact.id, lang=other))
            for other in LANGS
            if other != lang
        ],
        [
            InlineKeyboardButton(ui("btn_share", lang), switch_inline_query=fact.id),
            _cb("👍", Callback("vote", fact_id=fact.id, vote=1)),
            _cb("👎", Callback("vote", fact_id=fact.id, vote=-1)),
        ],
    ]
    if fact.date is not None:
        year = fact.date.start.year
        rows.append([_cb(ui("btn_more", lang, year=year), Callback("more", year=year, lang=lang))])
    return InlineKeyboardMarkup(rows)


def year_keyboard(
    year: int, n_items: int, page: int, lang: Lang, prev_year: int | None, next_year: int | None
) -> InlineKeyboardMarkup | None:
    """◀ and ▶ to the neighbouring years with events; ‹ › through a long year's pages."""
    rows: list[list[InlineKeyboardButton]] = []
    pages = pages_of(n_items)
    if pages > 1:
        nav = []
        if page > 0:
            nav.append(
                _cb(f"‹ {page}/{pages}", Callback("year", year=year, page=page - 1, lang=lang))
            )
        if page < pages - 1:
            nav.append(
                _cb(f"{page + 2}/{pages} ›", Callback("year", year=year, page=page + 1, lang=lang))
            )
        rows.append(nav)
    steps = []
    if prev_year is not None:
        steps.append(_cb(f"◀ {prev_year}", Callback("year", year=prev_year, lang=lang)))
    if next_year is not None:
        steps.append(_cb(f"{next_year} ▶", Callback("year", year=next_year, lang=lang)))
    if steps:
        rows.append(steps)
    rows.append(
        [
            _cb(LANG_SHORT[o], Callback("year", year=year, page=page, lang=o))
            for o in LANGS
            if o != lang
        ]
    )
    return InlineKeyboardMarkup(rows)


def years_keyboard(years: list[int], lang: Lang) -> InlineKeyboardMarkup | None:
    """One button per year with events (a period's overview or a comparison), four a row."""
    buttons = [_cb(str(y), Callback("year", year=y, lang=lang)) for y in years[:40]]
    if not buttons:
        return None
    return InlineKeyboardMarkup([buttons[i : i + 4] for i in range(0, len(buttons), 4)])


def topic_keyboard(tag: str, n_items: int, page: int, lang: Lang) -> InlineKeyboardMarkup | None:
    pages = pages_of(n_items)
    if pages <= 1:
        return None
    nav = []
    if page > 0:
        nav.append(_cb(f"‹ {page}/{pages}", Callback("topic", tag=tag, page=page - 1, lang=lang)))
    if page < pages - 1:
        nav.append(
            _cb(f"{page + 2}/{pages} ›", Callback("topic", tag=tag, page=page + 1, lang=lang))
        )
    return InlineKeyboardMarkup([nav])


def topics_menu(tags: list[str], lang: Lang) -> InlineKeyboardMarkup:
    buttons = [_cb(TAG_NAMES[tag][lang], Callback("topic", tag=tag, lang=lang)) for tag in tags]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def lang_menu() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[_cb(LANG_NAMES[lang], Callback("setlang", lang=lang)) for lang in LANGS]]
    )


def examples_menu(lang: Lang) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[_cb(q, Callback("ex", example=i, lang=lang))] for i, q in enumerate(EXAMPLES[lang])]
    )


def answer_keyboard(answer: Answer) -> InlineKeyboardMarkup | None:
    """The keyboard under an engine answer (fact answers only; lists get theirs elsewhere)."""
    if answer.kind == "fact" and answer.hits:
        return fact_keyboard(answer.facts[0], answer.lang)
    return None
