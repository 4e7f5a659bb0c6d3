"""The structured fields of the facts: event kinds, host and guest, names, works, date precision.

Two halves: each kind of error `dostyq check` must refuse, in one line with a non-zero exit;
and the shipped facts agree with the article where a machine can check it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from rapidfuzz import fuzz

from bot.cli import main
from knowledge.factbase import DEFAULT_NAMES, DEFAULT_SOURCES, FactBase, FactBaseError, load_facts
from knowledge.models import EVENT_KINDS, Fact, Name
from knowledge.text import fold_lookalikes, loose

GOOD: dict[str, object] = {
    "id": "sample-fact",
    "date": "2004",
    "date_given": "year",
    "event": "culture-days",
    "host": "CN",
    "guest": "KZ",
    "title": {"kk": "Үлгі", "ru": "Образец", "en": "Sample"},
    "text": {"kk": "Үлгі мәтін.", "ru": "Текст образца.", "en": "Sample text."},
    "places": ["shanghai"],
    "people": [],
    "orgs": ["ministry-culture-prc"],
    "works": [{"kk": "Кітап", "ru": "Книга", "en": "Book"}],
    "tags": ["culture-days"],
    "source": {"location": "body, para 19", "ref": 6, "pages": "213", "quote": "2004 жылы"},
}
NOTE = {"kk": "Ескерту.", "ru": "Примечание.", "en": "A note."}


def _write(
    tmp: Path, facts: list[dict[str, object]], names: list[dict[str, object]] | None = None
) -> Path:
    d = tmp / "facts"
    d.mkdir(exist_ok=True)
    (d / "a.yaml").write_text(yaml.safe_dump(facts, allow_unicode=True), encoding="utf-8")
    shutil.copy(DEFAULT_SOURCES, tmp / "sources.yaml")
    if names is None:
        shutil.copy(DEFAULT_NAMES, tmp / "names.yaml")
    else:
        (tmp / "names.yaml").write_text(yaml.safe_dump(names, allow_unicode=True), encoding="utf-8")
    return d


def test_the_sample_loads(tmp_path: Path) -> None:
    d = _write(tmp_path, [GOOD])
    fact = load_facts(d, tmp_path / "sources.yaml").facts[0]
    assert (fact.event, fact.host, fact.guest, fact.date_inferred) == (
        "culture-days",
        "CN",
        "KZ",
        False,
    )


FACT_ERRORS = [
    ({"event": "party"}, "event", "unknown event kind"),
    ({"event": None}, "event", "string"),
    ({"host": "RU"}, "host", "'KZ' or 'CN'"),
    ({"guest": "CN", "host": "CN"}, "guest", "both 'CN'"),
    ({"date_given": "week"}, "date_given", "'day', 'month', 'year' or 'none'"),
    ({"date_given": "day"}, "date_given", "gives only the year"),
    ({"date": None, "date_given": "year"}, "date_given", "has no date"),
    ({"date_given": "none"}, "date_note", "finer than the article gives"),
    ({"date": "2004-05"}, "date_note", "finer than the article gives"),
    ({"places": ["atlantis"]}, "places.0", "not a key of names.yaml"),
    ({"people": ["almaty"]}, "people.0", "is a city, not a person"),
    ({"orgs": ["abai"]}, "orgs.0", "is a person, not a org"),
    ({"places": ["sco"]}, "places.0", "is a org"),
    ({"works": [{"kk": "Кітап", "en": "Book"}]}, "works.0.ru", "required"),
    ({"works": ["Book"]}, "works.0", "valid dictionary"),
    ({"languages": ["fr"]}, "languages.0", "'kk', 'ru', 'zh' or 'en'"),
    ({"languages": ["kk", "kk"]}, "languages", "repeat"),
    (
        {"more_sources": [{"location": "body, para 1", "ref": 99, "quote": "x"}]},
        "more_sources.0.ref",
        "unknown",
    ),
]


@pytest.mark.parametrize(("change", "field", "words"), FACT_ERRORS)
def test_each_new_error_is_one_line_with_file_fact_and_field(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    change: dict[str, object],
    field: str,
    words: str,
) -> None:
    fact = {**GOOD, **change}
    if "event" in change and change["event"] is None:
        del fact["event"]
        words = "required"
    d = _write(tmp_path, [fact])
    with pytest.raises(FactBaseError) as info:
        load_facts(d, tmp_path / "sources.yaml")
    err = info.value
    assert err.file.endswith("a.yaml") and err.fact_id == "sample-fact"
    assert err.field == field, str(err)
    assert words in str(err)
    assert main(["--facts", str(d), "check"]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    assert "a.yaml" in lines[0] and "sample-fact" in lines[0] and field in lines[0]


def test_an_inferred_date_with_its_note_loads(tmp_path: Path) -> None:
    d = _write(tmp_path, [{**GOOD, "date": "2004-05", "date_note": NOTE}])
    fact = load_facts(d, tmp_path / "sources.yaml").facts[0]
    assert fact.date_inferred and fact.date_note is not None


def _names() -> list[dict[str, object]]:
    return list(yaml.safe_load(DEFAULT_NAMES.read_text(encoding="utf-8")))


NAME_ERRORS = [
    (lambda ns: ns[0].update(kind="planet"), "almaty.kind", "'city'"),
    (lambda ns: ns[0].update(country="RU"), "almaty.country", "'KZ' or 'CN'"),
    (lambda ns: ns[0].pop("ru"), "almaty.ru", "required"),
    (lambda ns: ns[0].update(key="Almaty City"), "Almaty City.key", "lowercase"),
    (lambda ns: ns.append(dict(ns[0])), "almaty.key", "duplicate"),
    (lambda ns: ns[0].update(kk="Aлматы"), "almaty.kk", "mixes"),
]


@pytest.mark.parametrize(("spoil", "field", "words"), NAME_ERRORS)
def test_each_names_file_error_names_the_file_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], spoil: object, field: str, words: str
) -> None:
    names = _names()
    spoil(names)  # type: ignore[operator]
    d = _write(tmp_path, [GOOD], names)
    with pytest.raises(FactBaseError) as info:
        load_facts(d, tmp_path / "sources.yaml")
    assert info.value.file.endswith("names.yaml") and info.value.field == field
    assert words in str(info.value)
    assert main(["--facts", str(d), "check"]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "names.yaml" in lines[0] and field in lines[0]


def test_the_names_file_is_part_of_the_hash(tmp_path: Path) -> None:
    d = _write(tmp_path, [GOOD])
    before = load_facts(d, tmp_path / "sources.yaml").content_hash
    names = _names()
    names[0]["en"] = "Almaty city"
    (tmp_path / "names.yaml").write_text(
        yaml.safe_dump(names, allow_unicode=True), encoding="utf-8"
    )
    assert load_facts(d, tmp_path / "sources.yaml").content_hash != before


# --- the shipped facts --------------------------------------------------------------------


def test_every_fact_has_a_known_event_kind_and_every_kind_is_used(base: FactBase) -> None:
    used = {f.event for f in base.facts}
    assert used <= set(EVENT_KINDS)
    assert set(EVENT_KINDS) - used == set()


def test_every_name_resolves_and_is_used(base: FactBase) -> None:
    used = {k for f in base.facts for k in f.places + f.people + f.orgs}
    assert used <= set(base.names)
    assert set(base.names) - used == set(), "names.yaml holds names no fact uses"


def _folded(text: str) -> str:
    text = re.sub(r"[0-9A-Za-z\u0400-\u04ff]+", lambda m: fold_lookalikes(m.group(0)), text)
    return " ".join(text.split()).lower()


def _quotes(fact: Fact) -> str:
    return " | ".join(_folded(s.quote) for s in fact.sources)


def _forms(name: Name) -> list[str]:
    return [_folded(f) for f in name.forms("kk")]


def test_every_place_is_named_in_the_facts_own_quotes(base: FactBase) -> None:
    wrong = [
        (f.id, key)
        for f in base.facts
        for key in f.places
        if not any(form in _quotes(f) for form in _forms(base.names[key]))
    ]
    assert wrong == []


def test_places_lie_in_the_host_or_the_guest_country(base: FactBase) -> None:
    """An exchange's places are its venues (host country) and the guest's city (guest country)."""
    wrong = [
        (f.id, key)
        for f in base.facts
        if f.host
        for key in f.places
        if base.names[key].country not in (f.host, f.guest)
    ]
    assert wrong == []
    no_venue = [f.id for f in base.facts if f.host and f.places and not base.venues(f)]
    assert no_venue == []


# How the article names the two sides of an exchange. The host: a venue of the fact is named
# ("Пекин және Шанхай қалаларында"), or a host-side name stands in the locative or dative
# ("Пекинге барды", "Қазақстанға"). The guest: a guest-side person or organisation is named, or a
# guest-side name is followed within two words by the genitive ("Алматының Шанхайдағы",
# "Қазақстан мәдениетінің", "Қытай зергерлік өнерінің"), by its head ("Қытай төрағасы") or by
# "culture" ("Қытай мәдениет күндері").
_LOC = "да де та те дағы дегі тағы тегі ндағы ндегі ға ге қа ке на не ған".split()
_GEN = "ның нің дың дің тың тің дық лық тық".split()  # genitive, and -дық (қазақстандық)
# Both sides of the comparison are in the loose form (қ -> к, ң -> н, ...).
_LOCATIVE = "(?:-?(?:" + "|".join(sorted({loose(e) for e in _LOC}, key=len, reverse=True)) + "))"
_GENITIVE = (
    r"(?:\s+\w+){0,2}?(?:-?(?:"
    + "|".join(sorted({loose(e) for e in _GEN}))
    + r")\b|\s+(?:"
    + loose("төрағасы")
    + "|"
    + loose("мәдениет")
    + "))"
)


def _loose(text: str) -> str:
    return " ".join(loose(w) for w in text.split(" "))


def _side_named(fact: Fact, base: FactBase, country: str, host: bool) -> bool:
    text = _loose(_quotes(fact))
    if host and any(f in _quotes(fact) for k in base.venues(fact) for f in _forms(base.names[k])):
        return True
    for name in base.names.values():
        if name.country != country:
            continue
        for form in map(_loose, _forms(name)):
            if not host and name.kind in ("person", "org") and form in text:
                return True
            if re.search(r"(?<!\w)" + re.escape(form) + (_LOCATIVE if host else _GENITIVE), text):
                return True
    return False


def test_host_and_guest_agree_with_the_quotes(base: FactBase) -> None:
    wrong = []
    for f in base.facts:
        if f.host and not _side_named(f, base, f.host, host=True):
            wrong.append((f.id, "host", f.host))
        if f.guest and not _side_named(f, base, f.guest, host=False):
            wrong.append((f.id, "guest", f.guest))
    assert wrong == []


def test_direction_of_the_culture_days(base: FactBase) -> None:
    facts = base.by_id()

    def sides(fid: str) -> tuple[str | None, str | None]:
        return facts[fid].host, facts[fid].guest

    assert sides("kz-culture-days-china-2001") == ("CN", "KZ")
    assert sides("china-culture-days-almaty-2002") == ("KZ", "CN")
    assert sides("almaty-days-shanghai-2004") == ("CN", "KZ")
    assert sides("shanghai-days-almaty-2005") == ("KZ", "CN")
    assert base.venues(facts["almaty-days-shanghai-2004"]) == ["shanghai"]
    assert base.origins(facts["almaty-days-shanghai-2004"]) == ["almaty"]
    days = [f for f in base.facts if f.event == "culture-days" and f.host]
    assert {f.host for f in days} == {"KZ", "CN"}


def test_works_are_titles_the_quotes_name(base: FactBase) -> None:
    """Each work's Kazakh title is in the fact's quotes, up to endings and the article's typos."""
    wrong = []
    for f in base.facts:
        for w in f.works:
            score = fuzz.partial_ratio(_folded(w.kk), _quotes(f))
            if score < 90:
                wrong.append((f.id, w.kk, round(score)))
    assert wrong == []


