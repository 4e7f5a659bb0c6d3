"""Dates in questions: years, ranges, decades, open-ended periods, two-year comparisons, months.

Works on normalised text (see :func:`knowledge.text.normalise`). The text is split into tokens
once (numbers, words, dashes), and every rule looks at a bounded window of tokens around a year,
so no input can make it backtrack: the cost is linear in the length of the text.

Returns what it understood and the text with those words blanked out, so that "in 2004" does not
count as a topic word.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import NamedTuple

from .text import loose

#: Years outside this window are names ("Қазақстан-2050"), not dates.
MIN_YEAR, MAX_YEAR = 1600, 2030
#: At most this many connector tokens between the two years of a range.
MAX_GAP = 4

_TOKEN_RE = re.compile(r"\d+|[^\W\d_]+|-")

#: Words that may stand between the two years of a range ("from 2004 to 2007", "2004-2007 жж",
#: "с 2004 по 2007 год", "2004 бен 2007 жылдар аралығында"), or that go with a year.
_YEAR_WORDS = frozenset(
    "year years yr yrs г гг год года году годы годах годов ж жж жыл жылы жылдар жылдары "
    "жылдың жылғы жылдан жылға жылдарда жылдардағы жылдарға "
    "jyl jyly jyldan jylga jyldar jyldary zhyl zhyly zhyldan zhylga zhyldar zhyldary".split()
)
_RANGE_JOIN = frozenset("- to till until through thru по до".split())
#: "and" joins a range only after "between" or before "аралығында"; else it compares years.
_AND = frozenset("and и мен бен пен және men ben pen jane zhane".split())
#: "2004 жылдан 2007 жылға дейін": the first year's ablative opens a range.
_FROM_SUFFIX = frozenset("жылдан нан нен дан ден тан тен jyldan zhyldan".split())
#: Before the first year of a range (optional): "from", "between", "с", "между".
_RANGE_OPEN = frozenset("from between с со от между".split())
#: After the second year: "2004 бен 2007 жылдар аралығында / арасында".
_BETWEEN_AFTER = frozenset("аралығында аралығы арасында aralygynda aralyghynda arasynda".split())
#: Kazakh suffixes written after a dash or a space ("2004-2007 жж", "2004-шы", "2004-тен").
_KK_SUFFIX = frozenset(
    "шы ші ыншы інші нчы нші ншы ы і нан нен дан ден тан тен ға ге қа ке на не да де та те "
    "дағы дегі тағы тегі ғы гі қы кі".split()
)
_OR = frozenset("or vs versus или либо әлде ма ме ба бе па пе ма".split())
#: Word starts that ask to compare: "compare", "салыстырып бер", "чем отличаются", "difference".
_COMPARE = ("compar", "differ", "сравн", "отлича", "разниц", "салыстыр", "айырмашы", "salystyr")
#: Open-ended periods. "since 2010", "с 2012", "2010 жылдан бері" include the year;
#: "after 2009", "после 2010", "2010 жылдан кейін" start the year after; "before 2000",
#: "до 2000", "2000 жылға дейін", "2000 жылдан бұрын" end the year before.
_SINCE_BEFORE = frozenset("since from с со начиная".split())
_AFTER_BEFORE = frozenset("after после позже позднее".split())
_UNTIL_BEFORE = frozenset("before until till prior до раньше ранее".split())
_SINCE_AFTER = frozenset("бері бастап onwards onward on beri bastap".split())
_AFTER_AFTER = frozenset("кейін соң кейінгі later keiin keyin kein son".split())
_UNTIL_AFTER = frozenset("дейін бұрын дейінгі бұрынғы deiin deyin dein buryn".split())
#: Decade words after a year ending in 0: "2000s", "90-е", "2000-х", "90-шы жылдары".
_DECADE_AFTER = frozenset("s е х ые ых ми м е".split())
_DECADE_KK = frozenset("жылдар жылдары жылдарда жылдардағы жылдарға".split())
_WORD_DECADES = {
    "nineties": 1990,
    "девяност": 1990,
    "тоқсаныншы": 1990,
    "токсаныншы": 1990,
    "нулев": 2000,
    "двухтысячн": 2000,
    "seventies": 1970,
    "eighties": 1980,
    "восьмидесят": 1980,
    "сексенінші": 1980,
    "мыңыншы": 2000,  # "екі мыңыншы жылдар"
    "мыныншы": 2000,
}
#: Relative years for follow-ups: "the year after", "годом раньше", "келесі жылы".
_NEXT = (
    "next year",
    "year after",
    "following year",
    "year later",
    "следующ",
    "годом позже",
    "годом позднее",
    "через год",
    "келесі",
    "kelesi",
    "бір жылдан кейін",
)
_PREV = (
    "previous year",
    "year before",
    "prior year",
    "годом раньше",
    "годом ранее",
    "предыдущ",
    "прошл",
    "алдыңғы",
    "өткен жыл",
    "бір жыл бұрын",
    "бір жыл бұрынғы",
    "aldyngy",
    "year earlier",
)

#: Month patterns per month: English names and abbreviations, Russian forms, Kazakh stems
#: (which take any suffix), each also in its loose (Russian-keyboard) spelling.
_MONTH_PATTERNS = (
    "january|jan|январ[ьяею]|қаңтар\\w*",
    "february|feb|феврал[ьяею]|ақпан\\w*",
    "march|mar|март[аеу]?|наурыз\\w*",
    "april|apr|апрел[ьяею]|сәуір\\w*",
    "may|ма[йяею]|мамыр\\w*",
    "june|jun|июн[ьяею]|маусым\\w*",
    "july|jul|июл[ьяею]|шілде\\w*",
    "august|aug|август[аеу]?|тамыз\\w*",
    "september|sept|sep|сентябр[ьяею]|қыркүйек\\w*",
    "october|oct|октябр[ьяею]|қазан\\w*",
    "november|nov|ноябр[ьяею]|қараша\\w*",
    "december|dec|декабр[ьяею]|желтоқсан\\w*",
)
#: One pattern for all twelve: group n matches month n (the first month whose pattern matches
#: the whole word, as trying them in turn would find).
_MONTH_RE = re.compile("|".join(rf"({p}|{loose(p)})" for p in _MONTH_PATTERNS))
_DAY_SUFFIX = frozenset("st nd rd th го е ші шы сі і ы".split())


@dataclass(frozen=True)
class DateQuery:
    """What a question says about time.

    ``kind`` is ``year``, ``range`` (closed, a decade, or open-ended: then ``start`` or ``end``
    is None until :meth:`bounded` fills it in) or ``compare`` (two or more years in ``years``).
    """

    start: int | None
    end: int | None
    kind: str
    month: int | None = None
    day: int | None = None
    years: tuple[int, ...] = ()

    @property
    def open_ended(self) -> bool:
        return self.start is None or self.end is None

    def bounded(self, first: int, last: int) -> DateQuery:
        """The period with open ends set to the fact base's first or last year."""
        start = self.start if self.start is not None else min(first, self.end or first)
        end = self.end if self.end is not None else max(last, self.start or last)
        return DateQuery(start, end, self.kind, self.month, self.day, self.years)


