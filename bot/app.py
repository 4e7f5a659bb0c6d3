"""Application wiring for the Telegram bot (built in issue 4)."""

from __future__ import annotations

import sys

from .settings import Settings


def run(settings: Settings) -> int:
    """Run the bot. Not built yet: the engine can be tried with ``dostyq chat``."""
    print("dostyq run: the Telegram bot is not built yet; try `dostyq chat`.", file=sys.stderr)
    return 2
