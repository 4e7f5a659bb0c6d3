"""Worst-case cost of understanding and answering: ``python -m benchmarks.fuzz [-n N]``.

Generates N inputs (default 100,000) up to 1,000 characters: random Unicode, words of the
article and of the word lists, connector words and Kazakh suffixes repeated many times ("2004
жылдан жылдан…", "гг гг гг"), years glued to suffixes, FTS5 syntax, long single tokens. Each is
answered in process with ``Engine.ask`` and timed with ``perf_counter_ns``. Prints the median,
p99 and maximum, and the ten slowest inputs, shortened. Exits 1 if the slowest took over
``--limit`` ms (default 20).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from pathlib import Path

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


async def run(n: int) -> list[tuple[float, str]]:
    inputs = generate(n)
    times: list[tuple[float, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        engine = await Engine.open(Path(tmp) / "fuzz.sqlite3", load_facts())
        try:
            for text in inputs[:200]:  # warm-up
                await engine.ask(text)
            for text in inputs:
                t0 = time.perf_counter_ns()
                await engine.ask(text)
                times.append(((time.perf_counter_ns() - t0) / 1e6, text))
        finally:
            await engine.close()
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-n", type=int, default=100_000, help="inputs (default 100,000)")
    ap.add_argument("--limit", type=float, default=20.0, help="worst case allowed, ms")
    args = ap.parse_args()
    times = asyncio.run(run(args.n))
    ms = sorted(t for t, _ in times)
    p99 = ms[int(len(ms) * 0.99) - 1]
    print(f"inputs: {len(ms)}, up to {max(len(s) for _, s in times)} characters")
    print(f"engine.ask ms: median {statistics.median(ms):.3f}, p99 {p99:.3f}, max {ms[-1]:.3f}")
    print("ten slowest:")
    for t, text in sorted(times, reverse=True)[:10]:
        short = text if len(text) <= 70 else text[:67] + "..."
        print(f"  {t:8.3f} ms  {len(text):4d} chars  {short!r}")
    if ms[-1] > args.limit:
        raise SystemExit(f"worst case {ms[-1]:.1f} ms is over {args.limit} ms")


if __name__ == "__main__":
    main()
