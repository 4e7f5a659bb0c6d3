"""Dates in questions: years, ranges, decades and month names, in Kazakh, Russian and English.

Works on normalised text (see :func:`knowledge.text.normalise`): lower case, dashes folded to
``-``. Returns what it understood and the text with those words removed, so that "in 2004" does
not count as a topic word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import loose

#: Years outside this window are names ("Қазақстан-2050"), not dates.
MIN_YEAR, MAX_YEAR = 1600, 2030

_Y = r"(1[6-9]\d\d|20\d\d)"
_GAP = (
    r"(?:\s|-|\.|,|to|till|until|through|and|по|до|и|между|және|мен|бен|пен|аралығында|"
    r"аралығы|аралығындағы|жылдан|жылдар|жылға|жыл|гг|годы|года|г|from|between|с|со|от|ж|"
    r"ші|шы|ыншы|інші|нан|нен|дан|ден|тан|тен|ге|ға|ка|ке|дейін|s)*"
)
_RANGE_RE = re.compile(rf"(?<!\d){_Y}(?!\d)(?P<gap>{_GAP})(?<!\d){_Y}(?!\d)")
_DECADE_RE = re.compile(
    r"(?<!\d)(?P<d>(?:1[6-9]|20)?\d0)(?:\s*-?\s*(?:'?s\b|х\b|е\b|ые\b|ых\b|ми\b|м\b|"
    r"(?:шы|ші|ыншы|інші|нчы|нши|ншы|ынчы|ыншы|ишы|иши)?\s*-?\s*жылдар\w*))"
)
_WORD_DECADES = {
    "nineties": 1990,
    "девяност": 1990,
    "нулев": 2000,
    "двухтысячн": 2000,
}
_YEAR_RE = re.compile(rf"(?<!\d){_Y}(?!\d)")

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
_MONTH_RES = tuple(re.compile(rf"(?<![\w])(?:{p}|{loose(p)})(?![\w])") for p in _MONTH_PATTERNS)


@dataclass(frozen=True)
class DateQuery:
    """What a question says about time."""

    start: int
    end: int
    kind: str  # "year" | "range"
    month: int | None = None
    day: int | None = None


def parse_dates(text: str) -> tuple[DateQuery | None, str]:
    """Find a year, range or decade (and a month) in normalised ``text``.

    Returns the date (or None) and the text with the date words blanked out.
    """
    rest = text
    found: DateQuery | None = None

    m = _RANGE_RE.search(rest)
    if m:
        a, b = int(m.group(1)), int(m.group(3))
        if a != b and all(MIN_YEAR <= y <= MAX_YEAR for y in (a, b)) and _gap_ok(m.group("gap")):
            found = DateQuery(min(a, b), max(a, b), "range")
            rest = _blank(rest, m.start(), m.end())
    if found is None:
        m = _DECADE_RE.search(rest)
        if m:
            d = m.group("d")
            start = int(d) if len(d) == 4 else (1900 if int(d) >= 30 else 2000) + int(d)
            if MIN_YEAR <= start <= MAX_YEAR:
                found = DateQuery(start, start + 9, "range")
                rest = _blank(rest, m.start(), m.end())
    if found is None:
        for stem, start in _WORD_DECADES.items():
            idx = rest.find(stem)
            if idx >= 0:
                found = DateQuery(start, start + 9, "range")
                end = idx + len(stem)
                while end < len(rest) and rest[end].isalpha():
                    end += 1
                rest = _blank(rest, idx, end)
                break
    if found is None:
        for m in _YEAR_RE.finditer(rest):
            y = int(m.group(1))
            if MIN_YEAR <= y <= MAX_YEAR:
                found = DateQuery(y, y, "year")
                rest = _blank(rest, m.start(), m.end())
                break

    month = day = None
    for n, month_re in enumerate(_MONTH_RES, start=1):
        mm = month_re.search(rest)
        if mm is None:
            continue
        month = n
        before = rest[: mm.start()].rstrip()
        after = rest[mm.end() :]
        dm = re.search(r"(?<!\d)([0-3]?\d)(?:-?(?:st|nd|rd|th|го|е|ші|шы|сі|і|ы))?$", before)
        da = re.match(r"\s*([0-3]?\d)(?:st|nd|rd|th)?(?!\d)", after)
        if dm and 1 <= int(dm.group(1)) <= 31:
            day = int(dm.group(1))
            rest = _blank(rest, dm.start(), mm.end())
        elif da and 1 <= int(da.group(1)) <= 31:
            day = int(da.group(1))
            rest = _blank(rest, mm.start(), mm.end() + da.end())
        else:
            rest = _blank(rest, mm.start(), mm.end())
        break
    if found is not None and (month or day):
        found = DateQuery(found.start, found.end, found.kind, month, day)
    return found, " ".join(rest.split())


def _gap_ok(gap: str) -> bool:
    """A gap of connector words only, and a dash or connector present (not "2004 2005")."""
    return bool(gap.strip()) and len(gap) <= 40


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " + text[end:]
