"""The command line: ask (one, batch, JSON), chat, log, run without a token."""

from __future__ import annotations

import gc
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


# -- shell conventions -------------------------------------------------------------------------


def _run(tmp: Path, *args: str, **kw: object) -> subprocess.CompletedProcess[bytes]:
    env = {**_env(tmp), **kw.pop("env", {})}  # type: ignore[dict-item]
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True, env=env, cwd=ROOT, timeout=60, **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def test_a_closed_pipe_exits_quietly(tmp_path: Path) -> None:
    proc = subprocess.run(
        f"{sys.executable} -m bot facts --json | head -c 100 >/dev/null",
        shell=True, capture_output=True, env=_env(tmp_path), cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert proc.stderr == b""


def test_ask_exits_1_without_an_answer_and_says_so_in_help(tmp_path: Path) -> None:
    assert _run(tmp_path, "ask", "Abai 150").returncode == 0
    assert _run(tmp_path, "ask", "bitcoin price tomorrow").returncode == 1
    empty = _run(tmp_path, "ask", "")
    assert empty.returncode == 1 and b"empty" in empty.stderr
    assert b"Exits 1 when" in _run(tmp_path, "ask", "--help").stdout


def test_global_options_before_or_after_the_command(tmp_path: Path) -> None:
    for args in (
        ["--db", str(tmp_path / "a.db"), "ask", "2004"],
        ["ask", "--db", str(tmp_path / "b.db"), "2004"],
    ):
        assert _run(tmp_path, *args).returncode == 0
    # Either way the index was built for that database (beside it: `ask` writes no database).
    assert (tmp_path / "a.index").is_dir() and (tmp_path / "b.index").is_dir()


def test_version(tmp_path: Path) -> None:
    proc = _run(tmp_path, "--version")
    assert proc.returncode == 0 and proc.stdout.startswith(b"dostyq ")


def test_a_bad_setting_is_one_line_exit_2(tmp_path: Path) -> None:
    proc = _run(tmp_path, "ask", "2004", env={"DOSTYQ_DEFAULT_LANG": "de"})
    assert proc.returncode == 2
    assert proc.stderr.decode().strip().count("\n") == 0 and b"DOSTYQ_DEFAULT_LANG" in proc.stderr


def test_default_lang_is_the_fallback_of_ask(tmp_path: Path) -> None:
    proc = _run(tmp_path, "ask", "--json", "2004", env={"DOSTYQ_DEFAULT_LANG": "ru"})
    assert json.loads(proc.stdout)["lang"] == "ru"


def test_batch_keeps_one_line_per_line_with_bad_bytes_and_crlf(tmp_path: Path) -> None:
    data = b"\xff 2004\r\nAbai 150\r\n\n" + "x\u2028y\x85z\rw\n".encode()
    proc = _run(tmp_path, "ask", "--json", "-", input=data)
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout.decode("utf-8")  # strict: the output is valid UTF-8
    lines = [json.loads(line) for line in text.splitlines()]
    assert len(lines) == 4
    assert lines[0]["question"] == "\ufffd 2004" and lines[0]["kind"] == "year"
    assert lines[1]["question"] == "Abai 150" and lines[1]["kind"] == "fact"
    assert "\r" not in text


def test_crlf_is_stripped_from_one_question(tmp_path: Path) -> None:
    proc = _run(tmp_path, "ask", "--json", "Abai 150\r\n")
    assert json.loads(proc.stdout)["question"] == "Abai 150"


def test_chat_says_questions_are_not_logged(tmp_path: Path) -> None:
    proc = _run(tmp_path, "chat", input=b"\n")
    assert b"not logged" in proc.stdout
    assert b"not logged" in _run(tmp_path, "chat", "--help").stdout


def test_ask_settles_the_heap_once_the_engine_is_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.cli

    calls: list[int] = []
    monkeypatch.setattr(bot.cli, "settle", lambda: calls.append(gc.get_freeze_count()))
    assert main(["--db", str(tmp_path / "a.db"), "ask", "Abai 150"]) == 0
    assert len(calls) == 1


def test_settle_freezes_what_start_up_left() -> None:
    from bot.services import settle

    try:
        settle()
        assert gc.get_freeze_count() > 10_000  # modules, pydantic schemas, word lists...
    finally:
        gc.unfreeze()
