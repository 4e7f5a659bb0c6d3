"""Property-based: any Unicode input gets an answer, and the rendered HTML is well formed."""

from __future__ import annotations

import asyncio
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers.render import MAX_MESSAGE, render, utf16_len
from knowledge.dates import NUMBER_WORDS, parse_dates
from knowledge.engine import _NUMBER_WORD_RE, Engine
from knowledge.factbase import load_facts
from knowledge.text import normalise
from tests.test_render import well_formed

BASE = load_facts()


@pytest.fixture(scope="module")
def sync_engine() -> Iterator[tuple[asyncio.AbstractEventLoop, Engine]]:
    """An engine on its own loop: hypothesis drives plain functions."""
    loop = asyncio.new_event_loop()
    with tempfile.TemporaryDirectory(prefix="dostyq-prop-") as tmp:
        eng = loop.run_until_complete(Engine.open(Path(tmp) / "i.sqlite3", BASE))
        try:
            yield loop, eng
        finally:
            loop.run_until_complete(eng.close())
            loop.close()


WORDS = st.sampled_from(
    [
        "Абай",
        "2004",
        "жылы",
        "Қытай",
        "culture",
        "days",
        "NEAR",
        "OR",
        "'",
        '"',
        "*",
        "(",
        "<b>",
        "&",
        "Урумчи",
        "qytai",
        "ß",
        "İ",
        "🇰🇿",
        "\x00",
        "--",
        "1990s",
        "в 90-е",
    ]
)
QUESTIONS = st.one_of(
    st.text(max_size=300),
    st.lists(WORDS, max_size=12).map(" ".join),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(q=QUESTIONS)
def test_any_input_gets_a_well_formed_answer(
    sync_engine: tuple[asyncio.AbstractEventLoop, Engine], q: str
) -> None:
    loop, engine = sync_engine
    answer = loop.run_until_complete(engine.ask(q))
    assert answer.kind in ("fact", "year", "range", "compare", "list", "chat", "none")
    if answer.kind == "fact":
        assert answer.hits
    for page in (0, 1):
        html = render(answer, BASE.sources, page=page)
        assert 0 < utf16_len(html) <= MAX_MESSAGE
        well_formed(html)


@given(st.text(max_size=200))
def test_normalise_is_idempotent(s: str) -> None:
    assert normalise(normalise(s)) == normalise(s)


@given(st.text(max_size=200))
def test_dates_never_raise(s: str) -> None:
    d, _ = parse_dates(normalise(s))
    assert d is None or d.start <= d.end


_NUMBER_WORDS_AND_MORE = st.sampled_from(
    [*NUMBER_WORDS, "x", "два2", "_три", "one's", "екі-үш", " ", "\u0301", "ё"]
)


@given(st.lists(_NUMBER_WORDS_AND_MORE, max_size=12).map("".join) | st.text(max_size=60))
def test_the_number_word_pattern_finds_what_a_scan_of_words_finds(s: str) -> None:
    # stated_number finds number words with one pattern instead of testing every word.
    scan = [
        (m.start(), m.group(0)) for m in re.finditer(r"[^\W\d_]+", s) if m.group(0) in NUMBER_WORDS
    ]
    assert [(m.start(), m.group(0)) for m in _NUMBER_WORD_RE.finditer(s)] == scan
