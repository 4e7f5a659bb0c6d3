"""Answer latency, render time, cold start and memory: ``python -m benchmarks.latency``.

What is measured, and how:

* **Warm in-process latency.** The engine is opened over the real fact base (``load_facts()``)
  in a temporary SQLite file, every question of ``tests/eval/questions.yaml`` is asked once to
  warm up, then each question is asked ``--repeat`` times (default 20), one after another, in one
  event loop, after :func:`bot.services.settle` as the bot's start-up does. Each
  ``await engine.ask(q)`` is timed with ``time.perf_counter_ns``. Count, p50,
  p90, p99 and max are printed, overall and per answer kind.
* **Render.** ``handlers.render.render(answer, sources)`` is timed the same way, separately, on
  the answers of the last round.
* **Cold start.** ``python -m bot ask "2004 жылы не болды?"`` in a fresh subprocess, wall time,
  median of ``--cold-runs`` runs (default 5): once with a fresh empty ``DOSTYQ_DB`` each run
  (so the index build is included), and once with a database already built (index reused). For
  context, the same for a bare ``python -c "import bot.cli"`` (interpreter and imports only).
* **Peak RSS.** ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` at the end of the in-process run,
  and of each subprocess through ``/usr/bin/time -v`` (or ``RUSAGE_CHILDREN`` without it).

``--write`` replaces the ``latency`` section of ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.services import settle
from handlers.render import render
from knowledge.engine import Engine
from knowledge.factbase import DEFAULT_SOURCES, FactBase, load_facts
from knowledge.models import Answer

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS_FILE = ROOT / "tests" / "eval" / "questions.yaml"
RESULTS_FILE = Path(__file__).resolve().parent / "RESULTS.md"
COLD_QUESTION = "2004 жылы не болды?"
TIME_BIN = "/usr/bin/time"
RESULTS_HEADER = (
    "# Dostyq benchmarks\n\n"
    "Figures written by `python -m benchmarks.latency --write` and "
    "`python -m benchmarks.scale --write`; each section says when, where and how it was run.\n"
)


# -- shared helpers (benchmarks.scale uses them too) ----------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (0-100) with linear interpolation between closest ranks."""
    if not values:
        return float("nan")
    xs = sorted(values)
    k = (len(xs) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def ms(ns: float) -> float:
    return ns / 1e6


def summary_ms(samples_ns: Sequence[int]) -> dict[str, float]:
    """count, p50, p90, p99 and max of nanosecond samples, in milliseconds."""
    return {
        "count": len(samples_ns),
        "p50": ms(percentile(samples_ns, 50)),
        "p90": ms(percentile(samples_ns, 90)),
        "p99": ms(percentile(samples_ns, 99)),
        "max": ms(max(samples_ns)) if samples_ns else float("nan"),
    }


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine_info() -> str:
    """'N cores, Python X.Y.Z, CPU model, OS' for the results file."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    version = subprocess.run(
        [sys.executable, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    return f"{os.cpu_count()} cores (nproc), {version}, {cpu}, {platform.system()}"


def command_line(module: str) -> str:
    return " ".join(["python", "-m", module, *sys.argv[1:]])


def write_section(name: str, body: str, path: Path = RESULTS_FILE) -> None:
    """Replace the ``<!-- name:start -->...<!-- name:end -->`` section of ``path``, or append it."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{body.rstrip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else RESULTS_HEADER
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def section_header(title: str, module: str) -> list[str]:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return [
        f"## {title}",
        "",
        f"- Date: {now}",
        f"- Machine: {machine_info()}",
        f"- Command: `{command_line(module)}`",
        "",
    ]


# -- in-process latency -----------------------------------------------------------------------


@dataclass
class WarmResult:
    n_facts: int
    n_questions: int
    ask_ns: list[int] = field(default_factory=list)
    by_kind_ns: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    render_ns: list[int] = field(default_factory=list)
    load_s: float = 0.0
    open_s: float = 0.0
    rss_mb: float = 0.0


def load_questions(path: Path = QUESTIONS_FILE) -> list[str]:
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [str(item["q"]) for item in items]


async def time_asks(
    engine: Engine, questions: Sequence[str], repeat: int, res: WarmResult
) -> list[Answer]:
    """Ask every question ``repeat`` times; return the answers of the last round."""
    last: list[Answer] = []
    for _ in range(repeat):
        last = []
        for q in questions:
            t0 = time.perf_counter_ns()
            answer = await engine.ask(q)
            dt_ns = time.perf_counter_ns() - t0
            res.ask_ns.append(dt_ns)
            res.by_kind_ns[answer.kind].append(dt_ns)
            last.append(answer)
    return last


def time_renders(answers: Sequence[Answer], base: FactBase, repeat: int, res: WarmResult) -> None:
    for answer in answers:  # warm-up
        render(answer, base.sources)
    for _ in range(repeat):
        for answer in answers:
            t0 = time.perf_counter_ns()
            render(answer, base.sources)
            res.render_ns.append(time.perf_counter_ns() - t0)


async def run_warm(base: FactBase, questions: Sequence[str], repeat: int) -> WarmResult:
    res = WarmResult(n_facts=len(base.facts), n_questions=len(questions))
    with tempfile.TemporaryDirectory(prefix="dostyq-latency-") as tmp:
        t0 = time.perf_counter()
        engine = await Engine.open(Path(tmp) / "index.sqlite3", base)
        res.open_s = time.perf_counter() - t0
        settle()  # as the bot does once the engine is open
        try:
            for q in questions:  # warm-up: caches, SQLite pages, stemmer memo
                await engine.ask(q)
            gc.collect()
            answers = await time_asks(engine, questions, repeat, res)
        finally:
            await engine.close()
    time_renders(answers, base, repeat, res)
    res.rss_mb = peak_rss_mb()
    return res


# -- cold start in a subprocess -----------------------------------------------------------------


@dataclass
class ColdRun:
    wall_s: float
    rss_mb: float | None


def _rss_from_time_v(stderr: str) -> float | None:
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
    return int(m.group(1)) / 1024 if m else None


def run_child(args: Sequence[str], env: dict[str, str]) -> ColdRun:
    """Run ``python args...`` once; wall time and peak RSS of the child."""
    use_time = os.access(TIME_BIN, os.X_OK)
    cmd = [sys.executable, *args]
    if use_time:
        cmd = [TIME_BIN, "-v", *cmd]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    if use_time:
        rss = _rss_from_time_v(proc.stderr)
    else:  # the largest child so far: only exact when this child is the largest
        after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        rss = after / 1024 if after > before else None
    return ColdRun(wall, rss)


def child_env(db: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["DOSTYQ_DB"] = str(db)
    env.pop("DOSTYQ_FACTS_DIR", None)
    return env


def ask_args(facts_dir: Path | None) -> list[str]:
    extra = ["--facts", str(facts_dir)] if facts_dir else []
    return ["-m", "bot", *extra, "ask", COLD_QUESTION]


def cold_fresh(runs: int, facts_dir: Path | None, tmp: Path) -> list[ColdRun]:
    return [
        run_child(ask_args(facts_dir), child_env(tmp / f"fresh-{i}" / "dostyq.sqlite3"))
        for i in range(runs)
    ]


def cold_reused(runs: int, facts_dir: Path | None, tmp: Path) -> list[ColdRun]:
    env = child_env(tmp / "reused" / "dostyq.sqlite3")
    run_child(ask_args(facts_dir), env)  # builds the index
    return [run_child(ask_args(facts_dir), env) for _ in range(runs)]


def cold_imports(runs: int, tmp: Path) -> list[ColdRun]:
    env = child_env(tmp / "unused.sqlite3")
    return [run_child(["-c", "import bot.cli"], env) for _ in range(runs)]


def median_run(runs: Sequence[ColdRun]) -> tuple[float, float | None]:
    rss = [r.rss_mb for r in runs if r.rss_mb is not None]
    return statistics.median(r.wall_s for r in runs), (max(rss) if rss else None)


def run_cold(runs: int, facts_dir: Path | None) -> dict[str, tuple[float, float | None]]:
    with tempfile.TemporaryDirectory(prefix="dostyq-cold-") as tmp:
        path = Path(tmp)
        return {
            "python + imports only": median_run(cold_imports(runs, path)),
            "ask, fresh DB (index build)": median_run(cold_fresh(runs, facts_dir, path)),
            "ask, DB built (index reused)": median_run(cold_reused(runs, facts_dir, path)),
        }


# -- report -----------------------------------------------------------------------------------


def _row(name: str, s: dict[str, float]) -> str:
    return (
        f"| {name} | {int(s['count'])} | {s['p50']:.3f} | {s['p90']:.3f} | {s['p99']:.3f}"
        f" | {s['max']:.3f} |"
    )


def report_lines(
    warm: WarmResult, cold: dict[str, tuple[float, float | None]], repeat: int
) -> list[str]:
    lines = [
        f"Fact base: {warm.n_facts} facts; {warm.n_questions} questions x {repeat} rounds."
        f" In process: load_facts {warm.load_s * 1000:.0f} ms, Engine.open (fresh temp DB)"
        f" {warm.open_s * 1000:.0f} ms.",
        "",
        "| warm, in process (ms) | count | p50 | p90 | p99 | max |",
        "|---|---:|---:|---:|---:|---:|",
        _row("engine.ask, all", summary_ms(warm.ask_ns)),
    ]
    for kind in sorted(warm.by_kind_ns):
        lines.append(_row(f"engine.ask, answer kind `{kind}`", summary_ms(warm.by_kind_ns[kind])))
    lines.append(_row("render (Telegram HTML)", summary_ms(warm.render_ns)))
    lines += [
        "",
        f"Peak RSS of the in-process run: {warm.rss_mb:.1f} MiB.",
        "",
        f"| cold start, subprocess `{COLD_QUESTION}` | median wall (ms) | peak RSS (MiB) |",
        "|---|---:|---:|",
    ]
    for name, (wall, rss) in cold.items():
        rss_s = f"{rss:.1f}" if rss is not None else "n/a"
        lines.append(f"| {name} | {wall * 1000:.0f} | {rss_s} |")
    how = "/usr/bin/time -v" if os.access(TIME_BIN, os.X_OK) else "RUSAGE_CHILDREN"
    lines.append("")
    lines.append(f"Subprocess RSS measured with {how}; wall time includes interpreter start-up.")
    return lines


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.latency", description=__doc__.split("\n")[0]
    )
    p.add_argument("--repeat", type=int, default=20, help="rounds over the questions (default 20)")
    p.add_argument("--cold-runs", type=int, default=5, help="subprocess runs per case (default 5)")
    p.add_argument("--facts", type=Path, help="fact folder (default: the packaged one)")
    p.add_argument("--no-cold", action="store_true", help="skip the subprocess measurements")
    p.add_argument("--write", action="store_true", help="write the section of RESULTS.md")
    return p


def load_base(facts_dir: Path | None) -> FactBase:
    if facts_dir is None:
        return load_facts()
    sources = facts_dir.parent / "sources.yaml"
    return load_facts(facts_dir, sources if sources.exists() else DEFAULT_SOURCES)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    t0 = time.perf_counter()
    base = load_base(args.facts)
    load_s = time.perf_counter() - t0
    questions = load_questions()
    warm = asyncio.run(run_warm(base, questions, args.repeat))
    warm.load_s = load_s
    cold = {} if args.no_cold else run_cold(args.cold_runs, args.facts)
    lines = report_lines(warm, cold, args.repeat)
    print("\n".join(lines))
    if args.write:
        write_section(
            "latency", "\n".join([*section_header("Latency", "benchmarks.latency"), *lines])
        )
        print(f"\nwrote the latency section of {RESULTS_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
