"""Bot throughput under a burst: ``python -m benchmarks.throughput [--updates 5000] [--write]``.

What runs, and how it is measured:

* **Three processes.** The fake Bot API server (``tests.fakebotapi.FakeBotAPI``, every call
  validated against the spec as in the tests) runs in a process of its own; the real
  ``python -m bot run`` runs against it with ``DOSTYQ_RATE_LIMIT=false`` and
  ``DOSTYQ_CONCURRENT_UPDATES=16`` (long polling, as in production); this process drives both.
  The server process is ``python -m tests.fakebotapi``'s ``serve`` plus a small sidecar HTTP
  endpoint in the same process (``--serve``, below): the stock ``/_fake/report`` gives call
  counts only, and per-update latency needs the time of each push and of each sendMessage.
  Both times are taken in the server process, on one clock.
* **The burst.** ``--updates`` private-chat text messages (default 5,000), each from a different
  user and chat, cycling through the 380 public eval questions (tests/eval/questions.yaml: kk, ru
  and en; facts, years, ranges and off-topic) with Telegram interface languages kk/ru/en/none,
  are queued in the server in one go (the sidecar's ``/push_many``). The bot then drains them.
* **Figures.** Throughput = updates / (last sendMessage - first push). Latency = sendMessage
  time - push time, matched by chat id (one update per chat); in a burst this is mostly time
  spent queued, so the idle round trip (one update at a time, ``--idle`` of them, after a
  warm-up) is given too. Peak RSS = ``VmHWM`` of the bot process from /proc before it is
  stopped. CPU = utime+stime of each process over the burst, from /proc/<pid>/stat.
* **The fake server alone.** Afterwards, with the bot stopped, sendMessage calls with a real
  answer's text and keyboard are fired straight at the server from here (64 in flight) to show
  how many calls per second the server itself can take; each answered update costs it two
  (sendChatAction and sendMessage) plus its share of a getUpdates.

``--write`` replaces the ``throughput`` section of ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import json
import os
import random
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.latency import load_questions, percentile, section_header, write_section

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "7000001:AAThroughputBenchmarkToken-dostyq"
CONCURRENT_UPDATES = 16
GOAL_UPDATES_PER_S = 300
GOAL_RSS_MB = 150
FIRST_USER = 600_000_000
LANGUAGE_CODES = ("kk", "ru", "en", None)


# -- the server process (--serve) -------------------------------------------------------------


async def serve(token: str) -> None:
    """The fake Bot API plus a sidecar: POST /push_many, POST /push_wait, GET /times."""
    from aiohttp import web

    from tests.fakebotapi import FakeBotAPI
    from tests.fakebotapi.__main__ import wait_for_stop_signal

    server = FakeBotAPI(token)
    await server.start()
    pushed: dict[int, float] = {}

    def push(update: dict[str, Any]) -> int:
        chat_id = int(update["message"]["chat"]["id"])
        server.push_update(update)
        pushed[chat_id] = time.monotonic()
        return chat_id

    async def push_many(request: web.Request) -> web.Response:
        for update in await request.json():
            push(update)
        return web.json_response({"ok": True})

    async def push_wait(request: web.Request) -> web.Response:
        """Push one update; answer with the seconds until the bot's sendMessage into its chat."""
        chat_id = push(await request.json())
        call = await server.wait_for(
            "sendMessage", lambda c: c.params.get("chat_id") == chat_id, timeout=30
        )
        return web.json_response({"ok": True, "seconds": call.time - pushed[chat_id]})

    async def times(request: web.Request) -> web.Response:
        sends = [
            [c.params.get("chat_id"), c.time, c.status]
            for c in server.calls
            if c.method == "sendMessage"
        ]
        batches = [len(c.result or []) for c in server.calls if c.method == "getUpdates"]
        return web.json_response(
            {
                "pushed": {str(k): v for k, v in pushed.items()},
                "sends": sends,
                "get_updates_batches": batches,
                "violations": [str(v) for v in server.violations],
            }
        )

    side = web.Application(client_max_size=256 * 1024 * 1024)
    side.router.add_post("/push_many", push_many)
    side.router.add_post("/push_wait", push_wait)
    side.router.add_get("/times", times)
    runner = web.AppRunner(side, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    side_port = runner.addresses[0][1]
    print(f"READY {server.base_url} http://127.0.0.1:{side_port}", flush=True)
    try:
        await wait_for_stop_signal()
    finally:
        await runner.cleanup()
        await server.stop()


# -- the driver -------------------------------------------------------------------------------


@dataclass
class Result:
    updates: int
    seconds: float
    latency_s: list[float]
    idle_s: list[float]
    rss_peak_mb: float
    rss_now_mb: float
    bot_cpu_s: float
    server_cpu_s: float
    batches: list[int]
    violations: list[str]
    failed_sends: int
    burst_calls: int = 0
    server_alone_per_s: float = 0.0
    server_alone_calls: int = 0
    bot_log_errors: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def per_s(self) -> float:
        return self.updates / self.seconds if self.seconds else 0.0


def make_update(
    chat_id: int, text: str, language_code: str | None, message_id: int
) -> dict[str, Any]:
    user: dict[str, Any] = {"id": chat_id, "is_bot": False, "first_name": "Bench"}
    if language_code:
        user["language_code"] = language_code
    return {
        "message": {
            "message_id": message_id,
            "from": user,
            "chat": {"id": chat_id, "type": "private", "first_name": "Bench"},
            "date": int(time.time()),
            "text": text,
        }
    }


def proc_status_mb(pid: int, key: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime


async def http_json(session: Any, method: str, url: str, **kw: Any) -> Any:
    async with session.request(method, url, **kw) as resp:
        return await resp.json()


async def total_calls(session: Any, fake_url: str) -> int:
    report = await http_json(session, "GET", f"{fake_url}/_fake/report")
    return sum(report["result"]["calls"].values())


async def wait_sends(session: Any, fake_url: str, target: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        report = await http_json(session, "GET", f"{fake_url}/_fake/report")
        calls = report["result"]["calls"]
        if calls.get("sendMessage", 0) >= target:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {calls.get('sendMessage', 0)} of {target} answers")
        await asyncio.sleep(0.02)


async def server_alone(session: Any, base_url: str, n: int) -> float:
    """sendMessage calls per second the fake server takes on its own (64 in flight)."""
    from handlers.keyboards import fact_keyboard
    from handlers.render import render
    from handlers.replies import fact_answer
    from knowledge.factbase import load_facts

    base = load_facts()
    fact = base.facts[1]
    payload = {
        "chat_id": FIRST_USER - 1,
        "text": render(fact_answer(fact, "en"), base.sources),
        "parse_mode": "HTML",
        "reply_markup": json.dumps(fact_keyboard(fact, "en").to_dict()),
        "link_preview_options": json.dumps({"is_disabled": True}),
    }
    url = f"{base_url}{TOKEN}/sendMessage"
    queue = iter(range(n))

    async def worker() -> None:
        for _ in queue:
            async with session.post(url, data=payload) as resp:
                assert resp.status == 200, await resp.text()

    t0 = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(64)))
    return n / (time.monotonic() - t0)


#: DOSTYQ_DB: a postgresql:// URL runs the store on PostgreSQL (its own section with --write).
PASS_THROUGH = ("DOSTYQ_POOL_SIZE", "DOSTYQ_HTTP_BACKEND", "DOSTYQ_DB")
#: How the bot is started; DOSTYQ_BENCH_PROFILE=FILE runs it under cProfile (for finding hot
#: spots, not for the figures).
BOT_CMD = [sys.executable, "-m", "bot", "run"]
if os.environ.get("DOSTYQ_BENCH_PROFILE"):
    BOT_CMD = [
        sys.executable,
        "-m",
        "cProfile",
        "-o",
        os.environ["DOSTYQ_BENCH_PROFILE"],
        "-m",
        "bot",
        "run",
    ]


async def run(n_updates: int, n_idle: int, seed: int, concurrency: int) -> Result:
    import aiohttp

    questions = load_questions()
    rng = random.Random(seed)
    tmp = Path(tempfile.mkdtemp(prefix="dostyq-throughput-"))
    # The server's aiohttp logs a dropped connection when the bot stops mid-poll: keep it aside.
    server_log = (tmp / "server.log").open("wb")
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "benchmarks.throughput",
        "--serve",
        cwd=str(ROOT),
        stdout=asyncio.subprocess.PIPE,
        stderr=server_log,
    )
    assert server.stdout is not None
    line = (await asyncio.wait_for(server.stdout.readline(), 30)).decode().split()
    assert line[0] == "READY", line
    base_url, side_url = line[1], line[2]
    fake_url = base_url.removesuffix("/bot")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DOSTYQ_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=base_url,
        DOSTYQ_DB=str(tmp / "bot.sqlite3"),
        DOSTYQ_RATE_LIMIT="false",
        DOSTYQ_CONCURRENT_UPDATES=str(concurrency),
        PYTHONUNBUFFERED="1",
    )
    # Pass through settings given to this benchmark explicitly (e.g. DOSTYQ_POOL_SIZE).
    env.update({k: v for k, v in os.environ.items() if k in PASS_THROUGH})
    log_path = tmp / "bot.log"
    with log_path.open("wb") as log:
        bot = await asyncio.create_subprocess_exec(
            *BOT_CMD, cwd=str(ROOT), env=env, stdout=log, stderr=log
        )
    timeout = aiohttp.ClientTimeout(total=600)
    connector = aiohttp.TCPConnector(limit=100)
    try:
        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
            # Ready once PTB has called deleteWebhook (its last call before polling).
            deadline = time.monotonic() + 60
            while True:
                report = await http_json(session, "GET", f"{fake_url}/_fake/report")
                if "deleteWebhook" in report["result"]["calls"]:
                    break
                if bot.returncode is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the bot did not start:\n{log_path.read_text()}")
                await asyncio.sleep(0.05)

            chat = iter(range(FIRST_USER, FIRST_USER + 10 * n_updates + 10_000))

            def update(i: int) -> dict[str, Any]:
                q = questions[i % len(questions)]
                return make_update(next(chat), q, rng.choice(LANGUAGE_CODES), i + 1)

            # Warm-up, then the idle round trip: one update at a time.
            warm = [update(i) for i in range(100)]
            await http_json(session, "POST", f"{side_url}/push_many", json=warm)
            await wait_sends(session, fake_url, len(warm), 60)
            idle = []
            for _ in range(n_idle):
                answer = await http_json(
                    session, "POST", f"{side_url}/push_wait", json=update(rng.randrange(10**6))
                )
                idle.append(float(answer["seconds"]))
            before = len(warm) + n_idle

            # The burst.
            burst = [update(i) for i in range(n_updates)]
            burst_chats = [u["message"]["chat"]["id"] for u in burst]
            calls0 = await total_calls(session, fake_url)
            cpu0 = cpu_seconds(bot.pid), cpu_seconds(server.pid)
            await http_json(session, "POST", f"{side_url}/push_many", json=burst)
            await wait_sends(session, fake_url, before + n_updates, 600)
            cpu1 = cpu_seconds(bot.pid), cpu_seconds(server.pid)
            burst_calls = await total_calls(session, fake_url) - calls0
            rss_peak = proc_status_mb(bot.pid, "VmHWM")
            rss_now = proc_status_mb(bot.pid, "VmRSS")

            times = await http_json(session, "GET", f"{side_url}/times")
            pushed = {int(k): v for k, v in times["pushed"].items()}
            sent_at: dict[int, float] = {}
            failed = 0
            for chat_id, t, status in times["sends"]:
                if status != 200:
                    failed += 1
                elif chat_id in pushed:
                    sent_at.setdefault(chat_id, t)
            latency = [sent_at[c] - pushed[c] for c in burst_chats if c in sent_at]
            first_push = min(pushed[c] for c in burst_chats)
            last_send = max(sent_at[c] for c in burst_chats if c in sent_at)
            n_done = len(latency)

            bot.send_signal(signal.SIGINT)
            await asyncio.wait_for(bot.wait(), 30)
            alone_n = 3000
            alone = await server_alone(session, base_url, alone_n)
    finally:
        for proc in (bot, server):
            if proc.returncode is None:
                proc.send_signal(signal.SIGINT)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(proc.wait(), 10)
            if proc.returncode is None:
                proc.kill()
        server_log.close()
    log_text = log_path.read_text(errors="replace")
    return Result(
        updates=n_done,
        seconds=last_send - first_push,
        latency_s=latency,
        idle_s=idle,
        rss_peak_mb=rss_peak,
        rss_now_mb=rss_now,
        bot_cpu_s=cpu1[0] - cpu0[0],
        server_cpu_s=cpu1[1] - cpu0[1],
        batches=times["get_updates_batches"],
        violations=times["violations"],
        failed_sends=failed,
        burst_calls=burst_calls,
        server_alone_per_s=alone,
        server_alone_calls=alone_n,
        bot_log_errors=log_text.count(" ERROR "),
    )


