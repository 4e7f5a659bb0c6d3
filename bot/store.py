"""The bot's memory in SQLite (aiosqlite): language choices, feedback votes, the question log.

- Schema changes are numbered migrations, each applied in a transaction and recorded in
  ``schema_migrations``.
- No names or usernames are stored. User ids are stored only as a keyed hash (HMAC-SHA256 with a
  secret key kept in the database or given as ``DOSTYQ_LOG_SALT``).
- Writes go through a queue drained by one background task, off the hot path of answering; a
  storage error is logged and never stops an answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

log = logging.getLogger(__name__)

#: A queued write: one SQL statement with its parameters, or a coroutine function.
_Job = tuple[str, tuple[object, ...]] | Callable[[], Awaitable[None]]
#: Queued writes done in one transaction.
WRITE_BATCH = 500

#: While the bot runs, the question log is purged of expired entries at most this often.
PURGE_EVERY_SECONDS = 3600.0

MIGRATIONS: tuple[tuple[int, str], ...] = (
    (
        1,
        """
        CREATE TABLE store_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE user_lang(
            user_hash TEXT PRIMARY KEY,
            lang TEXT NOT NULL CHECK (lang IN ('kk', 'ru', 'en')),
            updated REAL NOT NULL
        );
        CREATE TABLE feedback(
            id INTEGER PRIMARY KEY,
            user_hash TEXT NOT NULL,
            fact_id TEXT NOT NULL,
            vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
            question TEXT,
            created REAL NOT NULL,
            UNIQUE (user_hash, fact_id)
        );
        CREATE TABLE question_log(
            id INTEGER PRIMARY KEY,
            created REAL NOT NULL,
            user_hash TEXT NOT NULL,
            question TEXT NOT NULL,
            lang TEXT NOT NULL,
            chat_type TEXT NOT NULL,
            kind TEXT NOT NULL,
            fact_id TEXT,
            score REAL
        );
        CREATE INDEX question_log_created ON question_log(created);
        CREATE INDEX question_log_user ON question_log(user_hash);
        """,
    ),
)


@dataclass(frozen=True)
class LogEntry:
    created: float
    question: str
    lang: str
    chat_type: str
    kind: str
    fact_id: str | None
    score: float | None


class Store:
    """Open with :meth:`open`; close with :meth:`close` (drains pending writes)."""

    def __init__(self, db: aiosqlite.Connection, key: bytes, log_days: int) -> None:
        self.db = db
        self._key = key
        self.log_days = log_days
        self._queue: asyncio.Queue[_Job | None] = asyncio.Queue()
        # Language choices are few and read on every answer: kept in memory, written through.
        self._langs: dict[str, str] = {}
        self._worker: asyncio.Task[None] | None = None
        self._tx_lock = asyncio.Lock()  # one explicit transaction at a time on the connection
        self._next_purge = time.monotonic() + PURGE_EVERY_SECONDS
        self.write_errors = 0

    @classmethod
    async def open(cls, path: Path | str, *, log_days: int = 90, salt: str | None = None) -> Store:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(str(path), isolation_level=None)
        await db.execute("PRAGMA journal_mode=WAL")
        await db.execute("PRAGMA synchronous=NORMAL")
        await db.execute("PRAGMA busy_timeout=5000")
        await migrate(db)
        key = salt.encode() if salt else await _stored_key(db)
        store = cls(db, key, log_days)
        store._langs = {
            str(h): str(lang)
            for h, lang in await db.execute_fetchall("SELECT user_hash, lang FROM user_lang")
        }
        await store.purge()
        store._worker = asyncio.create_task(store._drain(), name="dostyq-store-writer")
        return store

    async def close(self) -> None:
        if self._worker is not None:
            await self._queue.put(None)
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None
        await self.db.close()

    def user_hash(self, user_id: int) -> str:
        return hmac.new(self._key, str(user_id).encode(), hashlib.sha256).hexdigest()[:32]

    # -- reads (on the answering path, but cheap and failure-tolerant) ------------------------

    async def get_lang(self, user_id: int) -> str | None:
        """The user's /lang choice (from memory; the table is loaded at open)."""
        return self._langs.get(self.user_hash(user_id))

    async def recent(self, *, unanswered: bool = False, limit: int = 50) -> list[LogEntry]:
        where = (
            "WHERE kind = 'none' OR (kind IN ('year','range') AND fact_id IS NULL)"
            if (unanswered)
            else ""
        )
        sql = (
            "SELECT created, question, lang, chat_type, kind, fact_id, score FROM question_log "
            f"{where} ORDER BY created DESC, id DESC LIMIT ?"
        )
        async with self.db.execute(sql, (limit,)) as cur:
            rows = await cur.fetchall()
        return [LogEntry(*r) for r in rows]

    # -- writes (queued) --------------------------------------------------------------------

    def set_lang(self, user_id: int, lang: str) -> None:
        h = self.user_hash(user_id)
        self._langs[h] = lang
        self._submit(
            (
                "INSERT INTO user_lang VALUES (?, ?, ?) ON CONFLICT(user_hash) DO UPDATE SET "
                "lang = excluded.lang, updated = excluded.updated",
                (h, lang, time.time()),
            )
        )

    def vote(self, user_id: int, fact_id: str, vote: int, question: str | None) -> None:
        h = self.user_hash(user_id)
        self._submit(
            (
                "INSERT INTO feedback(user_hash, fact_id, vote, question, created) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(user_hash, fact_id) DO UPDATE SET "
                "vote = excluded.vote, question = excluded.question, created = excluded.created",
                (h, fact_id, vote, question, time.time()),
            )
        )

    def log_question(
        self,
        user_id: int,
        question: str,
        lang: str,
        chat_type: str,
        kind: str,
        fact_id: str | None,
        score: float | None,
    ) -> None:
        if self.log_days <= 0:
            return
        h = self.user_hash(user_id)
        row = (time.time(), h, question, lang, chat_type, kind, fact_id, score)
        self._submit(
            (
                "INSERT INTO question_log(created, user_hash, question, lang, chat_type, kind,"
                " fact_id, score) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
        )
        if time.monotonic() >= self._next_purge:
            # Retention holds while the bot runs, not only at startup.
            self._next_purge = time.monotonic() + PURGE_EVERY_SECONDS
            self._submit(self._purge_job)

    async def forget(self, user_id: int) -> int:
        """Delete everything stored about the user, now (not queued); returns rows deleted."""
        await self.flush()
        h = self.user_hash(user_id)
        self._langs.pop(h, None)
        deleted = 0
        async with self._tx_lock:  # two /forget at once must not nest transactions
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                for table in ("user_lang", "feedback", "question_log"):
                    cur = await self.db.execute(f"DELETE FROM {table} WHERE user_hash = ?", (h,))
                    deleted += cur.rowcount
                await self.db.commit()
            except BaseException:
                await self.db.rollback()
                raise
        return deleted

    async def purge(self) -> int:
        """Drop question-log entries older than the retention period."""
        if self.log_days <= 0:
            cur = await self.db.execute("DELETE FROM question_log")
        else:
            cutoff = time.time() - self.log_days * 86400
            cur = await self.db.execute("DELETE FROM question_log WHERE created < ?", (cutoff,))
        return cur.rowcount

    async def _purge_job(self) -> None:
        await self.purge()

    async def flush(self) -> None:
        """Wait until every queued write is done."""
        await self._queue.join()

    def _submit(self, job: _Job) -> None:
        self._queue.put_nowait(job)

    async def _drain(self) -> None:
        """Write what is queued, in batches: one transaction (and few thread hops) per batch."""
        while True:
            batch = [await self._queue.get()]
            while len(batch) < WRITE_BATCH and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            stop = None in batch
            jobs = [j for j in batch if j is not None]
            try:
                await self._write(jobs)
            except Exception:
                self.write_errors += len(jobs)
                log.exception("%d storage writes failed; the answers were not affected", len(jobs))
            finally:
                for _ in batch:
                    self._queue.task_done()
            if stop:
                return

    async def _write(self, jobs: list[_Job]) -> None:
        if not jobs:
            return
        async with self._tx_lock:
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                i = 0
                while i < len(jobs):
                    job = jobs[i]
                    if callable(job):
                        await job()
                        i += 1
                        continue
                    sql, rows = job[0], [job[1]]
                    i += 1
                    while i < len(jobs) and not callable(jobs[i]) and jobs[i][0] == sql:  # type: ignore[index]
                        rows.append(jobs[i][1])  # type: ignore[index]
                        i += 1
                    await self.db.executemany(sql, rows)
                await self.db.commit()
            except BaseException:
                with contextlib.suppress(Exception):
                    await self.db.rollback()
                raise


async def migrate(db: aiosqlite.Connection) -> list[int]:
    """Apply the migrations not yet recorded, each in its own transaction."""
    await db.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations(version INTEGER PRIMARY KEY, applied REAL)"
    )
    async with db.execute("SELECT version FROM schema_migrations") as cur:
        done = {int(r[0]) for r in await cur.fetchall()}
    applied = []
    for version, script in MIGRATIONS:
        if version in done:
            continue
        await db.execute("BEGIN IMMEDIATE")
        try:
            for stmt in script.split(";"):
                if stmt.strip():
                    await db.execute(stmt)
            await db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (version, time.time()))
            await db.commit()
        except BaseException:
            await db.rollback()
            raise
        applied.append(version)
    return applied


async def _stored_key(db: aiosqlite.Connection) -> bytes:
    async with db.execute("SELECT value FROM store_meta WHERE key = 'hash_key'") as cur:
        row = await cur.fetchone()
    if row:
        return bytes.fromhex(str(row[0]))
    key = secrets.token_bytes(32)
    await db.execute("INSERT OR IGNORE INTO store_meta VALUES ('hash_key', ?)", (key.hex(),))
    async with db.execute("SELECT value FROM store_meta WHERE key = 'hash_key'") as cur:
        row = await cur.fetchone()
    return bytes.fromhex(str(row[0])) if row else key
