"""Question understanding: raw text in, one typed :class:`Question` out.

The text is normalised once. Then, in order: the language, the date (see :mod:`knowledge.dates`),
the intent cue words (see :mod:`knowledge.lexicon`), and the content words that retrieval and
ranking use. Nothing after this step looks at the raw string again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .analyze import Analyzer, QueryTerms, names_in
from .dates import DateQuery, is_number_word, read_dates, relative_year
from .lang import detect_normalised
from .lexicon import KIND_LISTS, Lexicon
from .models import Lang
from .text import is_latin, latin_to_cyrillic, loose, normalise, words

#: Questions are cut to this many characters before anything else.
MAX_QUESTION_CHARS = 1000
#: A Telegram @username (5-32 letters, digits and underscores).
_MENTION_RE = re.compile(r"(?<!\w)@[A-Za-z0-9_]{5,32}\b")
#: Only this many distinct content words count (a real question has far fewer): it bounds the
#: cost of ranking a 1,000-character message.
MAX_CONTENT_WORDS = 32

Intent = Literal[
    "greeting",  # "hi", "сәлем"
    "thanks",  # "thanks", "рахмет"
    "help",  # "what can you do?"
    "more",  # "more", "ещё", "тағы": the next page, or more on the last answer
    "followup",  # "and in 2005?", "а годом раньше?": the last question again, another date
    "next",  # "what came after?", «а до этого?»: the event after (or before) the last one
    "date",  # a year, period or comparison and nothing else
    "list",  # "which cities...", "list the directions"
    "count",  # "how many times..."
    "fact",  # anything else with content words
    "empty",  # nothing to go on ("?", "ok")
]
#: Cue lists whose words are not content words.
_CUES = (
    "greeting",
    "bye",  # before thanks: "bye" is in both lists
    "thanks",
    "help",
    "more",
    "list",
    "count",
    "first",
    "last",
    "anaphor",
    "then",
    "after_that",
    "before_that",
    "ask_when",
    "ask_where",
    "ask_amount",
    "ask_names",
    "ask_length",
    "task",
    "now",
)
_TARGETS = ("places", "people", "works")
_TARGET_KEYS = tuple((t, f"target_{t}") for t in _TARGETS)
_KIND_KEYS = frozenset(KIND_LISTS)


@dataclass(frozen=True)
class Question:
    """A question, understood: everything later stages need, and nothing raw."""

    text: str  # as asked, cut and with line breaks folded
    norm: str
    lang: Lang | None  # detected from the text; None when nothing tells
    intent: Intent
    date: DateQuery | None
    terms: QueryTerms
    relative: int | None = None  # +1 "the year after", -1 "the year before", 0 "that year"
    target: str | None = None  # a list question's target: places, people or works
    order: str | None = None  # "first" or "last"
    nth: int | None = None  # "the 6th", «алтыншы», "point 6": the item of a list, or of a kind
    #: The words of "point 6", «7-тармағы», kept as content words: alone they pick an item of
    #: the last list; beside a subject they name a clause («декларацияның 7-тармағы»).
    nth_words: frozenset[str] = frozenset()
    host: str | None = None  # an exchange's host country asked about ("in China": CN)
    guest: str | None = None  # whose culture came ("Kazakhstan's culture days": KZ)
    cues: frozenset[str] = frozenset()  # the cue lists the question's words fell in
    kinds: frozenset[str] = frozenset()  # event kinds named ("visits", "көрмелер")
    kind_words: frozenset[str] = frozenset()  # the content words that named them
    target_words: frozenset[str] = frozenset()  # the content words that named the target
    month: int | None = None  # a month named without a year ("what happened in August?")
    day: int | None = None  # and its day, if one is given

    @property
    def has_content(self) -> bool:
        return bool(self.terms.groups)


def understand(text: str, analyzer: Analyzer, lexicon: Lexicon) -> Question:
    """Read ``text`` into a :class:`Question`."""
    text = " ".join(text[:MAX_QUESTION_CHARS].split())
    # "@dostyq_bot when…?" typed in a private chat: a Telegram username is no word of it.
    norm = normalise(_MENTION_RE.sub(" ", text))
    lang = detect_normalised(norm)
    date, rest, month, day = read_dates(norm)  # a month alone when no year is named
    ws = words(rest)
    cues: set[str] = set()
    if not ws and any(ch in _THANKS_SIGNS for ch in text):
        cues.add("thanks")  # "👍", "🙏": thanks without a word
    used = [False] * len(ws)
    # Phrases first ("tell me more", "how many", "in china"), then single words.
    host = guest = None
    phrases = lexicon.phrases_in(ws)
    for key in (
        "after_that",  # "what happened next" before "more" takes its "next"
        "before_that",
        "help",
        "more",
        "bye",
        "thanks",
        "greeting",
        "ask_length",  # "how long is the Silk Road?": a length, before "how long did" asks when
        "ask_when",  # «қанша уақыт», "how long": a time, before "how many" takes «қанша»
        "count",
        "list",  # «не істеліп жатыр», "what has been done": of several words, none a list word
        "followup",
        "then",
        "anaphor",
        "ask_where",
        "ask_amount",
        "ask_names",
        "task",
        "now",  # "last year" before "last" orders anything
        "framing",
    ):
        for a, b in phrases.get(key, ()):
            if any(used[a:b]):
                continue
            for i in range(a, b):
                used[i] = True
            if key != "framing":
                cues.add(key)
            if key == "help" and b - a >= HELP_PHRASE_WORDS:
                cues.add("help_asked")  # "what is this bot about?", whatever else is said
    member = [lexicon.lists_of(w) for w in ws]
    if any("question" in lists for lists in member):
        cues.add("question")  # "what", «о чём», «неге»: a question, if nothing else tells
    if phrases.get("happened") or any("happened" in lists for lists in member):
        cues.add("happened")  # "what happened", «что было»: every event of the date
    for key in ("founding", "winning", "ask_person", "ask_translator"):
        # "When was it founded?", "who won?": the fact must tell of the founding, the win.
        if phrases.get(key) or any(key in lists for lists in member):
            cues.add(key)
    # Event kinds ("culture days", "визиты") keep their words as content words too.
    kinds: set[str] = set()
    kind_words: set[str] = set()
    named_by: list[set[str]] = []  # the kinds each kind word or phrase can name
    in_phrase: set[int] = set()  # "came out" names a publication, not "came" a visit
    by_span: dict[tuple[int, int], set[str]] = {}
    for key, kind in KIND_LISTS.items():
        for a, b in phrases.get(key, ()):
            if any(used[a:b]):
                continue  # «сол сапарда», "during that visit": a cue, no kind asked about
            kinds.add(kind)
            kind_words.update(ws[a:b])
            # «қол қойылды» ("signed") is in two kinds' lists: one phrase, either kind.
            by_span.setdefault((a, b), set()).add(kind)
            if b - a > 1:
                in_phrase.update(range(a, b))
    named_by.extend(by_span.values())
    for i, (w, lists) in enumerate(zip(ws, member, strict=True)):
        if i in in_phrase or used[i]:
            continue
        found = {KIND_LISTS[key] for key in lists & _KIND_KEYS}
        if found:
            kinds |= found
            kind_words.add(w)
            named_by.append(found)
    # A word of two kinds ("signed": agreements and declarations) yields to a word of one
    # ("the first agreement … signed" is about agreements).
    sure: set[str] = set().union(*(n for n in named_by if len(n) == 1))
    kinds = set().union(*((n & sure) or n for n in named_by)) if named_by else set()
    if kinds - _ALWAYS_PLURAL and any(_plural(w, lang) for w in kind_words):
        cues.add("kind_plural")  # "Xi's visits", «Назарбаевтың кітаптары»: the kind, listed
    # Direction cues ("in China", "Қазақстан мәдениеті") keep their words as content words.
    in_any = frozenset().union(*member)
    for key, (h, g) in _DIRECTIONS.items():
        if key in in_any or phrases.get(key):
            cues.add(key)
            host, guest = host or h, guest or g
    if {"guest_cn", "guest_kz"} <= cues:
        guest = None  # "Kazakhstan's culture days in China's cities": the host cue decides
    if {"host_cn", "host_kz"} <= cues:
        host = None
    nth = None
    nth_words: frozenset[str] = frozenset()
    found_nth = _nth(ws, _hyphen_ordinals(rest, ws))
    if found_nth is not None:
        nth, spent = found_nth
        if any(_is_item_word(ws[i]) for i in spent) or not kinds:
            # "Point 6", and an ordinal of no kind («бірінші делегация»: the fact says so)
            # stay words to look for.
            nth_words = frozenset(ws[i] for i in spent)
        else:
            for i in spent:
                used[i] = True
    target = None
    target_words: set[str] = set()
    content: list[str] = []
    which: list[int] = []  # where "which" words stand
    for i, w in enumerate(ws):
        if used[i]:
            continue
        if w.isdigit() and len(w) < 3 and not content:
            continue
        if i > 0 and _KK_CAPITAL_OF.fullmatch(loose(w)) and _KK_GENITIVE.search(loose(ws[i - 1])):
            # «Қытайдың астанасы»: the common noun, "China's capital", not the city Astana.
            target = target or "places"
            cues.add("target_places")
            continue
        lists = member[i]
        hit = next((k for k in _CUES if k in lists), None)
        tgt = next((t for t, key in _TARGET_KEYS if key in lists), None)
        if hit is not None and tgt is not None:
            cues.add(hit)
        if tgt is not None:
            target = target or tgt
            cues.add(f"target_{tgt}")
            if _plural(w, lang):
                cues.add("plural")
            # "books", "декларация" are also what the question is about; "where", "кім" not.
            if "stop" not in lists:
                content.append(w)
                target_words.add(w)
            continue
        if hit == "list" and loose(w) in _KK_WHICH:
            # "Which", «қандай», «қай» ask for one or for many: the noun's plural says.
            cues.add("which")
            which.append(i)
            continue
        if hit == "list" and w in _RU_PLURAL_WHICH:
            cues.add("plural")  # «какие города»: «какие» is plural, whatever «города» looks like
        if hit is not None:
            cues.add(hit)
            # "first", "алғаш" are also in the facts' own words ("for the first time").
            if hit not in ("first", "last") or "stop" in lists:
                continue
        if len(w) == 1 and not w.isdigit():
            if i == 0 and "followup" in lists:  # "а в 2005?"
                cues.add("followup")
            continue
        if "stop" in lists or "framing" in lists:
            if "followup" in lists and i == 0:
                cues.add("followup")
            continue
        if "followup" in lists and (i == 0 or i == len(ws) - 1):
            cues.add("followup")
            continue
        content.append(w)
    # English "what" + a plural noun asks for several: "what delegations…", "what books…".
    if any(
        w == "what" and i + 1 < len(ws) and _plural(ws[i + 1], "en") and ws[i + 1] in content
        for i, w in enumerate(ws)
    ):
        cues.add("list")
    # The noun is among the next few words: "which Chinese city held its culture days" asks
    # for one city; "which Kazakh news agencies", «қандай кітаптар» for several.
    # In Kazakh it may also come before: «бағыттары қандай?».
    after = [
        w
        for i in which
        for w in ws[i + 1 : i + 1 + WHICH_NOUN_WITHIN]
        + (ws[max(0, i - 2) : i] if not ws[i].isascii() else [])
    ]
    if "which" in cues and any(
        _plural(w, "en")
        if w.isascii() and lang == "en"
        else _KK_PLURAL.search(latin_to_cyrillic(w) if is_latin(w) else w)
        for w in after
    ):
        cues.update(("list", "plural"))  # "қандай кітаптар", "қай қалаларда"; not "қандай мақал"
    if "count" in cues and not _TIMES.isdisjoint(ws):
        cues.add("times")  # "how many times": a count of events, not of what a fact states
    # Kazakh "… ше?" closes a follow-up: "ал 2005 жылы ше?".
    if ws and ws[-1] == "ше":
        cues.add("followup")
    relative = relative_year(norm)
    if relative is not None:
        # "Two years later": the count and the year words are the offset, not the topic.
        content = [
            w
            for w in content
            if not lexicon.has("relative", w)
            and not (w.isdigit() and len(w) <= 2)
            and not is_number_word(w)
        ]
    content = list(dict.fromkeys(content))[:MAX_CONTENT_WORDS]
    terms = analyzer.terms(norm, date, content, names_in(text), lexicon)
    order = "first" if "first" in cues else "last" if "last" in cues else None
    intent = _intent(terms, date, relative, cues, target)
    return Question(
        text=text,
        norm=norm,
        lang=lang,
        intent=intent,
        date=date,
        terms=terms,
        relative=relative,
        target=target,
        order=order,
        nth=nth,
        nth_words=nth_words,
        host=host,
        guest=guest,
        cues=frozenset(cues),
        kinds=frozenset(kinds),
        kind_words=frozenset(kind_words),
        target_words=frozenset(target_words),
        month=month,
        day=day,
    )


#: Ordinal words, two to ten (first and last are orders: see the "first" and "last" lists),
#: by their loose forms' beginnings: "sixth", «шестой»/«шестого», «алтыншы»/«алтыншысы».
_ORDINALS: tuple[tuple[str, int], ...] = tuple(
    (form, n)
    for n, forms in enumerate(
        (
            "",
            "",
            "second 2nd второй вторая второе второго втором вторым екинши",
            "third 3rd трет ушинши",
            "fourth 4th четверт тортинши",
            "fifth 5th пятый пятая пятое пятого пятом пятым бесинши",
            "sixth 6th шестой шестая шестое шестого шестом шестым алтыншы",
            "seventh 7th седьм жетинши",
            "eighth 8th восьм сегизинши",
            "ninth 9th девятый девятая девятое девятого девятом тогызыншы",
            "tenth 10th десятый десятая десятое десятого десятом оныншы",
        )
    )
    for form in forms.split()
)
_ORDINALS_BY_START: dict[str, tuple[tuple[str, int], ...]] = {}
for _form, _n in _ORDINALS:
    _ORDINALS_BY_START[_form[:2]] = (*_ORDINALS_BY_START.get(_form[:2], ()), (_form, _n))
#: Words that number an item: "point 6", «пункт 6», «6-тармақ», "number 6".
_ITEM_WORDS = frozenset("point item number no пункт номер тармак тармагы номир".split())
#: What follows a digit to make it an ordinal: "6th", «6-й», «7-ші», «6-шы».
_ORDINAL_TAILS = frozenset("th st nd rd й я е ой ая ое го ши шы нши ншы инши ыншы".split())


#: «7-бағыт», «6-бабы», «3-е направление»: a number, a hyphen and a word is an ordinal in
#: Kazakh and Russian, unless the word is a case ending («20-дан астам») or a year's
#: («5-жылдық», «10-летие»).
_HYPHEN_ORDINAL_RE = re.compile(r"(?<![0-9])([0-9]{1,2})[-–]([^\W\d_]{3,})")
_NO_ORDINAL_AFTER = frozenset(
    "дан ден тан тен нан нен мен бен пен нда нде нын нин дын дин тын тин ншы нши".split()
)
_YEAR_STARTS = ("жыл", "лет", "year", "кратн", "ай", "месяч", "кун", "дне", "day")


def _hyphen_ordinals(rest: str, ws: list[str]) -> frozenset[int]:
    """Indexes in ``ws`` of the numbers written as ordinals with a hyphen and a word."""
    pairs = {
        (m.group(1), m.group(2))
        for m in _HYPHEN_ORDINAL_RE.finditer(rest)
        if loose(m.group(2)) not in _NO_ORDINAL_AFTER
        and not loose(m.group(2)).startswith(_YEAR_STARTS)
    }
    if not pairs:
        return frozenset()
    return frozenset(i for i in range(len(ws) - 1) if (ws[i], ws[i + 1]) in pairs)


def _nth(ws: list[str], hyphened: frozenset[int] = frozenset()) -> tuple[int, list[int]] | None:
    """The ordinal the words give ("the sixth", «алтыншы бағыт», "point 6", «7-ші», «7-бағыт»),
    and the indexes of the words that gave it; None when there is none."""

    def items_beside(i: int, spent: list[int]) -> list[int]:
        # "the sixth point", «пункт 6»: the item word goes with the number.
        near = [j for j in (min(spent) - 1, max(spent) + 1) if 0 <= j < len(ws)]
        return spent + [j for j in near if _is_item_word(ws[j])]

    for i, w in enumerate(ws):
        lw = loose(w)
        for form, n in _ORDINALS_BY_START.get(lw[:2], ()):
            if lw == form or (lw.startswith(form) and len(lw) <= len(form) + 4):
                return n, items_beside(i, [i])
        if not (w.isdigit() and len(w) <= 2 and 1 <= int(w) <= 20):
            continue
        n = int(w)
        after = loose(ws[i + 1]) if i + 1 < len(ws) else ""
        if after in _ORDINAL_TAILS:
            return n, items_beside(i, [i, i + 1])
        if i in hyphened:
            # «7-бағыт»: the word after it is what is numbered («7-тармағы»: an item word).
            return n, items_beside(i, [i])
        spent = items_beside(i, [i])
        if len(spent) > 1:
            return n, spent
    return None


def _is_item_word(w: str) -> bool:
    lw = loose(w)
    return lw in _ITEM_WORDS or lw.startswith(("тармак", "тармаг", "пункт"))


#: Direction cue lists and the (host, guest) each one implies.
_DIRECTIONS: dict[str, tuple[str | None, str | None]] = {
    "host_cn": ("CN", None),
    "host_kz": ("KZ", None),
    "guest_cn": (None, "CN"),
    "guest_kz": (None, "KZ"),
}
#: The cues a question names a direction by.
DIRECTION_CUES = frozenset(_DIRECTIONS)


#: A help phrase of this many words ("what is this bot", "what can you do") asks for help
#: whatever else the message says; a shorter one ("help", "start") only alone.
HELP_PHRASE_WORDS = 3
#: Signs people send instead of "thanks".
_THANKS_SIGNS = frozenset("👍🙏❤👌💐😊🙂")
#: "How many times", «сколько раз», «неше рет».
_TIMES = frozenset({"times", "раз", "раза", "рет", "ret"})
#: "Which" words (Kazakh loose forms, Latin Kazakh as typed, English): a list only with a
#: plural noun ("which cities", «қай қалаларда»; not "which agency", «қандай мақал»).
_KK_WHICH = frozenset(
    {"кандай", "кай", "кайсы", "qandai", "qandaı", "qai", "qaı", "kandai", "kai", "which"}
)
#: «астанасы», «астанасын»…: "its capital", the possessive of the common noun; and the
#: genitive before it («Қытайдың», «елінің») whose capital it is (loose forms).
_KK_CAPITAL_OF = re.compile(r"астанас(ы|ын|ынын|ында|ына)")
_KK_GENITIVE = re.compile(r"(нын|нин|дын|дин|тын|тин)$")
_KK_PLURAL = re.compile(
    r"(лар|лер|дар|дер|тар|тер)(ы|і)?(нда|нде|да|де|ды|ді|ға|ге|на|не|н|дың|дің|ның|нің)?$"
)


#: The noun a "which" asks about is within this many words after it.
WHICH_NOUN_WITHIN = 3
#: English words that end in "s" and are not plurals of what is counted.
_NOT_PLURAL = frozenset({"news", "series", "its", "was", "has", "does", "this", "as", "us", "yes"})


#: Russian "which" in the plural: the question asks for several, whatever its noun's ending.
_RU_PLURAL_WHICH = frozenset(("какие", "каких", "какими"))


#: Kinds named in the plural for one event too ("the culture days of 2004").
_ALWAYS_PLURAL = frozenset({"culture-days", "programme-direction"})


def _plural(w: str, lang: Lang | None) -> bool:
    """A plural target word: "cities", "городах", "қалаларда" (a list, not one fact)."""
    if w.isascii():
        return w.endswith("s") and not w.endswith(("ss", "us", "is")) and w not in _NOT_PLURAL
    if lang == "kk" or _KK_PLURAL.search(w):
        return bool(_KK_PLURAL.search(w))
    return w.endswith(("ах", "ов", "ы", "и", "ам"))


def _intent(
    terms: QueryTerms,
    date: DateQuery | None,
    relative: int | None,
    cues: set[str],
    target: str | None,
) -> Intent:
    content = bool(terms.groups) and not terms.only_generic
    if "help_asked" in cues and date is None:
        return "help"  # "I'm a first-year student, what is this bot about?"
    if not content and date is None and {"after_that", "before_that"} & cues:
        return "next"
    if not content and date is None and relative is None:
        if "more" in cues:
            return "more"
        if "help" in cues:
            return "help"
        if "thanks" in cues or "bye" in cues:
            return "thanks"
        if "greeting" in cues:
            return "greeting"
        if "count" in cues or "list" in cues or target:
            return "list" if "count" not in cues else "count"
        return "empty"
    if not content and (relative is not None or "followup" in cues):
        return "followup"
    if "count" in cues:
        return "count"
    # "which cities", "list the directions": a list; "which city held…": one fact.
    if "plural" in cues or ("list" in cues and target is None):
        return "list"
    if not content and date is not None:
        return "date"
    return "fact"
