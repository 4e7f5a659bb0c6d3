"""What a reader sees of dates and citations: worked-out dates say so, citations point right."""

from __future__ import annotations

import pytest

from handlers.i18n import format_date
from handlers.render import render, render_quote, source_label
from knowledge.engine import Engine
from knowledge.factbase import FactBase
from knowledge.models import LANGS, Answer, Hit, Lang
from tests.test_render import well_formed

ISSUE_11 = [
    "gansu-opera-tour-2006",
    "porcelain-photo-exhibits-2014",
    "musicians-xiamen-contest-2003",
    "youth-delegation-china-2003",
    "five-years-collection-1997",
    "chinese-film-week-2007",
    "china-culture-days-almaty-2006",
]


def _one(base: FactBase, fid: str, lang: Lang) -> str:
    fact = base.by_id()[fid]
    a = Answer(question="q", lang=lang, kind="fact", hits=[Hit(fact=fact, score=90)])
    return well_formed(render(a, base.sources))


@pytest.mark.parametrize("lang", LANGS)
def test_every_inferred_date_is_shown_with_what_the_article_says(
    base: FactBase, lang: Lang
) -> None:
    inferred = [f for f in base.facts if f.date_inferred]
    assert {f.id for f in inferred} >= set(ISSUE_11)
    for f in inferred:
        text = _one(base, f.id, lang)
        assert f.date_note is not None
        head = f"{format_date(f.date, lang)} ({f.date_note.get(lang)})"
        assert text.startswith(head), (f.id, text[:200])


@pytest.mark.parametrize("lang", LANGS)
def test_a_date_the_article_gives_has_no_note(base: FactBase, lang: Lang) -> None:
    fact = base.by_id()["kz-culture-days-beijing-2007"]
    assert not fact.date_inferred
    text = _one(base, fact.id, lang)
    assert text.split("\n")[0] == format_date(fact.date, lang)


def test_the_issue_example_reads_as_asked(base: FactBase) -> None:
    text = _one(base, "musicians-xiamen-contest-2003", "en")
    assert text.startswith("2003 (the article says “this year”, after the 2003 programme)")
    gansu = _one(base, "gansu-opera-tour-2006", "en")
    assert gansu.startswith("September 2006 (the article says only “until 25 September”")
    assert "20–25 September" not in gansu


@pytest.mark.parametrize(
    ("question", "lang", "note"),
    [
        ("2003", "en", "the article says “this year”"),
        ("2003 жылы не болды", "kk", "мақалада «осы жылы» делінген"),
        ("что было в 2003 году", "ru", "в статье: «в этом году»"),
        ("2006", "en", "the article says only “until 25 September”"),
    ],
)
async def test_year_lists_mark_worked_out_dates(
    engine: Engine, base: FactBase, question: str, lang: Lang, note: str
) -> None:
    a = await engine.ask(question)
    assert a.kind == "year" and a.lang == lang
    texts = [well_formed(render(a, base.sources, page=p)) for p in range(3)]
    assert any(note in t for t in texts)


def test_a_sentence_without_reference_shows_its_paragraph_and_opening_words(
    base: FactBase,
) -> None:
    fact = base.by_id()["china-culture-days-organisers"]
    assert source_label(fact, "en", base.sources) == (
        "body, para. 18, «Қытайдың мәдениет күндері Қазақстанның Алматы…»"
    )
    assert source_label(fact, "ru", base.sources).startswith("основной текст, абзац 18, «Қытайдың")
    assert source_label(fact, "kk", base.sources).startswith("негізгі мәтін, 18-абзац, «Қытайдың")


@pytest.mark.parametrize("lang", LANGS)
def test_page_ranges_use_one_dash_in_every_language(base: FactBase, lang: Lang) -> None:
    fact = base.by_id()["conference-10-years-2002"]
    label = source_label(fact, lang, base.sources)
    assert "47–48" in label and "47-48" not in label


def test_a_fact_on_two_passages_cites_both(base: FactBase) -> None:
    fact = base.by_id()["shanghai-days-almaty-2005"]
    label = source_label(fact, "en", base.sources)
    assert label.startswith("ref. [6], p. 213; body, para. 34, «")
    shanghai_2004 = source_label(base.by_id()["almaty-days-shanghai-2004"], "en", base.sources)
    assert shanghai_2004.startswith("ref. [6], p. 213; body, para. 34")
    # The programme and its first seven directions cite nothing; [9] stands after item 8 only.
    for fid in ("programme-2003-2008", *(f"programme-dir{i}" for i in range(1, 8))):
        for f in base.facts:
            if f.id.startswith(fid):
                assert "[9]" not in source_label(f, "en", base.sources), f.id
    assert source_label(base.by_id()["programme-dir8-consulates"], "en") == "ref. [9]"


def test_the_quote_view_shows_every_passage(base: FactBase) -> None:
    fact = base.by_id()["shanghai-days-almaty-2005"]
    html = render_quote(fact, base.sources, "en")
    assert html.count("<blockquote>") == len(fact.sources) == 3
    assert "ref. [6], p. 213" in html and "body, para. 34" in html
