"""The bot's services (fact base, engine, store): loaded, opened and closed in one place.

The fact base is read only to build (or find) its index: the running bot keeps a
:class:`~knowledge.factbase.BaseInfo` of it (sources, hash, counts) and reads facts from the
index.

Both the CLI and the application use :func:`load_base`; :func:`open_services` is the bot's
start-up and never leaves a database connection open when it fails (aiosqlite's worker thread
would keep the process alive: the start-up "hang" of a bad ``DOSTYQ_DB``).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from handlers.context import BotData
from knowledge.engine import Engine
from knowledge.factbase import BaseInfo, FactBase, load_configured
from knowledge.settle import settle

from .settings import ConfigError, Settings
from .store import Store, index_db, is_url

__all__ = [
    "DatabaseError",
    "check_database",
    "close_services",
    "load_base",
    "open_services",
    "settle",
]


class DatabaseError(ConfigError):
    """``DOSTYQ_DB`` cannot be used; the message names the path."""


def load_base(settings: Settings) -> FactBase:
    return load_configured(settings.facts_dir)  # /reload reads the files the same way


def check_database(path: Path | str) -> None:
    """Fail early, with the path, if ``path`` cannot be an SQLite database.

    Catches a folder that cannot be made, a file that is not SQLite (or is truncated or
    corrupt) before any connection thread exists. A read-only file passes: it may still serve.
    """
    if is_url(path) or str(path) == ":memory:":
        return  # PostgreSQL: the store reports its own connection errors
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise DatabaseError(f"DOSTYQ_DB {path}: cannot create its folder: {e.strerror}") from None
    if path.is_dir():
        raise DatabaseError(f"DOSTYQ_DB {path}: is a folder, not a file")
    if not path.exists():
        return
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = conn.execute("PRAGMA quick_check(1)").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as e:
        raise DatabaseError(f"DOSTYQ_DB {path}: {e}") from None
    if not row or row[0] != "ok":
        raise DatabaseError(f"DOSTYQ_DB {path}: damaged ({row[0] if row else 'no answer'})")


async def open_services(data: BotData, settings: Settings) -> None:
    """Load the facts and open the engine and the store into ``data``; all or nothing."""
    check_database(settings.db)
    base = load_base(settings)
    data.base = BaseInfo.of(base)
    try:
        # The index goes in a file of its own beside the SQLite file (memory beside PostgreSQL).
        data.engine = await Engine.open(index_db(settings.db), base)
        del base  # the facts are in the index now
        key = settings.log_salt.get_secret_value() if settings.log_salt else None
        data.store = await Store.open(settings.db, log_days=settings.log_days, key=key)
    except (sqlite3.Error, OSError) as e:
        await close_services(data)
        raise DatabaseError(f"DOSTYQ_DB {settings.db}: {e}") from None
    except BaseException:
        await close_services(data)
        raise


async def close_services(data: BotData) -> None:
    store, engine = data.store, data.engine
    data.store = data.engine = None
    if store is not None:
        await store.close()
    if engine is not None:
        await engine.close()
