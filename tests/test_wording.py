"""House rules for the reader-facing texts: one form per name, titles without their date."""

from __future__ import annotations

import re

import pytest

from knowledge.factbase import FactBase
from knowledge.models import LANGS, Fact, Lang


def _texts(f: Fact, lang: Lang) -> list[str]:
    return [t.get(lang) for t in (f.title, f.text, f.note, f.date_note) if t is not None]


def test_titles_do_not_repeat_the_date(base: FactBase) -> None:
    """The date stands before the title on every line; a period in a name (2003–2008) may stay."""
    wrong = []
    for f in base.facts:
        if f.date is None:
            continue
        for lang in LANGS:
            title = re.sub(r"\d{4}\s*[–-]\s*\d{4}", "", f.title.get(lang))
            if str(f.date.start.year) in title:
                wrong.append((f.id, lang, f.title.get(lang)))
    assert wrong == []


@pytest.mark.parametrize("lang", LANGS)
def test_one_form_per_city(base: FactBase, lang: Lang) -> None:
    """A city's alias (Kazakh Пекин beside Бейжің) never stands in a text in its place."""
    wrong = []
    for name in base.names.values():
        if name.kind != "city":
            continue
        for alias in name.aliases.get(lang):
            if alias in name.get(lang):
                continue
            for f in base.facts:
                if any(re.search(rf"(?<!\w){re.escape(alias)}", t) for t in _texts(f, lang)):
                    wrong.append((f.id, alias))
    assert wrong == []


# "Kazakh" is the people and its language; «қазақстандық» (of Kazakhstan) is not translated so.
_KAZAKH_OK = re.compile(
    r"Kazakh (literature|history|abstract|title)|Kazakhs\b|(in|from) Kazakh\b|Kazakh, Russian|"
    r"English and Kazakh|Kazakh–Chinese (ties|relations) in the Qing|Kazakh–Chinese relations in"
)


def test_kazakh_means_the_people_not_the_country(base: FactBase) -> None:
    wrong = []
    for f in base.facts:
        for text in _texts(f, "en"):
            for m in re.finditer(r"\bKazakhs?\b[^.;,]{0,30}", text):
                around = text[max(0, m.start() - 20) : m.end()]
                if not _KAZAKH_OK.search(around):
                    wrong.append((f.id, m.group(0)))
    assert wrong == []


def test_culture_days_have_one_name_per_language(base: FactBase) -> None:
    old = {
        "en": [
            "Days of Kazakh Culture",
            "Days of Chinese Culture",
            "Kazakh culture days",
            "Days of Culture of",
        ],
        "ru": ["Дни культуры Китайской Народной Республики"],
        "kk": ["мәдениеті күндері", "Халық Республикасының Қазақстандағы мәдениет"],
    }
    wrong = [
        (f.id, lang, phrase)
        for f in base.facts
        for lang, phrases in old.items()
        for phrase in phrases
        for text in _texts(f, lang)  # type: ignore[arg-type]
        if phrase in text
    ]
    assert wrong == []
