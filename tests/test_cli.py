"""The command line: ask (one, batch, JSON), chat, log, run without a token."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

ROOT = Path(__file__).resolve().parent.parent


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DOSTYQ_"))}
    env["DOSTYQ_DB"] = str(tmp / "cli.sqlite3")
    return env


def test_ask_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(tmp_path / "a.db"), "ask", "--json", "Abai 150"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"question", "lang", "kind", "text", "facts", "sources"} <= set(out)
    assert out["kind"] == "fact" and out["facts"][0]["id"] == "abai-150-in-china-1995"
    assert {"id", "date", "score"} <= set(out["facts"][0])
    assert out["sources"] == ["ref. [4], pp. 3–4"]
    assert out["text"].startswith("<b>")


def test_ask_lang_overrides_reply_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(tmp_path / "a.db"), "ask", "--json", "--lang", "ru", "Abai 150"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["lang"] == "ru" and "1995 г." in out["text"]


def test_batch_mode_one_line_per_question(tmp_path: Path) -> None:
    questions = "Chinese Bridge\n2006\nbitcoin price\n\n' OR 1=1 --\n"
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "-"],
        input=questions,
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(lines) == 5
    assert [x["kind"] for x in lines] == ["fact", "year", "none", "none", "none"]
    assert lines[2]["facts"] == []


def test_chat_in_a_terminal(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "chat"],
        input="Что было в 2005 году?\n\n",
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    assert "Шанха" in proc.stdout and "<b>" not in proc.stdout


def test_run_without_token_points_to_chat(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        cwd=ROOT,
        timeout=60,
    )
    assert proc.returncode != 0
    assert "TELEGRAM_BOT_TOKEN" in proc.stderr and "dostyq chat" in proc.stderr


def test_log_command_on_an_empty_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(tmp_path / "l.db"), "log", "--unanswered"]) == 0
    assert "no questions logged" in capsys.readouterr().out
