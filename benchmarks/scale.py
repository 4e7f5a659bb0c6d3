"""How the engine scales with the size of the fact base: ``python -m benchmarks.scale``.

What is measured, and how:

* **Synthetic fact bases** of each ``--sizes`` (default 100, 10,000 and 100,000 facts), generated
  deterministically (seeded per fact, so the first N facts are the same at every size) from
  templates in Kazakh, Russian and English: 41 places (with their Russian prepositional and
  Kazakh locative forms), 30 event types (culture days, exhibitions, concerts, books, agreements,
  conferences, film weeks, delegations, student exchanges ...), years 1990-2025 with months and
  days, 28 organisations and 2,800 person names. Every fact has a title, 1-3 sentences and two
  aliases per language. Names of works, festivals and settlements (and a third of the family
  names) are pseudo-words from a pool of 1.7 million, drawn with a Zipf-like law, so that the
  vocabulary grows sub-linearly with the number of facts, about as in real text (Heaps' law,
  exponent about 0.5).
* **Index build**: the facts are generated into a file first (pickled, sorted by date; not
  timed), then ``Engine.open`` on an empty temporary database builds the index, reading the
  facts from the file as it asks for them (:class:`StreamedFacts`), so that no process holds the
  whole fact base; then **reopen**: ``Engine.open`` again (the index file reused by its key).
* **Query latency**: a fixed set of ``--queries`` questions (default 300) in all three
  languages, generated the same way and with the same texts at every size: 50 % topical
  (paraphrases of one of the first 100 facts, some with a year, some lowercased without
  punctuation), 25 % year questions ("2004 жылы не болды?", "Что было в 2006 году?", "What
  happened in 1997?", a few with a month) and 25 % off-topic. All are asked once to warm up,
  then each reply is timed with ``time.perf_counter_ns``: ``await engine.ask(q)`` and the
  rendering of its text (``handlers.render.render``), as the bot does for every message, since an
  answer decodes only the facts its text shows (the time of ``ask`` alone is printed too). Year
  questions list every fact of the year (capped at 120), so they are reported apart from
  topical and off-topic questions.
* **Memory**: each size runs in its own fresh child process (``python -m benchmarks.scale
  --one SIZE`` prints JSON): **build peak RSS** is ``ru_maxrss`` after the build, **steady
  RSS** is VmRSS after every query, **peak RSS** ``ru_maxrss`` at the end. Garbage-collection
  pauses during the timed pass are recorded with ``gc.callbacks``, and CPU time per question
  with ``time.process_time_ns`` beside the wall time.
* **Before and after in one run**: ``--before DIR`` also runs each size with the code checked
  out in DIR (its own ``benchmarks.scale --one``, as that code measured itself; it held the
  generated FactBase in memory).

The table ends with the growth of topical p50/p99 from the smallest to the largest size.
``--write`` replaces the ``scale`` section of ``benchmarks/RESULTS.md``. ``--one SIZE
--profile`` prints a cProfile of the topical queries to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import hashlib
import io
import json
import pickle
import pstats
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.latency import (
    RESULTS_FILE,
    peak_rss_mb,
    section_header,
    summary_ms,
    write_section,
)
from handlers.render import render
from knowledge.engine import Engine
from knowledge.factbase import FactBase
from knowledge.models import Fact, Sources

SEED = 20240917
DEFAULT_SIZES = (100, 10_000, 100_000)
#: Topical questions are about one of the first this many facts (present at every size).
TOPICAL_POOL = 100
CHILD_TIMEOUT_S = 1800

# -- vocabulary -------------------------------------------------------------------------------

#: (English, Russian, Russian prepositional "в ...", Kazakh, Kazakh locative)
PLACES: tuple[tuple[str, str, str, str, str], ...] = (
    ("Almaty", "Алматы", "Алматы", "Алматы", "Алматыда"),
    ("Astana", "Астана", "Астане", "Астана", "Астанада"),
    ("Shymkent", "Шымкент", "Шымкенте", "Шымкент", "Шымкентте"),
    ("Karaganda", "Караганда", "Караганде", "Қарағанды", "Қарағандыда"),
    ("Aktobe", "Актобе", "Актобе", "Ақтөбе", "Ақтөбеде"),
    ("Taraz", "Тараз", "Таразе", "Тараз", "Таразда"),
    ("Pavlodar", "Павлодар", "Павлодаре", "Павлодар", "Павлодарда"),
    ("Oskemen", "Усть-Каменогорск", "Усть-Каменогорске", "Өскемен", "Өскеменде"),
    ("Semey", "Семей", "Семее", "Семей", "Семейде"),
    ("Atyrau", "Атырау", "Атырау", "Атырау", "Атырауда"),
    ("Kostanay", "Костанай", "Костанае", "Қостанай", "Қостанайда"),
    ("Kyzylorda", "Кызылорда", "Кызылорде", "Қызылорда", "Қызылордада"),
    ("Aktau", "Актау", "Актау", "Ақтау", "Ақтауда"),
    ("Turkistan", "Туркестан", "Туркестане", "Түркістан", "Түркістанда"),
    ("Taldykorgan", "Талдыкорган", "Талдыкоргане", "Талдықорған", "Талдықорғанда"),
    ("Petropavl", "Петропавловск", "Петропавловске", "Петропавл", "Петропавлда"),
    ("Oral", "Уральск", "Уральске", "Орал", "Оралда"),
    ("Zharkent", "Жаркент", "Жаркенте", "Жаркент", "Жаркентте"),
    ("Khorgos", "Хоргос", "Хоргосе", "Қорғас", "Қорғаста"),
    ("Beijing", "Пекин", "Пекине", "Бейжің", "Бейжіңде"),
    ("Shanghai", "Шанхай", "Шанхае", "Шанхай", "Шанхайда"),
    ("Urumqi", "Урумчи", "Урумчи", "Үрімжі", "Үрімжіде"),
    ("Xian", "Сиань", "Сиане", "Сиань", "Сианьда"),
    ("Guangzhou", "Гуанчжоу", "Гуанчжоу", "Гуанчжоу", "Гуанчжоуда"),
    ("Shenzhen", "Шэньчжэнь", "Шэньчжэне", "Шэньчжэнь", "Шэньчжэньде"),
    ("Harbin", "Харбин", "Харбине", "Харбин", "Харбинде"),
    ("Lanzhou", "Ланьчжоу", "Ланьчжоу", "Ланьчжоу", "Ланьчжоуда"),
    ("Kashgar", "Кашгар", "Кашгаре", "Қашқар", "Қашқарда"),
    ("Ghulja", "Кульджа", "Кульдже", "Құлжа", "Құлжада"),
    ("Chengdu", "Чэнду", "Чэнду", "Чэнду", "Чэндуда"),
    ("Wuhan", "Ухань", "Ухане", "Ухань", "Уханьда"),
    ("Nanjing", "Нанкин", "Нанкине", "Нанжің", "Нанжіңде"),
    ("Hangzhou", "Ханчжоу", "Ханчжоу", "Ханчжоу", "Ханчжоуда"),
    ("Tianjin", "Тяньцзинь", "Тяньцзине", "Тяньцзинь", "Тяньцзиньде"),
    ("Qingdao", "Циндао", "Циндао", "Циндао", "Циндаода"),
    ("Dalian", "Далянь", "Даляне", "Далянь", "Даляньда"),
    ("Chongqing", "Чунцин", "Чунцине", "Чунцин", "Чунцинде"),
    ("Kunming", "Куньмин", "Куньмине", "Куньмин", "Куньминде"),
    ("Hohhot", "Хух-Хото", "Хух-Хото", "Хух-Хото", "Хух-Хотода"),
    ("Altay", "Алтай", "Алтае", "Алтай", "Алтайда"),
    ("Tacheng", "Чугучак", "Чугучаке", "Шәуешек", "Шәуешекте"),
)

#: (English, Russian genitive, Russian prepositional, Kazakh, Kazakh locative)
MONTHS: tuple[tuple[str, str, str, str, str], ...] = (
    ("January", "января", "январе", "қаңтар", "қаңтарда"),
    ("February", "февраля", "феврале", "ақпан", "ақпанда"),
    ("March", "марта", "марте", "наурыз", "наурызда"),
    ("April", "апреля", "апреле", "сәуір", "сәуірде"),
    ("May", "мая", "мае", "мамыр", "мамырда"),
    ("June", "июня", "июне", "маусым", "маусымда"),
    ("July", "июля", "июле", "шілде", "шілдеде"),
    ("August", "августа", "августе", "тамыз", "тамызда"),
    ("September", "сентября", "сентябре", "қыркүйек", "қыркүйекте"),
    ("October", "октября", "октябре", "қазан", "қазанда"),
    ("November", "ноября", "ноябре", "қараша", "қарашада"),
    ("December", "декабря", "декабре", "желтоқсан", "желтоқсанда"),
)

#: Which culture: English, Russian adjective forms (f. gen., m. gen., pl. gen., m. nom.), Kazakh.
SIDES: tuple[dict[str, str], ...] = (
    {
        "s_en": "Kazakh",
        "s_ru_f": "казахской",
        "s_ru_m": "казахского",
        "s_ru_pl": "казахских",
        "s_ru_nom_m": "казахский",
        "s_kk": "қазақ",
    },
    {
        "s_en": "Chinese",
        "s_ru_f": "китайской",
        "s_ru_m": "китайского",
        "s_ru_pl": "китайских",
        "s_ru_nom_m": "китайский",
        "s_kk": "қытай",
    },
)

#: (English, Russian, Kazakh)
ORGS: tuple[tuple[str, str, str], ...] = (
    ("the Ministry of Culture of Kazakhstan", "Министерство культуры Казахстана",
     "ҚР Мәдениет министрлігі"),
    ("the Ministry of Culture of China", "Министерство культуры КНР", "ҚХР Мәдениет министрлігі"),
    ("the Embassy of Kazakhstan in China", "Посольство Казахстана в КНР",
     "Қазақстанның ҚХР-дағы елшілігі"),
    ("the Embassy of China in Kazakhstan", "Посольство КНР в Казахстане",
     "ҚХР-дың Қазақстандағы елшілігі"),
    ("Al-Farabi Kazakh National University", "КазНУ имени аль-Фараби", "Әл-Фараби атындағы ҚазҰУ"),
    ("Peking University", "Пекинский университет", "Пекин университеті"),
    ("Beijing Foreign Studies University", "Пекинский университет иностранных языков",
     "Бейжің шет тілдер университеті"),
    ("Xinjiang University", "Синьцзянский университет", "Шыңжаң университеті"),
    ("Lanzhou University", "Ланьчжоуский университет", "Ланьчжоу университеті"),
    ("the National Library of Kazakhstan", "Национальная библиотека Казахстана",
     "Қазақстанның Ұлттық кітапханасы"),
    ("the National Library of China", "Национальная библиотека Китая",
     "Қытайдың Ұлттық кітапханасы"),
    ("the National Museum of Kazakhstan", "Национальный музей Казахстана",
     "Қазақстанның Ұлттық музейі"),
    ("the National Museum of China", "Национальный музей Китая", "Қытайдың Ұлттық музейі"),
    ("Kazakhfilm", "Казахфильм", "Қазақфильм"),
    ("China Film Group", "Китайская кинокорпорация", "Қытай кино корпорациясы"),
    ("the Confucius Institute", "Институт Конфуция", "Конфуций институты"),
    ("Xinhua", "Синьхуа", "Синьхуа"),
    ("Kazinform", "Казинформ", "Қазақпарат"),
    ("the Academy of Sciences of Kazakhstan", "Академия наук Казахстана",
     "Қазақстанның Ғылым академиясы"),
    ("the Chinese Academy of Social Sciences", "Китайская академия общественных наук",
     "Қытай қоғамдық ғылымдар академиясы"),
    ("the Writers' Union of Kazakhstan", "Союз писателей Казахстана",
     "Қазақстан Жазушылар одағы"),
    ("the China Writers Association", "Ассоциация писателей Китая", "Қытай жазушылар қауымдастығы"),
    ("Astana Opera", "Астана Опера", "Астана Опера"),
    ("the National Centre for the Performing Arts", "Национальный центр исполнительских искусств",
     "Ұлттық орындаушылық өнер орталығы"),
    ("Abai Kazakh National Pedagogical University", "КазНПУ имени Абая",
     "Абай атындағы ҚазҰПУ"),
    ("Eurasian National University", "Евразийский национальный университет",
     "Еуразия ұлттық университеті"),
    ("Khabar TV", "телеканал Хабар", "Хабар телеарнасы"),
    ("China Central Television", "Центральное телевидение Китая", "Қытай орталық теледидары"),
)  # fmt: skip

#: (Latin, Cyrillic) given names and family names, Kazakh then Chinese.
KK_GIVEN = (
    "Aigerim:Айгерим Nurlan:Нурлан Askar:Аскар Dana:Дана Yerlan:Ерлан Gulnara:Гульнара "
    "Bakhyt:Бахыт Saule:Сауле Marat:Марат Aliya:Алия Daniyar:Данияр Zhanna:Жанна Kairat:Кайрат "
    "Madina:Мадина Serik:Серик Ainur:Айнур Timur:Тимур Asel:Асель Olzhas:Олжас Dinara:Динара"
)
KK_FAMILY = (
    "Akhmetov:Ахметов Beisenov:Бейсенов Omarov:Омаров Kassymov:Касымов Zhumabayev:Жумабаев "
    "Iskakov:Искаков Sarsenov:Сарсенов Utepov:Утепов Kenzhebayev:Кенжебаев Mukanov:Муканов "
    "Baimukhanov:Баймуханов Yesenov:Есенов Tulegenov:Тулегенов Amanov:Аманов Bekov:Беков "
    "Sadykov:Садыков Abdrakhmanov:Абдрахманов Karimov:Каримов Zhakupov:Жакупов Ospanov:Оспанов"
)
CN_FAMILY = (
    "Wang:Ван Li:Ли Zhang:Чжан Liu:Лю Chen:Чэнь Yang:Ян Zhao:Чжао Huang:Хуан Zhou:Чжоу Wu:У "
    "Xu:Сюй Sun:Сунь Ma:Ма Zhu:Чжу Hu:Ху Guo:Го He:Хэ Lin:Линь Gao:Гао Luo:Ло"
)
CN_GIVEN = (
    "Wei:Вэй Fang:Фан Min:Минь Jing:Цзин Lei:Лэй Qiang:Цян Yan:Янь Jun:Цзюнь Hong:Хун Ping:Пин "
    "Tao:Тао Hui:Хуэй Ying:Ин Bo:Бо Xin:Синь Ning:Нин Chao:Чао Lan:Лань Dong:Дун Hua:Хуа"
)

#: Syllables of pseudo-words (names of works, festivals, settlements), (Latin, Cyrillic).
SYLLABLES = (
    "ka:ка ra:ра lan:лан mei:мэй tau:тау bek:бек sun:сун dar:дар zhan:жан li:ли ning:нин ai:ай "
    "su:су ta:та qin:цин ker:кер mun:мун bai:бай hua:хуа nur:нур sa:са tem:тем yun:юн gal:гал "
    "zhol:жол shan:шан ko:ко mar:мар tal:тал bol:бол er:ер as:ас kun:кун ye:е den:ден ol:ол"
)
#: Zipf-like draw: P(rank > x) = x ** -NAME_ALPHA over the pseudo-word pool.
NAME_ALPHA = 0.15

Forms = dict[str, str]


def _pairs(text: str) -> list[tuple[str, str]]:
    return [(a, b) for a, b in (item.split(":") for item in text.split())]


def _people() -> list[tuple[str, str]]:
    """Kazakh 'Given Family', Chinese 'Family Given' with one- and two-syllable given names."""
    kk_given, kk_family = _pairs(KK_GIVEN), _pairs(KK_FAMILY)
    cn_one = _pairs(CN_GIVEN)
    cn_two = [(a + b.lower(), ac + bc.lower()) for a, ac in cn_one[:10] for b, bc in cn_one[10:]]
    kk = [(f"{g} {f}", f"{gc} {fc}") for g, gc in kk_given for f, fc in kk_family]
    cn = [(f"{f} {g}", f"{fc} {gc}") for f, fc in _pairs(CN_FAMILY) for g, gc in cn_one + cn_two]
    return kk + cn


def _syllable_name(index: int) -> tuple[str, str]:
    """The ``index``-th pseudo-word of 2-4 syllables (a bijection onto the whole pool)."""
    syl = _SYL
    n = len(syl)
    for length in (2, 3, 4):
        if index < n**length:
            break
        index -= n**length
    parts = [syl[(index // n**k) % n] for k in range(length)]
    return "".join(p[0] for p in parts).capitalize(), "".join(p[1] for p in parts).capitalize()


def zipf_name(rng: random.Random) -> tuple[str, str]:
    """A pseudo-word whose rank follows P(rank > x) = x ** -NAME_ALPHA (scrambled over the pool)."""
    while True:
        rank = int(rng.paretovariate(NAME_ALPHA))
        if rank <= NAME_POOL:
            return _syllable_name((rank * _SCRAMBLE) % NAME_POOL)


def person(rng: random.Random) -> tuple[str, str]:
    """A listed name, or (a third of the time) a Kazakh given name and a pseudo-word family name."""
    if rng.random() < 1 / 3:
        (given, given_cy), (fam, fam_cy) = rng.choice(_KK_GIVEN), zipf_name(rng)
        return f"{given} {fam}ov", f"{given_cy} {fam_cy}ов"
    return rng.choice(PEOPLE)


PEOPLE = _people()
_KK_GIVEN = _pairs(KK_GIVEN)
_SYL = _pairs(SYLLABLES)
NAME_POOL = sum(len(_SYL) ** k for k in (2, 3, 4))
#: An odd prime, so that rank -> rank * _SCRAMBLE mod NAME_POOL is a bijection.
_SCRAMBLE = 2_654_435_761


# -- event templates ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """One kind of event: tags, and per language a title, a sentence, 2 aliases, a question."""

    key: str
    tags: tuple[str, ...]
    title: Forms
    text: Forms
    aliases: dict[str, tuple[str, str]]
    question: Forms


def _ev(key: str, tags: str, rows: Sequence[tuple[str, str, str, str, str, str]]) -> Event:
    """rows: (lang, title, text, alias 1, alias 2, question) for en, ru, kk."""
    return Event(
        key,
        tuple(tags.split()),
        {r[0]: r[1] for r in rows},
        {r[0]: r[2] for r in rows},
        {r[0]: (r[3], r[4]) for r in rows},
        {r[0]: r[5] for r in rows},
    )


EVENTS: tuple[Event, ...] = (
    _ev("culture-days", "culture-days", [
        ("en", "Days of {s_en} culture in {c_en}",
         "{when_en} Days of {s_en} culture were held in {c_en}.",
         "{s_en} culture days {c_en}", "culture days {y}",
         "When were the {s_en} culture days in {c_en}?"),
        ("ru", "Дни {s_ru_f} культуры в {c_ru_in}",
         "{when_ru} в {c_ru_in} прошли Дни {s_ru_f} культуры.",
         "дни {s_ru_f} культуры {c_ru}", "дни культуры {y}",
         "Когда в {c_ru_in} проходили дни {s_ru_f} культуры?"),
        ("kk", "{c_kk_loc} {s_kk} мәдениеті күндері",
         "{when_kk} {c_kk_loc} {s_kk} мәдениеті күндері өтті.",
         "{s_kk} мәдениеті күндері {c_kk}", "мәдениет күндері {y}",
         "{c_kk_loc} {s_kk} мәдениеті күндері қашан өтті?"),
    ]),
    _ev("art-exhibition", "exhibitions arts", [
        ("en", "Exhibition of {s_en} painters in {c_en}",
         '{when_en} an exhibition of {s_en} painters titled "{w_en}" opened in {c_en}.',
         "{w_en} exhibition", "painters exhibition {c_en}",
         "Tell me about the {w_en} art exhibition"),
        ("ru", "Выставка {s_ru_pl} художников в {c_ru_in}",
         "{when_ru} в {c_ru_in} открылась выставка {s_ru_pl} художников «{w_cy}».",
         "выставка {w_cy}", "выставка художников {c_ru}",
         "Что за выставка «{w_cy}» была в {c_ru_in}?"),
        ("kk", "{c_kk_loc} {s_kk} суретшілерінің көрмесі",
         "{when_kk} {c_kk_loc} {s_kk} суретшілерінің «{w_cy}» атты көрмесі ашылды.",
         "{w_cy} көрмесі", "суретшілер көрмесі {c_kk}", "«{w_cy}» көрмесі туралы айтып бер"),
    ]),
    _ev("concert", "arts", [
        ("en", "Concert of {s_en} music in {c_en}",
         "{when_en} musicians gave a concert of {s_en} music in {c_en}.",
         "{s_en} music concert", "concert in {c_en}",
         "Was there a {s_en} music concert in {c_en}?"),
        ("ru", "Концерт {s_ru_f} музыки в {c_ru_in}",
         "{when_ru} в {c_ru_in} музыканты дали концерт {s_ru_f} музыки.",
         "концерт {s_ru_f} музыки", "концерт в {c_ru_in}",
         "Был ли концерт {s_ru_f} музыки в {c_ru_in}?"),
        ("kk", "{c_kk_loc} {s_kk} музыкасының концерті",
         "{when_kk} {c_kk_loc} музыканттар {s_kk} музыкасының концертін берді.",
         "{s_kk} музыкасы концерті", "{c_kk_loc} концерт",
         "{c_kk_loc} {s_kk} музыкасының концерті болды ма?"),
    ]),
    _ev("book", "publishing", [
        ("en", 'Book "{w_en}" published',
         '{when_en} the book "{w_en}" by {p_en} was published in {c_en}.',
         "{w_en} book", "book by {p_en}", "Who wrote the book {w_en}?"),
        ("ru", "Издана книга «{w_cy}»",
         "{when_ru} в {c_ru_in} вышла книга «{w_cy}»; её автор — {p_cy}.",
         "книга {w_cy}", "книга {p_cy}", "Кто написал книгу «{w_cy}»?"),
        ("kk", "«{w_cy}» кітабы жарық көрді",
         "{when_kk} {c_kk_loc} {p_cy} жазған «{w_cy}» кітабы жарық көрді.",
         "{w_cy} кітабы", "{p_cy} кітабы", "«{w_cy}» кітабын кім жазды?"),
    ]),
    _ev("culture-agreement", "agreements diplomacy", [
        ("en", "Agreement on cultural cooperation signed in {c_en}",
         "{when_en} an agreement on cultural cooperation was signed in {c_en}.",
         "cultural cooperation agreement {y}", "agreement signed in {c_en}",
         "When was the cultural cooperation agreement signed in {c_en}?"),
        ("ru", "Соглашение о культурном сотрудничестве в {c_ru_in}",
         "{when_ru} в {c_ru_in} было подписано соглашение о культурном сотрудничестве.",
         "соглашение о культурном сотрудничестве {y}", "соглашение подписано в {c_ru_in}",
         "Когда в {c_ru_in} подписали соглашение о культурном сотрудничестве?"),
        ("kk", "{c_kk_loc} мәдени ынтымақтастық туралы келісім",
         "{when_kk} {c_kk_loc} мәдени ынтымақтастық туралы келісімге қол қойылды.",
         "мәдени ынтымақтастық келісімі {y}", "{c_kk_loc} келісімге қол қою",
         "{c_kk_loc} мәдени ынтымақтастық туралы келісімге қашан қол қойылды?"),
    ]),
    _ev("conference", "science", [
        ("en", 'Conference "{w_en}" in {c_en}',
         '{when_en} scholars met in {c_en} for the conference "{w_en}" on {s_en} history.',
         "{w_en} conference", "history conference {c_en}",
         "What was the {w_en} conference about?"),
        ("ru", "Конференция «{w_cy}» в {c_ru_in}",
         "{when_ru} в {c_ru_in} учёные собрались на конференцию «{w_cy}» по {s_ru_f} истории.",
         "конференция {w_cy}", "конференция по истории {c_ru}",
         "О чём была конференция «{w_cy}»?"),
        ("kk", "{c_kk_loc} «{w_cy}» конференциясы",
         "{when_kk} {c_kk_loc} ғалымдар {s_kk} тарихына арналған «{w_cy}» конференциясына"
         " жиналды.",
         "{w_cy} конференциясы", "тарих конференциясы {c_kk}",
         "«{w_cy}» конференциясы не туралы болды?"),
    ]),
    _ev("film-week", "film", [
        ("en", "Week of {s_en} film in {c_en}",
         '{when_en} a week of {s_en} film was held in {c_en}, opening with "{w_en}".',
         "{s_en} film week", "film {w_en}", "When was the {s_en} film week in {c_en}?"),
        ("ru", "Неделя {s_ru_m} кино в {c_ru_in}",
         "{when_ru} в {c_ru_in} прошла неделя {s_ru_m} кино, открывшаяся фильмом «{w_cy}».",
         "неделя {s_ru_m} кино", "фильм {w_cy}", "Когда была неделя {s_ru_m} кино в {c_ru_in}?"),
        ("kk", "{c_kk_loc} {s_kk} киносы апталығы",
         "{when_kk} {c_kk_loc} {s_kk} киносы апталығы өтті, ол «{w_cy}» фильмімен ашылды.",
         "{s_kk} киносы апталығы", "{w_cy} фильмі",
         "{c_kk_loc} {s_kk} киносы апталығы қашан болды?"),
    ]),
    _ev("delegation", "visits diplomacy", [
        ("en", "Delegation visit to {c_en}",
         "{when_en} a delegation led by {p_en} visited {c_en} and met {o_en}.",
         "delegation of {p_en}", "visit to {c_en}",
         "When did {p_en} lead a delegation to {c_en}?"),
        ("ru", "Визит делегации ({c_ru})",
         "{when_ru} делегация во главе с {p_cy} побывала в {c_ru_in}; её принял {o_ru}.",
         "делегация {p_cy}", "визит в {c_ru}", "Когда {p_cy} возглавлял делегацию в {c_ru}?"),
        ("kk", "Делегацияның {c_kk} сапары",
         "{when_kk} {p_cy} бастаған делегация {c_kk_loc} болып, {o_kk} өкілдерімен кездесті.",
         "{p_cy} делегациясы", "{c_kk} сапары",
         "{p_cy} бастаған делегация {c_kk_loc} қашан болды?"),
    ]),
    _ev("student-exchange", "education youth", [
        ("en", "Student exchange with {c_en}",
         "{when_en} {n} students took part in an exchange between {o_en} and universities of"
         " {c_en}.",
         "student exchange {y}", "exchange programme {c_en}",
         "How many students went on the exchange to {c_en}?"),
        ("ru", "Обмен студентами: {c_ru}",
         "{when_ru} {n} студентов участвовали в программе обмена ({o_ru}) с вузами города {c_ru}.",
         "обмен студентами {y}", "программа обмена {c_ru}",
         "Сколько студентов участвовали в обмене с городом {c_ru}?"),
        ("kk", "{c_kk} студенттер алмасуы",
         "{when_kk} {n} студент {o_kk} мен {c_kk} университеттері арасындағы алмасу"
         " бағдарламасына қатысты.",
         "студенттер алмасуы {y}", "алмасу бағдарламасы {c_kk}",
         "{c_kk} алмасу бағдарламасына неше студент қатысты?"),
    ]),
    _ev("translation", "publishing language", [
        ("en", 'Translation of "{w_en}"', '{when_en} {p_en} translated "{w_en}" into {s_en}.',
         "{w_en} translation", "translated by {p_en}", "Who translated {w_en}?"),
        ("ru", "Перевод книги «{w_cy}»",
         "{when_ru} {p_cy} перевёл книгу «{w_cy}» на {s_ru_nom_m} язык.",
         "перевод {w_cy}", "переводчик {p_cy}", "Кто перевёл «{w_cy}»?"),
        ("kk", "«{w_cy}» кітабының аудармасы",
         "{when_kk} {p_cy} «{w_cy}» кітабын {s_kk} тіліне аударды.",
         "{w_cy} аудармасы", "аудармашы {p_cy}", "«{w_cy}» кітабын кім аударды?"),
    ]),
    _ev("archive-documents", "archives history", [
        ("en", "Archive documents handed over in {c_en}",
         "{when_en} {o_en} handed over {n} archive documents on {s_en} history in {c_en}.",
         "archive documents {y}", "archives {c_en}",
         "Which archive documents were handed over in {c_en}?"),
        ("ru", "Передача архивных документов в {c_ru_in}",
         "{when_ru} в {c_ru_in} было передано {n} архивных документов по {s_ru_f} истории.",
         "архивные документы {y}", "архивы {c_ru}",
         "Какие архивные документы передали в {c_ru_in}?"),
        ("kk", "{c_kk_loc} мұрағат құжаттарын тапсыру",
         "{when_kk} {c_kk_loc} {s_kk} тарихына қатысты {n} мұрағат құжаты тапсырылды.",
         "мұрағат құжаттары {y}", "мұрағат {c_kk}",
         "{c_kk_loc} қандай мұрағат құжаттары тапсырылды?"),
    ]),
    _ev("language-courses", "language education", [
        ("en", "{s_en} language courses in {c_en}",
         "{when_en} courses of the {s_en} language opened in {c_en} with {n} learners.",
         "learn {s_en} in {c_en}", "{s_en} language courses",
         "Where can one learn {s_en} in {c_en}?"),
        ("ru", "Курсы {s_ru_m} языка в {c_ru_in}",
         "{when_ru} в {c_ru_in} открылись курсы {s_ru_m} языка для {n} слушателей.",
         "изучение {s_ru_m} языка", "курсы языка {c_ru}",
         "Где в {c_ru_in} открылись курсы {s_ru_m} языка?"),
        ("kk", "{c_kk_loc} {s_kk} тілі курстары",
         "{when_kk} {c_kk_loc} {n} тыңдаушыға арналған {s_kk} тілі курстары ашылды.",
         "{s_kk} тілін үйрену", "тіл курстары {c_kk}",
         "{c_kk_loc} {s_kk} тілі курстары қашан ашылды?"),
    ]),
    _ev("confucius-institute", "education language", [
        ("en", "Confucius Institute opened in {c_en}",
         "{when_en} a Confucius Institute opened at {o_en} in {c_en}.",
         "Confucius Institute {c_en}", "Chinese language centre {c_en}",
         "When did the Confucius Institute in {c_en} open?"),
        ("ru", "Открытие Института Конфуция в {c_ru_in}",
         "{when_ru} в {c_ru_in} открылся Институт Конфуция; партнёр — {o_ru}.",
         "Институт Конфуция {c_ru}", "центр китайского языка",
         "Когда открылся Институт Конфуция в {c_ru_in}?"),
        ("kk", "{c_kk_loc} Конфуций институтының ашылуы",
         "{when_kk} {c_kk_loc} {o_kk} жанынан Конфуций институты ашылды.",
         "Конфуций институты {c_kk}", "қытай тілі орталығы",
         "{c_kk_loc} Конфуций институты қашан ашылды?"),
    ]),
    _ev("theatre-tour", "arts", [
        ("en", "{s_en} theatre on tour in {c_en}",
         '{when_en} a {s_en} theatre toured {c_en} with the play "{w_en}".',
         "theatre tour {c_en}", "play {w_en}",
         "Which play did the {s_en} theatre show in {c_en}?"),
        ("ru", "Гастроли {s_ru_m} театра в {c_ru_in}",
         "{when_ru} {s_ru_nom_m} театр гастролировал в {c_ru_in} со спектаклем «{w_cy}».",
         "гастроли театра {c_ru}", "спектакль {w_cy}",
         "Какой спектакль показал {s_ru_nom_m} театр в {c_ru_in}?"),
        ("kk", "{s_kk} театрының {c_kk} гастрольдері",
         "{when_kk} {s_kk} театры {c_kk_loc} «{w_cy}» спектаклімен гастрольде болды.",
         "театр гастрольдері {c_kk}", "{w_cy} спектаклі",
         "{s_kk} театры {c_kk_loc} қандай спектакль көрсетті?"),
    ]),
    _ev("youth-forum", "youth", [
        ("en", "Youth forum in {c_en}",
         '{when_en} {n} young people from both countries gathered in {c_en} for the youth forum'
         ' "{w_en}".',
         "youth forum {w_en}", "young people forum {y}", "What was the youth forum in {c_en}?"),
        ("ru", "Молодёжный форум в {c_ru_in}",
         "{when_ru} в {c_ru_in} {n} молодых людей из двух стран собрались на молодёжный форум"
         " «{w_cy}».",
         "молодёжный форум {w_cy}", "форум молодёжи {y}",
         "Что за молодёжный форум прошёл в {c_ru_in}?"),
        ("kk", "{c_kk_loc} жастар форумы",
         "{when_kk} {c_kk_loc} екі елдің {n} жасы «{w_cy}» жастар форумына жиналды.",
         "{w_cy} жастар форумы", "жастар форумы {y}", "{c_kk_loc} қандай жастар форумы өтті?"),
    ]),
    _ev("tv-programme", "media", [
        ("en", 'Joint TV programme "{w_en}"',
         '{when_en} {o_en} launched the joint TV programme "{w_en}" about life in {c_en}.',
         "TV show {w_en}", "television programme {c_en}", "What is the TV programme {w_en}?"),
        ("ru", "Совместная телепрограмма «{w_cy}»",
         "{when_ru} вышла совместная телепрограмма «{w_cy}» о жизни в {c_ru_in}; её подготовил"
         " {o_ru}.",
         "телепередача {w_cy}", "телевидение {c_ru}", "Что за телепрограмма «{w_cy}»?"),
        ("kk", "«{w_cy}» бірлескен телебағдарламасы",
         "{when_kk} {c_kk} өмірі туралы «{w_cy}» бірлескен телебағдарламасы шықты.",
         "{w_cy} телебағдарламасы", "теледидар {c_kk}", "«{w_cy}» телебағдарламасы деген не?"),
    ]),
    _ev("anniversary", "anniversaries diplomacy", [
        ("en", "Anniversary of diplomatic relations marked in {c_en}",
         "{when_en} the anniversary of diplomatic relations was marked in {c_en} with a reception"
         " by {o_en}.",
         "diplomatic anniversary {y}", "anniversary reception {c_en}",
         "How was the anniversary of diplomatic relations marked in {c_en}?"),
        ("ru", "Годовщина дипломатических отношений в {c_ru_in}",
         "{when_ru} в {c_ru_in} отметили годовщину установления дипломатических отношений;"
         " приём организовал {o_ru}.",
         "годовщина дипотношений {y}", "юбилей отношений {c_ru}",
         "Как отметили годовщину дипломатических отношений в {c_ru_in}?"),
        ("kk", "{c_kk_loc} дипломатиялық қатынастардың мерейтойы",
         "{when_kk} {c_kk_loc} дипломатиялық қатынастар орнауының мерейтойы аталып өтті.",
         "дипломатиялық мерейтой {y}", "мерейтой {c_kk}",
         "{c_kk_loc} дипломатиялық қатынастар мерейтойы қалай аталып өтті?"),
    ]),
    _ev("trade-fair", "economy exhibitions", [
        ("en", "Trade fair in {c_en}",
         "{when_en} {n} companies showed their goods at a trade fair in {c_en}.",
         "trade fair {y}", "expo {c_en}", "How many companies came to the trade fair in {c_en}?"),
        ("ru", "Торговая ярмарка в {c_ru_in}",
         "{when_ru} в {c_ru_in} {n} компаний представили свои товары на торговой ярмарке.",
         "ярмарка {y}", "выставка товаров {c_ru}",
         "Сколько компаний участвовало в ярмарке в {c_ru_in}?"),
        ("kk", "{c_kk_loc} сауда жәрмеңкесі",
         "{when_kk} {c_kk_loc} өткен сауда жәрмеңкесінде {n} компания тауарларын көрсетті.",
         "жәрмеңке {y}", "көрме {c_kk}", "{c_kk_loc} сауда жәрмеңкесіне неше компания қатысты?"),
    ]),
    _ev("archaeology", "science history", [
        ("en", "Archaeological expedition near {c_en}",
         "{when_en} a joint archaeological expedition near {c_en} found the remains of the"
         " ancient settlement {w_en}.",
         "ancient settlement {w_en}", "excavations {c_en}",
         "Who found the ancient settlement {w_en}?"),
        ("ru", "Археологическая экспедиция у города {c_ru}",
         "{when_ru} совместная археологическая экспедиция у города {c_ru} нашла остатки древнего"
         " городища {w_cy}.",
         "городище {w_cy}", "раскопки {c_ru}", "Кто нашёл городище {w_cy}?"),
        ("kk", "{c_kk} маңындағы археологиялық экспедиция",
         "{when_kk} {c_kk} маңындағы бірлескен археологиялық экспедиция ежелгі {w_cy}"
         " қалашығының орнын тапты.",
         "{w_cy} қалашығы", "қазба жұмыстары {c_kk}", "Ежелгі {w_cy} қалашығын кім тапты?"),
    ]),
    _ev("scholarships", "education", [
        ("en", "Scholarships for students from {c_en}",
         "{when_en} {o_en} granted {n} scholarships to students from {c_en}.",
         "scholarships {y}", "grants for students {c_en}",
         "Who gave scholarships to students from {c_en}?"),
        ("ru", "Стипендии студентам из города {c_ru}",
         "{when_ru} {o_ru} выделил {n} стипендий студентам из города {c_ru}.",
         "стипендии {y}", "гранты студентам {c_ru}",
         "Кто дал стипендии студентам из города {c_ru}?"),
        ("kk", "{c_kk} студенттеріне шәкіртақы",
         "{when_kk} {o_kk} {c_kk} студенттеріне {n} шәкіртақы бөлді.",
         "шәкіртақы {y}", "студенттерге грант {c_kk}",
         "{c_kk} студенттеріне кім шәкіртақы берді?"),
    ]),
    _ev("music-festival", "arts youth", [
        ("en", 'Music festival "{w_en}" in {c_en}',
         '{when_en} the music festival "{w_en}" brought {s_en} and foreign performers to {c_en}.',
         "{w_en} festival", "music festival {c_en}",
         "When did the {w_en} music festival take place?"),
        ("ru", "Музыкальный фестиваль «{w_cy}» в {c_ru_in}",
         "{when_ru} музыкальный фестиваль «{w_cy}» собрал в {c_ru_in} {s_ru_pl} и зарубежных"
         " исполнителей.",
         "фестиваль {w_cy}", "музыкальный фестиваль {c_ru}", "Когда прошёл фестиваль «{w_cy}»?"),
        ("kk", "{c_kk_loc} «{w_cy}» музыка фестивалі",
         "{when_kk} «{w_cy}» музыка фестивалі {c_kk_loc} {s_kk} және шетелдік орындаушыларды"
         " жинады.",
         "{w_cy} фестивалі", "музыка фестивалі {c_kk}", "«{w_cy}» фестивалі қашан өтті?"),
    ]),
    _ev("documentary", "film media", [
        ("en", 'Documentary "{w_en}"',
         '{when_en} film-makers from both countries shot the documentary "{w_en}" in {c_en}.',
         "film {w_en}", "documentary shot in {c_en}", "Where was the documentary {w_en} filmed?"),
        ("ru", "Документальный фильм «{w_cy}»",
         "{when_ru} кинематографисты двух стран сняли в {c_ru_in} документальный фильм «{w_cy}».",
         "фильм {w_cy}", "документальное кино {c_ru}",
         "Где снимали документальный фильм «{w_cy}»?"),
        ("kk", "«{w_cy}» деректі фильмі",
         "{when_kk} екі елдің кинематографистері {c_kk_loc} «{w_cy}» деректі фильмін түсірді.",
         "{w_cy} фильмі", "деректі кино {c_kk}", "«{w_cy}» деректі фильмі қайда түсірілді?"),
    ]),
    _ev("photo-exhibition", "exhibitions media", [
        ("en", 'Photo exhibition "{w_en}"',
         '{when_en} the photo exhibition "{w_en}" by {p_en} showed {n} photographs of {c_en}.',
         "photographs of {c_en}", "photo show {w_en}",
         "Who took the photographs for the {w_en} exhibition?"),
        ("ru", "Фотовыставка «{w_cy}»",
         "{when_ru} фотовыставка «{w_cy}» фотографа {p_cy} показала {n} снимков города {c_ru}.",
         "фотографии {c_ru}", "фотовыставка {p_cy}",
         "Чьи фотографии были на выставке «{w_cy}»?"),
        ("kk", "«{w_cy}» фотокөрмесі",
         "{when_kk} {p_cy} түсірген «{w_cy}» фотокөрмесінде {c_kk} қаласының {n} суреті"
         " көрсетілді.",
         "{c_kk} суреттері", "{p_cy} фотокөрмесі",
         "«{w_cy}» фотокөрмесіндегі суреттерді кім түсірді?"),
    ]),
    _ev("round-table", "science diplomacy", [
        ("en", "Round table of orientalists in {c_en}",
         "{when_en} orientalists held a round table in {c_en} on the work of {p_en}.",
         "orientalists round table", "works of {p_en}",
         "Which round table discussed the work of {p_en}?"),
        ("ru", "Круглый стол востоковедов в {c_ru_in}",
         "{when_ru} в {c_ru_in} востоковеды провели круглый стол, посвящённый трудам {p_cy}.",
         "круглый стол {c_ru}", "труды {p_cy}", "Где обсуждали труды {p_cy}?"),
        ("kk", "{c_kk_loc} шығыстанушылардың дөңгелек үстелі",
         "{when_kk} {c_kk_loc} шығыстанушылар {p_cy} еңбектеріне арналған дөңгелек үстел"
         " өткізді.",
         "дөңгелек үстел {c_kk}", "{p_cy} еңбектері", "{p_cy} еңбектері қай жерде талқыланды?"),
    ]),
    _ev("literary-evening", "publishing arts", [
        ("en", "Literary evening for {p_en}",
         "{when_en} a literary evening in {c_en} was dedicated to the poet {p_en}.",
         "poet {p_en}", "poetry evening {c_en}", "Was there an evening for the poet {p_en}?"),
        ("ru", "Литературный вечер памяти {p_cy}",
         "{when_ru} в {c_ru_in} прошёл литературный вечер, посвящённый поэту {p_cy}.",
         "поэт {p_cy}", "вечер поэзии {c_ru}", "Был ли вечер памяти поэта {p_cy}?"),
        ("kk", "{p_cy} еске алу әдеби кеші",
         "{when_kk} {c_kk_loc} ақын {p_cy} еске алуға арналған әдеби кеш өтті.",
         "ақын {p_cy}", "поэзия кеші {c_kk}", "Ақын {p_cy} туралы кеш болды ма?"),
    ]),
    _ev("monument", "history anniversaries", [
        ("en", "Monument unveiled in {c_en}",
         "{when_en} a monument to {p_en} was unveiled in {c_en}.",
         "monument to {p_en}", "statue {c_en}", "Where is the monument to {p_en}?"),
        ("ru", "Открытие памятника в {c_ru_in}",
         "{when_ru} в {c_ru_in} открыли памятник, посвящённый {p_cy}.",
         "памятник {p_cy}", "монумент {c_ru}", "Где стоит памятник {p_cy}?"),
        ("kk", "{c_kk_loc} ескерткіш ашылды", "{when_kk} {c_kk_loc} {p_cy} ескерткіші ашылды.",
         "{p_cy} ескерткіші", "монумент {c_kk}", "{p_cy} ескерткіші қайда?"),
    ]),
    _ev("journalists", "media", [
        ("en", "Journalists from {c_en} on an exchange visit",
         "{when_en} {n} journalists from {c_en} visited the newsrooms of {o_en}.",
         "journalist exchange {y}", "press visit {c_en}",
         "Which journalists visited from {c_en}?"),
        ("ru", "Обмен журналистами: {c_ru}",
         "{when_ru} {n} журналистов из города {c_ru} посетили редакции; их принял {o_ru}.",
         "обмен журналистами {y}", "пресс-визит {c_ru}",
         "Какие журналисты приезжали из города {c_ru}?"),
        ("kk", "{c_kk} журналистерінің алмасу сапары",
         "{when_kk} {c_kk} қаласының {n} журналисі {o_kk} редакцияларында болды.",
         "журналистер алмасуы {y}", "баспасөз сапары {c_kk}", "{c_kk} журналистері қайда барды?"),
    ]),
    _ev("summer-school", "youth education", [
        ("en", 'Summer school "{w_en}"',
         '{when_en} the summer school "{w_en}" in {c_en} taught {n} pupils about {s_en} culture.',
         "summer camp {w_en}", "summer school {c_en}",
         "What did pupils learn at the {w_en} summer school?"),
        ("ru", "Летняя школа «{w_cy}»",
         "{when_ru} летняя школа «{w_cy}» в {c_ru_in} познакомила {n} школьников с {s_ru_f}"
         " культурой.",
         "летний лагерь {w_cy}", "летняя школа {c_ru}", "Чему учили в летней школе «{w_cy}»?"),
        ("kk", "«{w_cy}» жазғы мектебі",
         "{when_kk} {c_kk_loc} «{w_cy}» жазғы мектебі {n} оқушыны {s_kk} мәдениетімен"
         " таныстырды.",
         "{w_cy} жазғы лагері", "жазғы мектеп {c_kk}", "«{w_cy}» жазғы мектебінде не үйретті?"),
    ]),
    _ev("dictionary", "language publishing", [
        ("en", "Kazakh-Chinese dictionary by {p_en}",
         "{when_en} {p_en} published a Kazakh-Chinese dictionary of {n} words in {c_en}.",
         "dictionary {p_en}", "Kazakh Chinese dictionary {y}",
         "How many words are in the dictionary by {p_en}?"),
        ("ru", "Казахско-китайский словарь: {p_cy}",
         "{when_ru} в {c_ru_in} вышел казахско-китайский словарь на {n} слов; составитель —"
         " {p_cy}.",
         "словарь {p_cy}", "казахско-китайский словарь {y}", "Сколько слов в словаре {p_cy}?"),
        ("kk", "{p_cy} құрастырған қазақша-қытайша сөздік",
         "{when_kk} {c_kk_loc} {p_cy} құрастырған {n} сөзден тұратын қазақша-қытайша сөздік"
         " шықты.",
         "{p_cy} сөздігі", "қазақша-қытайша сөздік {y}", "{p_cy} сөздігінде неше сөз бар?"),
    ]),
    _ev("subcommittee", "diplomacy", [
        ("en", "Meeting of the cultural subcommittee in {c_en}",
         "{when_en} the subcommittee on cultural cooperation met in {c_en}, chaired by {p_en}.",
         "subcommittee meeting {y}", "cultural subcommittee {c_en}",
         "Who chaired the cultural subcommittee in {c_en}?"),
        ("ru", "Заседание подкомитета по культуре в {c_ru_in}",
         "{when_ru} в {c_ru_in} состоялось заседание подкомитета по культурному сотрудничеству"
         " под председательством {p_cy}.",
         "подкомитет по культуре {y}", "заседание подкомитета {c_ru}",
         "Кто председательствовал на заседании подкомитета в {c_ru_in}?"),
        ("kk", "{c_kk_loc} мәдениет жөніндегі кіші комитет отырысы",
         "{when_kk} {c_kk_loc} {p_cy} төрағалық еткен мәдени ынтымақтастық жөніндегі кіші"
         " комитет отырысы болды.",
         "кіші комитет {y}", "кіші комитет отырысы {c_kk}",
         "{c_kk_loc} кіші комитет отырысына кім төрағалық етті?"),
    ]),
)  # fmt: skip

#: Optional further sentences, the same in every language of a fact.
EXTRAS: tuple[Forms, ...] = (
    {"en": "It was organised by {o_en}.", "ru": "Организатор — {o_ru}.",
     "kk": "Ұйымдастырушы — {o_kk}."},
    {"en": "{p2_en} spoke at the opening.", "ru": "На открытии выступил {p2_cy}.",
     "kk": "Ашылуында {p2_cy} сөз сөйледі."},
    {"en": "About {n2} people attended.", "ru": "Присутствовали около {n2} человек.",
     "kk": "Оған шамамен {n2} адам қатысты."},
    {"en": 'The programme was called "{w2_en}".', "ru": "Программа называлась «{w2_cy}».",
     "kk": "Бағдарлама «{w2_cy}» деп аталды."},
    {"en": "The event was covered by {o2_en}.", "ru": "Событие освещал {o2_ru}.",
     "kk": "Оқиғаны {o2_kk} жариялады."},
)  # fmt: skip

YEAR_QUESTIONS: dict[str, tuple[str, ...]] = {
    "en": ("What happened in {y}?", "what happened in {y}", "Events of {y}",
           "What happened in {m_en} {y}?"),
    "ru": ("Что было в {y} году?", "Что произошло в {y} году?", "События {y} года",
           "Что было в {m_ru_in} {y} года?"),
    "kk": ("{y} жылы не болды?", "{y} жылы қандай оқиғалар болды?", "{y} жылғы оқиғалар",
           "{y} жылы {m_kk_loc} не болды?"),
}  # fmt: skip
OFF_TOPIC: dict[str, tuple[str, ...]] = {
    "en": ("How do I bake sourdough bread?", "Who won the football world cup?",
           "What is the speed of light?", "Recommend a good laptop",
           "What is the weather in {c_en} tomorrow?", "How much is a flight to {c_en}?",
           "Best restaurants in {c_en}"),
    "ru": ("Как приготовить плов?", "Кто выиграл чемпионат мира по футболу?",
           "Сколько стоит айфон?", "Как быстро выучить английский?",
           "Какая погода в {c_ru_in} завтра?", "Сколько стоит билет до города {c_ru}?",
           "Лучшие рестораны в {c_ru_in}"),
    "kk": ("Бешбармақты қалай дайындайды?", "Футболдан әлем чемпионы кім?",
           "Жарық жылдамдығы қандай?", "Жақсы ноутбук ұсыныңыз",
           "Ертең {c_kk_loc} ауа райы қандай?", "{c_kk} қаласына билет қанша тұрады?",
           "{c_kk_loc} ең жақсы мейрамхана қайсы?"),
}  # fmt: skip
LANG_ORDER = ("kk", "ru", "en")


# -- generating facts ---------------------------------------------------------------------------


def _place_forms(rng: random.Random) -> Forms:
    en, ru, ru_in, kk, kk_loc = rng.choice(PLACES)
    return {"c_en": en, "c_ru": ru, "c_ru_in": ru_in, "c_kk": kk, "c_kk_loc": kk_loc}


def _date(rng: random.Random) -> tuple[str | None, Forms]:
    """A fact date string and the 'when' phrases that open its sentence in each language."""
    year, month, day = rng.randint(1990, 2025), rng.randint(1, 12), rng.randint(1, 23)
    m_en, m_ru_gen, m_ru_in, _, m_kk_loc = MONTHS[month - 1]
    roll = rng.random()
    if roll < 0.02:
        when = {"when_en": "Once,", "when_ru": "Однажды", "when_kk": "Бірде"}
        return None, when | {"y": ""}
    if roll < 0.12:
        when = {"when_en": f"In {year},", "when_ru": f"В {year} году", "when_kk": f"{year} жылы"}
        return str(year), when | {"y": str(year)}
    if roll < 0.30:
        when = {
            "when_en": f"In {m_en} {year},",
            "when_ru": f"В {m_ru_in} {year} года",
            "when_kk": f"{year} жылы {m_kk_loc}",
        }
        return f"{year}-{month:02d}", when | {"y": str(year)}
    when = {
        "when_en": f"On {day} {m_en} {year},",
        "when_ru": f"{day} {m_ru_gen} {year} года",
        "when_kk": f"{year} жылғы {day} {m_kk_loc}",
    }
    date = f"{year}-{month:02d}-{day:02d}"
    if roll < 0.35:
        date += f"/{year}-{month:02d}-{day + rng.randint(1, 5):02d}"
    return date, when | {"y": str(year)}


def _values(rng: random.Random) -> Forms:
    """Every placeholder value of one fact."""
    date, when = _date(rng)
    (p_en, p_cy), (p2_en, p2_cy) = person(rng), person(rng)
    (w_en, w_cy), (w2_en, w2_cy) = zipf_name(rng), zipf_name(rng)
    o, o2 = rng.choice(ORGS), rng.choice(ORGS)
    vals = {
        **_place_forms(rng),
        **rng.choice(SIDES),
        **when,
        "date": date or "",
        "p_en": p_en, "p_cy": p_cy, "p2_en": p2_en, "p2_cy": p2_cy,
        "w_en": w_en, "w_cy": w_cy, "w2_en": w2_en, "w2_cy": w2_cy,
        "o_en": o[0], "o_ru": o[1], "o_kk": o[2],
        "o2_en": o2[0], "o2_ru": o2[1], "o2_kk": o2[2],
        "n": str(rng.randint(5, 900)), "n2": str(rng.choice((50, 100, 200, 300, 500, 1000))),
    }  # fmt: skip
    return vals


def _clean(text: str) -> str:
    """Templates with an empty year ('culture days ') leave spaces behind."""
    return " ".join(text.split())


def _fill(template: str, vals: Forms) -> str:
    out = template.format(**vals)
    return _clean(out[:1].upper() + out[1:])


def _raw_fact(i: int) -> tuple[dict[str, Any], Event, Forms]:
    rng = random.Random(SEED * 1_000_003 + i)
    event = EVENTS[rng.randrange(len(EVENTS))]
    vals = _values(rng)
    extras = rng.sample(EXTRAS, rng.choice((0, 1, 1, 2)))
    langs = ("kk", "ru", "en")
    text = {lang: " ".join(_fill(t[lang], vals) for t in (event.text, *extras)) for lang in langs}
    used = event.text["en"] + "".join(e["en"] for e in extras)
    raw: dict[str, Any] = {
        "id": f"syn-{i:06d}-{event.key}",
        "date": vals["date"] or None,
        "date_given": _precision(vals["date"]),
        "event": "culture-days",
        "title": {lang: _fill(event.title[lang], vals) for lang in langs},
        "text": text,
        "places": [vals["c_en"]],
        "people": [vals[k] for k in ("p_en", "p2_en") if "{" + k + "}" in used],
        "orgs": [vals[k] for k in ("o_en", "o2_en") if "{" + k + "}" in used],
        "tags": list(event.tags),
        "aliases": {lang: [_fill(a, vals) for a in event.aliases[lang]] for lang in langs},
        "featured": i < 6,
        "source": {"location": f"synthetic {i}", "ref": rng.choice((None, *range(1, 13))),
                   "quote": text["en"]},
    }  # fmt: skip
    return raw, event, vals


def _precision(date: str | None) -> str:
    """The synthetic date is as given: its precision is what its text shows."""
    if not date:
        return "none"
    return ("year", "month", "day")[min(date.split("/")[0].count("-"), 2)]


def make_fact(i: int) -> Fact:
    return Fact.model_validate(_raw_fact(i)[0])


def make_sources() -> Sources:
    return Sources.model_validate(
        {
            "article": {
                "title": {"kk": "Синтетикалық мақала", "ru": "Синтетическая статья",
                          "en": "Synthetic article"},
                "note": {"kk": "Синтетикалық деректер.", "ru": "Синтетические данные.",
                         "en": "Synthetic data."},
                "file": "synthetic.txt",
            },
            "references": [{"number": n} for n in range(1, 13)],
        }
    )  # fmt: skip


def make_base(size: int) -> FactBase:
    facts = sorted((make_fact(i) for i in range(size)), key=lambda f: (f.sort_key, f.id))
    digest = hashlib.sha256(f"synthetic:{SEED}:{size}".encode()).hexdigest()
    return FactBase(tuple(facts), make_sources(), digest, ())


# -- generating questions -----------------------------------------------------------------------


def _topical(rng: random.Random, lang: str, size: int) -> str:
    _, event, vals = _raw_fact(rng.randrange(min(size, TOPICAL_POOL)))
    q = _fill(event.question[lang], vals)
    style = rng.random()
    if style < 0.3 and vals["y"]:
        y = vals["y"]
        suffix = {"en": f" in {y}?", "ru": f" в {y} году?", "kk": ""}[lang]
        q = f"{y} жылы {q}" if lang == "kk" else q.rstrip("?") + suffix
    elif style < 0.5:  # typed quickly: lower case, no punctuation
        q = "".join(ch for ch in q.lower() if ch not in '?.,«»"')
    return q


def _year_q(rng: random.Random, lang: str) -> str:
    month = MONTHS[rng.randrange(12)]
    vals = {"y": str(rng.randint(1990, 2025)), "m_en": month[0], "m_ru_in": month[2],
            "m_kk_loc": month[4]}  # fmt: skip
    return _fill(rng.choice(YEAR_QUESTIONS[lang]), vals)


def _off_topic(rng: random.Random, lang: str) -> str:
    return _fill(rng.choice(OFF_TOPIC[lang]), _place_forms(rng))


def make_queries(n: int, size: int) -> list[tuple[str, str]]:
    """``n`` (category, question) pairs: 50 % topical, 25 % year, 25 % off-topic; same at every
    size (topical questions are about facts that every size has)."""
    rng = random.Random(SEED + 1)
    out: list[tuple[str, str]] = []
    for k in range(n):
        lang = LANG_ORDER[k % 3]
        slot = k % 4
        if slot in (0, 1):
            out.append(("topical", _topical(rng, lang, size)))
        elif slot == 2:
            out.append(("year", _year_q(rng, lang)))
        else:
            out.append(("off-topic", _off_topic(rng, lang)))
    return out


# -- one size, in a child process -------------------------------------------------------------


class GcPauses:
    """Collects the duration of every garbage collection while installed (``gc.callbacks``)."""

    def __init__(self) -> None:
        self.pauses: list[tuple[int, float]] = []
        self._t0 = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._t0 = time.perf_counter()
        else:
            self.pauses.append((info["generation"], time.perf_counter() - self._t0))

    def summary(self) -> dict[str, float]:
        full = [p for g, p in self.pauses if g == 2]
        return {
            "gen2": len(full),
            "gen2_max_ms": max(full, default=0.0) * 1000,
            "total_ms": sum(p for _, p in self.pauses) * 1000,
        }


async def _time_queries(
    engine: Engine, queries: Sequence[tuple[str, str]]
) -> tuple[dict[str, Any], dict[str, float]]:
    sources = make_sources()
    for _, q in queries:  # warm-up
        render(await engine.ask(q), sources)
    gc.collect()
    samples: dict[str, list[int]] = {}
    ask_ns: dict[str, list[int]] = {}
    cpu: dict[str, list[int]] = {}
    kinds: dict[str, Counter[str]] = {}
    hits: dict[str, list[int]] = {}
    pauses = GcPauses()
    gc.callbacks.append(pauses)
    try:
        for cat, q in queries:
            c0 = time.process_time_ns()
            t0 = time.perf_counter_ns()
            answer = await engine.ask(q)
            t1 = time.perf_counter_ns()
            render(answer, sources)  # the reply's text: what the bot sends (and decodes for it)
            samples.setdefault(cat, []).append(time.perf_counter_ns() - t0)
            cpu.setdefault(cat, []).append(time.process_time_ns() - c0)
            ask_ns.setdefault(cat, []).append(t1 - t0)
            kinds.setdefault(cat, Counter())[answer.kind] += 1
            hits.setdefault(cat, []).append(len(answer.hits))
    finally:
        gc.callbacks.remove(pauses)
    stats = {
        cat: {
            **summary_ms(ns),
            "cpu": summary_ms(cpu[cat]),
            "ask": summary_ms(ask_ns[cat]),
            "kinds": dict(kinds[cat]),
            "mean_hits": sum(hits[cat]) / len(ns),
        }
        for cat, ns in samples.items()
    }
    return stats, pauses.summary()


async def _profiled(engine: Engine, queries: Sequence[tuple[str, str]]) -> str:
    topical = [q for cat, q in queries if cat == "topical"]
    prof = cProfile.Profile()
    prof.enable()
    for q in topical:
        await engine.ask(q)
    prof.disable()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(25)
    return buf.getvalue()


class StreamedFacts:
    """A synthetic fact base read back from a file, one fact at a time, as the index build asks
    for it (in date order): nothing holds every fact at once. The facts are pickled (already
    validated, as load_facts leaves them), so reading one costs about what holding it did."""

    def __init__(self, path: Path, offsets: list[int], content_hash: str) -> None:
        self.path = path
        self.offsets = offsets
        self.content_hash = content_hash
        self.names: dict[str, Any] = {}

    @property
    def facts(self) -> Iterator[Fact]:
        with self.path.open("rb") as f:
            for off in self.offsets:
                f.seek(off)
                yield pickle.load(f)


def write_facts(size: int, path: Path) -> StreamedFacts:
    """Generate ``size`` facts into ``path`` (pickled one after another), sorted by date."""
    order: list[tuple[tuple[int, int, int], str, int]] = []
    with path.open("wb") as out:
        for i in range(size):
            fact = make_fact(i)
            order.append((fact.sort_key, fact.id, out.tell()))
            pickle.dump(fact, out, protocol=pickle.HIGHEST_PROTOCOL)
    order.sort()
    digest = hashlib.sha256(f"synthetic:{SEED}:{size}".encode()).hexdigest()
    return StreamedFacts(path, [off for _, _, off in order], digest)


def current_rss_mb() -> float:
    """Resident set size of this process now, in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def run_one(size: int, n_queries: int, profile: bool) -> dict[str, Any]:
    queries = make_queries(n_queries, size)
    res: dict[str, Any] = {"size": size}
    with tempfile.TemporaryDirectory(prefix="dostyq-scale-") as tmp:
        t0 = time.perf_counter()
        base = write_facts(size, Path(tmp) / "facts.pickles")
        res["gen_s"] = time.perf_counter() - t0
        res["rss_after_gen_mb"] = peak_rss_mb()
        db = Path(tmp) / "db" / "index.sqlite3"
        t0 = time.perf_counter()
        engine = await Engine.open(db, base)
        res["build_s"] = time.perf_counter() - t0
        res["build_peak_rss_mb"] = peak_rss_mb()
        res["vocab"] = len(engine.vocab)
        await engine.close()
        res["db_mb"] = sum(p.stat().st_size for p in db.parent.rglob("*") if p.is_file()) / 2**20
        t0 = time.perf_counter()
        engine = await Engine.open(db, base)
        res["reopen_s"] = time.perf_counter() - t0
        del base
        gc.collect()
        gc.freeze()
        try:
            res["queries"], res["gc"] = await _time_queries(engine, queries)
            res["steady_rss_mb"] = current_rss_mb()
            if profile:
                print(await _profiled(engine, queries), file=sys.stderr)
        finally:
            await engine.close()
    res["rss_mb"] = peak_rss_mb()
    return res