class _Tok(NamedTuple):
    text: str
    start: int
    end: int


def _year(tok: _Tok) -> int | None:
    if len(tok.text) == 4 and tok.text.isdigit():
        y = int(tok.text)
        if MIN_YEAR <= y <= MAX_YEAR:
            return y
    return None


def tokens(text: str) -> list[_Tok]:
    return [_Tok(m.group(), *m.span()) for m in _TOKEN_RE.finditer(text)]


def parse_dates(text: str) -> tuple[DateQuery | None, str]:
    """Find the date a question asks about in normalised ``text``.

    Returns the date (or None) and the text with the date words blanked out.
    """
    date, rest, _, _ = read_dates(text)
    return date, rest


def read_dates(text: str) -> tuple[DateQuery | None, str, int | None, int | None]:
    """:func:`parse_dates`, and the month and day the text names when it names no year
    ("what happened in August?", «что было 18 августа?»; None, None otherwise)."""
    toks = tokens(text)
    spans: list[tuple[int, int]] = []
    found = _find(toks, spans)
    month, day = _month(toks, spans)
    if found is not None and (month or day):
        found = DateQuery(found.start, found.end, found.kind, month, day, found.years)
    rest = text
    for a, b in sorted(spans, reverse=True):
        rest = rest[:a] + " " + rest[b:]
    alone = (None, None) if found is not None else (month, day)
    return found, " ".join(rest.split()), *alone


