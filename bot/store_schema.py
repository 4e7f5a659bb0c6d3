"""The store's numbered migrations, one script per backend for each number.

A new migration gets the next number and both scripts; a database records the numbers it has
applied in ``schema_migrations``, so SQLite and PostgreSQL stores move through the same steps.
"""

from __future__ import annotations

from typing import Literal

Dialect = Literal["sqlite", "postgresql"]

MIGRATIONS: tuple[tuple[int, dict[Dialect, str]], ...] = (
    (
        1,
        {
            "sqlite": """
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
            "postgresql": """
            CREATE TABLE store_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE user_lang(
                user_hash TEXT PRIMARY KEY,
                lang TEXT NOT NULL CHECK (lang IN ('kk', 'ru', 'en')),
                updated DOUBLE PRECISION NOT NULL
            );
            CREATE TABLE feedback(
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                user_hash TEXT NOT NULL,
                fact_id TEXT NOT NULL,
                vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
                question TEXT,
                created DOUBLE PRECISION NOT NULL,
                UNIQUE (user_hash, fact_id)
            );
            CREATE TABLE question_log(
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                created DOUBLE PRECISION NOT NULL,
                user_hash TEXT NOT NULL,
                question TEXT NOT NULL,
                lang TEXT NOT NULL,
                chat_type TEXT NOT NULL,
                kind TEXT NOT NULL,
                fact_id TEXT,
                score DOUBLE PRECISION
            );
            CREATE INDEX question_log_created ON question_log(created);
            CREATE INDEX question_log_user ON question_log(user_hash);
            """,
        },
    ),
    (
        2,
        {
            # Update ids already handled by some replica (webhook deliveries can come twice,
            # to either replica); kept for two days, as Telegram re-sends for at most one.
            "sqlite": """
            CREATE TABLE seen_update(update_id INTEGER PRIMARY KEY, seen REAL NOT NULL);
            CREATE INDEX seen_update_seen ON seen_update(seen);
            """,
            "postgresql": """
            CREATE TABLE seen_update(update_id BIGINT PRIMARY KEY, seen DOUBLE PRECISION NOT NULL);
            CREATE INDEX seen_update_seen ON seen_update(seen);
            """,
        },
    ),
)

LATEST = MIGRATIONS[-1][0]


def statements(script: str) -> list[str]:
    """A script's statements (the scripts hold no ``;`` inside a statement)."""
    return [s.strip() for s in script.split(";") if s.strip()]
