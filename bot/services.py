"""The bot's services (fact base, engine, store): loaded, opened and closed in one place.

Both the CLI and the application use :func:`load_base`; :func:`open_services` is the bot's
start-up and never leaves a database connection open when it fails (aiosqlite's worker thread
would keep the process alive: the start-up "hang" of a bad ``DOSTYQ_DB``).
"""

from __future__ import annotations

import gc
import sqlite3
from pathlib import Path

from handlers.context import BotData
from knowledge.engine import Engine
from knowledge.factbase import FactBase, load_configured

from .settings import ConfigError, Settings
from .store import Store, index_db, is_url


class DatabaseError(ConfigError):
    """``DOSTYQ_DB`` cannot be used; the message names the path."""


def settle() -> None:
    """Start-up is over: collect its garbage once, then move every object left (modules, the
    fact base, the engine's tables and word lists) out of the garbage collector's passes.

    They live as long as the process; left in, each full collection walks them all (about
    50,000 objects, 20 ms of CPU at 79 facts, more with more facts), and one comes whenever the
    answers' caches have grown by a quarter of that. The bot calls this once the engine is
    open, ``ask`` and ``chat`` too, and so do the benchmarks that time answers.
    """
    gc.collect()
    gc.freeze()


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
    data.base = load_base(settings)
    try:
        # The index goes in a file of its own beside the SQLite file (memory beside PostgreSQL).
        data.engine = await Engine.open(index_db(settings.db), data.base)
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
