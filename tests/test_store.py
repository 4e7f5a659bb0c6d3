"""The store, on both backends: SQLite (a temporary file) and PostgreSQL (a real server).

Every test taking ``target`` runs twice. What a test checks in the database it reads through a
connection of its own, as another process would.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot import store as store_mod
from bot.store import Store, index_db, is_url
from bot.store_schema import MIGRATIONS
from handlers.memory import Memory
from knowledge.compose import CONTEXT_SECONDS
from knowledge.models import Context
from tests import pg

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "store.sqlite3")
    else:
        with pg.fresh_schema() as url:
            yield url


def raw(target: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Run one statement on a connection of its own (committed at once)."""
    if is_url(target):
        import psycopg

        with psycopg.connect(target, autocommit=True) as conn:
            cur = conn.execute(sql.replace("?", "%s").encode(), params)
            return list(cur.fetchall()) if cur.description else []
    with sqlite3.connect(target) as conn:
        rows = list(conn.execute(sql, params))
    conn.close()
    return rows


def log_rows(target: str) -> list[str]:
    return [q for (q,) in raw(target, "SELECT question FROM question_log ORDER BY id")]


# -- migrations --------------------------------------------------------------------------------


async def test_migrations_are_recorded_once(target: str) -> None:
    for _ in range(3):
        store = await Store.open(target)
        assert await store.backend.migrate() == []  # already applied by open()
        await store.close()
    versions = [v for (v,) in raw(target, "SELECT version FROM schema_migrations")]
    assert versions == [v for v, _ in MIGRATIONS]
    assert raw(target, "SELECT count(*) FROM store_meta") == [(1,)]  # the key, made once


async def test_two_processes_opening_at_once_migrate_once(target: str) -> None:
    # Separate connections racing, as two replicas (or `run` twice) starting together. The
    # version is read under the write lock, so neither applies a migration the other applied.
    stores = await asyncio.gather(*(Store.open(target) for _ in range(4)))
    try:
        assert len({s.user_hash(1) for s in stores}) == 1  # one key, whoever made it
    finally:
        for s in stores:
            await s.close()
    assert raw(target, "SELECT count(*) FROM schema_migrations") == [(len(MIGRATIONS),)]


# -- read-only opening -------------------------------------------------------------------------


async def test_readonly_open_writes_nothing(target: str, tmp_path: Path) -> None:
    if not is_url(target):
        missing = tmp_path / "none" / "x.sqlite3"
        ro = await Store.open(missing, readonly=True)
        assert await ro.recent() == [] and ro.readonly
        await ro.close()
        assert not missing.parent.exists()  # not even the folder was made
    store = await Store.open(target, log_days=2)
    store.log_question(1, "kept", "en", "private", "fact", "x", 1.0)
    await store.close()
    stale = time.time() - 30 * 86400
    raw(
        target,
        "INSERT INTO question_log(created, user_hash, question, lang, chat_type, kind)"
        " VALUES (?, 'h', 'expired', 'en', 'private', 'none')",
        (stale,),
    )
    ro = await Store.open(target, readonly=True)  # a shell without the service's settings
    try:
        assert {e.question for e in await ro.recent()} == {"kept", "expired"}
        assert not await ro.set_lang(1, "ru")
        assert not await ro.vote(1, "x", 1, None)
        assert await ro.forget(1) is None
        ro.log_question(1, "not written", "en", "private", "fact", "x", 1.0)
    finally:
        await ro.close()
    assert log_rows(target) == ["kept", "expired"]  # nothing purged, nothing written
    assert raw(target, "SELECT count(*) FROM user_lang") == [(0,)]