#: At most this many years are compared side by side; more make their span a period.
MAX_COMPARED = 4


def _compare(ys: tuple[int, ...]) -> DateQuery:
    if len(ys) > MAX_COMPARED:
        return DateQuery(min(ys), max(ys), "range")
    return DateQuery(min(ys), max(ys), "compare", years=ys)


def _skip_suffixes(toks: list[_Tok], i: int) -> int:
    """Past a year's dash and Kazakh suffix, and its year word: "2010-нан", "2010 жылдан"."""
    j = i + 1
    if j < len(toks) and toks[j].text == "-" and j + 1 < len(toks):
        if toks[j + 1].text in _KK_SUFFIX or toks[j + 1].text in _DECADE_AFTER:
            j += 2
    elif j < len(toks) and toks[j].text in _KK_SUFFIX:
        j += 1
    while j < len(toks) and toks[j].text in _YEAR_WORDS and j <= i + 3:
        j += 1
    return j


def _find(toks: list[_Tok], spans: list[tuple[int, int]]) -> DateQuery | None:
    years = [(i, y) for i, t in enumerate(toks) if (y := _year(t)) is not None]
    words = [t.text for t in toks]
    # Two years: a range when only connectors stand between them, or a comparison.
    for (i, a), (k, b) in itertools.pairwise(years):
        gap = words[_skip_suffixes(toks, i) if k > i + 1 else i + 1 : k]
        if k - i - 1 <= MAX_GAP + 2 and a != b:
            if any(w in _OR for w in gap) or any(w.startswith(_COMPARE) for w in words):
                ys = tuple(sorted({y for _, y in years}))
                spans.extend((toks[j].start, toks[j].end) for j, _ in years)
                return _compare(ys)
            raw = words[i + 1 : k]
            joins = [w for w in gap if w not in _YEAR_WORDS and w not in _KK_SUFFIX]
            opened = i > 0 and words[i - 1] in _RANGE_OPEN
            between = opened or bool(_after_words(words, k) & _BETWEEN_AFTER)
            ok = all(w in _RANGE_JOIN or (w in _AND and between) for w in joins)
            marked = joins or between or any(w in _FROM_SUFFIX for w in raw)
            if ok and len(joins) <= MAX_GAP and marked:
                lo = i - 1 if opened else i
                hi = _skip_suffixes(toks, k)
                hi += sum(1 for w in words[hi : hi + 1] if w in _BETWEEN_AFTER)
                spans.append((toks[lo].start, toks[hi - 1].end))
                return DateQuery(min(a, b), max(a, b), "range")
    if len(years) >= 2 and len({y for _, y in years}) >= 2:
        ys = tuple(sorted({y for _, y in years}))
        spans.extend((toks[j].start, toks[j].end) for j, _ in years)
        return _compare(ys)
    for i, y in years:
        decade = _decade(toks, i, y)
        if decade is not None:
            start, j = decade
            spans.append((toks[i].start, toks[j - 1].end))
            return DateQuery(start, start + 9, "range")
    found = _two_digit_decade(toks, spans) or _word_decade(toks, spans)
    if found is not None:
        return found
    for i, y in years:
        j = _skip_suffixes(toks, i)
        before = words[i - 1] if i > 0 else ""
        before2 = words[i - 2] if i > 1 else ""
        after = words[j] if j < len(toks) else ""
        lo, hi = i, j
        inclusive = "включительно" in words[j : j + 3] or "inclusive" in words[j : j + 2]
        if before in ("including", "through", "thru") or (before == "to" and before2 == "up"):
            # "up to and including 2000", "up to 2000", "through 2000": the year itself is in.
            q = DateQuery(None, y, "range")
            lo = i - 1
        elif before in _UNTIL_BEFORE and inclusive:
            # «до 2000 года включительно»
            q = DateQuery(None, y, "range")
            lo = i - 1
        elif before in _SINCE_BEFORE or before2 == "начиная":
            q = DateQuery(y, None, "range")
            lo = i - 1
        elif before in _AFTER_BEFORE:
            q = DateQuery(y + 1, None, "range")
            lo = i - 1
        elif before in _UNTIL_BEFORE:
            q = DateQuery(None, y - 1, "range")
            lo = i - 1
        elif after in _SINCE_AFTER:
            q, hi = DateQuery(y, None, "range"), j + 1
        elif after in _AFTER_AFTER:
            q, hi = DateQuery(y + 1, None, "range"), j + 1
        elif after in _UNTIL_AFTER:
            q, hi = DateQuery(None, y - 1, "range"), j + 1
        else:
            q = DateQuery(y, y, "year")
        spans.append((toks[lo].start, toks[hi - 1].end))
        return q
    return None


