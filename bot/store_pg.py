"""The store's PostgreSQL backend (psycopg 3, async), for replicas sharing one database.

``DOSTYQ_DB=postgresql://user:password@host/dbname`` selects it. Statements are written once,
with ``?`` placeholders, and run on either backend (``?`` becomes ``%s`` here). Two connections:
one for the writer's transactions and one for reads, so a read never lands inside a write
transaction. A connection that breaks (a server restart) is opened again on its next use; a
read is then tried again at once, a write is not (it may have committed: the caller is told it
failed, and the user is asked to try again).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from .store_schema import MIGRATIONS, Dialect, statements
from .store_sqlite import Row, Step

#: The advisory lock migrations hold (any constant the database's other users do not take).
MIGRATION_LOCK = 0x646F7374  # "dost"


def _sql(sql: str) -> str:
    return sql.replace("?", "%s")


class PostgresBackend:
    dialect: Dialect = "postgresql"
    #: Other replicas write the same tables: nothing may be cached in memory.
    shared = True
    day_expr = "floor(created / 86400)::bigint"

    def __init__(self, url: str, *, readonly: bool) -> None:
        self.url = url
        self.readonly = readonly
        self._writer: psycopg.AsyncConnection[tuple[object, ...]] | None = None
        self._reader: psycopg.AsyncConnection[tuple[object, ...]] | None = None
        self._wlock = asyncio.Lock()
        self._rlock = asyncio.Lock()

    @classmethod
    async def open(cls, url: str, *, readonly: bool = False) -> PostgresBackend:
        backend = cls(url, readonly=readonly)
        try:
            await backend._read_conn()
            if not readonly:
                await backend.migrate()
        except BaseException:
            await backend.close()
            raise
        return backend

    async def _connect(self) -> psycopg.AsyncConnection[tuple[object, ...]]:
        conninfo = self.url
        if self.readonly:
            options = str(conninfo_to_dict(conninfo).get("options") or "")
            options += " -c default_transaction_read_only=on"
            conninfo = make_conninfo(conninfo, options=options.strip())
        return await psycopg.AsyncConnection.connect(conninfo, autocommit=True, connect_timeout=10)

    async def _read_conn(self) -> psycopg.AsyncConnection[tuple[object, ...]]:
        if self._reader is None or self._reader.closed or self._reader.broken:
            self._reader = await self._connect()
        return self._reader

    async def _write_conn(self) -> psycopg.AsyncConnection[tuple[object, ...]]:
        if self.readonly:
            raise RuntimeError("the store was opened read-only")
        if self._writer is None or self._writer.closed or self._writer.broken:
            self._writer = await self._connect()
        return self._writer

    async def close(self) -> None:
        for conn in (self._writer, self._reader):
            if conn is not None and not conn.closed:
                await conn.close()
        self._writer = self._reader = None

    async def migrate(self) -> list[int]:
        """Apply the migrations not yet recorded, each in its own transaction.

        Each transaction first takes an advisory lock, then reads the applied versions: two
        replicas starting at once apply each migration once.
        """
        applied: list[int] = []
        async with self._wlock:
            conn = await self._write_conn()
            for version, scripts in MIGRATIONS:
                async with conn.transaction():
                    await conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
                    await conn.execute(
                        "CREATE TABLE IF NOT EXISTS schema_migrations("
                        "version INTEGER PRIMARY KEY, applied DOUBLE PRECISION)"
                    )
                    cur = await conn.execute(
                        "SELECT 1 FROM schema_migrations WHERE version = %s", (version,)
                    )
                    if await cur.fetchone() is not None:
                        continue
                    for stmt in statements(scripts["postgresql"]):
                        await conn.execute(stmt.encode())
                    await conn.execute(
                        "INSERT INTO schema_migrations VALUES (%s, %s)", (version, time.time())
                    )
                    applied.append(version)
        return applied

    async def fetch(self, sql: str, params: Row = ()) -> list[Row]:
        """Run a read; a read on a connection that broke (a server restart) is tried again once."""
        async with self._rlock:
            for attempt in (1, 2):
                conn = await self._read_conn()
                try:
                    cur = await conn.execute(_sql(sql).encode(), params)
                    return list(await cur.fetchall())
                except psycopg.OperationalError:
                    if attempt == 2 or not conn.broken:
                        raise
            raise AssertionError("unreachable")

    async def transact(self, steps: Sequence[Step]) -> list[int]:
        """Run the steps in one transaction; the rows each changed. All or nothing."""
        async with self._wlock:
            conn = await self._write_conn()
            counts = []
            async with conn.transaction(), conn.cursor() as cur:
                for sql, rows in steps:
                    if len(rows) == 1:
                        await cur.execute(_sql(sql).encode(), rows[0])
                    else:
                        await cur.executemany(_sql(sql).encode(), rows)
                    counts.append(max(cur.rowcount, 0))
            return counts