async def test_readonly_open_does_not_migrate(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:  # a store from before migration 1 was recorded
        conn.execute("CREATE TABLE schema_migrations(version INTEGER PRIMARY KEY, applied REAL)")
    conn.close()
    with pytest.raises(RuntimeError, match="needs migration 1"):
        await Store.open(path, readonly=True)
    with sqlite3.connect(path) as conn:
        assert list(conn.execute("SELECT count(*) FROM schema_migrations")) == [(0,)]
    conn.close()


# -- hashing -----------------------------------------------------------------------------------


async def test_hash_is_keyed(target: str, tmp_path: Path) -> None:
    a = await Store.open(target)
    b = await Store.open(tmp_path / "b.sqlite3")
    c = await Store.open(tmp_path / "c.sqlite3", key="configured")
    try:
        assert a.user_hash(1) != b.user_hash(1)  # a random key per database
        assert c.user_hash(1) != a.user_hash(1)  # or DOSTYQ_HASH_KEY
    finally:
        for s in (a, b, c):
            await s.close()


async def test_a_configured_key_is_not_stored_and_old_rows_stay_reachable(target: str) -> None:
    fresh = await Store.open(target, key="outside-the-database")
    await fresh.close()
    assert raw(target, "SELECT count(*) FROM store_meta") == [(0,)]
    configured = fresh.user_hash(7)

    # A database that made its own key before DOSTYQ_HASH_KEY was set: the user's old rows
    # still give their language, and /forget still deletes them.
    raw(target, "INSERT INTO store_meta VALUES ('hash_key', ?)", ("ab" * 32,))
    old = await Store.open(target)
    assert await old.set_lang(7, "kk") and await old.vote(7, "x", 1, "q")
    await old.close()
    store = await Store.open(target, key="outside-the-database")
    try:
        assert store.user_hash(7) == configured != old.user_hash(7)
        assert await store.get_lang(7) == "kk"
        await store.flush()  # seen once: the user's rows now go by the configured key's hash
        assert raw(target, "SELECT user_hash FROM user_lang") == [(configured,)]
        assert raw(target, "SELECT user_hash FROM feedback") == [(configured,)]
        assert await store.forget(7) == 2
    finally:
        await store.close()
    assert raw(target, "SELECT count(*) FROM user_lang") == [(0,)]
    assert raw(target, "SELECT count(*) FROM feedback") == [(0,)]


# -- what the user is told about is committed first -------------------------------------------


async def test_language_and_vote_are_committed_when_they_return(target: str) -> None:
    store = await Store.open(target)
    try:
        assert await store.set_lang(5, "ru")
        # Seen by another connection at once: not waiting in a queue for a later batch.
        assert raw(target, "SELECT lang FROM user_lang") == [("ru",)]
        assert await store.vote(5, "abai-150", -1, "Abai 150")
        assert raw(target, "SELECT fact_id, vote, question FROM feedback") == [
            ("abai-150", -1, "Abai 150")
        ]
        assert await store.get_lang(5) == "ru"
    finally:
        await store.close()


async def test_forget_runs_after_the_questions_queued_before_it(target: str) -> None:
    store = await Store.open(target)
    try:
        for i in range(10):
            store.log_question(9, f"question {i}", "en", "private", "fact", "x", 1.0)
        store.log_question(10, "someone else's", "en", "private", "fact", "x", 1.0)
        assert await store.set_lang(9, "kk")
        assert await store.forget(9) == 11
        assert await store.get_lang(9) is None
    finally:
        await store.close()
    assert log_rows(target) == ["someone else's"]


async def test_concurrent_forgets(target: str) -> None:
    store = await Store.open(target)
    try:
        for uid in (1, 2, 3):
            assert await store.set_lang(uid, "ru")
            store.log_question(uid, "q", "ru", "private", "fact", "x", 1.0)
        deleted = await asyncio.gather(*(store.forget(uid) for uid in (1, 2, 3)))
        assert deleted == [2, 2, 2]
    finally:
        await store.close()


# -- one bad row is alone ----------------------------------------------------------------------


async def test_a_lone_surrogate_does_not_roll_back_the_batch(target: str) -> None:
    store = await Store.open(target)
    try:
        for uid in range(7):
            store.log_question(uid, f"question {uid}", "en", "private", "fact", "x", 1.0)
        store.log_question(99, "Абай \ud800 150", "kk", "private", "none", None, None)
        store.log_question(98, "nul \x00 byte", "en", "private", "none", None, None)
        await store.flush()
        assert store.write_errors == 0
    finally:
        await store.close()
    rows = log_rows(target)
    assert len(rows) == 9 and "Абай ? 150" in rows and "nul  byte" in rows


async def test_a_failing_row_is_isolated_from_its_batch(
    target: str, caplog: pytest.LogCaptureFixture
) -> None:
    store = await Store.open(target)
    try:
        for uid in range(4):
            store.log_question(uid, f"before {uid}", "en", "private", "fact", "x", 1.0)
        voted = asyncio.ensure_future(store.vote(50, "abai-150", 1, None))
        bad = asyncio.ensure_future(store.vote(51, "abai-150", 7, None))  # fails its CHECK
        for uid in range(4):
            store.log_question(uid, f"after {uid}", "en", "private", "fact", "x", 1.0)
        with caplog.at_level(logging.ERROR, logger="bot.store"):
            assert await voted and not await bad
            await store.flush()
    finally:
        await store.close()
    assert store.write_errors == 1
    assert len(log_rows(target)) == 8
    assert raw(target, "SELECT vote FROM feedback") == [(1,)]
    assert sum("storage error" in r.getMessage() for r in caplog.records) == 1


# -- a database that fails -----------------------------------------------------------------------


async def test_errors_are_logged_once_a_minute(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = await Store.open(tmp_path / "s.sqlite3")
    backend = store.backend
    assert isinstance(backend, store_mod.SQLiteBackend)
    await backend.db.execute("PRAGMA query_only = 1")  # every write now fails, as read-only
    clock = [1000.0]
    store._errors = store_mod._ErrorLog(clock=lambda: clock[0])
    try:
        with caplog.at_level(logging.ERROR, logger="bot.store"):
            for i in range(30):
                store.log_question(i, "q", "en", "private", "fact", "x", 1.0)
                await store.flush()
                clock[0] += 1.0
            assert not await store.set_lang(1, "ru")
            first = [r.getMessage() for r in caplog.records]
            clock[0] += 60.0
            store.log_question(1, "q", "en", "private", "fact", "x", 1.0)
            await store.flush()
    finally:
        await backend.db.execute("PRAGMA query_only = 0")
        await store.close()
    assert store.write_errors == 32
    assert len(first) == 1 and "readonly" in first[0]
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2 and "(and 30 more since the last report)" in lines[1]


async def test_forget_that_fails_keeps_everything_and_says_so(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "s.sqlite3")
    backend = store.backend
    assert isinstance(backend, store_mod.SQLiteBackend)
    try:
        assert await store.set_lang(3, "kk")
        await backend.db.execute("PRAGMA query_only = 1")
        assert await store.forget(3) is None
        assert await store.get_lang(3) == "kk"  # the cache was not cleared first
        await backend.db.execute("PRAGMA query_only = 0")
        assert await store.forget(3) == 1
    finally:
        await store.close()


# -- retention ---------------------------------------------------------------------------------


async def test_retention_purge(target: str) -> None:
    store = await Store.open(target, log_days=2)
    store.log_question(1, "fresh", "en", "private", "fact", "x", 1.0)
    await store.close()
    insert = (
        "INSERT INTO question_log(created, user_hash, question, lang, chat_type, kind)"
        " VALUES (?, 'h', ?, 'en', 'private', 'none')"
    )
    old = time.time() - 3 * 86400
    raw(target, insert, (old, "stale"))
    assert log_rows(target) == ["fresh", "stale"]

    # On open ...
    store = await Store.open(target, log_days=2)
    assert log_rows(target) == ["fresh"]
    # ... and while running (at most once an hour, on the next logged question).
    raw(target, insert, (old, "stale again"))
    store._next_purge = 0
    store.log_question(1, "later", "en", "private", "fact", "x", 1.0)
    await store.flush()
    assert log_rows(target) == ["fresh", "later"]
    await store.close()

    # DOSTYQ_LOG_DAYS=0 keeps nothing: the log is emptied and nothing new is written.
    store = await Store.open(target, log_days=0)
    store.log_question(1, "not kept", "en", "private", "fact", "x", 1.0)
    await store.close()
    assert log_rows(target) == []


# -- the read API for stats --------------------------------------------------------------------


async def test_stats_reads(target: str) -> None:
    day = 86400.0
    now = 20_000 * day + 3600  # 2024-10-04 01:00 UTC
    insert = (
        "INSERT INTO question_log(created, user_hash, question, lang, chat_type, kind, fact_id)"
        " VALUES (?, 'h', ?, ?, ?, ?, ?)"
    )
    rows = [
        (now - 100, "abai", "kk", "private", "fact", "abai-150"),
        (now - 200, "abai again", "ru", "supergroup", "fact", "abai-150"),
        (now - 300, "weather", "en", "private", "none", None),
        (now - day, "2004", "kk", "private", "year", "almaty-days-2004"),
        (now - day - 10, "1700", "kk", "private", "year", None),
        (now - 40 * day, "too old", "en", "private", "fact", "abai-150"),
    ]
    store = await Store.open(target, log_days=0)  # opened before the rows: nothing purged
    try:
        for r in rows:
            raw(target, insert, r)
        assert await store.vote(1, "abai-150", 1, None)
        assert await store.vote(2, "abai-150", -1, None)
        assert await store.vote(2, "almaty-days-2004", 1, None)
        per_day = await store.questions_per_day(7, now=now)
        assert [(c.key, c.questions, c.answered) for c in per_day] == [
            ("2024-10-03", 2, 1),
            ("2024-10-04", 3, 2),
        ]
        by_lang = await store.answered_by("lang", 30, now=now)
        assert [(c.key, c.questions, c.answered) for c in by_lang] == [
            ("kk", 3, 2),
            ("en", 1, 0),
            ("ru", 1, 1),
        ]
        by_type = await store.answered_by("chat_type", 30, now=now)
        assert [(c.key, c.questions) for c in by_type] == [("private", 4), ("supergroup", 1)]
        assert await store.top_facts(30, now=now) == [("abai-150", 2), ("almaty-days-2004", 1)]
        votes = await store.votes_per_fact()
        assert [(v.fact_id, v.up, v.down) for v in votes] == [
            ("abai-150", 1, 1),
            ("almaty-days-2004", 1, 0),
        ]
        assert [e.question for e in await store.unanswered(30, now=now)] == ["weather", "1700"]
        with pytest.raises(ValueError):
            await store.answered_by("question", 30)  # type: ignore[arg-type]
    finally:
        await store.close()


# -- where the index goes ----------------------------------------------------------------------


def test_the_index_stays_local_with_postgresql(tmp_path: Path) -> None:
    assert index_db(tmp_path / "x.sqlite3") == tmp_path / "x.sqlite3"
    assert index_db("postgresql://u@db.example/dostyq") == ":memory:"


# -- handler memory ----------------------------------------------------------------------------


def test_memory_is_bounded_and_per_user() -> None:
    memory = Memory(questions=3, chats=2)
    memory.remember(-100, 1, 11, "A's question")
    assert memory.recall(-100, 1, 11) == "A's question"
    assert memory.recall(-100, 1, 22) is None  # B votes on A's answer: not A's text
    for i in range(2, 6):
        memory.remember(-100, i, 22, f"B {i}")
    assert memory.recall(-100, 1, 11) is None and memory.recall(-100, 5, 22) == "B 5"
    assert memory.forget_user(22) == 3 and len(memory) == 0
    for chat in (1, 2, 3):
        assert memory.swap_last_none(chat, 1.0) is None
    assert memory.swap_last_none(3, 2.0) == 1.0 and memory.swap_last_none(1, 2.0) is None


def test_memory_keeps_each_conversations_context_for_a_while() -> None:
    memory = Memory(contexts=2)
    ctx = Context(intent="date", kind="year", lang="kk", start=2004, end=2004, year=2004)
    memory.keep_context(-100, 11, ctx, now=0.0)
    assert memory.context(-100, 11, now=1.0) == ctx
    assert memory.context(-100, 22, now=1.0) is None  # another member of the group
    assert memory.context(-100, 11, now=CONTEXT_SECONDS + 1) is None  # expired, and dropped
    for user in (1, 2, 3):
        memory.keep_context(5, user, ctx, now=0.0)
    assert memory.context(5, 1, now=0.0) is None and memory.context(5, 3, now=0.0) == ctx
    memory.forget_user(3)
    assert memory.context(5, 3, now=0.0) is None


# -- replicas ----------------------------------------------------------------------------------


async def test_replicas_sharing_postgresql_see_each_others_writes() -> None:
    with pg.fresh_schema() as url:
        a, b = await Store.open(url), await Store.open(url)
        try:
            assert await a.get_lang(1) is None
            assert await b.set_lang(1, "kk")
            assert await a.get_lang(1) == "kk"  # nothing cached on a's side
            assert await a.set_lang(1, "ru")
            assert await b.get_lang(1) == "ru"
            assert await a.vote(1, "abai-150", 1, None) and await b.vote(1, "abai-150", -1, None)
            assert raw(url, "SELECT vote FROM feedback") == [(-1,)]  # the last vote wins
            b.log_question(1, "asked on b", "ru", "private", "fact", "abai-150", 1.0)
            await b.flush()
            assert await a.forget(1) == 3  # what b wrote is gone too
            assert await b.get_lang(1) is None
        finally:
            await a.close()
            await b.close()


async def test_an_update_is_handled_by_one_process_only(target: str) -> None:
    a, b = await Store.open(target), await Store.open(target)
    try:
        firsts = await asyncio.gather(*(s.first_delivery(1001) for s in (a, b, a, b)))
        assert sorted(firsts) == [False, False, False, True]
        assert await b.first_delivery(1002)
        raw(target, "UPDATE seen_update SET seen = 0 WHERE update_id = 1001")
        assert await a.purge() == 0  # no log rows; the old update id goes with the purge
        assert [u for (u,) in raw(target, "SELECT update_id FROM seen_update")] == [1002]
    finally:
        await a.close()
        await b.close()


async def test_a_store_at_version_1_is_migrated_to_the_latest(target: str) -> None:
    from bot.store_schema import statements

    dialect = "postgresql" if is_url(target) else "sqlite"
    raw(target, "CREATE TABLE schema_migrations(version INTEGER PRIMARY KEY, applied REAL)")
    for stmt in statements(MIGRATIONS[0][1][dialect]):
        raw(target, stmt)
    raw(target, "INSERT INTO schema_migrations VALUES (1, 0)")
    raw(target, "INSERT INTO user_lang VALUES ('h', 'kk', 0)")
    store = await Store.open(target)
    try:
        assert await store.backend.migrate() == []
        assert await store.first_delivery(5)
    finally:
        await store.close()
    versions = [v for (v,) in raw(target, "SELECT version FROM schema_migrations ORDER BY 1")]
    assert versions == [v for v, _ in MIGRATIONS] and len(versions) >= 2
    assert raw(target, "SELECT lang FROM user_lang") == [("kk",)]


async def test_postgresql_connections_that_break_are_opened_again() -> None:
    with pg.fresh_schema() as url:
        store = await Store.open(url)
        try:
            assert await store.set_lang(1, "kk")
            # The server ends every session of this role (as a restart or a failover would).
            raw(
                pg.server_url(),
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE usename = current_user AND pid <> pg_backend_pid()",
            )
            assert await store.get_lang(1) == "kk"  # a read is tried again on a new connection
            results = [await store.set_lang(1, "ru") for _ in range(2)]
            assert results[-1] and await store.get_lang(1) == "ru"
        finally:
            await store.close()


async def test_the_ordered_processor_keeps_each_users_order() -> None:
    from telegram import Update

    from handlers.ordering import UserOrderedProcessor
    from tests import factories as F

    done: list[int] = []
    processor = UserOrderedProcessor(4, on_done=lambda u: done.append(u.update_id))  # type: ignore[attr-defined]
    log: list[tuple[int, int]] = []

    async def handle(user: int, i: int, delay: float) -> None:
        await asyncio.sleep(delay)
        log.append((user, i))
        if i == 2:
            raise RuntimeError("a handler that fails still releases its user")

    tasks = []
    for i in range(4):
        for user, delay in ((1, 0.02), (2, 0.0)):
            update = Update.de_json(F.make_message_update("q", user_id=user), None)
            tasks.append(
                asyncio.create_task(processor.process_update(update, handle(user, i, delay)))
            )
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert sum(isinstance(r, RuntimeError) for r in results) == 2
    assert [i for u, i in log if u == 1] == [0, 1, 2, 3]
    assert [i for u, i in log if u == 2] == [0, 1, 2, 3]
    assert log.index((2, 3)) < log.index((1, 1))  # user 2 was not held behind user 1
    assert len(done) == 8 and not processor._locks
