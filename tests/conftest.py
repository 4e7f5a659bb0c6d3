"""Shared fixtures: one engine over the packaged fact base, in a temporary SQLite file; and, for
scenario modules, one fake Bot API server and one real bot process per module (a module that
needs another set-up defines its own ``server`` or ``bot``, which then wins)."""

from __future__ import annotations

import os

os.environ.setdefault("PTB_TIMEDELTA", "1")

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from knowledge.engine import Engine
from knowledge.factbase import FactBase, load_facts
from tests.e2e import BotProcess, running_bot
from tests.fakebotapi import FakeBotAPI


@pytest.fixture(scope="session")
def base() -> FactBase:
    return load_facts()


@pytest.fixture
async def engine(base: FactBase, tmp_path: Path) -> AsyncIterator[Engine]:
    eng = await Engine.open(tmp_path / "index.sqlite3", base)
    try:
        yield eng
    finally:
        await eng.close()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def server() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as s:
        yield s


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(
    server: FakeBotAPI, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> AsyncIterator[BotProcess]:
    db = tmp_path_factory.mktemp(request.module.__name__.rpartition(".")[2]) / "bot.sqlite3"
    async with running_bot(server, db) as bp:
        yield bp
