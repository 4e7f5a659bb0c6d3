"""Rendering: date first in bold, escaping, the 4096 limit, readable year lists."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from handlers.i18n import format_date
from handlers.render import MAX_MESSAGE, PAGE_SIZE, render, render_quote, utf16_len
from knowledge import index as ix
from knowledge.engine import Engine
from knowledge.factbase import FactBase
from knowledge.models import Answer, Fact, FactDate, Hit

ALLOWED = {"b", "i", "blockquote", "code"}


class _Check(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in ALLOWED, tag
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack.pop() == tag, tag

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def well_formed(html: str) -> str:
    """Assert Telegram-style HTML (allowed tags, balanced, no raw < or >); return the text."""
    assert not re.search(r"&(?!(lt|gt|amp|quot|#\d+);)", html)
    stripped = re.sub(r"</?(b|i|blockquote|code)>", "", html)
    assert "<" not in stripped and ">" not in stripped
    p = _Check()
    p.feed(html)
    p.close()
    assert p.stack == []
    return "".join(p.text)


@pytest.mark.parametrize(
    ("date", "lang", "text"),
    [
        ("1992-01-03", "en", "3 January 1992"),
        ("1992-01-03", "ru", "3 января 1992 г."),
        ("1992-01-03", "kk", "1992 жылғы 3 қаңтар"),
        ("2003-07-02/2003-07-04", "en", "2–4 July 2003"),
        ("1995/1997", "en", "1995–1997"),
        ("1995-06", "ru", "июнь 1995 г."),
        ("2004", "kk", "2004 жыл"),
    ],
)
def test_dates(date: str, lang: str, text: str) -> None:
    assert format_date(FactDate.parse(date), lang) == text  # type: ignore[arg-type]


async def test_fact_answer_has_bold_date_first_then_text_then_source(
    engine: Engine, base: FactBase
) -> None:
    a = await engine.ask("Chinese Bridge contest")
    html = render(a, base.sources)
    assert html.startswith("<b>")
    well_formed(html)
    b = await engine.ask("Шанхайдағы Алматы күндері 2004")
    html = render(b, base.sources)
    assert html.startswith("<b>2004 жыл</b>") and "[6] сілтеме, 213-бет" in html


async def test_year_with_many_events_stays_readable(engine: Engine, base: FactBase) -> None:
    a = await engine.ask("2003")
    assert len(a.hits) >= 6
    html = render(a, base.sources)
    text = well_formed(html)
    assert utf16_len(html) <= MAX_MESSAGE
    assert text.count("\n\n") >= 6  # one block per event
    assert "2003" in text.splitlines()[0]


def test_escaping_and_limit(base: FactBase) -> None:
    fact = base.facts[0]
    evil = fact.model_copy(
        update={"text": fact.text.model_copy(update={"en": "<script>&amp; " + "x" * 9000})}
    )
    a = Answer(question="q", lang="en", kind="fact", hits=[Hit(fact=evil, score=90)])
    html = render(a, base.sources)
    assert ("<script>" not in html and "&lt;script&gt;" in html) or utf16_len(html) <= MAX_MESSAGE
    assert utf16_len(html) <= MAX_MESSAGE
    well_formed(html)


def test_quote_shows_the_kazakh_source(base: FactBase) -> None:
    fact = base.by_id()["kz-culture-days-china-2001"]
    html = render_quote(fact, base.sources, "en")
    well_formed(html)
    assert "<blockquote>" in html and "ref. [6], p. 212" in html


async def test_plain_text_for_the_terminal(engine: Engine, base: FactBase) -> None:
    a = await engine.ask("Abai 150")
    text = render(a, base.sources, html_mode=False)
    assert "<b>" not in text and "1995" in text


def test_event_counts_agree_with_their_number() -> None:
    from handlers.i18n import events

    assert [events(n, "en") for n in (1, 2)] == ["1 event", "2 events"]
    assert [events(n, "ru") for n in (1, 3, 5, 11, 21, 22, 112)] == [
        "1 событие",
        "3 события",
        "5 событий",
        "11 событий",
        "21 событие",
        "22 события",
        "112 событий",
    ]
    assert events(7, "kk") == "7 оқиға"


async def test_a_missing_detail_is_named_in_the_refusal(engine: Engine, base: FactBase) -> None:
    for text, lang, words in (
        ("who won the Chinese Bridge competition?", "en", "does not say who"),
        ("кто победил в конкурсе мост китайского языка?", "ru", "не говорит, кто"),
        ("Болашақ бағдарламасы қай жылы құрылды?", "kk", "қашан екені көрсетілмейді"),
    ):
        a = await engine.ask(text)
        out = render(a, base.sources)
        assert a.lang == lang and a.missing and words in out and "says nothing" not in out


async def test_items_of_one_fact_share_a_line(engine: Engine, base: FactBase) -> None:
    a = await engine.ask("какие книги назарбаева издали в китае")
    out = render(a, base.sources, html_mode=False)
    shared = [i for i in a.items if len(i.fact_ids) == 1]
    by_fact = {i.fact_ids[0] for i in shared}
    assert len(by_fact) < len(shared)  # several books from one fact's sentence
    for fid in by_fact:
        title = next(f for f in a.facts if f.id == fid).title.get("ru")
        assert out.count(title) <= 1
    assert all(i.label in out for i in a.items)


async def test_an_overview_of_one_subject_does_not_say_a_year_had_no_events(
    engine: Engine, base: FactBase
) -> None:
    # 1991 has events (independence), but no agreement: the overview says none *of these*.
    out = render(await engine.ask("what was signed before 2000"), base.sources, html_mode=False)
    assert "None of these in: 1991" in out and "No events" not in out
    out = render(
        await engine.ask("Ху Цзиньтао 2003 жылы келді ме, әлде 2004 жылы ма?"),
        base.sources,
        html_mode=False,
    )
    assert "2004\nМақалада бұл туралы 2004 жылы ештеңе айтылмайды." in out
    out = render(await engine.ask("1991 or 2000?"), base.sources, html_mode=False)
    assert "The article mentions no events in 2000." in out


def test_big_numbers_are_grouped_as_each_language_writes_them() -> None:
    from handlers.i18n import format_number

    assert format_number(780, "en") == "780"
    assert format_number(20_000_000, "en") == "20,000,000"
    assert format_number(20_000_000, "ru") == "20\u202f000\u202f000"


async def test_a_count_says_whether_the_article_states_it(engine: Engine, base: FactBase) -> None:
    stated = await engine.ask("how many yuan did China give?")
    assert stated.count == 20_000_000 and stated.count_stated
    assert "According to the article: 20,000,000" in render(stated, base.sources, html_mode=False)
    counted = await engine.ask("how many times were culture days held?")
    assert counted.count is not None and not counted.count_stated
    out = render(counted, base.sources, html_mode=False)
    assert f"The article mentions {counted.count}" in out and "According to" not in out


def test_an_undated_fact_is_headed_by_its_title(base: FactBase) -> None:
    fact = next(f for f in base.facts if f.date is None)
    a = Answer(question="q", lang="en", kind="fact", hits=[Hit(fact=fact, score=100.0)])
    out = render(a, base.sources)
    assert out.startswith(f"<b>{fact.title.get('en')}</b>\n") and "Undated" not in out


async def test_suggestions_are_each_different_and_answer_their_fact(
    engine: Engine, base: FactBase
) -> None:
    a = await engine.ask("что с ковидом в Китае?")
    assert a.kind == "none" and len(set(a.suggestions)) == len(a.suggestions)
    for text, fid in zip(a.suggestions, a.suggested, strict=True):
        assert (await engine.ask(text)).facts[0].id == fid, text


async def test_a_list_of_books_holds_books_not_a_fact_about_them(
    engine: Engine, base: FactBase
) -> None:
    a = await engine.ask("а какие книги вышли в 1997 году?")
    out = render(a, base.sources, html_mode=False)
    overview = base.by_id()["books-in-china-1997"]
    assert not overview.works and overview.title.get("ru") not in out
    # A fact's title under an item that only repeats it is left out.
    assert "• Путь Абая — 1997 г." in out and "«Путь Абая» в Китае" not in out


@pytest.mark.parametrize(
    ("first", "then", "lead"),
    [
        (
            "when did kz and china establish diplomatic relations?",
            "and who signed it?",
            "Who: Tian Zengpei, T. Suleimenov",
        ),
        ("when did kz and china establish diplomatic relations?", "where?", "Where: Almaty"),
        (
            "когда установили дипломатические отношения?",
            "кто подписал?",
            "Кто: Тянь Цзэнпэй, Т. Сулейменов",
        ),
        ("дипломатиялық қатынас қашан орнады?", "қай қалада?", "Қайда: Алматы"),
    ],
)
async def test_a_who_or_where_follow_up_leads_with_the_names(
    engine: Engine, base: FactBase, first: str, then: str, lead: str
) -> None:
    a = await engine.ask(first)
    b = await engine.ask(then, context=a.context)
    out = render(b, base.sources, html_mode=False)
    assert out.startswith(lead + "\n"), out[:120]
    # The fact itself follows, with its date and source.
    assert "1992" in out and b.facts[0].id == "diplomatic-relations-1992"


async def test_a_who_question_leads_with_names_the_question_does_not_give(
    engine: Engine, base: FactBase
) -> None:
    a = await engine.ask("where did xi give his speech in 2013?")
    assert a.asked == "where" and "Nazarbayev University" in a.told
    b = await engine.ask("who gave a speech at Nazarbayev University?")
    assert "Nazarbayev University" not in b.told


async def test_a_year_reply_decodes_only_the_facts_its_page_shows(
    base: FactBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Rows are read from SQLite for each question (as for a fact base too big to keep), so
    # every fact a reply reads is decoded then: count them.
    monkeypatch.setattr(ix, "ROW_CACHE", len(base.facts) - 1)
    decoded: list[str] = []
    loads = ix.loads_fact

    def counting(data: str) -> Fact:
        fact = loads(data)
        decoded.append(fact.id)
        return fact

    monkeypatch.setattr(ix, "loads_fact", counting)
    year = max(
        base.years(), key=lambda y: sum(1 for f in base.facts if f.date and f.date.start.year == y)
    )
    engine = await Engine.open(tmp_path / "rows.sqlite3", base)
    try:
        answer = await engine.ask(f"What happened in {year}?")
        assert answer.kind == "year" and len(answer.hits) > PAGE_SIZE
        first = render(answer, base.sources)
        assert decoded == answer.fact_ids[:PAGE_SIZE]
        decoded.clear()
        second = render(answer, base.sources, page=1)
        assert decoded == answer.fact_ids[PAGE_SIZE : 2 * PAGE_SIZE]
    finally:
        await engine.close()
    # The same reply as from the facts themselves.
    eager = answer.model_copy(update={"hits": [Hit(fact=f, score=100.0) for f in answer.facts]})
    assert render(eager, base.sources) == first
    assert render(eager, base.sources, page=1) == second


def test_a_hit_is_immutable_and_checks_what_it_decodes(base: FactBase) -> None:
    one, two = base.facts[:2]
    hit = Hit.lazy(one.id, lambda: two, 50.0)
    assert hit.id == one.id and hit.score == 50.0
    with pytest.raises(ValueError, match="decoded as fact"):
        hit.fact  # noqa: B018
    with pytest.raises(AttributeError):
        hit.score = 1.0  # type: ignore[misc]
    with pytest.raises(ValueError):
        Hit(fact=one, score=101.0)
    assert Hit.lazy(one.id, lambda: one, 90.0) == Hit(fact=one, score=90.0)
