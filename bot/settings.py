"""Settings, from the environment (and a ``.env`` file if present).

``TELEGRAM_BOT_TOKEN``, ``TELEGRAM_API_URL`` and ``DOSTYQ_DB`` keep their own names; every other
setting takes the ``DOSTYQ_`` prefix (``DOSTYQ_DEFAULT_LANG``, ``DOSTYQ_LOG_DAYS`` ...).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def default_db_path() -> Path:
    """``$XDG_DATA_HOME/dostyq/dostyq.sqlite3`` (``~/.local/share/...`` by default)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "dostyq" / "dostyq.sqlite3"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="DOSTYQ_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN")
    )
    api_url: str = Field(
        default="https://api.telegram.org/bot", validation_alias=AliasChoices("TELEGRAM_API_URL")
    )
    db: Path | str = Field(
        default_factory=default_db_path, validation_alias=AliasChoices("DOSTYQ_DB")
    )
    facts_dir: Path | None = Field(
        default=None, description="fact files; default: the packaged ones"
    )
    default_lang: Literal["kk", "ru", "en"] = "en"
    log_days: int = Field(
        default=90, ge=0, description="days a question log entry is kept; 0 keeps none"
    )
    log_salt: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("DOSTYQ_HASH_KEY", "DOSTYQ_LOG_SALT"),
        description="key for hashing user ids, kept outside the database (DOSTYQ_HASH_KEY)",
    )
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_secret: SecretStr | None = None
    concurrent_updates: int = Field(default=16, ge=1, description="updates handled at once")
    pool_size: int = Field(
        default=16, ge=1, description="HTTP connections to the Bot API (the request pool)"
    )
    http_backend: Literal["aiohttp", "httpx"] = Field(
        default="aiohttp",
        description="HTTP client for the Bot API: aiohttp (bot.request) or PTB's default httpx",
    )
    rate_limit: bool = True
    admin_chat_id: int | None = None
    log_level: str = "INFO"
    # -- operating the bot (deploy/README.md) --
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(),
        description="Telegram user ids allowed /stats, /gaps, /reload; told about errors",
    )
    flood_per_minute: int = Field(
        default=20, ge=0, description="questions a user may ask a minute (0: no limit)"
    )

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """``DOSTYQ_ADMIN_IDS=123,456`` (commas or spaces)."""
        if isinstance(value, str):
            return frozenset(int(v) for v in value.replace(",", " ").split())
        if isinstance(value, int):
            return frozenset({value})
        return value

    # -- the store (owned by bot/store.py) ---------------------------------------------------
    @field_validator("db", mode="before")
    @classmethod
    def _db_path_or_url(cls, value: object) -> object:
        """A ``postgresql://`` URL stays a string; anything else is a SQLite file path."""
        text = str(value)
        return text if text.startswith(("postgresql://", "postgres://")) else Path(text)
