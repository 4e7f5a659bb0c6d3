"""Production-shaped load: ``python -m benchmarks.production [--rate 30] [--seconds 60]``.

Unlike ``benchmarks.throughput`` (a burst with the rate limiter off), updates arrive paced at
``--rate`` per second for ``--seconds``, and the bot runs as in production: PTB's rate limiter on
(``DOSTYQ_RATE_LIMIT=true``), long polling, against the fake Bot API in a process of its own
(``benchmarks.throughput --serve``). Each ``--backend`` is run in turn, in each ``--mode``:
long polling, or a webhook this script posts the updates to (as Telegram would). Figures: answered,
latency push -> sendMessage (p50/p99), the bot's CPU as a share of one core and per update, RSS
sampled every 10 s (first, last, max), ERROR lines in the bot's log. ``--soak`` runs one backend
with the rate limiter off (a soak is about leaks, not Telegram's limits).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.latency import load_questions, percentile
from benchmarks.throughput import (
    FIRST_USER,
    LANGUAGE_CODES,
    ROOT,
    TOKEN,
    cpu_seconds,
    http_json,
    make_update,
    proc_status_mb,
)


async def one(
    backend: str,
    rate: float,
    seconds: float,
    rate_limit: bool,
    users: int = 0,
    mode: str = "polling",
    probe: Path | None = None,
    trace: bool = False,
    novel: int = 0,
) -> dict[str, Any]:
    """One run; ``users`` > 0 cycles through that many users (latency is then not measured:
    it is matched by chat, one update per chat)."""
    import aiohttp

    questions = load_questions()
    rng = random.Random(7)
    tmp = Path(tempfile.mkdtemp(prefix="dostyq-production-"))
    server_log = (tmp / "server.log").open("wb")
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "benchmarks.throughput", "--serve", cwd=str(ROOT),
        stdout=asyncio.subprocess.PIPE, stderr=server_log,
    )  # fmt: skip
    assert server.stdout is not None
    line = (await asyncio.wait_for(server.stdout.readline(), 30)).decode().split()
    base_url, side_url = line[1], line[2]
    fake_url = base_url.removesuffix("/bot")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DOSTYQ_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=base_url,
        DOSTYQ_DB=str(tmp / "bot.sqlite3"),
        DOSTYQ_RATE_LIMIT="true" if rate_limit else "false",
        DOSTYQ_HTTP_BACKEND=backend,
        PYTHONUNBUFFERED="1",
    )
    hook_port = _free_port()
    if mode == "webhook":
        env.update(
            DOSTYQ_WEBHOOK_URL="https://bench.invalid/telegram",
            DOSTYQ_WEBHOOK_SECRET=WEBHOOK_SECRET,
            DOSTYQ_WEBHOOK_PORT=str(hook_port),
        )
    module = "bot"
    if probe is not None:
        # benchmarks.memprobe: the same bot, plus a snapshot (tracemalloc, structure sizes) on
        # SIGUSR1, sent once a minute and at the end.
        module = "benchmarks.memprobe"
        env.update(MEMPROBE_DIR=str(probe), MEMPROBE_TRACE="1" if trace else "0")
    log_path = tmp / "bot.log"
    with log_path.open("wb") as log:
        bot = await asyncio.create_subprocess_exec(
            sys.executable, "-m", module, "run", cwd=str(ROOT), env=env, stdout=log, stderr=log
        )
    rss: list[float] = []
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
            deadline = time.monotonic() + 60
            ready = "getUpdates" if mode == "polling" else "setWebhook"
            while (
                ready
                not in (await http_json(session, "GET", f"{fake_url}/_fake/report"))["result"][
                    "calls"
                ]
            ):
                if bot.returncode is not None or time.monotonic() > deadline:
                    raise RuntimeError(log_path.read_text())
                await asyncio.sleep(0.05)
            n = int(rate * seconds)
            chats = [FIRST_USER + (i % users if users else i) for i in range(n)]
            local_push: dict[int, float] = {}
            posts: list[asyncio.Task[int]] = []
            cpu0 = cpu_seconds(bot.pid)
            t0 = time.monotonic()
            next_rss = t0
            for i, chat in enumerate(chats):
                due = t0 + i / rate
                now = time.monotonic()
                if due > now:
                    await asyncio.sleep(due - now)
                if now >= next_rss:
                    rss.append(proc_status_mb(bot.pid, "VmRSS"))
                    next_rss += 10
                    if probe is not None and len(rss) % 6 == 1:
                        bot.send_signal(signal.SIGUSR1)  # minute 0, 1, 2, ...
                q = questions[i % len(questions)]
                if novel:  # words no question had before: the engine's word memos fill
                    q += " " + " ".join(_novel_word(rng) for _ in range(novel))
                upd = make_update(chat, q, rng.choice(LANGUAGE_CODES), i + 1)
                if mode == "polling":
                    await http_json(session, "POST", f"{side_url}/push_many", json=[upd])
                else:
                    upd["update_id"] = i + 1
                    local_push[chat] = time.monotonic()
                    posts.append(asyncio.create_task(post_hook(session, hook_port, upd)))
            statuses = await asyncio.gather(*posts)
            bad_posts = sum(1 for st in statuses if st != 200)
            # Drain: wait until every chat got its answer (or 60 s).
            end = time.monotonic() + 60
            while True:
                report = await http_json(session, "GET", f"{fake_url}/_fake/report")
                if report["result"]["calls"].get("sendMessage", 0) >= n or time.monotonic() > end:
                    break
                await asyncio.sleep(0.1)
            wall = time.monotonic() - t0
            cpu = cpu_seconds(bot.pid) - cpu0
            rss.append(proc_status_mb(bot.pid, "VmRSS"))
            if probe is not None:
                bot.send_signal(signal.SIGUSR1)
                await asyncio.sleep(5 if not trace else 30)
                bot.send_signal(signal.SIGUSR2)  # the structures' sizes (a walk of the heap)
                await asyncio.sleep(20 if not trace else 60)
            times = await http_json(session, "GET", f"{side_url}/times")
        pushed = (
            {int(k): v for k, v in times["pushed"].items()} if mode == "polling" else local_push
        )
        sent: dict[int, float] = {}
        failed = 0
        for chat_id, t, status in times["sends"]:
            if status != 200:
                failed += 1
            else:
                sent.setdefault(chat_id, t)
        lat = [] if users else sorted(sent[c] - pushed[c] for c in chats if c in sent)
        n_sent = sum(1 for _, _, status in times["sends"] if status == 200)
    finally:
        for proc in (bot, server):
            if proc.returncode is None:
                proc.send_signal(signal.SIGINT)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(proc.wait(), 15)
            if proc.returncode is None:
                proc.kill()
        server_log.close()
    text = log_path.read_text(errors="replace")
    return {
        "backend": backend,
        "mode": mode,
        "bad_posts": bad_posts,
        "rate": rate,
        "seconds": seconds,
        "rate_limit": rate_limit,
        "n": n,
        "answered": n_sent if users else len(lat),
        "users": users or n,
        "failed_sends": failed,
        "p50_ms": percentile(lat, 50) * 1000 if lat else float("nan"),
        "p99_ms": percentile(lat, 99) * 1000 if lat else float("nan"),
        "cpu_share": cpu / wall,
        "cpu_ms_per_update": cpu / max(n_sent, 1) * 1000,
        "rss_first": rss[0],
        "rss_warm": rss[min(6, len(rss) - 1)],  # after the first minute (caches filled)
        "rss_samples": rss,
        "rss_last": rss[-1],
        "rss_max": max(rss),
        "errors": text.count(" ERROR "),
        "violations": len(times["violations"]),
    }


_LETTERS = ("abcdefghijklmnopqrstuvwxyz", "абвгдежзийклмнопрстуфхцчшщыэюя", "әғқңөұүһі" + "аеиоу")


def _novel_word(rng: random.Random) -> str:
    letters = rng.choice(_LETTERS)
    return "".join(rng.choice(letters) for _ in range(rng.randint(4, 10)))


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


WEBHOOK_SECRET = "bench-secret_0123456789"


async def post_hook(session: Any, port: int, update: dict[str, Any]) -> int:
    headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
    async with session.post(
        f"http://127.0.0.1:{port}/telegram", json=update, headers=headers
    ) as resp:
        await resp.read()
        return int(resp.status)


def fmt(r: dict[str, Any]) -> str:
    return (
        f"| {r['backend']}, {r['mode']} | {r['rate']:.0f}/s x {r['seconds']:.0f} s"
        f"{'' if r['rate_limit'] else ' (limiter off)'}, {r['users']:,} users | "
        f"{r['answered']:,} of {r['n']:,} | "
        f"{r['p50_ms']:.1f} / {r['p99_ms']:.1f} | {r['cpu_share']:.1%} | "
        f"{r['cpu_ms_per_update']:.2f} | {r['rss_first']:.1f} / {r['rss_warm']:.1f} / "
        f"{r['rss_last']:.1f} / {r['rss_max']:.1f} | {r['errors']} / {r['failed_sends']} / "
        f"{r['violations']} |"
    )


HEADER = (
    "| backend | load | answered | push → reply p50 / p99 (ms) | bot CPU (one core) | "
    "CPU ms / update | RSS start / 1 min / last / max (MiB) | "
    "ERROR lines / failed sends / violations |\n"
    "|---|---|---:|---:|---:|---:|---:|---:|"
)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.production", description=__doc__)
    p.add_argument("--rate", type=float, default=30.0)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--backend", action="append", choices=["httpx", "aiohttp"])
    p.add_argument("--soak", action="store_true", help="rate limiter off")
    p.add_argument("--users", type=int, default=0, help="cycle through this many users")
    p.add_argument("--mode", action="append", choices=["polling", "webhook"])
    p.add_argument(
        "--probe",
        type=Path,
        help="run the bot under benchmarks.memprobe, writing its snapshots into this folder",
    )
    p.add_argument("--trace", action="store_true", help="with --probe: tracemalloc on")
    p.add_argument(
        "--novel",
        type=int,
        default=0,
        help="add this many random, never-seen words to each question (typos, names)",
    )
    args = p.parse_args(argv)
    print(HEADER)
    ok = True
    runs = [(b, m) for m in args.mode or ["polling"] for b in args.backend or ["httpx", "aiohttp"]]
    for backend, mode in runs:
        r = asyncio.run(
            one(
                backend, args.rate, args.seconds, not args.soak, args.users, mode,
                args.probe, args.trace, args.novel,
            )
        )  # fmt: skip
        print(fmt(r), flush=True)
        if args.soak:
            print("RSS every 10 s (MiB): " + " ".join(f"{x:.1f}" for x in r["rss_samples"]))
        ok = ok and r["answered"] == r["n"] and not r["errors"] and not r["bad_posts"]
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
