"""Worst-case cost of understanding and answering: ``python -m benchmarks.fuzz [-n N]``.

Generates N inputs (default 100,000) up to 1,000 characters: random Unicode, words of the
article and of the word lists, connector words and Kazakh suffixes repeated many times ("2004
жылдан жылдан…", "гг гг гг"), years glued to suffixes, FTS5 syntax, long single tokens. The
engine is opened as the bot opens it (then :func:`bot.services.settle`, which freezes the
start-up objects out of the garbage collector's passes). Each input is answered in process with
``Engine.ask`` and timed with ``perf_counter_ns`` (wall) and ``thread_time_ns`` (CPU: the other
processes of a shared machine do not count). Prints the median, p99 and maximum of both, every
garbage collection's count and longest pause (``gc.callbacks``), and the ten slowest inputs,
shortened, with their CPU time. Exits 1 if the slowest took over ``--limit`` ms (default 20).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.scale import GcPauses
from bot.services import settle
from knowledge.engine import Engine
from knowledge.factbase import load_facts
from knowledge.lexicon import load_raw

CONNECTORS = (
    "жылдан жылға жылдар жыл жылы ж жж гг г годы года с по до и between and to from till "
    "аралығында мен бен пен және дейін бері кейін - – , . or или ма ме since after before "
    "шы ші нан нен дан ден s е х ые ых"
).split()
YEARS = [str(y) for y in (1991, 1992, 1995, 1997, 2003, 2004, 2006, 2010, 2015, 2050, 1599)]
FTS = ['"', "*", "NEAR(", ")", "AND", "OR", "NOT", "^", ":", "-", "'", "col:", "{a b}"]


def words_pool() -> list[str]:
    pool: list[str] = []
    for lists in load_raw().values():
        for entries in lists.values():
            pool += [w for e in entries for w in e.split()]
    base = load_facts()
    for f in base.facts[:40]:
        pool += f.title.kk.split() + f.title.ru.split() + f.title.en.split()
    return pool


def generate(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    pool = words_pool()
    out = []
    for i in range(n):
        kind = i % 6
        if kind == 0:  # a year and one connector repeated: the backtracking shape
            w = rng.choice(CONNECTORS)
            reps = rng.randint(5, 160)
            sep = rng.choice([" ", "", "-", " - "])
            text = rng.choice(YEARS) + " " + sep.join([w] * reps)
        elif kind == 1:  # years and connectors mixed at random
            parts = [rng.choice(YEARS + CONNECTORS) for _ in range(rng.randint(5, 200))]
            text = " ".join(parts)
        elif kind == 2:  # words of the article and word lists
            text = " ".join(rng.choice(pool) for _ in range(rng.randint(1, 150)))
        elif kind == 3:  # random Unicode
            text = "".join(chr(rng.randint(32, 0x2FFF)) for _ in range(rng.randint(0, 1000)))
        elif kind == 4:  # FTS5 syntax among words
            text = " ".join(rng.choice(FTS + pool) for _ in range(rng.randint(1, 120)))
        else:  # one long token, or digits glued to suffixes
            if rng.random() < 0.5:
                text = rng.choice(pool) * rng.randint(1, 80)
            else:
                text = "".join(rng.choice(YEARS) + rng.choice(CONNECTORS) for _ in range(60))
        out.append(text[:1000])
    return out


async def run(n: int) -> tuple[list[tuple[float, float, str]], GcPauses]:
    """(wall ms, CPU ms, input) per input, and the garbage collections during the timed pass."""
    inputs = generate(n)
    times: list[tuple[float, float, str]] = []
    pauses = GcPauses()
    with tempfile.TemporaryDirectory() as tmp:
        engine = await Engine.open(Path(tmp) / "fuzz.sqlite3", load_facts())
        settle()
        try:
            for text in inputs[:200]:  # warm-up
                await engine.ask(text)
            gc.callbacks.append(pauses)
            try:
                for text in inputs:
                    c0 = time.thread_time_ns()
                    t0 = time.perf_counter_ns()
                    await engine.ask(text)
                    wall = (time.perf_counter_ns() - t0) / 1e6
                    times.append((wall, (time.thread_time_ns() - c0) / 1e6, text))
            finally:
                gc.callbacks.remove(pauses)
        finally:
            await engine.close()
    return times, pauses


def _p99(xs: list[float]) -> float:
    return xs[int(len(xs) * 0.99) - 1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-n", type=int, default=100_000, help="inputs (default 100,000)")
    ap.add_argument("--limit", type=float, default=20.0, help="worst case allowed, ms")
    args = ap.parse_args()
    times, pauses = asyncio.run(run(args.n))
    ms = sorted(t for t, _, _ in times)
    cpu = sorted(c for _, c, _ in times)
    print(f"inputs: {len(ms)}, up to {max(len(s) for _, _, s in times)} characters")
    print(
        f"engine.ask ms: median {statistics.median(ms):.3f}, p99 {_p99(ms):.3f}, max {ms[-1]:.3f}"
    )
    print(
        f"engine.ask CPU ms: median {statistics.median(cpu):.3f}, p99 {_p99(cpu):.3f},"
        f" max {cpu[-1]:.3f}"
    )
    over = sum(t > args.limit for t in ms)
    print(f"over {args.limit:g} ms: {over} (wall), {sum(c > args.limit for c in cpu)} (CPU)")
    for g in (0, 1, 2):
        p = [d * 1000 for gen, d in pauses.pauses if gen == g]
        if p:
            print(f"gc generation {g}: {len(p)} collections, longest {max(p):.2f} ms")
    print("ten slowest (wall, CPU):")
    for t, c, text in sorted(times, reverse=True)[:10]:
        short = text if len(text) <= 70 else text[:67] + "..."
        print(f"  {t:8.3f} ms {c:8.3f} ms  {len(text):4d} chars  {short!r}")
    print("ten slowest by CPU (wall, CPU):")
    for t, c, text in sorted(times, key=lambda x: -x[1])[:10]:
        short = text if len(text) <= 70 else text[:67] + "..."
        print(f"  {t:8.3f} ms {c:8.3f} ms  {len(text):4d} chars  {short!r}")
    if ms[-1] > args.limit:
        raise SystemExit(f"worst case {ms[-1]:.1f} ms is over {args.limit} ms")


if __name__ == "__main__":
    main()