# -- parent: one child per size, table --------------------------------------------------------


def run_child(size: int, n_queries: int, tree: Path | None = None) -> dict[str, Any]:
    """One size in a fresh child process; ``tree``: a checkout of other code (its own
    ``benchmarks.scale --one``, as it measures itself), for a before/after in the same run."""
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.scale",
        "--one",
        str(size),
        "--queries",
        str(n_queries),
    ]
    t0 = time.perf_counter()
    proc = subprocess.run(
        cmd, capture_output=True, text=True, timeout=CHILD_TIMEOUT_S, cwd=tree or Path.cwd()
    )
    if proc.returncode != 0:
        raise RuntimeError(f"size {size} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    res: dict[str, Any] = json.loads(proc.stdout)
    res["child_wall_s"] = time.perf_counter() - t0
    return res


def _q(res: dict[str, Any], cat: str, key: str) -> float:
    return float(res["queries"][cat][key])


def table_lines(results: Sequence[dict[str, Any]]) -> list[str]:
    lines = [
        "| code | facts | vocab terms | generate s | index build s | reopen s | DB MiB"
        " | topical p50 / p99 ms | off-topic p50 / p99 ms | year p50 / p99 ms | year hits"
        " | build peak RSS MiB | steady RSS MiB | peak RSS MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        build_peak = r.get("build_peak_rss_mb")
        steady = r.get("steady_rss_mb")
        cells = [
            r.get("code", "this"), f"{r['size']:,}", f"{r['vocab']:,}", f"{r['gen_s']:.1f}",
            f"{r['build_s']:.2f}",
            f"{r['reopen_s']:.2f}", f"{r['db_mb']:.1f}",
            f"{_q(r, 'topical', 'p50'):.2f} / {_q(r, 'topical', 'p99'):.2f}",
            f"{_q(r, 'off-topic', 'p50'):.2f} / {_q(r, 'off-topic', 'p99'):.2f}",
            f"{_q(r, 'year', 'p50'):.2f} / {_q(r, 'year', 'p99'):.2f}",
            f"{_q(r, 'year', 'mean_hits'):.0f}",
            "—" if build_peak is None else f"{build_peak:.0f}",
            "—" if steady is None else f"{steady:.0f}", f"{r['rss_mb']:.0f}",
        ]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def growth_lines(results: Sequence[dict[str, Any]]) -> list[str]:
    results = [r for r in results if "code" not in r]
    if not results:
        return []
    lo, hi = results[0], results[-1]
    if lo is hi:
        return []
    facts = hi["size"] / lo["size"]
    p50 = _q(hi, "topical", "p50") / _q(lo, "topical", "p50")
    p99 = _q(hi, "topical", "p99") / _q(lo, "topical", "p99")
    build = hi["build_s"] / lo["build_s"]
    vocab = hi["vocab"] / lo["vocab"]
    return [
        f"Growth from {lo['size']:,} to {hi['size']:,} facts (x{facts:,.0f}): topical p50"
        f" x{p50:.1f}, topical p99 x{p99:.1f}; index build x{build:.0f}; vocabulary x{vocab:.1f}.",
    ]


def _per_category_lines(results: Sequence[dict[str, Any]], key: str, title: str) -> list[str]:
    """p50 / p99 of the timing ``key`` per question category, for the runs that recorded it."""
    out = []
    for r in results:
        if key not in r["queries"]["topical"]:
            continue
        parts = [
            f"{cat} {r['queries'][cat][key]['p50']:.2f} / {r['queries'][cat][key]['p99']:.2f}"
            for cat in ("topical", "off-topic", "year")
        ]
        out.append(f"- {r.get('code', 'this')}, {r['size']:,} facts: " + "; ".join(parts))
    return [title, *out] if out else []


def cpu_lines(results: Sequence[dict[str, Any]]) -> list[str]:
    """CPU time per question (the whole process's), which other load on the machine does not
    inflate as it does wall time; only runs of this code record it."""
    title = "CPU time per question, p50 / p99 ms (process time, not wall):"
    return _per_category_lines(results, "cpu", title)


def ask_lines(results: Sequence[dict[str, Any]]) -> list[str]:
    """``engine.ask`` alone, without the rendering of the reply (recorded since 4th session)."""
    title = "`engine.ask` alone, without rendering, p50 / p99 ms (wall):"
    return _per_category_lines(results, "ask", title)


def kinds_lines(results: Sequence[dict[str, Any]]) -> list[str]:
    out = ["Answer kinds per question category (a sanity check that the queries exercise the"
           " fact, year and 'none' paths):"]  # fmt: skip
    for r in results:
        parts = [
            f"{cat} {dict(sorted(r['queries'][cat]['kinds'].items()))}"
            for cat in ("topical", "off-topic", "year")
        ]
        out.append(f"- {r.get('code', 'this')}, {r['size']:,} facts: " + "; ".join(parts))
    return out


def gc_lines(results: Sequence[dict[str, Any]]) -> list[str]:
    out = ["Garbage collection during the timed pass (pauses land inside whichever `ask` runs):"]
    for r in results:
        g = r["gc"]
        out.append(
            f"- {r.get('code', 'this')}, {r['size']:,} facts: {g['gen2']:.0f} full (gen 2)"
            f" collections, longest"
            f" {g['gen2_max_ms']:.0f} ms; all collections {g['total_ms']:.0f} ms in total"
        )
    return out


def report(results: Sequence[dict[str, Any]], n_queries: int) -> list[str]:
    n = {cat: int(_q(results[0], cat, "count")) for cat in ("topical", "off-topic", "year")}
    return [
        f"{n_queries} queries per size in kk/ru/en: {n['topical']} topical, {n['off-topic']}"
        f" off-topic, {n['year']} year questions; each reply (`engine.ask` and the rendering of"
        " its text) timed once after one warm-up pass."
        " Index build = `Engine.open` on an empty DB; reopen = `Engine.open` on the built DB."
        " Year lists are capped at 120 facts (the answer says how many there are)."
        " Build peak RSS = the process's peak after the build (facts read from a file as the"
        " build asks for them; `before` held the whole generated FactBase, as its own run did);"
        " steady RSS = VmRSS after every query, the fact objects gone; peak RSS = the whole run.",
        "",
        *table_lines(results),
        "",
        *growth_lines(results),
        "",
        *cpu_lines(results),
        "",
        *ask_lines(results),
        "",
        *kinds_lines(results),
        "",
        *gc_lines(results),
    ]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.scale", description=__doc__.split("\n")[0]
    )
    p.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="comma-separated")
    p.add_argument("--queries", type=int, default=300, help="questions per size (default 300)")
    p.add_argument("--one", type=int, metavar="SIZE", help="measure one size, print JSON")
    p.add_argument("--profile", action="store_true", help="with --one: cProfile to stderr")
    p.add_argument("--write", action="store_true", help="write the section of RESULTS.md")
    p.add_argument(
        "--before",
        type=Path,
        metavar="DIR",
        help="also measure each size with the code checked out in DIR (e.g. a `git worktree`"
        " of main), in the same run",
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.one is not None:
        print(json.dumps(asyncio.run(run_one(args.one, args.queries, args.profile))))
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results = []
    for size in sizes:
        if args.before:
            print(f"size {size:,}, before ({args.before}) ...", file=sys.stderr, flush=True)
            res = run_child(size, args.queries, args.before.resolve())
            res["code"] = "before"
            print(f"  done in {res['child_wall_s']:.0f} s", file=sys.stderr, flush=True)
            results.append(res)
        print(f"size {size:,} ...", file=sys.stderr, flush=True)
        res = run_child(size, args.queries)
        print(f"  done in {res['child_wall_s']:.0f} s", file=sys.stderr, flush=True)
        results.append(res)
    lines = report(results, args.queries)
    print("\n".join(lines))
    if args.write:
        write_section("scale", "\n".join([*section_header("Scale", "benchmarks.scale"), *lines]))
        print(f"\nwrote the scale section of {RESULTS_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
