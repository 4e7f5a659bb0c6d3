"""Timeline render time, cold and cached: ``python -m benchmarks.timeline``.

What is measured, and how:

* **First picture in a fresh process**: ``python -m bot timeline --lang kk -o FILE`` in a
  subprocess, wall time, median of ``--cold-runs`` runs (default 5). This includes starting
  Python, importing matplotlib and loading the fact base, which the bot pays once per process.
* **Cold (a cache miss)**: ``Pictures.get`` with a new fact-base hash each time, so every call
  draws and encodes the PNG in a worker thread (``asyncio.to_thread``), as the bot does on the
  first ``/timeline`` of a language and filter. ``--repeat`` times (default 10) per language, all
  dated facts; and once per kind or topic filter (en). Median and max, in ms.
* **Cached (a hit)**: ``Pictures.get`` for a picture already built, ``--repeat`` x 100 times.
* **Memory**: the process's peak RSS before the first picture and after it.
* **Event-loop stall during a build**: a task on the same loop sleeps 5 ms in a loop while a
  cold build runs in the worker thread; the longest gap between its wake-ups, minus 5 ms, is how
  long other chats wait at worst (the GIL is shared with the drawing thread).

``--write`` replaces the ``timeline`` section of ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.latency import machine_info, write_section
from handlers import pictures as pc
from handlers import timeline_filters as tf
from knowledge.factbase import FactBase, load_facts
from knowledge.models import LANGS

ROOT = Path(__file__).resolve().parent.parent
TICK = 0.005


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.1f} | {max(values) * 1000:.1f}"


def first_picture(runs: int) -> list[float]:
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(runs):
            t0 = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "bot", "--db", f"{tmp}/db.sqlite3", "timeline",
                 "--lang", "kk", "-o", f"{tmp}/t{i}.png"],
                cwd=ROOT, check=True, capture_output=True,
            )  # fmt: skip
            out.append(time.perf_counter() - t0)
    return out


async def cold(base: FactBase, lang: str, selection: tf.Selection, repeat: int) -> list[float]:
    pics = pc.Pictures()
    out = []
    for i in range(repeat):
        t0 = time.perf_counter()
        await pics.get(base.facts, lang, selection, f"{base.content_hash}-{i}")  # type: ignore[arg-type]
        out.append(time.perf_counter() - t0)
    assert pics.builds == repeat
    return out


async def cached(base: FactBase, repeat: int) -> list[float]:
    pics = pc.Pictures()
    await pics.get(base.facts, "kk", tf.ALL, base.content_hash)
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        await pics.get(base.facts, "kk", tf.ALL, base.content_hash)
        out.append(time.perf_counter() - t0)
    assert pics.builds == 1
    return out


async def _ticker(stop: asyncio.Event, gaps: list[float]) -> None:
    last = time.perf_counter()
    while not stop.is_set():
        await asyncio.sleep(TICK)
        now = time.perf_counter()
        gaps.append(now - last - TICK)
        last = now


async def stall(base: FactBase, repeat: int) -> list[float]:
    """The longest extra wait of a 5 ms ticker on the loop during each cold build."""
    out = []
    for i in range(repeat):
        pics = pc.Pictures()
        stop = asyncio.Event()
        gaps: list[float] = []
        task = asyncio.create_task(_ticker(stop, gaps))
        await asyncio.sleep(0)
        await pics.get(base.facts, "ru", tf.ALL, f"stall-{i}")
        stop.set()
        await task
        out.append(max(gaps))
    return out


async def measure(args: argparse.Namespace) -> str:
    base = load_facts()
    rss_before = _rss_mib()
    await cold(base, "en", tf.ALL, 1)  # warm matplotlib's imports and font cache
    rss_first = _rss_mib()
    lines = [
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {machine_info()}",
        "- Command: `python -m benchmarks.timeline --write`",
        "",
        f"Fact base: {len(base.facts)} facts, {len(tf.ALL.facts(base.facts))} dated.",
        "",
        "| timeline picture | runs | median ms | max ms |",
        "|---|---:|---:|---:|",
    ]
    first = first_picture(args.cold_runs)
    lines.append(f"| first picture, fresh process (`dostyq timeline --lang kk`) | "
                 f"{len(first)} | {_ms(first)} |")  # fmt: skip
    sizes = {}
    for lang in LANGS:
        values = await cold(base, lang, tf.ALL, args.repeat)
        pic = pc.build(base.facts, lang, tf.ALL, base.content_hash)
        sizes[lang] = (len(pic.png), pic.count)
        lines.append(f"| cold (cache miss), all events, {lang} | {len(values)} | {_ms(values)} |")
    subsets: list[float] = []
    for sel in tf.filters(base.facts):
        subsets += await cold(base, "en", sel, 1)
    lines.append(f"| cold, one kind or topic each, en | {len(subsets)} | {_ms(subsets)} |")
    hits = await cached(base, args.repeat * 100)
    lines.append(
        f"| cached (hit) | {len(hits)} | {statistics.median(hits) * 1e6:.1f} µs "
        f"| {max(hits) * 1e6:.1f} µs |"
    )
    stalls = await stall(base, args.repeat)
    lines.append(f"| event-loop stall during a cold build (5 ms ticker) | {len(stalls)} "
                 f"| {_ms(stalls)} |")  # fmt: skip
    lines.append("")
    lines.append(
        "PNG: "
        + ", ".join(f"{lang} {n // 1024} KiB ({c} events)" for lang, (n, c) in sizes.items())
        + "; 1200 px wide."
    )
    lines.append(
        f"Peak RSS of this process: {rss_before:.0f} MiB before the first picture (fact base and "
        f"handlers loaded, matplotlib not), {rss_first:.0f} MiB after it (matplotlib imported, "
        f"one figure drawn), {_rss_mib():.0f} MiB at the end (every language and filter drawn; "
        "pictures are built one at a time)."
    )
    return "## Timeline\n\n" + "\n".join(lines) + "\n"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--repeat", type=int, default=10)
    p.add_argument("--cold-runs", type=int, default=5)
    p.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = p.parse_args()
    body = asyncio.run(measure(args))
    print(body)
    if args.write:
        write_section("timeline", body)


if __name__ == "__main__":
    main()