#: How the article's Kazakh names each language ("қaзaқ, opыc жәнe қытaй тілдepіндe").
_LANGUAGE_STEMS = {"kk": "қазақ", "ru": "орыс", "zh": "қытай", "en": "ағылшын"}


def test_languages_are_named_in_the_quotes_beside_a_word_for_language(base: FactBase) -> None:
    """Each language of a fact is written in its quotes, in the clause that says тіл-."""
    wrong = []
    for f in base.facts:
        if not f.languages:
            continue
        clauses = [c for c in re.split(r"[.;]", _quotes(f)) if "тіл" in c]
        for code in f.languages:
            if not any(_LANGUAGE_STEMS[code] in c for c in clauses):
                wrong.append((f.id, code))
    assert wrong == []
    assert sum(bool(f.languages) for f in base.facts) >= 4


def test_inferred_dates_all_carry_a_note(base: FactBase) -> None:
    inferred = [f for f in base.facts if f.date_inferred]
    assert all(f.date_note is not None for f in inferred)
    ids = {f.id for f in inferred}
    assert {
        "gansu-opera-tour-2006",
        "porcelain-photo-exhibits-2014",
        "musicians-xiamen-contest-2003",
        "youth-delegation-china-2003",
        "five-years-collection-1997",
        "chinese-film-week-2007",
        "china-culture-days-almaty-2006",
    } <= ids


_ENDS = {"day": r"\d{1,2}", "month": "", "year": ""}


def test_a_date_given_in_full_is_written_in_the_quotes(base: FactBase) -> None:
    """When the article gives a fact's year, that year stands in the fact's own quotes."""
    wrong = []
    for f in base.facts:
        if f.date is None or f.date_given == "none":
            continue
        if str(f.date.start.year) not in _quotes(f):
            wrong.append(f.id)
    assert wrong == []


def test_people_and_orgs_are_named_in_the_quotes(base: FactBase) -> None:
    """Each person or organisation of a fact is in its quotes (up to case endings, the
    article's typos and joint phrasing such as «ҚХР мен ҚР Мәдениет министрліктері»), or the
    fact's note explains why it is named (the May 2015 visit's unnamed «Қытай төрағасы»)."""
    wrong = []
    for f in base.facts:
        quotes = _quotes(f)
        for key in f.people + f.orgs:
            name = base.names[key]
            best = max(fuzz.partial_ratio(form, quotes) for form in _forms(name))
            explained = f.note is not None and name.en in f.note.en
            if best < 80 and not explained:
                wrong.append((f.id, key, round(best)))
    assert wrong == []
