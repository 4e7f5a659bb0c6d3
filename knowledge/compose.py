"""Composing answers from chosen facts: list lines, period lines, suggestions, and the context
a chat keeps for its next question. Pure functions: no database, no ranking."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .models import Answer, Context, Fact, Lang, ListItem, Name
from .understand import Question

#: Items a page of a long answer shows; "more" turns the page.
LIST_PAGE = 6
#: How long a chat's context lasts: a follow-up after this is read as a new question.
CONTEXT_SECONDS = 600.0

#: Example questions under a greeting or help reply, per language.
EXAMPLES: dict[Lang, tuple[str, ...]] = {
    "en": (
        "When did Kazakhstan and China establish diplomatic relations?",
        "What happened in 2004?",
        "Which cities hosted culture days?",
    ),
    "ru": (
        "Когда Казахстан и Китай установили дипломатические отношения?",
        "Что было в 2006 году?",
        "В каких городах проходили дни культуры?",
    ),
    "kk": (
        "Қазақстан мен Қытай дипломатиялық қатынасты қашан орнатты?",
        "2004 жылы не болды?",
        "Мәдениет күндері қай қалаларда өтті?",
    ),
}

#: A suggestion under a refusal is a question the user can send as it stands.
_ASK_ABOUT: dict[Lang, str] = {
    "en": "Tell me about: {title}",
    "ru": "Расскажи о: {title}",
    "kk": "{title} — туралы айтшы",
}


def suggestion(fact: Fact, lang: Lang, *, with_year: bool = False) -> str:
    """A question about ``fact`` that the engine answers with that fact; ``with_year`` adds
    its year, for facts that share a title (the culture days of 2010, 2012 and 2013)."""
    title = fact.title.get(lang)
    if with_year and fact.date is not None:
        title = f"{title}, {fact.date.start.year}"
    return _ASK_ABOUT[lang].format(title=title)


def suggestions(facts: Sequence[Fact], lang: Lang) -> list[str]:
    """One question per fact, each different: a title two facts share gets each one's year."""
    titles = [f.title.get(lang) for f in facts]
    out: list[str] = []
    for f, title in zip(facts, titles, strict=True):
        text = suggestion(f, lang, with_year=titles.count(title) > 1)
        if text not in out:
            out.append(text)
    return out


def list_items(
    facts: Sequence[Fact], target: str | None, lang: Lang, names: Mapping[str, Name]
) -> list[ListItem]:
    """The lines of a list answer: grouped by place, person or work when asked, else one line
    per fact. Facts are already in the order to show."""
    items: dict[str, list[str]] = {}
    keyed = {f.id: _keys(f, target, lang, names) for f in facts}
    if target == "places" and any(_cities(f, names) for f in facts):
        # "Which cities…": facts that name no city are not items of the answer.
        facts = [f for f in facts if _cities(f, names)]
    if target == "works" and any(f.works for f in facts):
        # "Which books…": a fact that names no work ("A fruitful year: books published in
        # China") is about them, not one of them.
        facts = [f for f in facts if f.works]
    for f in facts:
        keys = keyed[f.id]
        for key in keys or [f.title.get(lang)]:
            items.setdefault(key, [])
            if f.id not in items[key]:
                items[key].append(f.id)
    return [ListItem(label=k, fact_ids=v) for k, v in items.items()]


def _cities(f: Fact, names: Mapping[str, Name]) -> bool:
    return any(k in names and names[k].kind in ("city", "region") for k in f.places)


def _keys(f: Fact, target: str | None, lang: Lang, names: Mapping[str, Name]) -> list[str]:
    def named(keys: Sequence[str], kinds: tuple[str, ...]) -> list[str]:
        return [names[k].get(lang) for k in keys if k in names and names[k].kind in kinds]

    if target == "places":
        # Where it was held: the fact's cities in the host country (Almaty's days in Shanghai
        # name both cities), any cities, or its countries.
        venues = [k for k in f.places if k in names and names[k].country == f.host]
        return (
            named(venues, ("city", "region"))
            or named(f.places, ("city", "region"))
            or named(f.places, ("country",))
        )
    if target == "people":
        return named(f.people, ("person",))
    if target == "works":
        return [w.get(lang) for w in f.works]
    if target == "languages":
        return [LANGUAGE_NAMES[code][lang] for code in f.languages]
    return []


#: The languages of ``Fact.languages``, named in each reply language.
LANGUAGE_NAMES: dict[str, dict[str, str]] = {
    "kk": {"kk": "қазақ тілі", "ru": "казахский язык", "en": "Kazakh"},
    "ru": {"kk": "орыс тілі", "ru": "русский язык", "en": "Russian"},
    "zh": {"kk": "қытай тілі", "ru": "китайский язык", "en": "Chinese"},
    "en": {"kk": "ағылшын тілі", "ru": "английский язык", "en": "English"},
}


def context_of(q: Question, answer: Answer, words: Sequence[str] | None = None) -> Context:
    """What ``answer`` leaves for a follow-up: its kind, date, topic words, facts and page."""
    year = None
    if answer.years and answer.years[0] == answer.years[1]:
        year = answer.years[0]
    elif answer.kind in ("fact", "list") and answer.hits and answer.hits[0].fact.date:
        year = answer.hits[0].fact.date.start.year
    start, end = answer.years if answer.years else (None, None)
    n = len(answer.items) if answer.kind == "list" else len(answer.hits)
    pages = max(1, -(-n // LIST_PAGE))
    if answer.kind == "range":
        pages += 1  # page 0 is the overview
    return Context(
        intent=answer.intent,
        kind=answer.kind,
        lang=answer.lang,
        words=list(words if words is not None else q.terms.words),
        start=start,
        end=end,
        years=list(answer.compare),
        year=year,
        page=answer.page,
        pages=pages,
        fact_ids=answer.fact_ids[:50],
        target=q.target,
        host=q.host,
        guest=q.guest,
        kinds=sorted(q.kinds),
        times="times" in q.cues,
        count=answer.count,
        count_stated=answer.count_stated,
        listed=answer.listed[:50],
    )
