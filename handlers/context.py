"""The typed ``bot_data`` and the context type every handler receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from telegram.ext import CallbackContext, ExtBot

from bot.settings import Settings
from bot.store import Store
from knowledge.engine import Engine
from knowledge.factbase import FactBase

from .pictures import Pictures


@dataclass
class BotData:
    """Services opened in ``post_init`` and closed in ``post_shutdown``."""

    settings: Settings | None = None
    base: FactBase | None = None
    engine: Engine | None = None
    store: Store | None = None
    pictures: Pictures = field(default_factory=Pictures)
    """Timeline pictures, built once per fact base (see handlers.pictures)."""

    def services(self) -> tuple[Engine, Store, FactBase]:
        if self.engine is None or self.store is None or self.base is None:
            raise RuntimeError("services are not open yet (post_init has not run)")
        return self.engine, self.store, self.base


Ctx = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]
