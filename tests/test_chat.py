"""``dostyq chat``: context, commands, and how it ends."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from bot.chat import Chat
from knowledge.compose import CONTEXT_SECONDS
from knowledge.engine import Engine
from knowledge.factbase import FactBase

ROOT = Path(__file__).resolve().parent.parent


async def test_follow_ups_more_and_commands(engine: Engine, base: FactBase) -> None:
    chat = Chat(engine, base, None, "en")
    out = io.StringIO()
    for line in ("", "2004 жылы не болды?", "ал 2005 жылы ше?", "/lang ru", "ещё"):
        assert await chat.turn(line, out, now=100.0)
    text = out.getvalue()
    assert "2004 · 1 оқиға" in text and "2005 · 1 оқиға" in text
    assert "answers in ru" in text and "Цитата из статьи" in text  # "ещё": the fact in full
    assert not await chat.turn("/quit", out, now=100.0)


async def test_context_expires(engine: Engine, base: FactBase) -> None:
    chat = Chat(engine, base, None, "en")
    out = io.StringIO()
    await chat.turn("what happened in 2004?", out, now=0.0)
    await chat.turn("and the year after?", out, now=CONTEXT_SECONDS + 1)
    # Without its context "the year after" has nothing to follow: no answer about 2005.
    assert "2005 ·" not in out.getvalue()


async def test_year_and_help_commands(engine: Engine, base: FactBase) -> None:
    chat = Chat(engine, base, "kk", "en")
    out = io.StringIO()
    await chat.turn("/year 2006", out)
    await chat.turn("/year two", out)
    await chat.turn("/help", out)
    text = out.getvalue()
    assert text.startswith("2006 · 7 оқиға") and "usage: /year 2004" in text and "/lang" in text


def test_an_empty_line_does_not_end_the_chat(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DOSTYQ_"))}
    env["DOSTYQ_DB"] = str(tmp_path / "chat.sqlite3")
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "chat"],
        input="\n\nWhat happened in 2005?\nmore\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    assert "2005 · 1 event" in proc.stdout and "Quote from the article" in proc.stdout
