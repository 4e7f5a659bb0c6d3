"""What the process keeps in memory between updates stays small and bounded.

The 10-minute soak (``benchmarks.production --soak``, figures in benchmarks/RESULTS.md) found
the resident size growing for as long as these tables filled. These tests hold each table to
its bound and, measured with tracemalloc (allocations, not time), to a memory budget at that
bound, and check that entries which can no longer be used are dropped as new ones come.
"""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from telegram import Update

from bot import store as store_mod
from bot.store import Store
from knowledge.engine import Engine
from tests.factories import make_message_update
from tests.test_handlers import (  # the offline harness, and its clean-environment fixture
    RecordingRequest,
    _clean_env,
    make_settings,
    start,
    stop,
)

__all__ = ["_clean_env"]
from handlers import flood, memory
from handlers.memory import Memory
from knowledge.compose import CONTEXT_SECONDS
from knowledge.models import Context

MIB = 2**20
FIRST = 1_000_000_000  # user ids of the size Telegram gives


def _traced(fill: Callable[[], object]) -> tuple[int, object]:
    """Bytes that ``fill()`` allocated and still holds (what it returns is kept alive)."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        kept = fill()
        return tracemalloc.get_traced_memory()[0] - before, kept
    finally:
        tracemalloc.stop()


def _question(i: int) -> str:
    # A fresh string each time, as a decoded update gives (a typical question: 40 characters).
    return json.loads(json.dumps(f"Абай мен Қытай мәдениеті туралы сұрақ {i}"))


def _context(i: int) -> Context:
    return Context(
        intent="fact",
        kind="fact",
        lang="kk",
        words=["абай", "құнанбайұлы", f"w{i}"],
        years=[2004],
        year=2004,
        fact_ids=["f_0012", "f_0040"],
        host="kz",
    )


# -- the handlers' Memory -------------------------------------------------------------------


def test_remembered_questions_fit_their_budget_at_the_bound() -> None:
    n = memory.REMEMBERED_QUESTIONS

    def fill() -> Memory:
        m = Memory()
        for i in range(n + 500):
            m.remember(FIRST + i % 2000, i + 1, FIRST + i % 2000, _question(i))
        return m

    size, m = _traced(fill)
    assert isinstance(m, Memory) and len(m) == n
    assert m.recall(FIRST + 499, 500, FIRST + 499) is None  # the oldest 500 went
    assert m.recall(FIRST + 500, 501, FIRST + 500) is not None
    # About 400 bytes an answer: 2 MiB at 5,000 (20,000 took 7.7 MiB, 13 MiB of RSS in the soak).
    assert size < 3 * MIB, size / MIB


def test_contexts_fit_their_budget_at_the_bound() -> None:
    n = memory.REMEMBERED_CONTEXTS

    def fill() -> Memory:
        m = Memory()
        for i in range(n + 10):  # a new context for each answer, as the engine makes them
            m.keep_context(FIRST + i, FIRST + i, _context(i), now=1.0)
        return m

    size, m = _traced(fill)
    assert isinstance(m, Memory) and len(m) == n
    # Kept as compact JSON: about 450 bytes each (the model objects took 1,700: 17 MiB).
    assert size < 5 * MIB, size / MIB


def test_a_context_reads_back_as_it_was_kept() -> None:
    m = Memory()
    ctx = Context(
        intent="compare",
        kind="range",
        lang="ru",
        words=["абай"],
        start=1990,
        end=2005,
        years=[1992, 2004],
        year=2004,
        page=2,
        pages=3,
        fact_ids=["f_0001"],
        target="f_0002",
        host="kz",
        guest="cn",
    )
    m.keep_context(1, 2, ctx, now=0.0)
    assert m.context(1, 2, now=1.0) == ctx
    m.keep_context(1, 2, Context(intent="fact", kind="fact", lang="en"), now=2.0)
    assert m.context(1, 2, now=3.0) == Context(intent="fact", kind="fact", lang="en")


def test_stale_contexts_are_dropped_as_new_ones_come() -> None:
    m = Memory()
    ctx = _context(0)
    for user in range(100):
        m.keep_context(user, user, ctx, now=0.0)
    m.keep_context(500, 500, ctx, now=CONTEXT_SECONDS / 2)
    assert len(m) == 101  # all still fresh
    m.keep_context(501, 501, ctx, now=CONTEXT_SECONDS + 1)
    # The hundred are past CONTEXT_SECONDS (no question could use them): gone, not kept
    # until the bound pushes them out.
    assert len(m) == 2
    assert m.context(500, 500, now=CONTEXT_SECONDS + 1) == ctx


# -- flood control --------------------------------------------------------------------------


def test_the_flood_gate_holds_only_the_users_of_the_last_window() -> None:
    gate = flood.FloodGate()  # the default bound, 10,000, is never reached here
    for minute in range(5):
        now = minute * flood.WINDOW_SECONDS
        for i in range(1000):
            user = FIRST + minute * 1000 + i
            assert gate.state(user, now).check(20, now) is flood.Verdict.OK
    # Each minute's users were idle a window later: only the last minute's thousand are left
    # (before, all 5,000, and a new user each update until the bound).
    assert len(gate.users) == 1000
    assert min(gate.users) == FIRST + 4000


def test_a_user_forgotten_as_idle_is_counted_afresh() -> None:
    gate = flood.FloodGate()
    for i in range(3):
        gate.state(7, float(i)).check(3, float(i))
    assert gate.state(7, 3.0).check(3, 3.0) is flood.Verdict.WARN
    gate.state(8, 100.0).check(3, 100.0)  # user 7 is idle: dropped
    assert list(gate.users) == [8]
    assert gate.state(7, 100.0).check(3, 100.0) is flood.Verdict.OK


# -- the store's language cache -------------------------------------------------------------


async def test_the_language_cache_stays_at_its_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_mod, "LANG_CACHE_SIZE", 50)
    store = await Store.open(tmp_path / "s.sqlite3")
    try:
        assert await store.set_lang(FIRST, "kk")
        for user in range(FIRST + 1, FIRST + 80):
            assert await store.get_lang(user) is None
        assert store._langs is not None and len(store._langs) == 50
        assert await store.get_lang(FIRST) == "kk"  # pushed out of the cache, read again
    finally:
        await store.close()


async def test_the_language_cache_fits_its_budget_at_the_bound(tmp_path: Path) -> None:
    """At its bound the cache holds LANG_CACHE_SIZE users; measured on a thousand misses."""
    store = await Store.open(tmp_path / "s.sqlite3")
    try:
        await store.get_lang(FIRST - 1)  # the first read's own set-up, outside the measure
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            for user in range(FIRST, FIRST + 1000):
                assert await store.get_lang(user) is None
            size = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
        assert store._langs is not None and len(store._langs) == 1001
    finally:
        await store.close()
    # About 160 bytes a user: 1.5 MiB at 10,000 (at 100,000 it was 15 MiB).
    assert size / 1000 * store_mod.LANG_CACHE_SIZE < 3 * MIB, size


# -- PTB's Application ----------------------------------------------------------------------


async def test_the_application_keeps_nothing_per_user_without_persistence(
    tmp_path: Path,
) -> None:
    """PTB marks each update's chat and user for a persistence run that, with no persistence,
    never comes: the two sets grew by every user the process ever saw."""
    request = RecordingRequest()
    app = await start(make_settings(tmp_path / "bot.sqlite3"), request)
    try:
        for i in range(50):
            user = FIRST + i
            update = make_message_update("2004", user_id=user, chat_id=user)
            await app.process_update(Update.de_json(update, app.bot))
        assert sum(c.method == "sendMessage" for c in request.calls) == 50
        assert app.persistence is None
        assert len(app._user_ids_to_be_updated_in_persistence) == 0
        assert len(app._chat_ids_to_be_updated_in_persistence) == 0
    finally:
        await stop(app)
    assert request.problems == []


def test_word_memos_stay_bounded_with_never_seen_words(engine: Engine) -> None:
    # Every message may bring words nobody typed before; the memos must not grow with them.
    from knowledge.lexicon import WORD_CACHE
    from knowledge.stem import STEM_CACHE, stem_en, stem_ru

    for i in range(WORD_CACHE + 500):
        engine.understand(f"что было с qwx{i}zz и абв{i}где в 2004")
    assert len(engine.lexicon._cache) <= WORD_CACHE
    assert len(engine.lexicon._forms) <= WORD_CACHE
    assert (
        stem_ru.cache_info().currsize <= STEM_CACHE and stem_en.cache_info().currsize <= STEM_CACHE
    )
    assert len(engine.index.analyzer.kk._cache) <= STEM_CACHE
