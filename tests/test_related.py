"""Related facts ("See also"): computed from the fact base, not from a hand-written list."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers.render import MAX_MESSAGE, utf16_len
from handlers.replies import fact_answer
from handlers.see_also import see_also, see_also_facts, with_see_also
from knowledge import index as ix
from knowledge.engine import Engine
from knowledge.factbase import FactBase
from knowledge.models import LANGS, Answer, Hit, Lang
from knowledge.related import (
    MAX_RELATED,
    RECIPROCAL_BONUS,
    features,
    related,
    related_map,
    score,
    weights,
)


def test_the_reciprocal_culture_days_are_related(base: FactBase) -> None:
    facts = base.by_id()
    there = related(facts["almaty-days-shanghai-2004"], base.facts)
    back = related(facts["shanghai-days-almaty-2005"], base.facts)
    assert there[0].id == "shanghai-days-almaty-2005"
    assert back[0].id == "almaty-days-shanghai-2004"


def test_host_and_guest_swapped_is_the_reciprocal(base: FactBase) -> None:
    facts = base.by_id()
    there, back = facts["almaty-days-shanghai-2004"], facts["shanghai-days-almaty-2005"]
    assert (there.host, there.guest) == (back.guest, back.host) == ("CN", "KZ")
    w = weights(base.facts)
    one_way = back.model_copy(update={"host": there.host, "guest": there.guest})
    assert score(there, back, w) - score(there, one_way, w) == pytest.approx(RECIPROCAL_BONUS)


def test_shared_people_tie_facts(base: FactBase) -> None:
    facts = base.by_id()
    ids = [f.id for f in related(facts["abai-150-in-china-1995"], base.facts)]
    assert "abai-works-in-chinese" in ids  # both name Abai


def test_related_never_gives_the_fact_itself_and_at_most_three(base: FactBase) -> None:
    m = related_map(base.facts)
    assert set(m) == {f.id for f in base.facts}
    for fid, rel in m.items():
        assert fid not in rel
        assert len(rel) <= MAX_RELATED
        assert len(set(rel)) == len(rel)
    # Most facts have two or three.
    assert sum(1 for rel in m.values() if len(rel) >= 2) >= 0.9 * len(m)


def test_it_is_computed_from_the_facts(base: FactBase) -> None:
    """Give an unrelated fact a person of another one: now they are related."""
    facts = base.by_id()
    lonely = facts["gansu-opera-tour-2006"]
    target = facts["path-of-abai-chinese-1997"]
    assert target.id not in [f.id for f in related(lonely, base.facts)]
    changed = lonely.model_copy(update={"people": list(target.people)})
    others = [changed if f.id == lonely.id else f for f in base.facts]
    assert target.id in [f.id for f in related(changed, others)]


def test_a_rare_feature_weighs_more_than_a_common_one(base: FactBase) -> None:
    w = weights(base.facts)
    assert w[("person", "abai")] > w[("tag", "agreements")]
    assert w[("tag", "film")] > w[("tag", "agreements")]


def test_score_is_zero_for_nothing_shared(base: FactBase) -> None:
    facts = base.by_id()
    a, b = facts["joint-declaration-2009"], facts["bolashak-students-china"]
    assert not features(a) & features(b)
    assert score(a, b, weights(base.facts)) == 0


def _answer(base: FactBase, fid: str, lang: Lang) -> Answer:
    return fact_answer(base.by_id()[fid], lang)


@pytest.mark.parametrize("lang", LANGS)
async def test_see_also_lines_link_the_related_facts(
    base: FactBase, engine: Engine, lang: Lang
) -> None:
    answer = _answer(base, "almaty-days-shanghai-2004", lang)
    facts = await see_also_facts(answer, engine)
    assert 2 <= len(facts) <= 3
    text = see_also(facts, lang, bot_username="DostyqBot")
    head = {"kk": "Тағы қараңыз", "ru": "См. также", "en": "See also"}[lang]
    assert text.startswith(f"<i>{head}:</i>")
    assert '<a href="https://t.me/DostyqBot?start=f_shanghai-days-almaty-2005">' in text
    assert base.by_id()["shanghai-days-almaty-2005"].title.get(lang).split(" (")[0] in text
    plain = see_also(facts, lang, html_mode=False)
    assert "<" not in plain and plain.startswith(f"{head}:")


async def test_see_also_leaves_out_facts_already_in_the_answer(
    base: FactBase, engine: Engine
) -> None:
    facts = base.by_id()
    one = facts["almaty-days-shanghai-2004"]
    two = facts["shanghai-days-almaty-2005"]
    answer = Answer(
        question="q",
        lang="en",
        kind="fact",
        hits=[Hit(fact=one, score=90), Hit(fact=two, score=88)],
    )
    ids = [f.id for f in await see_also_facts(answer, engine)]
    assert ids and two.id not in ids and one.id not in ids


async def test_no_see_also_for_lists_or_no_answer(engine: Engine) -> None:
    none = Answer(question="q", lang="en", kind="none")
    assert await with_see_also("x", none, engine, "DostyqBot") == "x"


async def test_see_also_never_breaks_the_message_limit(base: FactBase, engine: Engine) -> None:
    answer = _answer(base, "almaty-days-shanghai-2004", "en")
    long = "a" * (MAX_MESSAGE - 10)
    assert await with_see_also(long, answer, engine, "DostyqBot") == long
    short = await with_see_also("x", answer, engine, "DostyqBot")
    assert short.startswith("x\n\n<i>See also:</i>") and utf16_len(short) <= MAX_MESSAGE


async def test_the_index_holds_every_facts_related_facts_and_tags(
    base: FactBase, engine: Engine
) -> None:
    """Computed at build time, as the bot computed them from the fact base it kept."""
    expected = related_map(base.facts, ix.RELATED_KEPT)
    assert {f.id: tuple(await engine.index.related(f.id)) for f in base.facts} == expected
    assert await engine.index.related("no-such-fact") == []
    kinds = {f"{ix.EVENT_TAG}{f.event}" for f in base.facts}
    assert engine.index.tags == {t for f in base.facts for t in f.tags} | kinds
    assert await engine.index.all_facts() == list(base.facts)


async def test_a_fact_base_too_big_to_compare_every_pair_has_no_related_facts(
    base: FactBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ix, "RELATED_UP_TO", 10)
    engine = await Engine.open(tmp_path / "db.sqlite3", base)
    try:
        assert all([await engine.index.related(f.id) == [] for f in base.facts])
        assert await engine.index.all_facts() == list(base.facts)
    finally:
        await engine.close()
