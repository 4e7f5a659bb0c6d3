"""The typed ``bot_data`` and the context type every handler receives.

Handlers never import ``bot``: what they need from the composition root comes in through
:class:`BotData`, typed by the small protocols below (``bot.settings.Settings`` and
``bot.store.Store`` satisfy them structurally).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from telegram.ext import CallbackContext, ExtBot

from knowledge.engine import Engine
from knowledge.factbase import BaseInfo
from knowledge.models import Lang

from .memory import Memory
from .pictures import Pictures


class HandlerSettings(Protocol):
    """The settings handlers read."""

    @property
    def default_lang(self) -> Lang: ...

    @property
    def admin_chat_id(self) -> int | None: ...

    # Operating the bot (handlers/admin.py, handlers/flood.py, handlers/errors.py).
    @property
    def admin_ids(self) -> frozenset[int]: ...

    @property
    def flood_per_minute(self) -> int: ...

    @property
    def facts_dir(self) -> Path | None: ...

    @property
    def db(self) -> Path | str: ...


class UserStore(Protocol):
    """What handlers keep about users: the one place that holds a user's language.

    ``set_lang``, ``vote`` and ``forget`` return once the write is committed (``False`` or
    ``None`` when it failed), so a reply never confirms a write that a crash could lose.
    ``log_question`` is queued: a failure there never stops an answer.
    """

    async def get_lang(self, user_id: int) -> Lang | None: ...

    async def set_lang(self, user_id: int, lang: Lang) -> bool: ...

    async def vote(self, user_id: int, fact_id: str, vote: int, question: str | None) -> bool: ...

    async def forget(self, user_id: int) -> int | None: ...

    def log_question(
        self,
        user_id: int,
        question: str,
        lang: str,
        chat_type: str,
        kind: str,
        fact_id: str | None,
        score: float | None,
    ) -> None: ...

    async def close(self) -> None: ...


@dataclass
class BotData:
    """Services opened in ``post_init`` and closed in ``post_shutdown``.

    PTB's ``user_data`` and ``chat_data`` are not used (they grow for every user and chat and
    are never evicted); the little that handlers keep in memory is in the bounded ``memory``.
    """

    settings: HandlerSettings | None = None
    base: BaseInfo | None = None
    """The fact base's sources, hash and counts; its facts are read from the engine's index."""
    engine: Engine | None = None
    store: UserStore | None = None
    memory: Memory = field(default_factory=Memory)
    pictures: Pictures = field(default_factory=Pictures)
    """Timeline pictures, built once per fact base (see handlers.pictures)."""

    def services(self) -> tuple[Engine, UserStore, BaseInfo]:
        if self.engine is None or self.store is None or self.base is None:
            raise RuntimeError("services are not open yet (post_init has not run)")
        return self.engine, self.store, self.base


Ctx = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]
