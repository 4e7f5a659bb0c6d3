"""Settings, from the environment (and a ``.env`` file if present).

``TELEGRAM_BOT_TOKEN``, ``TELEGRAM_API_URL`` and ``DOSTYQ_DB`` keep their own names; every other
setting takes the ``DOSTYQ_`` prefix (``DOSTYQ_DEFAULT_LANG``, ``DOSTYQ_LOG_DAYS`` ...).

A bad value is a :class:`ConfigError` with one line per setting that names the variable and
what it must be, never the value itself (it may be the token).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

TOKEN_RE = re.compile(r"\d{1,20}:[A-Za-z0-9_-]{20,}")
"""What @BotFather hands out: the bot id, a colon, then (today) 35 URL-safe characters."""
SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
"""Telegram's rule for ``setWebhook``'s ``secret_token``: 1-256 of A-Z, a-z, 0-9, _ and -."""

_ENV_NAMES = {
    "token": "TELEGRAM_BOT_TOKEN",
    "api_url": "TELEGRAM_API_URL",
    "db": "DOSTYQ_DB",
}


class ConfigError(Exception):
    """A setting that cannot work; ``str()`` is one line for the operator."""


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
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret: SecretStr | None = None
    concurrent_updates: int = Field(default=16, ge=1, description="updates handled at once")
    pool_size: int = Field(
        default=16, ge=1, description="HTTP connections to the Bot API (the request pool)"
    )
    http_backend: Literal["httpx", "aiohttp"] = Field(
        default="httpx",
        description="HTTP client for the Bot API: PTB's HTTPXRequest, or aiohttp (bot.request)",
    )
    rate_limit: bool = True
    admin_chat_id: int | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
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

    @field_validator("token", mode="before")
    @classmethod
    def _blank_token_is_none(cls, value: Any) -> Any:
        # `.env.example` ships `TELEGRAM_BOT_TOKEN=`: empty means "not set", not a token.
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not TOKEN_RE.fullmatch(value.get_secret_value()):
            raise ValueError("is not a bot token (expected 123456789:ABC..., from @BotFather)")
        return value

    @field_validator("webhook_secret", mode="before")
    @classmethod
    def _blank_secret_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value else value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not SECRET_RE.fullmatch(value.get_secret_value()):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("api_url")
    @classmethod
    def _api_url_shape(cls, value: str) -> str:
        if not re.match(r"https?://[^/]+", value):
            raise ValueError("must be an http(s) URL such as https://api.telegram.org/bot")
        return value.rstrip("/")

    # -- the store (owned by bot/store.py) ---------------------------------------------------
    @field_validator("db", mode="before")
    @classmethod
    def _db_path_or_url(cls, value: object) -> object:
        """A ``postgresql://`` URL stays a string; anything else is a SQLite file path."""
        text = str(value)
        return text if text.startswith(("postgresql://", "postgres://")) else Path(text)


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment, or :class:`ConfigError` naming each bad variable."""
    try:
        return Settings(**overrides)
    except ValidationError as e:
        raise ConfigError("; ".join(_describe(err) for err in e.errors())) from None


def _describe(err: Any) -> str:
    """One error, without its input value (which may be the token)."""
    name = str(err["loc"][0]) if err["loc"] else "setting"
    var = _ENV_NAMES.get(name) or (name if name.isupper() else f"DOSTYQ_{name.upper()}")
    msg = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "literal_error":
        msg = msg.replace("Input should be", "must be")
    elif msg.startswith("Input should be"):
        msg = msg.replace("Input should be", "must be", 1)
    return f"{var} {msg}"


def file_url(api_url: str) -> str:
    """PTB's ``base_file_url`` for ``api_url``: ``…/bot`` becomes ``…/file/bot``.

    Only the last path segment changes, so a host such as ``bot.example.org`` stays as it is.
    """
    head, sep, last = api_url.rstrip("/").rpartition("/")
    if not sep or "//" not in api_url or not head.count("/") >= 2:
        raise ConfigError("TELEGRAM_API_URL must end in /bot (got a URL with no path)")
    return f"{head}/file/{last}"
