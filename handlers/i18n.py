"""Interface strings in Kazakh, Russian and English, and date formatting.

Plain strings with ``{placeholders}``; no HTML here except where a key ends in ``_html``.
"""

from __future__ import annotations

import re

from knowledge.compose import EXAMPLES as _ENGINE_EXAMPLES
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
    # Inside a line ("• Book — undated (para. 31)"), not at its head.
    "undated_inline": {"kk": "күні көрсетілмеген", "ru": "без даты", "en": "undated"},
    "source": {"kk": "Дереккөз", "ru": "Источник", "en": "Source"},
    "article": {"kk": "мақала", "ru": "статья", "en": "the article"},
    "year_none": {
        "kk": "Мақалада {years} жылы болған оқиға айтылмайды.",
        "ru": "В статье нет событий {years} года.",
        "en": "The article mentions no events in {years}.",
    },
    # A comparison on one subject: nothing on it in that year (other events may be).
    "year_none_topic": {
        "kk": "Мақалада бұл туралы {years} жылы ештеңе айтылмайды.",
        "ru": "В статье об этом за {years} год ничего нет.",
        "en": "The article has nothing on this in {years}.",
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
    # The detail a who or where question asked, as the fact names it.
    "told_who": {"kk": "Кім: {names}", "ru": "Кто: {names}", "en": "Who: {names}"},
    "told_where": {"kk": "Қайда: {names}", "ru": "Где: {names}", "en": "Where: {names}"},
    "came_first": {"kk": "Алдымен: {names}", "ru": "Раньше: {names}", "en": "First: {names}"},
    "came_last": {"kk": "Кейінірек: {names}", "ru": "Позже: {names}", "en": "Later: {names}"},
    # A refusal whose subject the article touches, but not the detail asked.
    "missing_who": {
        "kk": "Мақалада бұл туралы айтылады, бірақ кім екені көрсетілмейді.",
        "ru": "Статья об этом упоминает, но не говорит, кто.",
        "en": "The article mentions this, but does not say who.",
    },
    "missing_where": {
        "kk": "Мақалада бұл туралы айтылады, бірақ қай жерде екені көрсетілмейді.",
        "ru": "Статья об этом упоминает, но не говорит, где.",
        "en": "The article mentions this, but does not say where.",
    },
    "missing_when": {
        "kk": "Мақалада бұл туралы айтылады, бірақ қашан екені көрсетілмейді.",
        "ru": "Статья об этом упоминает, но не говорит, когда.",
        "en": "The article mentions this, but does not say when.",
    },
    "missing_number": {
        "kk": "Мақалада бұл туралы айтылады, бірақ сан келтірілмейді.",
        "ru": "Статья об этом упоминает, но не называет число.",
        "en": "The article mentions this, but gives no number.",
    },
    "missing_names": {
        "kk": "Мақалада бұл туралы айтылады, бірақ олардың аттары көрсетілмейді.",
        "ru": "Статья об этом упоминает, но не называет их.",
        "en": "The article mentions this, but does not name them.",
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
    "greeting": {
        "kk": "Сәлем! Мен Қазақстан мен Қытайдың мәдени байланыстары туралы бір ғылыми мақала "
        "бойынша жауап беремін. Мысалы, былай сұраңыз:",
        "ru": "Здравствуйте! Я отвечаю на вопросы о культурных связях Казахстана и Китая по "
        "одной научной статье. Спросите, например:",
        "en": "Hello! I answer questions about the cultural relations between Kazakhstan and "
        "China from one scholarly article. You could ask:",
    },
    "bye": {
        "kk": "Сау болыңыз! Қазақстан мен Қытайдың мәдени байланыстары туралы тағы сұрағыңыз "
        "болса, жазыңыз. Мысалы:",
        "ru": "До свидания! Если будут ещё вопросы о культурных связях Казахстана и Китая, "
        "пишите. Например:",
        "en": "Goodbye! Come back with more questions on Kazakhstan–China cultural ties, "
        "for example:",
    },
    "thanks": {
        "kk": "Оқасы жоқ! Тағы сұрағыңыз болса, жазыңыз. Мысалы:",
        "ru": "Пожалуйста! Если есть ещё вопросы, пишите. Например:",
        "en": "You're welcome! Ask me anything else, for example:",
    },
    "help": {
        "kk": "Мен — Достық: Қазақстан мен Қытайдың мәдени байланыстары туралы бір ғылыми "
        "мақала бойынша жауап беремін және дереккөзін көрсетемін. Жылды, кезеңді, оқиғаны, "
        "адамды немесе қаланы атап сұраңыз; «тағы» деп жазсаңыз, жалғасын көрсетемін. Мысалы:",
        "ru": "Я — Достык: отвечаю на вопросы о культурных связях Казахстана и Китая по одной "
        "научной статье и называю источник. Спрашивайте о годе, периоде, событии, человеке или "
        "городе; «ещё» покажет продолжение. Например:",
        "en": "I am Dostyq: I answer questions about the cultural relations between Kazakhstan "
        "and China from one scholarly article, and name the source. Ask about a year, a period, "
        "an event, a person or a city; “more” shows the rest. For example:",
    },
    "no_more": {
        "kk": "Мақалада бұл туралы айтылғанның бәрі осы. Басқа сұрақ қойыңыз, мысалы:",
        "ru": "Это всё, что об этом есть в статье. Спросите о другом, например:",
        "en": "That is everything the article says about it. Ask about something else, e.g.:",
    },
    "no_events_years": {
        "kk": "Оқиғасыз жылдар: {years}",
        "ru": "Без событий: {years}",
        "en": "No events in: {years}",
    },
    # A period's overview of one kind of event: the years with none of that kind.
    "no_topic_years": {
        "kk": "Бұл тақырып бойынша жоқ жылдар: {years}",
        "ru": "Ничего об этом: {years}",
        "en": "None of these in: {years}",
    },
    "period_open": {
        "kk": "Жылды ашу үшін батырманы басыңыз.",
        "ru": "Нажмите на год, чтобы открыть его события.",
        "en": "Tap a year to open its events.",
    },
    # A count of the facts the article gives, not a number it states.
    "counted_mentions": {
        "kk": "Мақалада аталғаны: {n}",
        "ru": "В статье упомянуто: {n}",
        "en": "The article mentions {n}",
    },
    "counted": {
        "kk": "Мақала бойынша: {n}",
        "ru": "По статье: {n}",
        "en": "According to the article: {n}",
    },
    "listed": {
        "kk": "Мақалада аталғандар ({n}):",
        "ru": "В статье названы ({n}):",
        "en": "Named in the article ({n}):",
    },
    "and_more": {
        "kk": "…тағы {n}",
        "ru": "…и ещё {n}",
        "en": "…and {n} more",
    },
}


def events(n: int, lang: Lang) -> str:
    """'1 event', '3 events'; '1 событие', '3 события', '5 событий'; Kazakh does not inflect."""
    if lang == "en":
        return f"{n} event" if n == 1 else f"{n} events"
    if lang == "ru":
        if n % 10 == 1 and n % 100 != 11:
            word = "событие"
        elif 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            word = "события"
        else:
            word = "событий"
        return f"{n} {word}"
    return f"{n} оқиға"


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


def format_number(n: int, lang: Lang) -> str:
    """20000000 as people write it: "20,000,000" in English, «20 000 000» (narrow no-break
    spaces) in Russian and Kazakh; below 10,000 as it is."""
    if abs(n) < 10_000:
        return str(n)
    grouped = f"{n:,}"
    return grouped if lang == "en" else grouped.replace(",", "\u202f")


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


#: What the bot says outside answers. Keys ending in ``_html`` are Telegram HTML already.
UI: dict[str, dict[Lang, str]] = {
    "start_html": {
        "kk": "<b>Сәлем! Мен — Достық.</b>\nҚазақстан мен Қытайдың мәдени байланыстары туралы "
        "сұрақтарға бір ғылыми мақаланың негізінде жауап беремін, әр жауапта дереккөзін "
        "көрсетемін. Сұрағыңызды жазыңыз немесе мысалды таңдаңыз:",
        "ru": "<b>Здравствуйте! Я — Достык.</b>\nОтвечаю на вопросы о культурных связях "
        "Казахстана и Китая по одной научной статье и в каждом ответе называю источник. "
        "Задайте вопрос или выберите пример:",
        "en": "<b>Hello! I am Dostyq.</b>\nI answer questions about the cultural relations "
        "between Kazakhstan and China from one scholarly article, and every answer names its "
        "source. Ask a question or pick an example:",
    },
    "help_html": {
        "kk": "<b>Қалай сұрауға болады</b>\nКез келген сұрақты қазақша, орысша немесе "
        "ағылшынша жазыңыз: «1992 жылы не болды?», «Абай 150 жылдығы».\n\n"
        "/ask сұрақ — сұрақ қою (топта: /ask@{bot})\n/year 2004 — жылдың оқиғалары\n"
        "/topics — тақырыптар\n/timeline — уақыт сызығы (суреті)\n"
        "/sources — дереккөздер\n/lang — жауап тілі\n/about — бот туралы\n"
        "/forget — мен туралы сақталғанды өшіру\n\n"
        "Кез келген чатта: <code>@{bot} сұрақ</code>.",
        "ru": "<b>Как спрашивать</b>\nПишите вопрос по-казахски, по-русски или по-английски: "
        "«Что было в 1992 году?», «юбилей Абая».\n\n"
        "/ask вопрос — задать вопрос (в группе: /ask@{bot})\n/year 2004 — события года\n"
        "/topics — темы\n/timeline — хронология (картинка)\n"
        "/sources — источники\n/lang — язык ответов\n/about — о боте\n"
        "/forget — удалить сохранённое обо мне\n\n"
        "В любом чате: <code>@{bot} вопрос</code>.",
        "en": "<b>How to ask</b>\nWrite your question in Kazakh, Russian or English: "
        "“What happened in 1992?”, “Abai's 150th”.\n\n"
        "/ask question — ask (in a group: /ask@{bot})\n/year 2004 — a year's events\n"
        "/topics — topics\n/timeline — a timeline picture\n"
        "/sources — sources\n/lang — reply language\n/about — about the bot\n"
        "/forget — delete what is stored about me\n\n"
        "In any chat: <code>@{bot} question</code>.",
    },
    "about_html": {
        "kk": "<b>Достық</b> — қазақ-қытай мәдени байланыстары туралы анықтамалық бот. Білім "
        "қоры бір мақаладан жасалған; бот одан тыс ештеңе қоспайды, ал білмейтінін ашық айтады.",
        "ru": "<b>Достык</b> — справочный бот о казахстанско-китайских культурных связях. База "
        "знаний составлена по одной статье; бот ничего не добавляет от себя и честно говорит, "
        "когда ответа в статье нет.",
        "en": "<b>Dostyq</b> is a reference bot on Kazakhstan–China cultural relations. Its fact "
        "base comes from one article; it adds nothing of its own and says plainly when the "
        "article has no answer.",
    },
    "sources_intro": {
        "kk": "Барлық жауап бір мақалаға негізделген:",
        "ru": "Все ответы основаны на одной статье:",
        "en": "Every answer rests on one article:",
    },
    "sources_how": {
        "kk": "Әр жауапта мақаланың өз сілтеме нөмірі мен беті көрсетіледі, мысалы [6], 212-бет. "
        "«Дереккөз» батырмасы мақаладағы түпнұсқа қазақша үзіндіні көрсетеді.",
        "ru": "В каждом ответе указан номер ссылки статьи и страница, например [6], с. 212. "
        "Кнопка «Источник» показывает исходную казахскую цитату из статьи.",
        "en": "Each answer gives the article's own reference number and page, e.g. ref. [6], "
        "p. 212. The Source button shows the original Kazakh quote from the article.",
    },
    "refs": {
        "kk": "Мақаладағы сілтемелер",
        "ru": "Ссылки статьи",
        "en": "The article's references",
    },
    "lang_prompt": {
        "kk": "Жауап тілін таңдаңыз:",
        "ru": "Выберите язык ответов:",
        "en": "Choose the reply language:",
    },
    "lang_set": {
        "kk": "Жауаптар енді қазақ тілінде.",
        "ru": "Теперь отвечаю по-русски.",
        "en": "I will reply in English now.",
    },
    "forgot": {
        "kk": "Сіз туралы сақталғанның бәрі өшірілді ({n} жазба).",
        "ru": "Всё, что хранилось о вас, удалено (записей: {n}).",
        "en": "Everything stored about you has been deleted ({n} records).",
    },
    "non_text": {
        "kk": "Мен тек мәтінді түсінемін: сұрағыңызды жазыңыз.",
        "ru": "Я понимаю только текст: напишите вопрос.",
        "en": "I only understand text: please type your question.",
    },
    "group_none": {
        "kk": "Мақалада бұл туралы ештеңе жоқ.",
        "ru": "В статье об этом ничего нет.",
        "en": "The article has nothing on this.",
    },
    "ask_usage": {
        "kk": "Сұрақты командадан кейін жазыңыз: /ask 2004 жылы не болды?",
        "ru": "Напишите вопрос после команды: /ask что было в 2004 году?",
        "en": "Put the question after the command: /ask what happened in 2004?",
    },
    "year_usage": {
        "kk": "Жылды жазыңыз: /year 2004",
        "ru": "Укажите год: /year 2004",
        "en": "Give a year: /year 2004",
    },
    "topics": {"kk": "Тақырыпты таңдаңыз:", "ru": "Выберите тему:", "en": "Choose a topic:"},
    "forget_failed": {
        "kk": "Қазір өшіре алмадым: деректер қоймасы қолжетімсіз. Кейінірек қайталаңыз.",
        "ru": "Сейчас удалить не получилось: хранилище недоступно. Повторите позже.",
        "en": "I could not delete anything just now: storage is unavailable. Try again later.",
    },
    "not_saved": {
        "kk": "Сақтай алмадым, кейінірек қайталаңыз.",
        "ru": "Не удалось сохранить, повторите позже.",
        "en": "Could not save that, try again later.",
    },
    "stale": {
        "kk": "Бұл батырма ескірген.",
        "ru": "Эта кнопка устарела.",
        "en": "This button is out of date.",
    },
    "thanks": {"kk": "Рақмет!", "ru": "Спасибо!", "en": "Thank you!"},
    "not_found": {
        "kk": "Мұндай дерек табылмады.",
        "ru": "Такой факт не найден.",
        "en": "No such fact.",
    },
    "btn_source": {"kk": "📖 Дереккөз", "ru": "📖 Источник", "en": "📖 Source"},
    "btn_share": {"kk": "↗ Бөлісу", "ru": "↗ Поделиться", "en": "↗ Share"},
    "btn_more": {"kk": "{year}: тағы", "ru": "Ещё из {year}", "en": "More from {year}"},
    "inline_help": {
        "kk": "Қалай сұрау керек?",
        "ru": "Как спрашивать?",
        "en": "How to ask?",
    },
    "quote": {"kk": "Мақаладағы үзінді", "ru": "Цитата из статьи", "en": "Quote from the article"},
    # The timeline picture (handlers/timeline_chat.py) and "See also" (handlers/see_also.py).
    "timeline": {"kk": "Уақыт сызығы", "ru": "Хронология", "en": "Timeline"},
    "timeline_count": {
        "kk": "{events}, {a}–{b}",
        "ru": "{events}, {a}–{b}",
        "en": "{events}, {a}–{b}",
    },
    "timeline_inferred": {
        "kk": "Бос дөңгелек — күнін мақала тура айтпайды, ол есептеліп шығарылған ({n}).",
        "ru": "Полый кружок — дату статья прямо не называет, она выведена ({n}).",
        "en": "Hollow marker: the article does not give this date; it was worked out ({n}).",
    },
    "timeline_undated": {
        "kk": "Күні көрсетілмеген {n} дерек суретке енбеді.",
        "ru": "Факты без даты (на картинке их нет): {n}.",
        "en": "Undated facts, not shown: {n}.",
    },
    "timeline_years": {
        "kk": "Жылды ашу:",
        "ru": "Открыть год:",
        "en": "Open a year:",
    },
    "timeline_unknown": {
        "kk": "Мұндай тақырып не оқиға түрі жоқ. Мысалы: /timeline {example}. Барлығы: {names}.",
        "ru": "Нет такой темы или вида событий. Например: /timeline {example}. Все: {names}.",
        "en": "No such topic or kind of event. For example: /timeline {example}. All: {names}.",
    },
    "timeline_empty": {
        "kk": "Бұл тақырыпта күні көрсетілген оқиға жоқ.",
        "ru": "По этой теме нет событий с датой.",
        "en": "This topic has no dated events.",
    },
    "timeline_open": {
        "kk": "Уақыт сызығын ботта ашу",
        "ru": "Открыть хронологию в боте",
        "en": "Open the timeline in the bot",
    },
    "timeline_card": {
        "kk": "Қазақстан–Қытай мәдени байланыстарының уақыт сызығы",
        "ru": "Хронология культурных связей Казахстана и Китая",
        "en": "A timeline of Kazakhstan–China cultural relations",
    },
    "timeline_title": {
        "kk": "Қазақстан мен Қытайдың мәдени байланыстары, {a}–{b}",
        "ru": "Культурные связи Казахстана и Китая, {a}–{b}",
        "en": "Kazakhstan–China cultural relations, {a}–{b}",
    },
    "timeline_given": {
        "kk": "күні мақалада берілген",
        "ru": "дата из статьи",
        "en": "date as the article gives it",
    },
    "timeline_worked_out": {
        "kk": "күні есептеліп шығарылған",
        "ru": "дата выведена составителями",
        "en": "date worked out, not in the article",
    },
    "see_also": {"kk": "Тағы қараңыз", "ru": "См. также", "en": "See also"},
}

#: Three example questions per language, for /start.
#: The example questions of /start, greetings and help (the engine suggests the same ones).
EXAMPLES: dict[Lang, tuple[str, ...]] = _ENGINE_EXAMPLES

TAG_NAMES: dict[str, dict[Lang, str]] = {
    "diplomacy": {"kk": "Дипломатия", "ru": "Дипломатия", "en": "Diplomacy"},
    "visits": {"kk": "Сапарлар", "ru": "Визиты", "en": "Visits"},
    "agreements": {"kk": "Келісімдер", "ru": "Соглашения", "en": "Agreements"},
    "culture-days": {"kk": "Мәдениет күндері", "ru": "Дни культуры", "en": "Culture days"},
    "arts": {"kk": "Өнер", "ru": "Искусство", "en": "Arts"},
    "publishing": {"kk": "Кітап шығару", "ru": "Книгоиздание", "en": "Publishing"},
    "education": {"kk": "Білім", "ru": "Образование", "en": "Education"},
    "language": {"kk": "Тіл", "ru": "Язык", "en": "Language"},
    "science": {"kk": "Ғылым", "ru": "Наука", "en": "Science"},
    "media": {"kk": "БАҚ", "ru": "СМИ", "en": "Media"},
    "archives": {"kk": "Мұрағат", "ru": "Архивы", "en": "Archives"},
    "film": {"kk": "Кино", "ru": "Кино", "en": "Film"},
    "exhibitions": {"kk": "Көрмелер", "ru": "Выставки", "en": "Exhibitions"},
    "youth": {"kk": "Жастар", "ru": "Молодёжь", "en": "Youth"},
    "history": {"kk": "Тарих", "ru": "История", "en": "History"},
    "economy": {"kk": "Экономика", "ru": "Экономика", "en": "Economy"},
    "anniversaries": {"kk": "Мерейтойлар", "ru": "Юбилеи", "en": "Anniversaries"},
}

#: The kinds of event (knowledge.models.EVENT_KINDS): the timeline's legend and filters.
KIND_NAMES: dict[str, dict[Lang, str]] = {
    "culture-days": {"kk": "Мәдениет күндері", "ru": "Дни культуры", "en": "Culture days"},
    "visit": {"kk": "Сапарлар", "ru": "Визиты", "en": "Visits"},
    "agreement": {"kk": "Келісімдер", "ru": "Соглашения", "en": "Agreements"},
    "declaration": {
        "kk": "Декларациялар мен коммюникелер",
        "ru": "Декларации и коммюнике",
        "en": "Declarations and communiqués",
    },
    "programme": {
        "kk": "Ынтымақтастық бағдарламасы",
        "ru": "Программа сотрудничества",
        "en": "Cooperation programme",
    },
    "programme-direction": {
        "kk": "Бағдарлама бағыттары",
        "ru": "Направления программы",
        "en": "Programme directions",
    },
    "publication": {"kk": "Басылымдар", "ru": "Издания", "en": "Publications"},
    "exhibition": {"kk": "Көрмелер", "ru": "Выставки", "en": "Exhibitions"},
    "festival": {"kk": "Фестивальдер", "ru": "Фестивали", "en": "Festivals"},
    "performance": {"kk": "Концерттер мен кештер", "ru": "Концерты и вечера", "en": "Concerts"},
    "tour": {"kk": "Гастрольдер", "ru": "Гастроли", "en": "Tours"},
    "contest": {"kk": "Байқаулар", "ru": "Конкурсы", "en": "Contests"},
    "conference": {"kk": "Конференциялар", "ru": "Конференции", "en": "Conferences"},
    "anniversary": {"kk": "Мерейтойлар", "ru": "Юбилеи", "en": "Anniversaries"},
    "media": {"kk": "БАҚ", "ru": "СМИ", "en": "Media"},
    "education": {"kk": "Білім беру", "ru": "Образование", "en": "Education"},
    "institution": {
        "kk": "Орталықтар мен өкілдіктер",
        "ru": "Центры и представительства",
        "en": "Centres and offices",
    },
    "film": {"kk": "Кино", "ru": "Кино", "en": "Film"},
    "diplomacy": {"kk": "Дипломатия", "ru": "Дипломатия", "en": "Diplomacy"},
    "statement": {"kk": "Бағалар мен пікірлер", "ru": "Оценки и заявления", "en": "Statements"},
    "history": {"kk": "Тарих", "ru": "История", "en": "History"},
}

LANG_NAMES: dict[Lang, str] = {"kk": "🇰🇿 Қазақша", "ru": "🇷🇺 Русский", "en": "🇬🇧 English"}
LANG_SHORT: dict[Lang, str] = {"kk": "ҚАЗ", "ru": "РУС", "en": "ENG"}

#: Bot commands with descriptions, per language: (command, description).
COMMANDS: dict[Lang, tuple[tuple[str, str], ...]] = {
    "kk": (
        ("ask", "Сұрақ қою"),
        ("year", "Жылдың оқиғалары: /year 2004"),
        ("topics", "Тақырыптар"),
        ("timeline", "Уақыт сызығы: /timeline кино"),
        ("sources", "Дереккөздер"),
        ("lang", "Жауап тілі"),
        ("help", "Көмек"),
        ("about", "Бот туралы"),
        ("forget", "Мен туралы деректерді өшіру"),
        ("start", "Бастау"),
    ),
    "ru": (
        ("ask", "Задать вопрос"),
        ("year", "События года: /year 2004"),
        ("topics", "Темы"),
        ("timeline", "Хронология: /timeline кино"),
        ("sources", "Источники"),
        ("lang", "Язык ответов"),
        ("help", "Помощь"),
        ("about", "О боте"),
        ("forget", "Удалить мои данные"),
        ("start", "Начать"),
    ),
    "en": (
        ("ask", "Ask a question"),
        ("year", "A year's events: /year 2004"),
        ("topics", "Topics"),
        ("timeline", "Timeline picture: /timeline film"),
        ("sources", "Sources"),
        ("lang", "Reply language"),
        ("help", "Help"),
        ("about", "About the bot"),
        ("forget", "Delete my data"),
        ("start", "Start"),
    ),
}
#: Commands offered in groups (a subset).
GROUP_COMMANDS = ("ask", "year", "timeline", "sources", "help")


def ui(key: str, lang: Lang, **kw: object) -> str:
    return UI[key][lang].format(**kw)


_ABSTRACT = {
    "kk": {"kk": "қазақша аңдатпа", "ru": "орысша аңдатпа", "en": "ағылшынша аңдатпа"},
    "ru": {"kk": "казахская аннотация", "ru": "русская аннотация", "en": "английская аннотация"},
    "en": {"kk": "Kazakh abstract", "ru": "Russian abstract", "en": "English abstract"},
}


def location_label(location: str, lang: Lang, opening: str | None = None) -> str:
    """'body, para. 3, «opening words…»' or 'English abstract', in ``lang``.

    ``opening`` is the paragraph's first words (Kazakh, as printed), so that a reader of the
    printed article can find the paragraph; see knowledge/sources.yaml for how they are counted.
    """
    m = re.fullmatch(r"body, para (\d+)", location.strip())
    if m:
        n = m.group(1)
        label = {"kk": f"негізгі мәтін, {n}-абзац", "ru": f"основной текст, абзац {n}", "en": ""}[
            lang
        ] or f"body, para. {n}"
        return label + (f", «{opening}…»" if opening else "")
    m = re.fullmatch(r"abstract-(kk|ru|en)", location.strip())
    if m:
        return _ABSTRACT[lang][m.group(1)]
    return location


def ref_label(ref: int, pages: str | None, lang: Lang) -> str:
    """The article's own citation: 'ref. [6], p. 212' in ``lang``; ranges as '47–48'."""
    many = bool(pages) and ("-" in (pages or "") or "," in (pages or ""))
    pretty = (pages or "").replace("-", "–")
    if lang == "ru":
        return f"ссылка [{ref}]" + (f", с. {pretty}" if pages else "")
    if lang == "kk":
        return f"[{ref}] сілтеме" + (f", {pretty}-{'беттер' if many else 'бет'}" if pages else "")
    return f"ref. [{ref}]" + (f", {'pp.' if many else 'p.'} {pretty}" if pages else "")
    return f"ref. [{ref}]" + (f", {'pp.' if many else 'p.'} {pages}" if pages else "")


# -- operating the bot: flood control, unknown commands, admin commands ----------------------

#: Commands only for DOSTYQ_ADMIN_IDS (not announced with setMyCommands to everyone).
ADMIN_COMMANDS: dict[Lang, tuple[tuple[str, str], ...]] = {
    "kk": (
        ("stats", "Статистика: соңғы 7 және 30 күн (әкімшілерге)"),
        ("gaps", "Жауапсыз қалған жиі сұрақтар (әкімшілерге)"),
        ("reload", "Дерек файлдарын қайта оқу (әкімшілерге)"),
    ),
    "ru": (
        ("stats", "Статистика за 7 и 30 дней (для администраторов)"),
        ("gaps", "Частые вопросы без ответа (для администраторов)"),
        ("reload", "Перечитать файлы фактов (для администраторов)"),
    ),
    "en": (
        ("stats", "Statistics for the last 7 and 30 days (admins)"),
        ("gaps", "Frequent unanswered questions (admins)"),
        ("reload", "Re-read the fact files (admins)"),
    ),
}

OPS_UI: dict[str, dict[Lang, str]] = {
    "slow_down": {
        "kk": "Сұрақтар тым жиі келіп жатыр. Бір минут күте тұрып, қайта жазыңыз.",
        "ru": "Слишком много вопросов подряд. Подождите минуту и спросите снова.",
        "en": "That is a lot of questions at once. Please wait a minute and ask again.",
    },
    "unknown_command": {
        "kk": "Мұндай команда жоқ. Командалар тізімі: /help",
        "ru": "Такой команды нет. Список команд: /help",
        "en": "I don't know that command. See /help for the list.",
    },
    "stats_days": {
        "kk": "Соңғы 7 күндегі сұрақтар (UTC):",
        "ru": "Вопросы по дням за последние 7 дней (UTC):",
        "en": "Questions per day, last 7 days (UTC):",
    },
    "stats_count": {
        "kk": "{asked} (жауап: {share})",
        "ru": "{asked} (отвечено: {share})",
        "en": "{asked} ({share} answered)",
    },
    "stats_totals": {
        "kk": "7 күн: {week}, тәулігіне {week_avg}. 30 күн: {month}, тәулігіне {month_avg}.",
        "ru": "За 7 дней: {week}, {week_avg} в день. За 30 дней: {month}, {month_avg} в день.",
        "en": "7 days: {week}, {week_avg} a day. 30 days: {month}, {month_avg} a day.",
    },
    "stats_by_lang": {
        "kk": "Тіл бойынша (30 күн):",
        "ru": "По языкам (30 дней):",
        "en": "By language (30 days):",
    },
    "stats_by_chat": {
        "kk": "Чат түрі бойынша (30 күн):",
        "ru": "По типу чата (30 дней):",
        "en": "By chat type (30 days):",
    },
    "stats_top": {
        "kk": "Ең жиі берілген деректер (30 күн):",
        "ru": "Самые частые факты (30 дней):",
        "en": "Top facts (30 days):",
    },
    "stats_votes": {
        "kk": "Деректердің бағалары 👍/👎:",
        "ru": "Оценки фактов 👍/👎:",
        "en": "Votes per fact 👍/👎:",
    },
    "gaps_head": {
        "kk": "Соңғы {days} күнде жауапсыз не сенімсіз жауап алған жиі сұрақтар:",
        "ru": "Частые вопросы без ответа или с неуверенным ответом за {days} дней:",
        "en": "Most frequent unanswered or low-confidence questions, last {days} days:",
    },
    "gaps_none": {
        "kk": "Соңғы {days} күнде жауапсыз сұрақ болған жоқ.",
        "ru": "За последние {days} дней вопросов без ответа не было.",
        "en": "No unanswered questions in the last {days} days.",
    },
    "gaps_low": {
        "kk": " (оның {n} — сенімсіз)",
        "ru": " (из них неуверенно: {n})",
        "en": " ({n} low confidence)",
    },
    "reload_ok": {
        "kk": "Қайта жүктелді: {facts} дерек, {files} файл (хэш {hash}).",
        "ru": "Перезагружено: фактов — {facts}, файлов — {files} (хэш {hash}).",
        "en": "Reloaded: {facts} facts in {files} files (hash {hash}).",
    },
    "reload_failed": {
        "kk": "Дерек файлдарында қате бар, жұмыс істеп тұрған база сақталды ({facts} дерек):",
        "ru": "В файлах фактов ошибка, работающая база сохранена (фактов: {facts}):",
        "en": "The fact files have an error; the running base is kept ({facts} facts):",
    },
    "insight_error": {
        "kk": "Статистиканы оқу мүмкін болмады:",
        "ru": "Не удалось прочитать статистику:",
        "en": "Could not read the statistics:",
    },
}


def ops_ui(key: str, lang: Lang, **kw: object) -> str:
    return OPS_UI[key][lang].format(**kw)
