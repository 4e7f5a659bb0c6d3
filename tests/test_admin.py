"""Operating the bot: flood control, admin commands, error notices, and the read-only reports.

Handlers run in the real Application against the offline RecordingRequest (tests/test_handlers);
the HTTP scenarios with the real process are in tests/test_ops_scenarios.py.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.store import Store
from handlers import flood, insight
from handlers.flood import FloodState, Verdict
from handlers.i18n import OPS_UI
from knowledge.factbase import DEFAULT_FACTS_DIR
from tests import factories as F
from tests.test_handlers import (  # the offline harness, and its clean-environment fixture
    Harness,
    RecordingRequest,
    _clean_env,
    make_settings,
    start,
    stop,
)

__all__ = ["_clean_env"]

ADMIN = 990_001
DIPLO_EN = "When did Kazakhstan and China establish diplomatic relations?"


@pytest.fixture
async def ops(tmp_path: Path) -> AsyncIterator[Harness]:
    request = RecordingRequest()
    app = await start(
        make_settings(tmp_path / "bot.sqlite3", admin_ids={ADMIN}, flood_per_minute=3), request
    )
    try:
        yield Harness(app, request)
    finally:
        await stop(app)
    assert request.problems == []


def texts(calls: list[Any]) -> list[str]:
    return [c.params["text"] for c in calls if c.method == "sendMessage" and c.status == 200]


# -- flood control ------------------------------------------------------------------------------


def test_flood_state_counts_only_accepted_questions() -> None:
    s = FloodState()
    assert [s.check(2, t) for t in (0.0, 1.0, 2.0, 3.0, 4.0)] == [
        Verdict.OK,
        Verdict.OK,
        Verdict.WARN,
        Verdict.DROP,
        Verdict.DROP,
    ]
    # The first accepted question leaves the window at 60 s: one more is allowed, then a new
    # warning (a new episode) for the next excess.
    assert s.check(2, 60.0) is Verdict.OK
    assert s.check(2, 60.5) is Verdict.WARN
    assert s.check(2, 200.0) is Verdict.OK
    assert FloodState().check(0, 0.0) is Verdict.OK  # 0: no limit


def test_flood_gate_stays_bounded() -> None:
    gate = flood.FloodGate(max_users=3)
    for user in range(3):
        gate.state(user, 0.0).check(5, 0.0)
    gate.state(0, 1.0)  # user 0 asked most recently
    gate.state(3, 1.0).check(5, 1.0)  # none idle yet: the least recent (user 1) goes
    assert list(gate.users) == [2, 0, 3]
    gate.state(4, 100.0)  # a minute later all are idle: forgotten
    assert list(gate.users) == [4]


async def test_flood_warns_once_in_the_users_language_then_drops(
    ops: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [1000.0]
    monkeypatch.setattr(flood.time, "monotonic", lambda: clock[0])
    user = 500_001
    out: list[str] = []
    for i in range(7):
        update = F.make_message_update(f"{1992 + i}", user_id=user, language_code="ru")
        out.append("|".join(texts(await ops.feed(update))))
    assert all(out[i] and "Слишком много" not in out[i] for i in range(3)), out
    assert out[3] == OPS_UI["slow_down"]["ru"]
    assert out[4:] == ["", "", ""]  # dropped quietly
    await ops.store.flush()
    logged = (
        sqlite3.connect(ops.app.bot_data.settings.db)
        .execute(  # type: ignore[union-attr]
            "SELECT COUNT(*) FROM question_log"
        )
        .fetchone()[0]
    )
    assert logged == 3  # the dropped questions never reached the engine or the log
    # Another user is not affected; a minute later the first one is answered again.
    assert texts(await ops.feed(F.make_message_update("2004", user_id=500_002)))
    clock[0] += 61
    assert texts(await ops.feed(F.make_message_update("2004", user_id=user)))


async def test_flood_control_spares_admins_and_ignores_group_chatter(ops: Harness) -> None:
    for _ in range(5):
        assert len(texts(await ops.feed(F.make_message_update("2004", user_id=ADMIN)))) == 1
    group = -100_777
    for i in range(6):  # not addressed to the bot: not questions, never counted
        await ops.feed(F.make_message_update(f"chat {i}", chat_type="supergroup", chat_id=group))
    assert texts(
        await ops.feed(F.make_command_update("/ask 2004", at_bot=True, chat_type="supergroup"))
    )


# -- admin commands -----------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["/stats", "/gaps", "/reload", "/nosuchcommand"])
async def test_others_get_the_unknown_command_reply(ops: Harness, command: str) -> None:
    sent = await ops.text(F.make_command_update(command, user_id=500_010, language_code="kk"))
    assert sent.params["text"] == OPS_UI["unknown_command"]["kk"]


async def test_admin_commands_are_silent_in_groups(ops: Harness) -> None:
    for user in (ADMIN, 500_011):
        update = F.make_command_update("/stats", at_bot=True, chat_type="supergroup", user_id=user)
        assert texts(await ops.feed(update)) == []


async def test_stats_counts_what_was_asked(ops: Harness) -> None:
    for user, question in [
        (500_020, DIPLO_EN),
        (500_021, DIPLO_EN),
        (500_022, "weather in Paris tomorrow"),
    ]:
        await ops.feed(F.make_message_update(question, user_id=user))
    report = (await ops.text(F.make_command_update("/stats", user_id=ADMIN))).params["text"]
    assert report.startswith("<pre>") and "Questions per day" in report
    today = time.strftime("%Y-%m-%d", time.gmtime())
    assert f"{today}  3 (67% answered)" in report
    assert "7 days: 3 (67% answered), 0.4 a day. 30 days: 3 (67% answered), 0.1 a day." in report
    assert "By language (30 days): en 3 (67% answered)" in report
    assert "By chat type (30 days): private 3 (67% answered)" in report
    assert "    2  diplomatic-relations-1992 — " in report


async def test_gaps_groups_near_duplicates(ops: Harness) -> None:
    asked = [
        "Who won the football match?",
        "who won the football match",
        "Who won the football match?",
        "Who won the footbal match?",
        "What is the price of bread in Almaty?",
    ]
    for i, question in enumerate(asked):
        await ops.feed(F.make_message_update(question, user_id=500_030 + i))
    report = (await ops.text(F.make_command_update("/gaps", user_id=ADMIN))).params["text"]
    lines = report.removeprefix("<pre>").removesuffix("</pre>").splitlines()
    assert lines[0].startswith("Most frequent unanswered")
    assert lines[1] == "1. ×4  Who won the football match?"
    assert lines[2] == "   ≈ Who won the footbal match?"
    assert lines[3].startswith("2. ×1  What is the price of bread")


def _copy_facts(tmp_path: Path) -> Path:
    facts = tmp_path / "facts"
    shutil.copytree(DEFAULT_FACTS_DIR, facts)
    return facts


async def test_reload_keeps_the_running_base_on_an_error(tmp_path: Path) -> None:
    facts = _copy_facts(tmp_path)
    request = RecordingRequest()
    settings = make_settings(tmp_path / "b.sqlite3", admin_ids={ADMIN}, facts_dir=facts)
    app = await start(settings, request)
    h = Harness(app, request)
    try:
        n = app.bot_data.services()[2].n_facts
        # A broken file: the base and the answers stay as they were.
        (facts / "zz-broken.yaml").write_text("- id: Not An Id\n  date: 2004\n", encoding="utf-8")
        reply = (await h.text(F.make_command_update("/reload", user_id=ADMIN))).params["text"]
        assert reply.startswith(f"The fact files have an error; the running base is kept ({n}")
        assert "zz-broken.yaml" in reply
        assert app.bot_data.services()[2].n_facts == n
        assert "3 January 1992" in (await h.text(F.make_message_update(DIPLO_EN))).params["text"]
        # A valid edit: one fact fewer, and the index follows.
        (facts / "zz-broken.yaml").unlink()
        target = facts / "programme-2003.yaml"
        target.unlink()
        reply = (await h.text(F.make_command_update("/reload", user_id=ADMIN))).params["text"]
        engine, _, base = app.bot_data.services()
        assert reply.startswith(f"Reloaded: {base.n_facts} facts in {len(base.files)} files")
        assert base.n_facts < n and engine.n_facts == base.n_facts
        assert "3 January 1992" in (await h.text(F.make_message_update(DIPLO_EN))).params["text"]
    finally:
        await stop(app)
    assert request.problems == []


# -- errors -------------------------------------------------------------------------------------


async def test_an_exception_is_told_to_admins_without_user_data_and_the_bot_goes_on(
    ops: Harness,
) -> None:
    ops.request.fail("sendMessage", 400, "Bad Request: injected")
    calls = await ops.feed(F.make_message_update("secret 1992 question", user_id=500_040))
    notes = [c for c in calls if c.method == "sendMessage" and c.params["chat_id"] == ADMIN]
    assert [n.params["text"] for n in notes] == ["⚠️ Dostyq error: <code>BadRequest</code>"]
    assert texts(await ops.feed(F.make_message_update(DIPLO_EN, user_id=500_040)))


# -- the reports read only -----------------------------------------------------------------------


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def test_reports_never_write(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    store = await Store.open(db, log_days=90)
    store.log_question(1, "what about horses", "en", "private", "none", None, None)
    await store.close()
    old = time.time() - 100 * 86400  # past retention: a reader that purged would drop it
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE question_log SET created = ?", (old,))
    sqlite3.connect(db).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    before = _digest(db)
    reader = insight.SQLiteReader(db)
    stats = await insight.read_stats(reader)
    gaps = await insight.read_gaps(reader, days=365)
    assert stats.month.asked == 0 and [g.question for g in gaps] == ["what about horses"]
    readonly = await Store.open(db, readonly=True)  # what dostyq stats / gaps read through
    try:
        gaps = await insight.read_gaps(readonly.backend, days=365)
        assert [g.question for g in gaps] == ["what about horses"]
    finally:
        await readonly.close()
    assert _digest(db) == before
    with pytest.raises(insight.InsightError):
        await insight.read_stats(insight.SQLiteReader(tmp_path / "missing.sqlite3"))
    assert not (tmp_path / "missing.sqlite3").exists()


async def test_a_database_the_bot_never_wrote_gives_empty_reports(tmp_path: Path) -> None:
    db = tmp_path / "empty.sqlite3"
    sqlite3.connect(db).close()
    store = await Store.open(db, readonly=True)
    try:
        assert await insight.read_gaps(store.backend) == []
        stats = await insight.read_stats(store.backend)
    finally:
        await store.close()
    assert stats.week.asked == 0 and len(stats.days) == 7
    names = sqlite3.connect(db).execute("SELECT name FROM sqlite_master").fetchall()
    assert names == []  # nothing migrated


def test_stats_per_day_and_share() -> None:
    rows = [("a b c", 1.0, True), ("a b c", 2.0, True), ("c b a", 3.0, False), ("x y", 4.0, True)]
    groups = insight.group_questions(rows)
    assert [(g.question, g.count, g.unanswered) for g in groups] == [("a b c", 3, 2), ("x y", 1, 1)]
    assert insight.Count(3, 2).share == pytest.approx(2 / 3)
    assert insight.Count(0, 0).share == 0.0


async def test_stats_windows_and_days(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    store = await Store.open(db, log_days=90)
    now = 1_780_000_000.0  # 2026-05-28 ~20:26 UTC
    day = 86400
    asked = [
        (0, "en", "private", "fact", "diplomatic-relations-1992", 80.0),
        (0, "kk", "private", "none", None, None),
        (1, "ru", "supergroup", "fact", "diplomatic-relations-1992", 90.0),
        (10, "en", "private", "year", None, None),  # a year with no events: unanswered
        (40, "en", "private", "fact", "abai-150", 70.0),  # outside 30 days
    ]
    for i, (_, lang, chat, kind, fact, score) in enumerate(asked):
        store.log_question(i, f"q{i}", lang, chat, kind, fact, score)
    for user, fact, vote in [
        (1, "diplomatic-relations-1992", 1),
        (2, "diplomatic-relations-1992", -1),
        (3, "abai-150", 1),
    ]:
        assert await store.vote(user, fact, vote, None)
    await store.close()
    with sqlite3.connect(db) as conn:
        for i, (ago, *_) in enumerate(asked):
            conn.execute(
                "UPDATE question_log SET created = ? WHERE question = ?", (now - ago * day, f"q{i}")
            )
    s = await insight.read_stats(insight.SQLiteReader(db), now=now)
    assert [d for d, _ in s.days] == [f"2026-05-{d:02d}" for d in range(22, 29)]
    assert [c.asked for _, c in s.days] == [0, 0, 0, 0, 0, 1, 2]
    assert (s.week.asked, s.week.answered) == (3, 2)
    assert (s.month.asked, s.month.answered) == (4, 2)
    assert {k: (c.asked, c.answered) for k, c in s.by_lang.items()} == {
        "en": (2, 1),
        "kk": (1, 0),
        "ru": (1, 1),
    }
    assert {k: c.asked for k, c in s.by_chat_type.items()} == {"private": 3, "supergroup": 1}
    assert s.top_facts == [("diplomatic-relations-1992", 2)]
    assert s.votes == [("diplomatic-relations-1992", 1, 1), ("abai-150", 1, 0)]
    text = insight.render_stats(s, "ru")
    assert "За 7 дней: 3 (отвечено: 67%), 0.4 в день." in text
    assert "  👍 1 / 👎 1  diplomatic-relations-1992" in text


async def test_admins_get_the_admin_commands_in_their_menu(ops: Harness) -> None:
    calls = [
        c
        for c in ops.request.to("setMyCommands")
        if c.params.get("scope", {}).get("type") == "chat"
    ]
    assert {c.params["scope"]["chat_id"] for c in calls} == {ADMIN}
    assert {c.params.get("language_code") for c in calls} == {None, "kk", "ru", "en"}
    for c in calls:
        names = [cmd["command"] for cmd in c.params["commands"]]
        assert names[-3:] == ["stats", "gaps", "reload"] and "ask" in names
    everyone = [c for c in ops.request.to("setMyCommands") if c not in calls]
    assert all("stats" not in str(c.params["commands"]) for c in everyone)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_reports_on_both_backends(tmp_path: Path, backend: str) -> None:
    """The same log gives the same report through SQLite and a real PostgreSQL server, both as
    the bot reads it (report_reader) and as dostyq stats / gaps do (the store read-only)."""
    from contextlib import ExitStack

    from handlers.admin import report_reader
    from tests import pg

    async def check(reader: insight.LogReader) -> None:
        stats = await insight.read_stats(reader)
        assert (stats.week.asked, stats.week.answered) == (3, 1)
        assert stats.top_facts == [("diplomatic-relations-1992", 1)]
        assert stats.votes == [("diplomatic-relations-1992", 0, 1)]
        gaps = await insight.read_gaps(reader)
        assert [(g.count, g.unanswered) for g in gaps] == [(2, 2)]

    with ExitStack() as stack:
        if backend == "sqlite":
            db = str(tmp_path / "b.sqlite3")
        else:
            db = stack.enter_context(pg.fresh_schema())
        store = await Store.open(db, log_days=90)
        try:
            asked = [
                (DIPLO_EN, "fact", "diplomatic-relations-1992"),
                ("Who won the football match?", "none", None),
                ("who won the football match", "none", None),
            ]
            for i, (question, kind, fact) in enumerate(asked):
                store.log_question(i, question, "en", "private", kind, fact, 80.0 if fact else None)
            assert await store.vote(7, "diplomatic-relations-1992", -1, None)
            await store.flush()
            await check(report_reader(db, store))
            readonly = await Store.open(db, readonly=True)
            try:
                await check(readonly.backend)
            finally:
                await readonly.close()
        finally:
            await store.close()


def test_error_notices_are_held_back_and_counted() -> None:
    from handlers.errors import NOTICE_EVERY_SECONDS, Notices

    n = Notices()
    assert n.due("BadRequest", 0.0) == 0
    assert n.due("BadRequest", 1.0) is None
    assert n.due("BadRequest", 2.0) is None
    assert n.due("NetworkError", 3.0) == 0  # another kind is told at once
    assert n.due("BadRequest", NOTICE_EVERY_SECONDS + 0.5) == 2


async def test_a_failing_update_stream_sends_one_notice(ops: Harness) -> None:
    ops.request.fail("sendMessage", 400, "Bad Request: injected", times=5)
    notes = []
    for i in range(5):
        calls = await ops.feed(F.make_message_update(f"{1992 + i}", user_id=500_050 + i))
        notes += [c for c in calls if c.method == "sendMessage" and c.params["chat_id"] == ADMIN]
    assert [c.params["text"] for c in notes] == ["⚠️ Dostyq error: <code>BadRequest</code>"]
