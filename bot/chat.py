"""``dostyq chat``: a conversation in the terminal, with the engine and renderer the bot uses.

It keeps the last answer's context as the bot does in a private chat, so "and in 2005?" and
"more" work here too, and it expires after the same few minutes. Line editing and history come
from readline when the terminal has it. An empty line asks nothing; Ctrl-C drops the line being
typed; Ctrl-D (or /quit) ends the conversation. /help, /lang kk|ru|en and /year YEAR work as in
Telegram.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from typing import TextIO

from handlers.render import render
from knowledge.compose import CONTEXT_SECONDS
from knowledge.engine import Engine
from knowledge.factbase import FactBase
from knowledge.models import LANGS, Context, Lang

PROMPT = "you> "
HELP = """Ask anything about Kazakhstan-China cultural relations, in kk, ru or en.
  /lang kk|ru|en   answer in that language (/lang alone: the question's language)
  /year 2004       a year's events
  /help            this text
  /quit            end (or Ctrl-D)
"more" shows the rest of a list; "and in 2005?" asks the last question for another year."""


def _readline() -> None:
    """Line editing and history for input(), where the platform has readline."""
    if sys.stdin.isatty():
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401  (importing it is what turns line editing on)


class Chat:
    """One terminal conversation: the reply language chosen with /lang, and the context."""

    def __init__(self, engine: Engine, base: FactBase, lang: Lang | None, fallback: Lang) -> None:
        self.engine = engine
        self.base = base
        self.lang = lang
        self.fallback = fallback
        self._context: Context | None = None
        self._at = 0.0

    def context(self, now: float) -> Context | None:
        if self._context is not None and now - self._at <= CONTEXT_SECONDS:
            return self._context
        return None

    async def turn(self, line: str, out: TextIO, now: float | None = None) -> bool:
        """Answer one line; False when the conversation should end."""
        now = time.monotonic() if now is None else now
        text = line.strip()
        if not text:
            return True
        if text in ("/quit", "/exit", "/q"):
            return False
        if text == "/help" or text == "/start":
            print(HELP, file=out)
            return True
        if text.startswith("/lang"):
            arg = text.removeprefix("/lang").strip()
            if arg in LANGS:
                self.lang = arg
                print(f"answers in {arg}", file=out)
            elif not arg:
                self.lang = None
                print("answers in the question's language", file=out)
            else:
                print("usage: /lang kk|ru|en", file=out)
            return True
        if text.startswith("/year"):
            arg = text.removeprefix("/year").strip()
            if not (arg.isdigit() and len(arg) == 4):
                print("usage: /year 2004", file=out)
                return True
            lang = self.lang or (self._context.lang if self._context else self.fallback)
            answer = await self.engine.year_answer(int(arg), lang)
        else:
            answer = await self.engine.ask(
                text, lang=self.lang, fallback_lang=self.fallback, context=self.context(now)
            )
        if answer.context is not None:
            self._context, self._at = answer.context, now
        print(render(answer, self.base.sources, html_mode=False), file=out)
        return True


async def chat(
    engine: Engine, base: FactBase, lang: Lang | None, fallback: Lang, banner: str
) -> int:
    _readline()
    print(banner)
    session = Chat(engine, base, lang, fallback)
    while True:
        try:
            line = await asyncio.to_thread(input, PROMPT)
        except EOFError:
            print()
            return 0
        except KeyboardInterrupt:  # as in a shell: drop the line, prompt again
            print()
            continue
        if not await session.turn(line, sys.stdout):
            return 0
        print()