def _after_words(words: list[str], k: int) -> set[str]:
    return set(words[k + 1 : k + 4])


def _decade(toks: list[_Tok], i: int, y: int) -> tuple[int, int] | None:
    """A four-digit decade: "2000s", "2000-е", "2000-х годах", "2000 жылдары"."""
    if y % 10:
        return None
    j = i + 1
    if j < len(toks) and toks[j].text == "-":
        j += 1
    # «в 2010-м (году)» is the year: only a plural ending makes a four-digit decade.
    if j < len(toks) and toks[j].text in _DECADE_AFTER and toks[j].text != "м":
        return y, j + 1
    if j < len(toks) and toks[j].text in ("шы", "ші", "ыншы", "інші", "ншы", "нші"):
        j += 1
    if j < len(toks) and toks[j].text in _DECADE_KK:
        # "2000 жылдары" is "in the 2000s"; "2004 жылдары" is not a decade.
        return y, j + 1
    return None


def _two_digit_decade(toks: list[_Tok], spans: list[tuple[int, int]]) -> DateQuery | None:
    """ "90s", "90-е", "90-х", "90-шы жылдары", "1990-жж" is handled as a year."""
    for i, t in enumerate(toks):
        if len(t.text) == 2 and t.text.isdigit() and t.text.endswith("0"):
            d = int(t.text)
            j = i + 1
            if j < len(toks) and toks[j].text == "-":
                j += 1
            if j >= len(toks):
                continue
            w = toks[j].text
            ok = w in _DECADE_AFTER or w in _DECADE_KK
            if w in ("шы", "ші", "ыншы", "інші", "ншы", "нші") and j + 1 < len(toks):
                ok = toks[j + 1].text in _DECADE_KK
                j += 1
            if ok:
                start = (1900 if d >= 30 else 2000) + d
                spans.append((t.start, toks[j].end))
                return DateQuery(start, start + 9, "range")
    return None


_DECADE_STEMS = tuple(_WORD_DECADES)


def _word_decade(toks: list[_Tok], spans: list[tuple[int, int]]) -> DateQuery | None:
    for t in toks:
        if not t.text.startswith(_DECADE_STEMS):
            continue
        for stem, start in _WORD_DECADES.items():
            if t.text.startswith(stem):
                spans.append((t.start, t.end))
                return DateQuery(start, start + 9, "range")
    return None


def _month(toks: list[_Tok], spans: list[tuple[int, int]]) -> tuple[int | None, int | None]:
    for i, t in enumerate(toks):
        if t.text.isdigit():
            continue
        found = _MONTH_RE.fullmatch(t.text)
        if found is not None:
            n = found.lastindex or 0
            # "may" is mostly the verb; "May 2015" or "in May" is the month.
            verb = i == 0 or toks[i - 1].text not in ("in", "of", "в")
            if n == 5 and t.text == "may" and not _near_number(toks, i) and verb:
                continue
            day = None
            lo, hi = t.start, t.end
            back = i - 1
            if back >= 0 and toks[back].text in _DAY_SUFFIX:
                back -= 1
            if back >= 0 and toks[back].text == "-":
                back -= 1
            if back >= 0 and _day(toks[back].text):
                day, lo = int(toks[back].text), toks[back].start
            elif i + 1 < len(toks) and _day(toks[i + 1].text):
                day, hi = int(toks[i + 1].text), toks[i + 1].end
            spans.append((lo, hi))
            return n, day
    return None, None


