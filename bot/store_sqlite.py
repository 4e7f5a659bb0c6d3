"""The store's SQLite backend (aiosqlite): the embedded default, one file beside the index."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path

import aiosqlite

from .store_schema import LATEST, MIGRATIONS, Dialect, statements

log = logging.getLogger("bot.store")

Row = tuple[object, ...]
#: One step of a transaction: a statement and the parameter rows it runs with.
Step = tuple[str, Sequence[Row]]


class SQLiteBackend:
    dialect: Dialect = "sqlite"
    #: Only this process writes the file's store tables: rows may be cached in memory.
    shared = False
    day_expr = "CAST(created / 86400 AS INTEGER)"

    def __init__(self, db: aiosqlite.Connection, *, readonly: bool) -> None:
        self.db = db
        self.readonly = readonly
        self._lock = asyncio.Lock()  # one explicit transaction at a time on the connection

    @classmethod
    async def open(cls, path: Path | str, *, readonly: bool = False) -> SQLiteBackend:
        if readonly:
            return await cls._open_readonly(Path(path))
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(str(path), isolation_level=None)
        try:
            await db.execute("PRAGMA busy_timeout=5000")
            await _wal(db)
            # In WAL mode a commit survives a crash of the process (kill -9), not a power loss.
            await db.execute("PRAGMA synchronous=NORMAL")
            backend = cls(db, readonly=False)
            await backend.migrate()
        except BaseException:
            await db.close()  # its thread would keep the process alive
            raise
        return backend

    @classmethod
    async def _open_readonly(cls, path: Path) -> SQLiteBackend:
        """Open without writing anything: no migration, no purge, no file created.

        A database the bot has not yet written (missing, or holding only the index) reads as
        empty: an in-memory copy of the schema stands in for it.
        """
        if path.exists():
            db = await aiosqlite.connect(
                path.resolve().as_uri() + "?mode=ro", uri=True, isolation_level=None
            )
            try:
                await db.execute("PRAGMA busy_timeout=5000")
                rows = await db.execute_fetchall(
                    "SELECT 1 FROM sqlite_master WHERE name = 'schema_migrations'"
                )
                if list(rows):
                    versions = {
                        int(v)
                        for (v,) in await db.execute_fetchall(
                            "SELECT version FROM schema_migrations"
                        )
                    }
                    missing = [v for v, _ in MIGRATIONS if v not in versions]
                    if missing:
                        raise RuntimeError(
                            f"{path}: the store needs migration {missing[0]}; "
                            "`dostyq run` applies it"
                        )
                    return cls(db, readonly=True)
            except BaseException:
                await db.close()
                raise
            await db.close()
        db = await aiosqlite.connect(":memory:", isolation_level=None)
        backend = cls(db, readonly=False)
        await backend.migrate()
        backend.readonly = True
        return backend

    async def close(self) -> None:
        await self.db.close()

    async def migrate(self) -> list[int]:
        """Apply the migrations not yet recorded, each in its own transaction.

        The write lock (``BEGIN IMMEDIATE``) is taken before the applied versions are read, so
        two processes starting at once never both apply a migration. A database that cannot be
        written (read-only file, full disk) is accepted if it needs no migration.
        """
        applied: list[int] = []
        for version, scripts in MIGRATIONS:
            try:
                await self.db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as e:
                if await self._version() >= LATEST:
                    log.warning("the store's database cannot be written (%s)", e)
                    return applied
                raise
            try:
                await self.db.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations("
                    "version INTEGER PRIMARY KEY, applied REAL)"
                )
                rows = await self.db.execute_fetchall(
                    "SELECT 1 FROM schema_migrations WHERE version = ?", (version,)
                )
                if not list(rows):
                    for stmt in statements(scripts["sqlite"]):
                        await self.db.execute(stmt)
                    await self.db.execute(
                        "INSERT INTO schema_migrations VALUES (?, ?)", (version, time.time())
                    )
                    applied.append(version)
                await self.db.commit()
            except BaseException:
                with contextlib.suppress(Exception):
                    await self.db.rollback()
                raise
        return applied

    async def _version(self) -> int:
        try:
            rows = await self.db.execute_fetchall("SELECT max(version) FROM schema_migrations")
        except sqlite3.OperationalError:
            return 0
        return int(next(iter(rows))[0] or 0)

    async def fetch(self, sql: str, params: Row = ()) -> list[Row]:
        return [tuple(r) for r in await self.db.execute_fetchall(sql, params)]

    async def transact(self, steps: Sequence[Step]) -> list[int]:
        """Run the steps in one transaction; the rows each changed. All or nothing."""
        async with self._lock:
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                counts = []
                for sql, rows in steps:
                    if len(rows) == 1:
                        cur = await self.db.execute(sql, rows[0])
                    else:
                        cur = await self.db.executemany(sql, rows)
                    counts.append(max(cur.rowcount, 0))
                await self.db.commit()
            except BaseException:
                with contextlib.suppress(Exception):
                    await self.db.rollback()
                raise
        return counts


async def _wal(db: aiosqlite.Connection, tries: int = 50) -> None:
    """Switch to WAL. Switching needs the file to itself and does not wait on busy_timeout, so
    processes opening a new database at once get "database is locked": wait and try again."""
    for attempt in range(tries):
        try:
            await db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or attempt == tries - 1:
                raise
            await asyncio.sleep(0.05 + 0.01 * attempt)
