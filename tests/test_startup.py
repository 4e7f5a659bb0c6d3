"""Start-up of the real ``python -m bot run``: configuration errors, a rejected token, an
unreachable Bot API, a database that cannot be used. The token is in no output of any of them.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from pathlib import Path

import pytest

from tests import factories as F
from tests.e2e import ROOT, bot_env
from tests.fakebotapi import BOT_USERNAME, DEFAULT_TOKEN, FakeBotAPI

SECRET = DEFAULT_TOKEN.split(":", 1)[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def env_for(api_url: str, db: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DOSTYQ_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN,
        TELEGRAM_API_URL=api_url,
        DOSTYQ_DB=str(db),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


async def run_bot(env: dict[str, str], *args: str, timeout: float = 30) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        *args,
        cwd=str(ROOT),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        stdin=asyncio.subprocess.DEVNULL,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except TimeoutError:
        proc.kill()
        out, err = await proc.communicate()
        raise AssertionError(f"still running after {timeout}s:\n{err.decode()}") from None
    assert proc.returncode is not None
    return proc.returncode, out.decode(errors="replace"), err.decode(errors="replace")


def assert_no_token(*texts: str) -> None:
    for text in texts:
        assert SECRET not in text and DEFAULT_TOKEN not in text, text


def last_line(err: str) -> str:
    return err.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"TELEGRAM_BOT_TOKEN": ""}, "TELEGRAM_BOT_TOKEN is not set"),
        ({"TELEGRAM_BOT_TOKEN": "   "}, "TELEGRAM_BOT_TOKEN is not set"),
        ({"TELEGRAM_BOT_TOKEN": "not-a-token" + SECRET}, "TELEGRAM_BOT_TOKEN is not a bot token"),
        ({"TELEGRAM_BOT_TOKEN": "123:" + SECRET + " x"}, "TELEGRAM_BOT_TOKEN is not a bot token"),
        ({"DOSTYQ_DEFAULT_LANG": "de"}, "DOSTYQ_DEFAULT_LANG must be 'kk', 'ru' or 'en'"),
        ({"DOSTYQ_LOG_DAYS": "-1"}, "DOSTYQ_LOG_DAYS must be greater than or equal to 0"),
        ({"DOSTYQ_WEBHOOK_PORT": "99999"}, "DOSTYQ_WEBHOOK_PORT must be less than"),
        ({"DOSTYQ_WEBHOOK_SECRET": "has spaces"}, "DOSTYQ_WEBHOOK_SECRET must be 1-256"),
        ({"DOSTYQ_WEBHOOK_SECRET": "x" * 257}, "DOSTYQ_WEBHOOK_SECRET must be 1-256"),
        ({"DOSTYQ_WEBHOOK_SECRET": "ключ"}, "DOSTYQ_WEBHOOK_SECRET must be 1-256"),
        ({"TELEGRAM_API_URL": "api.telegram.org"}, "TELEGRAM_API_URL must be an http(s) URL"),
    ],
    ids=lambda v: str(v)[:30],
)
async def test_a_configuration_error_is_one_line_and_exit_2(
    tmp_path: Path, extra: dict[str, str], expected: str
) -> None:
    env = env_for("http://127.0.0.1:9/bot", tmp_path / "db.sqlite3", **extra)
    rc, out, err = await run_bot(env)
    assert rc == 2
    assert len(err.strip().splitlines()) == 1, err
    assert expected in err
    assert "Traceback" not in err
    assert_no_token(out, err)
    given = extra.get("TELEGRAM_BOT_TOKEN", "").strip()
    assert not given or given not in out + err


@pytest.mark.parametrize(
    ("args", "extra", "expected"),
    [
        (["--webhook"], {}, "--webhook needs DOSTYQ_WEBHOOK_URL"),
        (["--webhook"], {"DOSTYQ_WEBHOOK_URL": "https://x.invalid/t"}, "DOSTYQ_WEBHOOK_SECRET"),
        ([], {"DOSTYQ_WEBHOOK_URL": "https://x.invalid/t"}, "DOSTYQ_WEBHOOK_SECRET must be set"),
    ],
)
async def test_webhook_refuses_to_start_without_a_secret(
    tmp_path: Path, args: list[str], extra: dict[str, str], expected: str
) -> None:
    env = env_for("http://127.0.0.1:9/bot", tmp_path / "d", **extra)
    rc, _, err = await run_bot(env, *args)
    assert rc == 2 and expected in err and len(err.strip().splitlines()) == 1, err


async def test_a_rejected_token_is_told_apart_and_never_printed(tmp_path: Path) -> None:
    async with FakeBotAPI(token="7000002:AAAnotherTokenTheServerKnows-xyz") as server:
        rc, out, err = await run_bot(env_for(server.base_url, tmp_path / "db.sqlite3"))
    assert rc == 2
    assert "Telegram rejected TELEGRAM_BOT_TOKEN (401 Unauthorized)" in last_line(err)
    assert "Traceback" not in err and "Unclosed" not in err
    assert_no_token(out, err)


async def test_an_unreachable_api_is_retried_until_it_answers(tmp_path: Path) -> None:
    port = free_port()
    env = env_for(f"http://127.0.0.1:{port}/bot", tmp_path / "db.sqlite3")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=str(ROOT), env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    assert proc.stdout is not None
    lines: list[str] = []

    async def read() -> None:
        assert proc.stdout is not None
        async for line in proc.stdout:
            lines.append(line.decode(errors="replace"))

    reader = asyncio.create_task(read())
    try:
        deadline = time.monotonic() + 20
        while not any("Bot API unreachable at start-up" in x for x in lines):
            assert proc.returncode is None, "".join(lines)
            assert time.monotonic() < deadline, "".join(lines)
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.5)
        assert proc.returncode is None, "".join(lines)  # retrying, not exiting
        async with FakeBotAPI(port=port) as server:
            await server.wait_for("getUpdates", timeout=30)
            server.push_update(F.make_message_update("Abai 150", user_id=4242))
            reply = await server.wait_for("sendMessage", timeout=15)
            assert reply.ok and reply.params["chat_id"] == 4242
            # Only the four handled update types are asked for.
            polls = server.calls_to("getUpdates")
            assert {tuple(p.params["allowed_updates"]) for p in polls} == {
                ("message", "edited_message", "callback_query", "inline_query")
            }
            proc.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(proc.wait(), 15) == 0
            server.assert_clean()
    finally:
        if proc.returncode is None:
            proc.kill()
        await asyncio.wait_for(reader, 10)
    text = "".join(lines)
    assert f"started as @{BOT_USERNAME}" in text
    assert " ERROR " not in text and "Traceback" not in text
    assert_no_token(text)


async def test_sigterm_while_the_api_is_unreachable_exits_at_once(tmp_path: Path) -> None:
    env = env_for(f"http://127.0.0.1:{free_port()}/bot", tmp_path / "db.sqlite3")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=str(ROOT), env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    await asyncio.sleep(4)
    proc.send_signal(signal.SIGTERM)
    _, err = await asyncio.wait_for(proc.communicate(), 10)
    assert proc.returncode == 0, err.decode()
    assert_no_token(err.decode())


def _urandom(db: Path) -> None:
    db.write_bytes(os.urandom(65536))


def _truncated(db: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE t (x)")
    conn.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 2000)
    conn.commit()
    conn.close()
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3])


def _folder_is_a_file(db: Path) -> None:
    db.parent.joinpath("not-a-folder").write_text("x")


@pytest.mark.parametrize("damage", [_urandom, _truncated, _folder_is_a_file])
async def test_a_database_that_cannot_be_used_is_one_line_naming_it(
    tmp_path: Path, damage: object
) -> None:
    db = tmp_path / "x.sqlite3"
    assert callable(damage)
    damage(db)
    if damage is _folder_is_a_file:
        db = tmp_path / "not-a-folder" / "x.sqlite3"
    async with FakeBotAPI() as server:
        t0 = time.monotonic()
        rc, out, err = await run_bot(bot_env(server, db), timeout=30)
    assert rc == 2, err
    assert time.monotonic() - t0 < 20
    assert last_line(err).startswith(f"dostyq run: DOSTYQ_DB {db}: "), err
    assert "Traceback" not in err
    assert_no_token(out, err)


def test_repr_base_file_url_and_defaults() -> None:
    from telegram.constants import ParseMode

    from bot.app import build_application
    from bot.settings import Settings

    settings = Settings(
        _env_file=None,
        TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN,
        TELEGRAM_API_URL="http://bot.example.org:8081/bot",
    )
    app = build_application(settings)
    assert SECRET not in repr(app) and SECRET not in repr(app.bot) and SECRET not in repr(settings)
    # Only the last segment changes (a host with "bot" in its name once became /file/bot too).
    assert app.bot.base_file_url == f"http://bot.example.org:8081/file/bot{DEFAULT_TOKEN}"
    assert app.bot.base_url == f"http://bot.example.org:8081/bot{DEFAULT_TOKEN}"
    assert app.bot.defaults is not None
    assert app.bot.defaults.parse_mode == ParseMode.HTML
    assert app.bot.defaults.link_preview_options is not None
    assert app.bot.defaults.link_preview_options.is_disabled


def test_allowed_updates_cover_every_handler() -> None:
    from telegram.ext import (
        CallbackQueryHandler,
        CommandHandler,
        InlineQueryHandler,
        MessageHandler,
    )

    from bot.app import ALLOWED_UPDATES
    from handlers import build_handlers

    needs = {
        CommandHandler: {"message", "edited_message"},
        MessageHandler: {"message", "edited_message"},
        CallbackQueryHandler: {"callback_query"},
        InlineQueryHandler: {"inline_query"},
    }
    wanted: set[str] = set()
    for handler in build_handlers():
        wanted |= needs[type(handler)]  # a new handler type must be added here and there
    assert set(ALLOWED_UPDATES) == wanted
