"""Shared fixtures: one engine over the packaged fact base, in a temporary SQLite file."""

from __future__ import annotations

import os

os.environ.setdefault("PTB_TIMEDELTA", "1")

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from knowledge.engine import Engine
from knowledge.factbase import FactBase, load_facts


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
