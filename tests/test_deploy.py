"""The deploy kit: backup and restore of a live database, the health check, the image's entry
point run directly (no Docker engine here), the systemd units, compose files and .env.example.
"""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot import backup
from tests import factories as F
from tests.e2e import ROOT, bot_env, running_bot
from tests.fakebotapi import Call, FakeBotAPI

DEPLOY = ROOT / "deploy"
DIPLO_EN = "When did Kazakhstan and China establish diplomatic relations?"
WAIT = 15.0


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


async def until(check: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def reply(server: FakeBotAPI, chat_id: int) -> Call:
    call = await server.wait_for(
        "sendMessage", lambda c: c.params.get("chat_id") == chat_id, timeout=WAIT
    )
    assert call.ok, call.response
    return call


def run_py(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


# -- backup and restore ------------------------------------------------------------------------


async def test_backup_of_a_live_database_restores(tmp_path: Path) -> None:
    db, backups = tmp_path / "data" / "bot.sqlite3", tmp_path / "backups"
    before, after = 720_001, 720_002
    async with FakeBotAPI() as server, running_bot(server, db):
        # Before the backup: a language choice, a vote and two logged questions.
        server.push_update(F.make_command_update("/lang", user_id=before))
        menu = await reply(server, before)
        data = {b["text"]: b for row in menu.params["reply_markup"]["inline_keyboard"] for b in row}
        server.push_update(
            F.make_callback_query_update(
                data["🇷🇺 Русский"]["callback_data"], message=menu.result, user_id=before
            )
        )
        await server.wait_for("editMessageText", timeout=WAIT)
        server.push_update(F.make_message_update(DIPLO_EN, user_id=before))
        answer = await reply(server, before)
        vote = next(
            b["callback_data"]
            for row in answer.params["reply_markup"]["inline_keyboard"]
            for b in row
            if b["text"] == "👍"
        )
        server.push_update(
            F.make_callback_query_update(vote, message=answer.result, user_id=before)
        )
        await server.wait_for("answerCallbackQuery", timeout=WAIT)
        server.push_update(F.make_message_update("what about the weather", user_id=before))
        await reply(server, before)
        await until(lambda: rows(db, "SELECT COUNT(*) FROM question_log") == [(2,)])
        await until(lambda: rows(db, "SELECT COUNT(*) FROM feedback") == [(1,)])

        # The backup, while the bot runs and keeps writing.
        made = run_py("-m", "bot.backup", "create", str(backups), "--db", str(db), "--keep", "2")
        assert made.returncode == 0, made.stderr
        copy = Path(made.stdout.strip())
        assert copy.parent == backups and copy.name.startswith("dostyq-")
        server.push_update(F.make_message_update(DIPLO_EN, user_id=after))
        await reply(server, after)
        await until(lambda: rows(db, "SELECT COUNT(*) FROM question_log") == [(3,)])

    checked = run_py("-m", "bot.backup", "check", str(copy))
    assert checked.returncode == 0, checked.stderr
    assert "question_log 2" in checked.stdout and "feedback 1" in checked.stdout

    restored = run_py("-m", "bot.backup", "restore", str(copy), "--db", str(db))
    assert restored.returncode == 0, restored.stderr
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    assert rows(db, "SELECT COUNT(*) FROM question_log") == [(2,)]  # as at the backup
    assert rows(db, "SELECT lang FROM user_lang") == [("ru",)]
    assert rows(db, "SELECT fact_id, vote FROM feedback") == [("diplomatic-relations-1992", 1)]
    kept = db.with_name(db.name + ".before-restore")
    assert rows(kept, "SELECT COUNT(*) FROM question_log") == [(3,)]  # the replaced file
    assert not Path(f"{db}-wal").exists()

    # The bot runs on the restored file: it still knows the user's language.
    async with FakeBotAPI() as server, running_bot(server, db):
        server.push_update(F.make_message_update(DIPLO_EN, user_id=before))
        assert (await reply(server, before)).params["text"].startswith("<b>3 января 1992 г.</b>")
        server.assert_clean()


def test_backups_are_pruned_and_bad_files_refused(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    conn = sqlite3.connect(db)
    conn.executescript(
        "CREATE TABLE schema_migrations(version INTEGER PRIMARY KEY, applied REAL);"
        "INSERT INTO schema_migrations VALUES (1, 0);"
    )
    conn.close()
    out = tmp_path / "b"
    out.mkdir()
    for stamp in ("20260101T000000Z", "20260102T000000Z", "20260103T000000Z"):
        shutil.copyfile(db, out / f"dostyq-{stamp}.sqlite3")
    made = backup.create(db, out, keep=2)
    assert sorted(p.name for p in out.iterdir()) == [
        "dostyq-20260103T000000Z.sqlite3",
        made.name,
    ]
    (tmp_path / "junk.sqlite3").write_bytes(b"not a database at all" * 100)
    with pytest.raises(backup.BackupError, match="not a readable SQLite database"):
        backup.restore(tmp_path / "junk.sqlite3", db)
    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).close()
    with pytest.raises(backup.BackupError):
        backup.verify(empty)
    assert rows(db, "SELECT version FROM schema_migrations") == [(1,)]  # untouched


# -- the Docker image, run directly ------------------------------------------------------------


def dockerfile() -> dict[str, Any]:
    """The final stage of deploy/Dockerfile: base image, ENV, USER, HEALTHCHECK, ENTRYPOINT, CMD."""
    text = re.sub(r"\\\n", " ", (DEPLOY / "Dockerfile").read_text(encoding="utf-8"))
    stages = re.split(r"^FROM ", text, flags=re.M)
    final = stages[-1]
    out: dict[str, Any] = {"from": [s.split()[0] for s in stages[1:]], "env": {}}
    for line in final.splitlines():
        word, _, rest = line.strip().partition(" ")
        if word == "ENV":
            for item in shlex.split(rest):
                key, _, value = item.partition("=")
                out["env"][key] = value
        elif word in ("USER", "ENTRYPOINT", "CMD", "HEALTHCHECK", "WORKDIR", "VOLUME"):
            out[word.lower()] = rest.strip()
    return out


def test_dockerfile_is_slim_non_root_with_a_health_check() -> None:
    d = dockerfile()
    assert d["from"] == ["python:3.11-slim", "python:3.11-slim"]
    assert d["user"] == "dostyq"
    assert d["entrypoint"] == '["dostyq"]' and d["cmd"] == '["run"]'
    assert d["healthcheck"].endswith('CMD ["python", "-m", "bot.health"]')
    assert d["env"]["DOSTYQ_DB"].startswith("/var/lib/dostyq/")
    assert "/var/lib/dostyq" in d["volume"]


def image_command(json_array: str) -> list[str]:
    """An exec-form command of the image, as run here: ``dostyq`` is ``python -m bot``."""
    argv = yaml.safe_load(json_array)
    if argv[0] == "dostyq":
        return [sys.executable, "-m", "bot", *argv[1:]]
    if argv[0] == "python":
        return [sys.executable, *argv[1:]]
    raise AssertionError(argv)


async def test_the_images_entry_point_and_health_check_run(tmp_path: Path) -> None:
    """ENTRYPOINT + CMD and the HEALTHCHECK command, with the image's ENV (DOSTYQ_DB moved into
    a temporary directory), against the fake Bot API. Docker engine does not run here."""
    d = dockerfile()
    health = image_command(d["healthcheck"].split("CMD", 1)[1])
    entry = image_command(d["entrypoint"]) + yaml.safe_load(d["cmd"])
    db = tmp_path / "var-lib-dostyq" / "dostyq.sqlite3"
    async with FakeBotAPI() as server:
        env = bot_env(server, db)
        env.update({k: v for k, v in d["env"].items() if k not in ("PATH", "DOSTYQ_DB")})
        before = subprocess.run(health, cwd=ROOT, env=env, capture_output=True, text=True)
        assert before.returncode == 1 and "no database at" in before.stdout
        proc = await asyncio.create_subprocess_exec(
            *entry,
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            await server.wait_for("deleteWebhook", timeout=30)
            ok = subprocess.run(health, cwd=ROOT, env=env, capture_output=True, text=True)
            assert ok.returncode == 0, ok.stdout
            assert ok.stdout.strip() == "healthy (polling)"
            server.push_update(F.make_message_update(DIPLO_EN, user_id=730_001))
            assert "3 January 1992" in (await reply(server, 730_001)).params["text"]
        finally:
            proc.terminate()
            assert await asyncio.wait_for(proc.wait(), 20) == 0
        # Webhook mode with nothing listening: unhealthy, and says where it looked.
        env.update(DOSTYQ_WEBHOOK_URL="https://bot.example/telegram", DOSTYQ_WEBHOOK_PORT="9")
        down = subprocess.run(health, cwd=ROOT, env=env, capture_output=True, text=True)
        assert down.returncode == 1 and "http://127.0.0.1:9/healthz" in down.stdout
        server.assert_clean()


# -- systemd, compose, .env.example -------------------------------------------------------------


UNITS = ["dostyq.service", "dostyq-backup.service", "dostyq-backup.timer"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_systemd_units_verify(tmp_path: Path) -> None:
    bin_dir = str(Path(sys.executable).parent)
    for name in UNITS:
        text = (DEPLOY / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text.replace("/opt/dostyq/bin", bin_dir), encoding="utf-8")
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *(str(tmp_path / n) for n in UNITS)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr


def test_units_read_the_environment_file_and_back_up_with_the_tested_command() -> None:
    service = (DEPLOY / "dostyq.service").read_text(encoding="utf-8")
    assert "EnvironmentFile=/etc/dostyq.env" in service and "User=dostyq" in service
    job = (DEPLOY / "dostyq-backup.service").read_text(encoding="utf-8")
    assert "ExecStart=/opt/dostyq/bin/python -m bot.backup create " in job
    assert "Unit=" not in (DEPLOY / "dostyq-backup.timer").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["compose.yaml", "compose.postgres.yaml"])
def test_compose_files(name: str) -> None:
    spec = yaml.safe_load((DEPLOY / name).read_text(encoding="utf-8"))
    services = spec["services"]
    bot = services["bot"]
    assert bot["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
    assert (DEPLOY.parent / bot["build"]["dockerfile"]).is_file()
    assert bot["env_file"] == "../.env"
    caddy = services["caddy"]
    caddyfile = caddy["volumes"][0].split(":")[0]
    assert (DEPLOY / caddyfile).is_file()
    assert "443:443" in caddy["ports"]
    assert caddy["depends_on"]["bot"]["condition"] == "service_healthy"
    named = {v.split(":")[0] for s in services.values() for v in s.get("volumes", [])}
    assert {v for v in named if not v.startswith(".")} <= set(spec["volumes"])
    if name == "compose.yaml":
        assert "data:/var/lib/dostyq" in bot["volumes"]
        assert caddy["profiles"] == ["webhook"]
    else:
        assert bot["environment"]["DOSTYQ_DB"].startswith("postgresql://")
        assert bot["deploy"]["replicas"] >= 2
        assert services["db"]["image"].startswith("postgres:")


def test_every_variable_in_env_example_has_a_comment() -> None:
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    names = []
    for i, line in enumerate(lines):
        if "=" in line and not line.startswith("#"):
            names.append(line.split("=", 1)[0])
            assert i > 0 and lines[i - 1].startswith("# "), f"{names[-1]} has no comment"
    assert len(names) == len(set(names))
    assert {"DOSTYQ_ADMIN_IDS", "DOSTYQ_FLOOD_PER_MINUTE"} <= set(names)


def test_deploy_readme_covers_the_operator() -> None:
    text = (DEPLOY / "README.md").read_text(encoding="utf-8")
    for needle in (
        "/newbot",
        "/setinline",
        "/setjoingroups",
        "/setprivacy",
        "python -m bot.backup create",
        "python -m bot.backup restore",
        "VACUUM INTO",
        "pg_dump",
        "compose.postgres.yaml",
        "dostyq stats",
        "DOSTYQ_ADMIN_IDS",
    ):
        assert needle in text, needle
    for name in os.listdir(DEPLOY):
        if name != "README.md":
            assert name in text, f"deploy/README.md does not mention {name}"


async def test_the_health_check_in_webhook_mode(tmp_path: Path) -> None:
    """The bot in webhook mode answers GET /healthz on its own port; the health check asks it."""
    pytest.importorskip("bot.webhook", reason="the webhook server (bot/webhook.py) is not here")
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with FakeBotAPI() as server:
        env = bot_env(
            server,
            tmp_path / "bot.sqlite3",
            DOSTYQ_WEBHOOK_URL="https://bot.example/telegram",
            DOSTYQ_WEBHOOK_SECRET="s3cret-" + "x" * 24,
            DOSTYQ_WEBHOOK_LISTEN="127.0.0.1",
            DOSTYQ_WEBHOOK_PORT=str(port),
        )
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            "--webhook",
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            await server.wait_for("setWebhook", timeout=30)
            deadline = time.monotonic() + 10
            while True:
                done = run_py("-m", "bot.health", env=env)
                if done.returncode == 0 or time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.2)
            assert done.returncode == 0, done.stdout
            assert done.stdout.strip() == "healthy (webhook)"
        finally:
            proc.terminate()
            await asyncio.wait_for(proc.wait(), 20)
