"""The bot's memory: language choices, feedback votes, the question log.

- Two backends: SQLite (the default, a file) and PostgreSQL (``DOSTYQ_DB=postgresql://...``,
  shared by replicas). Both go through the same numbered migrations (``bot.store_schema``).
- No names or usernames are stored. User ids are stored only as a keyed hash (HMAC-SHA256). The
  key is best given as ``DOSTYQ_HASH_KEY``, kept apart from the database: with the key beside
  the hashes, anyone holding the database can hash every possible user id and match them.
  Without one, a random key is made and kept in the database.
- Writes go through a queue drained by one background task, in batches (one transaction each).
  What the user is told about (a language choice, a vote, /forget) is awaited until committed;
  the question log is not awaited. A row that fails is retried alone, so it never takes the
  rest of its batch down with it.
- A storage error never stops an answer; it is logged at most once a minute, with a count.
- :meth:`Store.open` with ``readonly=True`` only reads: no migration, no purge, no key made.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, Protocol, cast

from knowledge.models import LANGS, Lang

from .store_schema import Dialect
from .store_sqlite import Row, SQLiteBackend, Step

log = logging.getLogger(__name__)

#: Queued writes done in one transaction.
WRITE_BATCH = 500
#: While the bot runs, the question log is purged of expired entries at most this often.
PURGE_EVERY_SECONDS = 3600.0
#: Storage errors are logged at most this often (the others are counted into the next line).
ERROR_LOG_EVERY_SECONDS = 60.0
#: Users whose language (or its absence) is kept in memory, with the SQLite backend: about 160
#: bytes each, 1.5 MiB in all; a user past it costs one indexed read per answer.
LANG_CACHE_SIZE = 10_000

#: Update ids are remembered this long for :meth:`Store.first_delivery`.
SEEN_UPDATE_SECONDS = 2 * 86400.0

#: Questions without an answer: nothing found, or a date with no event.
UNANSWERED_SQL = "(kind = 'none' OR (kind IN ('year', 'range') AND fact_id IS NULL))"


class Backend(Protocol):
    dialect: Dialect
    shared: bool
    readonly: bool
    day_expr: str

    async def migrate(self) -> list[int]: ...

    async def fetch(self, sql: str, params: Row = ()) -> list[Row]: ...

    async def transact(self, steps: Sequence[Step]) -> list[int]: ...

    async def close(self) -> None: ...


def is_url(db: Path | str) -> bool:
    """``DOSTYQ_DB`` names a PostgreSQL database rather than a SQLite file."""
    return str(db).startswith(("postgresql://", "postgres://"))


def index_db(db: Path | str) -> Path | str:
    """Where the fact index lives: the SQLite file, or, with PostgreSQL, in memory.

    The index is derived from the fact files and read-only once built, so each replica builds
    its own; it never goes to the shared database.
    """
    return ":memory:" if is_url(db) else db


@dataclass(frozen=True)
class LogEntry:
    created: float
    question: str
    lang: str
    chat_type: str
    kind: str
    fact_id: str | None
    score: float | None


@dataclass(frozen=True)
class Count:
    """Questions in a group (a day, a language, a chat type), and how many got an answer."""

    key: str
    questions: int
    answered: int


@dataclass(frozen=True)
class FactVotes:
    fact_id: str
    up: int
    down: int


@dataclass
class _Job:
    steps: list[tuple[str, Row]]
    done: asyncio.Future[int] | None = None
    exact: bool = False  # needs its own row count: never shares an executemany step


@dataclass
class _ErrorLog:
    """Logs a storage error at once, then at most once per period with what it skipped."""

    every: float = ERROR_LOG_EVERY_SECONDS
    clock: Callable[[], float] = time.monotonic
    skipped: int = 0
    _next: float | None = field(default=None)

    def report(self, what: str, exc: BaseException, n: int = 1) -> None:
        now = self.clock()
        if self._next is not None and now < self._next:
            self.skipped += n
            return
        self._next = now + self.every
        more = f" (and {self.skipped} more since the last report)" if self.skipped else ""
        self.skipped = 0
        log.error(
            "storage error: %d %s failed%s; answers still go out: %s: %s",
            n,
            what,
            more,
            type(exc).__name__,
            exc,
        )


def _clean(text: str | None) -> str | None:
    """Text any backend can store: lone surrogates replaced, NUL (PostgreSQL refuses it) dropped."""
    if text is None:
        return None
    if "\x00" in text:
        text = text.replace("\x00", "")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


class Store:
    """Open with :meth:`open`; close with :meth:`close` (drains pending writes)."""

    def __init__(
        self, backend: Backend, key: bytes, log_days: int, old_keys: Sequence[bytes] = ()
    ) -> None:
        self.backend = backend
        self._key = key
        self._old_keys = tuple(old_keys)  # a key the database held before DOSTYQ_HASH_KEY
        self.log_days = log_days
        self._queue: asyncio.Queue[_Job | None] = asyncio.Queue()
        # SQLite: language choices are read on every answer and only this process writes
        # them, so they are cached (bounded; a miss is cached too). PostgreSQL: replicas share
        # the table, so every read goes to it.
        self._langs: OrderedDict[str, Lang | None] | None = (
            None if backend.shared else OrderedDict()
        )
        self._writes = 0  # bumped on every language write: a read racing one is not cached
        self._worker: asyncio.Task[None] | None = None
        self._next_purge = time.monotonic() + PURGE_EVERY_SECONDS
        self._errors = _ErrorLog()
        self.write_errors = 0

    @classmethod
    async def open(
        cls,
        db: Path | str,
        *,
        log_days: int = 90,
        key: str | None = None,
        readonly: bool = False,
        salt: str | None = None,
    ) -> Store:
        """Open the store in ``db`` (a SQLite path or a ``postgresql://`` URL).

        ``key``: ``DOSTYQ_HASH_KEY`` (``salt`` is its old name). ``readonly``: for commands that
        only read (``dostyq log``, stats): nothing is migrated, purged or created, and every
        write method refuses.
        """
        key = key or salt
        backend: Backend
        if is_url(db):
            from .store_pg import PostgresBackend

            backend = await PostgresBackend.open(str(db), readonly=readonly)
        else:
            backend = await SQLiteBackend.open(db, readonly=readonly)
        try:
            stored = await _stored_key(backend, create=not key and not readonly)
            if key:
                store = cls(backend, key.encode(), log_days, [stored] if stored else [])
            else:
                store = cls(backend, stored or secrets.token_bytes(32), log_days)
            if not readonly:
                await store.purge()
                store._worker = asyncio.create_task(store._drain(), name="dostyq-store-writer")
        except BaseException:
            await backend.close()
            raise
        return store

    @property
    def readonly(self) -> bool:
        return self.backend.readonly

    async def close(self) -> None:
        if self._worker is not None:
            await self._queue.put(None)
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None
        await self.backend.close()

    def user_hash(self, user_id: int) -> str:
        return _hash(self._key, user_id)

    def _hashes(self, user_id: int) -> list[str]:
        """The user's hash, and the hashes under any key the database held before."""
        return [self.user_hash(user_id), *(_hash(k, user_id) for k in self._old_keys)]

    # -- the user's language: the one place it is held ---------------------------------------

    async def get_lang(self, user_id: int) -> Lang | None:
        """The user's /lang choice, or ``None``; a storage error reads as no choice."""
        h = self.user_hash(user_id)
        if self._langs is not None and h in self._langs:
            self._langs.move_to_end(h)
            return self._langs[h]
        writes = self._writes
        hashes = self._hashes(user_id)
        marks = ", ".join("?" * len(hashes))
        try:
            rows = await self.backend.fetch(
                f"SELECT user_hash, lang FROM user_lang WHERE user_hash IN ({marks})",
                tuple(hashes),
            )
        except Exception as e:
            self._errors.report("language reads", e)
            return None
        by_hash = {str(r[0]): str(r[1]) for r in rows}
        found = next((by_hash[x] for x in hashes if x in by_hash), None)
        lang = cast(Lang, found) if found in LANGS else None
        for old in hashes[1:]:
            if old in by_hash:
                self._rekey(old, h)
        if self._langs is not None and writes == self._writes:
            self._langs[h] = lang
            while len(self._langs) > LANG_CACHE_SIZE:
                self._langs.popitem(last=False)
        return lang

    def _rekey(self, old: str, new: str) -> None:
        """Move a user's rows from a hash under the database's old key to the configured one.

        Queued, not awaited: until it is done, reads and /forget still find both hashes.
        """
        both = (old, new)
        self._queue.put_nowait(
            _Job(
                [
                    (
                        "DELETE FROM user_lang WHERE user_hash = ? AND EXISTS "
                        "(SELECT 1 FROM user_lang WHERE user_hash = ?)",
                        both,
                    ),
                    ("UPDATE user_lang SET user_hash = ? WHERE user_hash = ?", (new, old)),
                    (
                        "DELETE FROM feedback WHERE user_hash = ? AND fact_id IN "
                        "(SELECT fact_id FROM feedback WHERE user_hash = ?)",
                        both,
                    ),
                    ("UPDATE feedback SET user_hash = ? WHERE user_hash = ?", (new, old)),
                    ("UPDATE question_log SET user_hash = ? WHERE user_hash = ?", (new, old)),
                ]
            )
        )

    async def set_lang(self, user_id: int, lang: Lang) -> bool:
        """Store the user's language; ``True`` once committed."""
        h = self.user_hash(user_id)
        self._writes += 1
        ok = await self._commit(
            [
                (
                    "INSERT INTO user_lang VALUES (?, ?, ?) ON CONFLICT(user_hash) DO UPDATE SET "
                    "lang = excluded.lang, updated = excluded.updated",
                    (h, lang, time.time()),
                )
            ],
            "language writes",
        )
        if self._langs is not None:
            if ok:
                self._langs[h] = lang
            else:
                self._langs.pop(h, None)
        return ok

    # -- votes and the question log ----------------------------------------------------------

    async def vote(self, user_id: int, fact_id: str, vote: int, question: str | None) -> bool:
        """Store the user's vote on a fact (the last one wins); ``True`` once committed."""
        h = self.user_hash(user_id)
        sql = (
            "INSERT INTO feedback(user_hash, fact_id, vote, question, created) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(user_hash, fact_id) DO UPDATE SET "
            "vote = excluded.vote, question = excluded.question, created = excluded.created"
        )
        return await self._commit(
            [(sql, (h, fact_id, vote, _clean(question), time.time()))], "vote writes"
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
        """Queue a question log entry (not awaited: the log is the operator's, not the user's)."""
        if self.log_days <= 0 or self.readonly:
            return
        h = self.user_hash(user_id)
        row = (time.time(), h, _clean(question), lang, chat_type, kind, fact_id, score)
        sql = (
            "INSERT INTO question_log(created, user_hash, question, lang, chat_type, kind,"
            " fact_id, score) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        )
        self._queue.put_nowait(_Job([(sql, row)]))
        if time.monotonic() >= self._next_purge:
            # Retention holds while the bot runs, not only at startup.
            self._next_purge = time.monotonic() + PURGE_EVERY_SECONDS
            self._queue.put_nowait(_Job(self._purge_steps()))

    async def forget(self, user_id: int) -> int | None:
        """Delete every row about the user; the number deleted once committed, else ``None``.

        The deletes are queued behind every write already submitted (the user's questions
        among them), and run in one transaction. The language cache is dropped only after the
        commit: on a failure nothing changes, and the user is told so.
        """
        hashes = self._hashes(user_id)
        steps = [
            (f"DELETE FROM {table} WHERE user_hash = ?", (h,))
            for table in ("user_lang", "feedback", "question_log")
            for h in hashes
        ]
        self._writes += 1
        deleted = await self._commit_count(steps, "forget", exact=True)
        if deleted is not None and self._langs is not None:
            self._langs.pop(self.user_hash(user_id), None)
        return deleted

    async def first_delivery(self, update_id: int) -> bool:
        """Record that ``update_id`` is being handled; ``False`` if some process already did.

        For replicas behind one webhook URL: Telegram may deliver an update again, to either
        replica, and the shared table decides which one answers. A storage error answers
        ``True`` (better twice than never).
        """
        n = await self._commit_count(
            [
                (
                    "INSERT INTO seen_update VALUES (?, ?) ON CONFLICT(update_id) DO NOTHING",
                    (update_id, time.time()),
                )
            ],
            "update-id records",
            exact=True,
        )
        return n != 0

    def _purge_steps(self) -> list[tuple[str, Row]]:
        now = time.time()
        seen = ("DELETE FROM seen_update WHERE seen < ?", (now - SEEN_UPDATE_SECONDS,))
        if self.log_days <= 0:
            return [("DELETE FROM question_log WHERE created >= ?", (float("-inf"),)), seen]
        cutoff = now - self.log_days * 86400
        return [("DELETE FROM question_log WHERE created < ?", (cutoff,)), seen]

    async def purge(self) -> int:
        """Drop expired question-log entries (and old update ids); a failure is logged."""
        try:
            n, _ = await self.backend.transact([(s, [p]) for s, p in self._purge_steps()])
        except Exception as e:
            self._errors.report("question-log purges", e)
            return 0
        return n

    # -- reads for the operator (``dostyq log``, stats) ---------------------------------------

    async def recent(self, *, unanswered: bool = False, limit: int = 50) -> list[LogEntry]:
        where = f"WHERE {UNANSWERED_SQL}" if unanswered else ""
        rows = await self.backend.fetch(
            "SELECT created, question, lang, chat_type, kind, fact_id, score FROM question_log "
            f"{where} ORDER BY created DESC, id DESC LIMIT ?",
            (limit,),
        )
        return [LogEntry(*r) for r in rows]  # type: ignore[arg-type]

    async def questions_per_day(self, days: int, *, now: float | None = None) -> list[Count]:
        """Questions and answered questions per UTC day (``YYYY-MM-DD``), oldest first."""
        day = self.backend.day_expr
        rows = await self.backend.fetch(
            f"SELECT {day} AS d, count(*), sum(CASE WHEN {UNANSWERED_SQL} THEN 0 ELSE 1 END) "
            "FROM question_log WHERE created >= ? GROUP BY d ORDER BY d",
            (_since(days, now),),
        )
        return [
            Count(datetime.fromtimestamp(int(d) * 86400, UTC).date().isoformat(), int(n), int(a))  # type: ignore[call-overload]
            for d, n, a in rows
        ]

    async def answered_by(
        self, column: Literal["lang", "chat_type"], days: int, *, now: float | None = None
    ) -> list[Count]:
        """Questions and answered questions by language or chat type, most asked first."""
        if column not in ("lang", "chat_type"):
            raise ValueError(column)
        rows = await self.backend.fetch(
            f"SELECT {column}, count(*), sum(CASE WHEN {UNANSWERED_SQL} THEN 0 ELSE 1 END) "
            f"FROM question_log WHERE created >= ? GROUP BY {column} "
            f"ORDER BY count(*) DESC, {column}",
            (_since(days, now),),
        )
        return [Count(str(k), int(n), int(a)) for k, n, a in rows]  # type: ignore[call-overload]

    async def top_facts(
        self, days: int, limit: int = 10, *, now: float | None = None
    ) -> list[tuple[str, int]]:
        """The facts most often given as the top answer, with how often."""
        rows = await self.backend.fetch(
            f"SELECT fact_id, count(*) FROM question_log WHERE created >= ? AND NOT "
            f"{UNANSWERED_SQL} AND fact_id IS NOT NULL GROUP BY fact_id "
            "ORDER BY count(*) DESC, fact_id LIMIT ?",
            (_since(days, now), limit),
        )
        return [(str(f), int(n)) for f, n in rows]  # type: ignore[call-overload]

    async def votes_per_fact(self, limit: int = 50) -> list[FactVotes]:
        """👍 and 👎 per fact, most voted first."""
        rows = await self.backend.fetch(
            "SELECT fact_id, sum(CASE WHEN vote > 0 THEN 1 ELSE 0 END), "
            "sum(CASE WHEN vote < 0 THEN 1 ELSE 0 END) FROM feedback GROUP BY fact_id "
            "ORDER BY count(*) DESC, fact_id LIMIT ?",
            (limit,),
        )
        return [FactVotes(str(f), int(u), int(d)) for f, u, d in rows]  # type: ignore[call-overload]

    async def unanswered(
        self, days: int, limit: int = 1000, *, now: float | None = None
    ) -> list[LogEntry]:
        """Unanswered questions of the last ``days`` days, newest first (for grouping)."""
        rows = await self.backend.fetch(
            "SELECT created, question, lang, chat_type, kind, fact_id, score FROM question_log "
            f"WHERE created >= ? AND {UNANSWERED_SQL} ORDER BY created DESC, id DESC LIMIT ?",
            (_since(days, now), limit),
        )
        return [LogEntry(*r) for r in rows]  # type: ignore[arg-type]

    # -- the writer ----------------------------------------------------------------------------

    async def flush(self) -> None:
        """Wait until every queued write is done."""
        await self._queue.join()

    async def _commit(self, steps: Sequence[tuple[str, Row]], what: str) -> bool:
        return await self._commit_count(steps, what) is not None

    async def _commit_count(
        self, steps: Sequence[tuple[str, Row]], what: str, *, exact: bool = False
    ) -> int | None:
        """Queue the steps as one job, wait for its commit; rows changed, or None on failure."""
        if self._worker is None:
            self._errors.report(what, RuntimeError("the store is read-only or closed"))
            return None
        done: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Job(list(steps), done, exact))
        try:
            return await asyncio.shield(done)
        except Exception:
            return None  # logged by the writer

    async def _drain(self) -> None:
        """Write what is queued, in batches: one transaction (and few thread hops) per batch."""
        while True:
            batch = [await self._queue.get()]
            while len(batch) < WRITE_BATCH and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            jobs = [j for j in batch if j is not None]
            try:
                await self._write(jobs)
            finally:
                for _ in batch:
                    self._queue.task_done()
            if None in batch:
                return

    async def _write(self, jobs: list[_Job]) -> None:
        """One transaction for the batch; if it fails, each job alone, so one bad row is alone."""
        if not jobs:
            return
        steps, owned = _plan(jobs)
        try:
            counts = await self.backend.transact(steps)
        except Exception as e:
            if len(jobs) == 1:
                self._fail(jobs[0], e)
                return
            for job in jobs:
                await self._write_one(job)
            return
        for job, mine in zip(jobs, owned, strict=True):
            if job.done is not None and not job.done.done():
                # A step shared by several jobs (one executemany) counts one row for each.
                shared = not job.exact and len(job.steps) == 1
                n = min(counts[mine[0]], 1) if shared else sum(counts[i] for i in mine)
                job.done.set_result(n)

    async def _write_one(self, job: _Job) -> None:
        try:
            counts = await self.backend.transact([(s, [p]) for s, p in job.steps])
        except Exception as e:
            self._fail(job, e)
            return
        if job.done is not None and not job.done.done():
            job.done.set_result(sum(counts))

    def _fail(self, job: _Job, exc: BaseException) -> None:
        self.write_errors += 1
        what = "writes" if job.done is None else "confirmed writes"
        self._errors.report(what, exc)
        if job.done is not None and not job.done.done():
            job.done.set_exception(exc)


def _plan(jobs: list[_Job]) -> tuple[list[Step], list[list[int]]]:
    """The batch's steps, in order, and which steps each job owns.

    Consecutive one-statement jobs with the same SQL share one step (one ``executemany``).
    """
    steps: list[tuple[str, list[Row]]] = []
    owned: list[list[int]] = []
    mergeable = False
    for job in jobs:
        if len(job.steps) == 1 and not job.exact and mergeable and steps[-1][0] == job.steps[0][0]:
            steps[-1][1].append(job.steps[0][1])
            owned.append([len(steps) - 1])
            continue
        owned.append(list(range(len(steps), len(steps) + len(job.steps))))
        steps.extend((sql, [params]) for sql, params in job.steps)
        mergeable = len(job.steps) == 1 and not job.exact
    return list(steps), owned


def _since(days: int, now: float | None) -> float:
    return (time.time() if now is None else now) - days * 86400


def _hash(key: bytes, user_id: int) -> str:
    return hmac.new(key, str(user_id).encode(), hashlib.sha256).hexdigest()[:32]


async def _stored_key(backend: Backend, *, create: bool) -> bytes | None:
    """The key kept in the database; made (once, whoever is first) if ``create``."""
    sql = "SELECT value FROM store_meta WHERE key = 'hash_key'"
    rows = await backend.fetch(sql)
    if rows:
        return bytes.fromhex(str(rows[0][0]))
    if not create:
        return None
    key = secrets.token_bytes(32)
    await backend.transact(
        [
            (
                "INSERT INTO store_meta VALUES ('hash_key', ?) ON CONFLICT(key) DO NOTHING",
                [(key.hex(),)],
            )
        ]
    )
    rows = await backend.fetch(sql)
    return bytes.fromhex(str(rows[0][0])) if rows else key
