"""Running the real ``dostyq run`` process against the fake Bot API server."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.fakebotapi import FakeBotAPI

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class BotProcess:
    proc: asyncio.subprocess.Process
    output: list[str] = field(default_factory=list)
    _reader: asyncio.Task[None] | None = None

    async def _read(self) -> None:
        assert self.proc.stdout is not None
        async for line in self.proc.stdout:
            self.output.append(line.decode(errors="replace"))

    async def stop(self, sig: int = signal.SIGINT, timeout: float = 10.0) -> int:
        if self.proc.returncode is None:
            self.proc.send_signal(sig)
        rc = await asyncio.wait_for(self.proc.wait(), timeout)
        if self._reader is not None:
            await asyncio.wait_for(self._reader, timeout)
        return rc

    @property
    def text(self) -> str:
        return "".join(self.output)


def bot_env(server: FakeBotAPI, db: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DOSTYQ_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=server.token,
        TELEGRAM_API_URL=server.base_url,
        DOSTYQ_DB=str(db),
        DOSTYQ_DEFAULT_LANG="en",
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


@asynccontextmanager
async def running_bot(server: FakeBotAPI, db: Path, **extra: str) -> AsyncIterator[BotProcess]:
    """Start ``python -m bot run``; yield once it is about to poll; SIGINT it on exit.

    ``deleteWebhook`` is PTB's last call before it polls, and updates pushed before the first
    poll are queued, so waiting for it is enough (the first getUpdates on an idle server only
    returns at the end of its long poll).
    """
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=str(ROOT),
        env=bot_env(server, db, **extra),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    bp = BotProcess(proc)
    bp._reader = asyncio.create_task(bp._read())
    try:
        await server.wait_for("deleteWebhook", timeout=30)
        yield bp
    finally:
        if proc.returncode is None:
            await bp.stop()
