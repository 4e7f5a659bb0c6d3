"""Interface strings in Kazakh, Russian and English, and date formatting.

Plain strings with ``{placeholders}``; no HTML here except where a key ends in ``_html``.
"""

from __future__ import annotations

from knowledge.models import FactDate, Lang, PartialDate

MONTHS: dict[Lang, tuple[str, ...]] = {
    "kk": (
        "қаңтар",
        "ақпан",
        "наурыз",
        "сәуір",
        "мамыр",
        "маусым",
        "шілде",
        "тамыз",
        "қыркүйек",
        "қазан",
        "қараша",
        "желтоқсан",
    ),
    "ru": (
        "январь",
        "февраль",
        "март",
        "апрель",
        "май",
        "июнь",
        "июль",
        "август",
        "сентябрь",
        "октябрь",
        "ноябрь",
        "декабрь",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}
_RU_GENITIVE = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)

T: dict[str, dict[Lang, str]] = {
    "undated": {"kk": "Күні көрсетілмеген", "ru": "Без даты", "en": "Undated"},
    "source": {"kk": "Дереккөз", "ru": "Источник", "en": "Source"},
    "article": {"kk": "мақала", "ru": "статья", "en": "the article"},
    "no_ref": {
        "kk": "мақаланың өз мәтіні",
        "ru": "собственный текст статьи",
        "en": "the article's own text",
    },
    "events": {"kk": "оқиға", "ru": "событий", "en": "events"},
    "year_none": {
        "kk": "Мақалада {years} жылы болған оқиға айтылмайды.",
        "ru": "В статье нет событий {years} года.",
        "en": "The article mentions no events in {years}.",
    },
    "nearest": {
        "kk": "Оқиғасы бар ең жақын жылдар: {years}.",
        "ru": "Ближайшие годы с событиями: {years}.",
        "en": "Nearest years with events: {years}.",
    },
    "none": {
        "kk": "Мақалада бұл туралы ештеңе айтылмайды.",
        "ru": "В статье об этом ничего не сказано.",
        "en": "The article says nothing about this.",
    },
    "try": {
        "kk": "Мына сұрақтарға жауап бере аламын:",
        "ru": "Могу ответить, например, на это:",
        "en": "Here is what I can answer:",
    },
    "more": {
        "kk": "тағы {n} оқиға",
        "ru": "ещё событий: {n}",
        "en": "{n} more",
    },
    "page": {"kk": "{page}/{pages} бет", "ru": "стр. {page}/{pages}", "en": "page {page}/{pages}"},
    "note": {"kk": "Ескерту", "ru": "Примечание", "en": "Note"},
}


def t(key: str, lang: Lang, **kw: object) -> str:
    return T[key][lang].format(**kw)


def _day_month(d: PartialDate, lang: Lang, with_year: bool) -> str:
    assert d.month is not None
    if lang == "en":
        out = f"{d.day} {MONTHS['en'][d.month - 1]}" if d.day else MONTHS["en"][d.month - 1]
        return f"{out} {d.year}" if with_year else out
    if lang == "ru":
        out = f"{d.day} {_RU_GENITIVE[d.month - 1]}" if d.day else MONTHS["ru"][d.month - 1]
        return f"{out} {d.year} г." if with_year else out
    out = f"{d.day} {MONTHS['kk'][d.month - 1]}" if d.day else MONTHS["kk"][d.month - 1]
    return f"{d.year} жылғы {out}" if with_year else out


def format_partial(d: PartialDate, lang: Lang) -> str:
    if d.month is None:
        return {"kk": f"{d.year} жыл", "ru": f"{d.year} г.", "en": str(d.year)}[lang]
    return _day_month(d, lang, with_year=True)


def format_date(date: FactDate | None, lang: Lang) -> str:
    """'3 January 1992', '2–4 July 2003', '1995–1997', or 'Undated', in ``lang``."""
    if date is None:
        return t("undated", lang)
    s, e = date.start, date.end
    if e is None:
        return format_partial(s, lang)
    if s.month is None or e.month is None:
        return {"kk": f"{s.year}–{e.year} жылдар", "ru": f"{s.year}–{e.year} гг.", "en": ""}[
            lang
        ] or f"{s.year}–{e.year}"
    if s.year == e.year and s.month == e.month and s.day and e.day:
        month = e.month - 1
        if lang == "en":
            return f"{s.day}–{e.day} {MONTHS['en'][month]} {s.year}"
        if lang == "ru":
            return f"{s.day}–{e.day} {_RU_GENITIVE[month]} {s.year} г."
        return f"{s.year} жылғы {s.day}–{e.day} {MONTHS['kk'][month]}"
    return f"{format_partial(s, lang)} – {format_partial(e, lang)}"
