"""How long /stats and /gaps take on a big question log: ``python -m benchmarks.insight [--write]``.

A temporary database is made by the real store (``bot.store.Store``, its migrations), then filled
with ``--rows`` question-log rows (default 100,000 and 1,000,000) spread over 30 days: 70 %
answered with one of the 78 fact ids, 30 % unanswered, written as 400 distinct off-topic
questions (5 words each from a 50-word list), each in three wordings (case, punctuation, two
letters swapped), and 20,000 votes. Then
``handlers.insight.read_stats`` and ``read_gaps`` (what /stats, /gaps and ``dostyq stats`` /
``dostyq gaps`` run) are timed, ``--repeat`` times each (median and max), and the whole
``python -m bot stats`` command once (interpreter start included). Everything stays on local
disk in a temporary directory.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.latency import section_header, write_section
from bot.store import Store
from handlers import insight
from knowledge.factbase import load_facts

ROOT = Path(__file__).resolve().parent.parent
VOCAB = (
    "weather football bitcoin visa train ticket restaurant ranking oil export salary museum "
    "airport hotel metro concert cinema hospital bank taxi ferry border mountain lake river "
    "festival market price rent school exam marathon election parliament currency wedding "
    "recipe horse eagle camel carpet yurt felt silver gold copper wheat apple melon tea"
).split()


def wordings(i: int) -> list[str]:
    """One distinct question (5 words of its own choosing) in three wordings."""
    words = random.Random(i).sample(VOCAB, 5)
    base = "what about " + " ".join(words)
    typo = base[:-3] + base[-2] + base[-3] + base[-1]  # two letters swapped
    return [base + "?", base.capitalize(), typo + "??"]


async def make_db(path: Path, rows: int, seed: int = 7) -> None:
    store = await Store.open(path, log_days=90)
    await store.close()
    rnd = random.Random(seed)
    facts = [f.id for f in load_facts().facts]
    now = time.time()
    conn = sqlite3.connect(path)
    batch = []
    for n in range(rows):
        created = now - rnd.random() * 30 * 86400
        if rnd.random() < 0.7:
            row = (
                created,
                f"u{n % 5000}",
                "a question",
                "en",
                "private",
                "fact",
                rnd.choice(facts),
                70.0,
            )
        else:
            q = rnd.choice(wordings(rnd.randrange(400)))
            row = (
                created,
                f"u{n % 5000}",
                q,
                rnd.choice("kk ru en".split()),
                "private",
                "none",
                None,
                None,
            )
        batch.append(row)
        if len(batch) == 50_000:
            conn.executemany(
                "INSERT INTO question_log(created, user_hash, question, lang, chat_type, kind,"
                " fact_id, score) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                batch,
            )
            batch.clear()
    if batch:
        conn.executemany(
            "INSERT INTO question_log(created, user_hash, question, lang, chat_type, kind, fact_id,"
            " score) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            batch,
        )
    conn.executemany(
        "INSERT OR IGNORE INTO feedback(user_hash, fact_id, vote, question, created)"
        " VALUES (?, ?, ?, NULL, ?)",
        [(f"u{i}", rnd.choice(facts), rnd.choice((1, -1)), now) for i in range(20_000)],
    )
    conn.commit()
    conn.close()


def grouping_quality() -> tuple[int, int, int]:
    """(questions split over groups, groups holding several questions, groups) for 400 x 3."""
    owner = {w.strip(): i for i in range(400) for w in wordings(i)}
    groups = insight.group_questions([(w, 1.0, True) for w in owner])
    where: dict[int, set[int]] = {}
    merged = 0
    for n, g in enumerate(groups):
        ids = {owner[g.question], *(owner[v] for v in g.variants)}
        merged += len(ids) > 1
        for i in ids:
            where.setdefault(i, set()).add(n)
    return sum(len(v) > 1 for v in where.values()), merged, len(groups)


def timed(fn: object, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    lines = [
        "| log rows | read_stats p50 / max (ms) | read_gaps p50 / max (ms) | groups found |"
        " `python -m bot stats` wall (ms) |",
        "|---:|---:|---:|---:|---:|",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for rows in args.rows:
            db = Path(tmp) / f"log-{rows}.sqlite3"
            asyncio.run(make_db(db, rows))
            reader = insight.SQLiteReader(db)
            s50, smax = timed(lambda r=reader: asyncio.run(insight.read_stats(r)), args.repeat)
            g50, gmax = timed(
                lambda r=reader: asyncio.run(insight.read_gaps(r, limit=400)), args.repeat
            )
            groups = len(asyncio.run(insight.read_gaps(reader, limit=10_000)))
            t0 = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "bot", "--db", str(db), "stats"],
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
            cli = (time.perf_counter() - t0) * 1000
            line = (
                f"| {rows:,} | {s50:.0f} / {smax:.0f} | {g50:.0f} / {gmax:.0f} | {groups} |"
                f" {cli:.0f} |"
            )
            print(line, flush=True)
            lines.append(line)
    split, merged, n_groups = grouping_quality()
    note = (
        f"Unanswered rows are 30 %, as 400 questions in 3 wordings each; /gaps groups the newest "
        f"{insight.GAP_ROWS:,} gap rows (GAP_ROWS), so its time does not grow with the log. "
        f"Grouping the 1,200 wordings once each: {n_groups} groups; {split} of the 400 questions "
        f"have wordings in more than one group, {merged} groups hold more than one question "
        "(random 5-word questions from a 50-word list share words). /stats runs in a worker "
        "thread (asyncio.to_thread): the bot goes on answering meanwhile."
    )
    print(note)
    if args.write:
        body = section_header("Admin reports (/stats, /gaps)", "benchmarks.insight")
        write_section("insight", "\n".join([*body, *lines, "", note]))


if __name__ == "__main__":
    main()
