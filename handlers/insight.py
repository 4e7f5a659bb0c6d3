"""What users asked, for the operator: /stats and /gaps, and ``dostyq stats`` / ``dostyq gaps``.

Reads the store's tables (``question_log``, ``feedback``) with read-only queries of its own,
through a :class:`LogReader`: the store's backend opened read-only (the CLI; SQLite or
PostgreSQL), or in the bot its own ``mode=ro`` SQLite connection (:class:`SQLiteReader`) or the
PostgreSQL backend's. Nothing here migrates, purges or writes. The store (bot/store.py) owns the
schema; this module only needs the columns it names below. No ``telegram`` imports.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from rapidfuzz import fuzz, process

from knowledge.models import Lang
from knowledge.text import normalise, words

from .i18n import ops_ui

DAY = 86400.0
#: A ``fact`` answer whose top score (0-100, the engine's blended score) is below this is
#: "low confidence" and counts as a gap. The engine answers from 50 (CONFIDENCE_THRESHOLD).
LOW_CONFIDENCE_SCORE = 60.0
#: Near-duplicate questions are grouped when ``GAP_SCORER`` gives at least ``GAP_CUTOFF``
#: (0-100) on their normalised text. token_sort_ratio ignores word order but, unlike
#: token_set_ratio, does not give 100 to every question that merely contains a shorter one.
GAP_SCORER = fuzz.token_sort_ratio
GAP_CUTOFF = 85.0
#: At most this many recent gap rows are read and grouped (keeps /gaps fast on a big log).
GAP_ROWS = 5000
#: SQL for "not answered": no fact matched, or a year/range with no events.
UNANSWERED_SQL = "(kind = 'none' OR (kind IN ('year', 'range') AND fact_id IS NULL))"


class InsightError(Exception):
    """The database cannot be read (missing file, not a Dostyq database)."""


@dataclass(frozen=True)
class Count:
    asked: int
    answered: int

    @property
    def share(self) -> float:
        return self.answered / self.asked if self.asked else 0.0


@dataclass(frozen=True)
class Stats:
    now: float
    days: list[tuple[str, Count]]  # the last 7 UTC days, oldest first
    week: Count
    month: Count
    by_lang: dict[str, Count]  # 30 days
    by_chat_type: dict[str, Count]  # 30 days
    top_facts: list[tuple[str, int]]  # 30 days: fact id, answers
    votes: list[tuple[str, int, int]]  # fact id, 👍, 👎 (all time)


@dataclass
class Gap:
    question: str  # the most frequent wording
    count: int
    unanswered: int  # of ``count``, the ones with no answer at all (the rest: low confidence)
    variants: list[str] = field(default_factory=list)  # other wordings grouped with it
    last: float = 0.0


Row = tuple[object, ...]


class LogReader(Protocol):
    """Read-only queries with ``?`` placeholders: the store's backend (``Store.backend``, SQLite
    or PostgreSQL) or :class:`SQLiteReader`. ``day_expr`` is the SQL for the UTC day number of
    ``created``."""

    day_expr: str

    async def fetch(self, sql: str, params: Row = ()) -> list[Row]: ...


class SQLiteReader:
    """A SQLite file opened read-only (``mode=ro``) for each query, in a worker thread.

    The bot reads its reports this way rather than on the store's connection, so a slow report
    on a big log never holds up the store's writes (aiosqlite runs one query at a time).
    """

    day_expr = "CAST(created / 86400 AS INTEGER)"

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path).expanduser()

    async def fetch(self, sql: str, params: Row = ()) -> list[Row]:
        return await asyncio.to_thread(self._fetch, sql, params)

    def _fetch(self, sql: str, params: Row) -> list[Row]:
        if not self.path.is_file():
            raise InsightError(f"no database at {self.path}")
        try:
            conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
            try:
                conn.execute("PRAGMA busy_timeout=5000")
                return [tuple(r) for r in conn.execute(sql, params).fetchall()]
            finally:
                conn.close()
        except sqlite3.DatabaseError as e:
            raise InsightError(f"cannot read {self.path}: {e}") from e


def _ranked(cells: dict[str, list[int]]) -> dict[str, Count]:
    """Most asked first, then by name."""
    return {k: Count(*c) for k, c in sorted(cells.items(), key=lambda kv: (-kv[1][0], kv[0]))}


def _int(value: object) -> int:
    return int(value) if value is not None else 0  # type: ignore[call-overload]


async def read_stats(reader: LogReader, *, now: float | None = None, top: int = 5) -> Stats:
    """The /stats figures: the last 7 UTC days, 7- and 30-day totals, languages, chat types,
    top facts (30 days) and votes per fact."""
    now = time.time() if now is None else now
    today = int(now // DAY)
    since = (today - 29) * DAY
    # One pass over 30 days of the log: counts by (day, language, chat type, answered), summed
    # here three ways.
    days_seen: dict[int, list[int]] = {}
    langs: dict[str, list[int]] = {}
    chats: dict[str, list[int]] = {}
    for day, lang, chat, ok, n in await reader.fetch(
        f"SELECT {reader.day_expr}, lang, chat_type, "
        f"CASE WHEN {UNANSWERED_SQL} THEN 0 ELSE 1 END, COUNT(*) FROM question_log "
        "WHERE created >= ? GROUP BY 1, 2, 3, 4",
        (since,),
    ):
        for cell in (
            days_seen.setdefault(_int(day), [0, 0]),
            langs.setdefault(str(lang), [0, 0]),
            chats.setdefault(str(chat), [0, 0]),
        ):
            cell[0] += _int(n)
            cell[1] += _int(n) if _int(ok) else 0
    facts = [
        (str(f), _int(n))
        for f, n in await reader.fetch(
            "SELECT fact_id, COUNT(*) AS n FROM question_log WHERE created >= ? AND "
            f"fact_id IS NOT NULL AND NOT {UNANSWERED_SQL} "
            "GROUP BY fact_id ORDER BY n DESC, fact_id LIMIT ?",
            (since, top),
        )
    ]
    votes = [
        (str(f), _int(up), _int(down))
        for f, up, down in await reader.fetch(
            "SELECT fact_id, SUM(CASE WHEN vote > 0 THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN vote < 0 THEN 1 ELSE 0 END) FROM feedback "
            "GROUP BY fact_id ORDER BY COUNT(*) DESC, fact_id LIMIT ?",
            (max(top, 10),),
        )
    ]
    per_day = {d: Count(*c) for d, c in days_seen.items()}

    def total(first_day: int) -> Count:
        picked = [c for d, c in per_day.items() if d >= first_day]
        return Count(sum(c.asked for c in picked), sum(c.answered for c in picked))

    days = [
        (datetime.fromtimestamp(d * DAY, UTC).strftime("%Y-%m-%d"), per_day.get(d, Count(0, 0)))
        for d in range(today - 6, today + 1)
    ]
    return Stats(
        now,
        days,
        total(today - 6),
        total(today - 29),
        _ranked(langs),
        _ranked(chats),
        facts,
        votes,
    )


def _key(question: str) -> str:
    return " ".join(words(normalise(question)))


async def read_gaps(
    reader: LogReader,
    *,
    days: int = 30,
    limit: int = 10,
    now: float | None = None,
    low_confidence: float = LOW_CONFIDENCE_SCORE,
) -> list[Gap]:
    """The most frequent unanswered or low-confidence questions, near-duplicates grouped."""
    now = time.time() if now is None else now
    rows = await reader.fetch(
        f"SELECT question, created, CASE WHEN {UNANSWERED_SQL} THEN 1 ELSE 0 END "
        f"FROM question_log WHERE created >= ? AND ({UNANSWERED_SQL} OR "
        "(kind = 'fact' AND score < ?)) ORDER BY created DESC LIMIT ?",
        (now - days * DAY, low_confidence, GAP_ROWS),
    )
    return group_questions([(str(q), float(t), bool(u)) for q, t, u in rows])[:limit]  # type: ignore[arg-type]


def group_questions(rows: list[tuple[str, float, bool]]) -> list[Gap]:
    """Group (question, time, unanswered) rows: same normalised text first, then near-duplicates.

    Greedy, most frequent wording first: each wording joins the first group whose head it
    matches at ``GAP_CUTOFF`` or more, else starts a group. Groups come out biggest first.
    """
    exact: dict[str, Gap] = {}
    wordings: dict[str, dict[str, int]] = {}
    for question, created, unanswered in rows:
        key = _key(question)
        if not key:
            continue
        gap = exact.setdefault(key, Gap(question.strip(), 0, 0))
        gap.count += 1
        gap.unanswered += int(unanswered)
        gap.last = max(gap.last, created)
        seen = wordings.setdefault(key, {})
        seen[question.strip()] = seen.get(question.strip(), 0) + 1
    for key, gap in exact.items():  # the most frequent wording of the same text
        # The most frequent wording; on a tie the newest (rows come newest first).
        gap.question = max(wordings[key].items(), key=lambda kv: kv[1])[0]
    heads: list[str] = []
    groups: list[Gap] = []
    for key, gap in sorted(exact.items(), key=lambda kv: (-kv[1].count, kv[0])):
        match = process.extractOne(key, heads, scorer=GAP_SCORER, score_cutoff=GAP_CUTOFF)
        if match is None:
            heads.append(key)
            groups.append(gap)
            continue
        group = groups[match[2]]
        group.count += gap.count
        group.unanswered += gap.unanswered
        group.last = max(group.last, gap.last)
        group.variants.append(gap.question)
    groups.sort(key=lambda g: (-g.count, -g.last))
    return groups


# -- rendering (plain text; the handlers escape it for HTML) --------------------------------


def _pct(c: Count) -> str:
    return f"{round(100 * c.share)}%"


def render_stats(stats: Stats, lang: Lang, title: Callable[[str], str | None] | None = None) -> str:
    """The /stats report as plain text, in ``lang``."""

    def count(c: Count) -> str:
        return ops_ui("stats_count", lang, asked=c.asked, share=_pct(c))

    def breakdown(items: Mapping[str, Count]) -> str:
        return ", ".join(f"{k} {count(c)}" for k, c in items.items()) or "—"

    lines = [ops_ui("stats_days", lang)]
    lines += [f"  {day}  {count(c)}" for day, c in stats.days]
    lines.append(
        ops_ui(
            "stats_totals",
            lang,
            week=count(stats.week),
            week_avg=f"{stats.week.asked / 7:.1f}",
            month=count(stats.month),
            month_avg=f"{stats.month.asked / 30:.1f}",
        )
    )
    lines.append(ops_ui("stats_by_lang", lang) + " " + breakdown(stats.by_lang))
    lines.append(ops_ui("stats_by_chat", lang) + " " + breakdown(stats.by_chat_type))
    lines.append(ops_ui("stats_top", lang))
    for fact_id, n in stats.top_facts:
        name = title(fact_id) if title else None
        lines.append(f"  {n:>5}  {fact_id}" + (f" — {name}" if name else ""))
    if not stats.top_facts:
        lines.append("  —")
    lines.append(ops_ui("stats_votes", lang))
    lines += [f"  👍 {up} / 👎 {down}  {fact_id}" for fact_id, up, down in stats.votes]
    if not stats.votes:
        lines.append("  —")
    return "\n".join(lines)


def render_gaps(gaps: list[Gap], lang: Lang, *, days: int = 30) -> str:
    """The /gaps to-do list as plain text, in ``lang``."""
    if not gaps:
        return ops_ui("gaps_none", lang, days=days)
    lines = [ops_ui("gaps_head", lang, days=days)]
    for i, gap in enumerate(gaps, start=1):
        low = gap.count - gap.unanswered
        extra = ops_ui("gaps_low", lang, n=low) if low else ""
        lines.append(f"{i}. ×{gap.count}{extra}  {gap.question}")
        if gap.variants:
            shown = "; ".join(gap.variants[:3])
            more = f" (+{len(gap.variants) - 3})" if len(gap.variants) > 3 else ""
            lines.append(f"   ≈ {shown}{more}")
    return "\n".join(lines)