def is_month_word(w: str) -> bool:
    """A month's name in any of the three languages ("september", «қыркүйекте», «мая»)."""
    return _MONTH_RE.fullmatch(w) is not None


def _near_number(toks: list[_Tok], i: int) -> bool:
    return any(toks[j].text.isdigit() for j in (i - 1, i + 1) if 0 <= j < len(toks))


def _day(text: str) -> bool:
    return text.isdigit() and len(text) <= 2 and 1 <= int(text) <= 31


#: Number words up to twelve, in the three languages (the article writes "төрт телеарна"), with
#: the Russian oblique cases of two to ten (the facts say «по восьми направлениям»).
NUMBER_WORDS: dict[str, int] = {
    w: n
    for n, forms in enumerate(
        (
            "",
            "one бір один одна",
            "two екі два две двух двум двумя",
            "three үш три трёх трех трём трем тремя",
            "four төрт четыре четырёх четырех четырём четырем четырьмя",
            "five бес пять пяти пятью",
            "six алты шесть шести шестью",
            "seven жеті семь семи семью",
            "eight сегіз восемь восьми восемью",
            "nine тоғыз девять девяти девятью",
            "ten он десять десяти десятью",
            "eleven одиннадцать",  # Kazakh «он бір» is two words: not a number word
            "twelve двенадцать",
        )
    )
    for w in forms.split()
}
_KK_LETTERS = frozenset("әіңғүұқөһ")
#: Counted years: "two years later", «через три года», «он жылдан кейін», «5 лет назад»: one
#: to ten, also as typed without Kazakh letters, in Latin Kazakh and in Russian oblique cases.
_NUMBERS = {
    **{w: n for w, n in NUMBER_WORDS.items() if n <= 10},
    **{loose(w): n for w, n in NUMBER_WORDS.items() if n <= 10 and _KK_LETTERS & set(w)},
    **{w: n for n, w in enumerate("bir eki ush tort bes alty jeti segiz togyz on".split(), 1)},
    **dict.fromkeys(("одного",), 1),
    **dict.fromkeys(("двух",), 2),
    **dict.fromkeys(("трёх", "трех"), 3),
    **dict.fromkeys(("четырёх", "четырех"), 4),
}
_N = r"(\d{1,2}|[^\W\d_]+)"
_LATER = (
    re.compile(rf"\b{_N} years? (?:later|after|afterwards|on)\b"),
    re.compile(rf"\bчерез {_N} (?:год|года|лет)\b"),
    re.compile(rf"\b{_N} (?:год|года|лет) (?:спустя|позже|позднее)\b"),
    re.compile(rf"\b{_N} (?:жыл|жылдан|jyl|jyldan|zhyl) (?:кейін|соң|keiin|keyin|son)\b"),
)
_EARLIER = (
    re.compile(rf"\b{_N} years? (?:earlier|before|prior|ago)\b"),
    re.compile(rf"\b{_N} (?:год|года|лет) (?:назад|раньше|ранее)\b"),
    re.compile(rf"\bза {_N} (?:год|года|лет) до\b"),
    re.compile(rf"\b{_N} (?:жыл|жылдан|jyl|jyldan|zhyl) (?:бұрын|buryn|бурын)\b"),
)


def is_number_word(w: str) -> bool:
    """One to ten in words, in the three languages."""
    return w in _NUMBERS


def _counted_years(text: str) -> int | None:
    for sign, patterns in ((1, _LATER), (-1, _EARLIER)):
        for p in patterns:
            m = p.search(text)
            if m:
                w = m.group(1)
                n = int(w) if w.isdigit() else _NUMBERS.get(w)
                if n:
                    return sign * n
    return None


def relative_year(text: str) -> int | None:
    """+1 for "the year after", -1 for "the year before", ±N for "N years later/earlier", 0 for
    "that year", else None."""
    counted = _counted_years(text)
    if counted is not None:
        return counted
    for cue in _NEXT:
        if cue in text:
            return 1
    for cue in _PREV:
        if cue in text:
            return -1
    if any(c in text for c in ("that year", "same year", "том же году", "сол жылы")):
        return 0
    return None
