"""The ranker's shortcuts give exactly what the plain computation gives."""

from __future__ import annotations

from functools import cache
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from knowledge.factbase import load_facts
from knowledge.index import fact_head_lines
from knowledge.rank import FUZZ_SCORER, Closeness, _Query


@cache
def heads() -> list[tuple[str, ...]]:
    base = load_facts()
    return [tuple(fact_head_lines(f, base.names)) for f in base.facts]


@cache
def head_words() -> list[str]:
    return sorted({w for h in heads() for line in h for w in line.split()})


def plain(text: str, head: tuple[str, ...]) -> float:
    close = process.extractOne(text, head, scorer=FUZZ_SCORER)
    return float(close[1]) if close else 0.0


_word = st.one_of(
    st.sampled_from(["2004", "1992", "15", "x", "а", "qytai", "китай"]),
    st.text(alphabet="abcxyzäğабвгдеқұәі0123456789", min_size=1, max_size=9),
    st.builds(lambda i: head_words()[i % len(head_words())], st.integers(0, 10**6)),
)
_question = st.lists(_word, max_size=8).map(" ".join)
_line = st.one_of(
    st.lists(_word, min_size=1, max_size=8).map(" ".join),
    st.text(max_size=40),  # anything: punctuation, other scripts, odd spaces
)


@settings(max_examples=400, deadline=None)
@given(_question, st.integers(0, 10**6))
def test_closeness_is_extract_one_over_fact_heads(text: str, pick: int) -> None:
    head = heads()[pick % len(heads())]
    assert Closeness().score(_Query(text), head) == plain(text, head)


@settings(max_examples=400, deadline=None)
@given(st.one_of(_question, st.text(max_size=30)), st.lists(_line, min_size=1, max_size=12))
def test_closeness_is_extract_one_over_any_lines(text: str, lines: list[str]) -> None:
    head = tuple(lines)
    closeness = Closeness()
    assert closeness.score(_Query(text), head) == plain(text, head)
    assert closeness.score(_Query(text), head) == plain(text, head)  # from the cache


def test_closeness_scores_only_the_lines_that_can_win() -> None:
    scored: list[str] = []

    def counting(a: str, b: str, **kw: Any) -> float:
        scored.append(b)
        return float(fuzz.WRatio(a, b, score_cutoff=kw.get("score_cutoff")))

    head = ("казакстаннын кытайдагы мадениет кундери", "kazakhstan culture days in china")
    text = "мадениет кундери"
    want = plain(text, head)
    assert Closeness(counting, bounded=True).score(_Query(text), head) == want > 0
    # The Latin line shares one space with the question, no letter: it cannot come close.
    assert scored == [head[0]]


def test_another_scorer_scores_every_line() -> None:
    """The bound is proved for rapidfuzz's Indel ratios only: any other scorer sees every line."""
    scored: list[str] = []

    def other(a: str, b: str, **kw: Any) -> float:
        scored.append(b)
        return 100.0 * float(Levenshtein.normalized_similarity(a, b))

    head = ("казакстаннын кытайдагы мадениет кундери", "kazakhstan culture days in china")
    assert Closeness(fuzz.WRatio).bounded and not Closeness(other).bounded
    Closeness(other).score(_Query("мадениет кундери"), head)
    assert sorted(scored) == sorted(head)