# -- report -----------------------------------------------------------------------------------


def report_lines(r: Result, n_requested: int, concurrency: int = CONCURRENT_UPDATES) -> list[str]:
    lat = sorted(r.latency_s)
    idle = sorted(r.idle_s)
    full = [b for b in r.batches if b]
    bot_util = r.bot_cpu_s / r.seconds if r.seconds else 0
    server_util = r.server_cpu_s / r.seconds if r.seconds else 0
    calls_per_s = r.burst_calls / r.seconds if r.seconds else 0.0
    per_update = r.burst_calls / max(r.updates, 1)
    ok = "met" if r.per_s >= GOAL_UPDATES_PER_S else "NOT met"
    ok_rss = "met" if r.rss_peak_mb <= GOAL_RSS_MB else "NOT met"
    lines = [
        f"Burst of {n_requested:,} private-chat questions (380 eval questions in kk/ru/en, one "
        f"chat per update), bot with `DOSTYQ_RATE_LIMIT=false`, "
        f"`DOSTYQ_CONCURRENT_UPDATES={concurrency}`, HTTP backend "
        f"`{os.environ.get('DOSTYQ_HTTP_BACKEND', 'httpx')}`, long polling.",
        "",
        "| figure | value | goal |",
        "|---|---:|---|",
        f"| answered | {r.updates:,} of {n_requested:,} | all |",
        f"| throughput (first push to last sendMessage) | **{r.per_s:,.0f} updates/s** "
        f"({r.seconds:.2f} s) | ≥ {GOAL_UPDATES_PER_S}/s: {ok} |",
        f"| push → sendMessage, p50 / p99 (in the burst) | {percentile(lat, 50) * 1000:,.0f} / "
        f"{percentile(lat, 99) * 1000:,.0f} ms | |",
        f"| push → sendMessage, idle, p50 / p99 ({len(idle)} one at a time) | "
        f"{percentile(idle, 50) * 1000:.1f} / {percentile(idle, 99) * 1000:.1f} ms | |",
        f"| bot peak RSS (VmHWM) | **{r.rss_peak_mb:.1f} MiB** (now {r.rss_now_mb:.1f}) | "
        f"≤ {GOAL_RSS_MB} MB: {ok_rss} |",
        f"| CPU during the burst: bot / fake server | {bot_util:.0%} / {server_util:.0%} of "
        f"one core | |",
        f"| bot CPU per update | {r.bot_cpu_s / max(r.updates, 1) * 1000:.2f} ms | |",
        f"| fake server alone (sendMessage, 64 in flight) | {r.server_alone_per_s:,.0f} calls/s "
        f"| |",
        f"| getUpdates calls with updates / mean batch / max | {len(full)} / "
        f"{(sum(full) / len(full)) if full else 0:.1f} / {max(full, default=0)} | |",
        f"| failed sendMessage / spec violations / bot ERROR log lines | {r.failed_sends} / "
        f"{len(r.violations)} / {r.bot_log_errors} | 0 / 0 / 0 |",
        "",
    ]
    # What limits it.
    if bot_util >= 0.85:
        lines.append(
            f"The bot process is the bottleneck: it ran at {bot_util:.0%} of one core (a Python "
            "process uses one) for the whole burst."
        )
    if server_util >= 0.85 or calls_per_s >= 0.85 * r.server_alone_per_s:
        lines.append(
            f"The fake server is near its own limit: the burst made {calls_per_s:,.0f} Bot API "
            f"calls/s and it takes {r.server_alone_per_s:,.0f} sendMessage calls/s "
            "alone; the figure above is then partly the server's."
        )
    else:
        lines.append(
            f"The fake server is not the bottleneck: the burst made {calls_per_s:,.0f} Bot API "
            f"calls/s ({per_update:.2f} per update), and on its own it takes "
            f"{r.server_alone_per_s:,.0f} sendMessage calls/s ({server_util:.0%} of a core "
            "during the burst)."
        )
    nproc = os.cpu_count() or 1
    if nproc <= 2:
        lines.append(
            f"This machine has {nproc} cores for three processes (bot, fake server, driver), so "
            "the bot and the server compete for CPU; on a real deployment Telegram's side costs "
            "the bot nothing but network waits."
        )
    biggest = max(full, default=0)
    if biggest >= 100:
        lines.append(
            "getUpdates returned full batches of 100 (PTB's limit). Its offset never passes an "
            "update still being handled (bot/delivery.py: a crash must not lose updates Telegram "
            "was told were received), so Telegram sends the unhandled ones again with each new "
            "batch and the bot passes on only the new ones."
        )
    else:
        lines.append(
            f"getUpdates never filled PTB's batch of 100 (max {biggest}), so the batch size "
            "did not limit throughput."
        )
    if importlib.util.find_spec("sniffio") is None:
        lines.append(
            "`sniffio` is not installed: httpcore then retries `import sniffio` (a failed import, "
            "with a filesystem search) on every Bot API request; in a profile of the bot that "
            "was about 15% of its CPU in a burst."
        )
    lines.append(
        "Where the bot's CPU goes (cProfile of a burst, aiohttp backend): PTB's parsing of "
        "updates about 24%, the engine about 16%, aiohttp itself about 7%. With "
        "`DOSTYQ_HTTP_BACKEND=httpx` about half went to httpx/httpcore, whose pool checks every "
        "pooled connection on each request (234 updates/s at 16 concurrent updates)."
    )
    lines.append(
        "Latency in a burst is mostly queueing: every update is queued at t=0, so p50 is about "
        "half the drain time; the idle figure is the per-update cost without a queue."
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.throughput", description=__doc__)
    p.add_argument("--updates", type=int, default=5000, help="updates in the burst")
    p.add_argument("--idle", type=int, default=50, help="one-at-a-time round trips")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument(
        "--concurrency", type=int, default=CONCURRENT_UPDATES, help="DOSTYQ_CONCURRENT_UPDATES"
    )
    p.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    p.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.serve:
        asyncio.run(serve(TOKEN))
        return 0
    result = asyncio.run(run(args.updates, args.idle, args.seed, args.concurrency))
    lines = report_lines(result, args.updates, args.concurrency)
    print("\n".join(lines))
    for violation in result.violations[:10]:
        print(f"violation: {violation}")
    if args.write:
        # DOSTYQ_DB=postgresql://... (passed through): the store on PostgreSQL, its own section.
        on_pg = os.environ.get("DOSTYQ_DB", "").startswith("postgresql://")
        name, title = (
            ("throughput-postgresql", "Throughput, the store on PostgreSQL")
            if on_pg
            else ("throughput", "Throughput")
        )
        body = "\n".join(section_header(title, "benchmarks.throughput") + lines)
        write_section(name, body)
        print(f"\nwrote the {name} section of benchmarks/RESULTS.md")
    return 0 if result.updates == args.updates and not result.violations else 1


if __name__ == "__main__":
    raise SystemExit(main())
