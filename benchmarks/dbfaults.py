"""A full disk, then a read-only one, under the running bot: ``python -m benchmarks.dbfaults``.

Needs root (it mounts a small tmpfs). What runs, and what is checked:

* The fake Bot API server in this process, and the real ``python -m bot run`` against it, with
  ``DOSTYQ_DB`` on a 2 MiB tmpfs of its own.
* **Full disk.** Once the bot is up, a ballast file fills the tmpfs to ``ENOSPC``. Then
  ``--updates`` questions (one user each), a vote and a /forget are pushed.
* **Read-only disk.** The tmpfs is remounted read-only (root cannot write there either), and the
  same is pushed again.
* **Figures.** Questions answered (a sendMessage for each); what the vote and /forget replied;
  the store's ERROR lines in the bot's log since it started (at most one a minute is the goal:
  each phase takes seconds, so one); and whether the bot is still alive at the end.

``--write`` replaces the ``dbfaults`` section of ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.latency import section_header, write_section
from tests import factories as F
from tests.fakebotapi import FakeBotAPI

ROOT = Path(__file__).resolve().parent.parent
FIRST_USER = 800_000_000
QUESTION = "When did Kazakhstan and China establish diplomatic relations?"


async def phase(server: FakeBotAPI, output: list[str], n: int, base: int) -> dict[str, object]:
    before = len(server.calls_to("sendMessage"))
    for i in range(n):
        server.push_update(F.make_message_update(QUESTION, user_id=base + i, chat_id=base + i))
    deadline = time.monotonic() + 60
    while len(server.calls_to("sendMessage")) < before + n and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    answered = len(server.calls_to("sendMessage")) - before
    vote = F.make_callback_query_update(
        "1|vote|diplomatic-relations-1992|+", user_id=base, chat_id=base
    )
    server.push_update(vote)
    call = await server.wait_for("answerCallbackQuery", timeout=30)
    forget = F.make_command_update("/forget", user_id=base, chat_id=base)
    n_sent = len(server.calls_to("sendMessage"))
    server.push_update(forget)
    while len(server.calls_to("sendMessage")) == n_sent and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    errors = [ln for ln in output if " ERROR bot.store" in ln]  # since this bot started
    return {
        "answered": answered,
        "pushed": n,
        "vote": call.params.get("text"),
        "forget": server.calls_to("sendMessage")[-1].params.get("text"),
        "store_errors": len(errors),
        "first_error": errors[0].split("bot.store: ", 1)[-1].strip() if errors else "",
    }


async def start_bot(server: FakeBotAPI, db: Path) -> tuple[asyncio.subprocess.Process, list[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DOSTYQ_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=server.token,
        TELEGRAM_API_URL=server.base_url,
        DOSTYQ_DB=str(db),
        DOSTYQ_RATE_LIMIT="false",
        PYTHONUNBUFFERED="1",
    )
    server.clear()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=str(ROOT), env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output: list[str] = []

    async def read() -> None:
        assert proc.stdout is not None
        async for line in proc.stdout:
            output.append(line.decode(errors="replace"))

    _readers.append(asyncio.create_task(read()))
    wait = asyncio.create_task(server.wait_for("deleteWebhook", timeout=60))
    done, _ = await asyncio.wait({wait, asyncio.create_task(proc.wait())}, timeout=60,
                                 return_when=asyncio.FIRST_COMPLETED)  # fmt: skip
    if wait not in done:
        wait.cancel()
    return proc, output


async def stop_bot(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        proc.terminate()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(proc.wait(), 20)
    if proc.returncode is None:
        proc.kill()
        await proc.wait()


_readers: list[asyncio.Task[None]] = []


async def run(n: int) -> tuple[dict[str, dict[str, object]], str]:
    mnt = Path(tempfile.mkdtemp(prefix="dostyq-dbfaults-"))
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mnt)], check=True)
    db = mnt / "dostyq.sqlite3"
    results: dict[str, dict[str, object]] = {}
    tail = ""
    try:
        async with FakeBotAPI() as server:
            proc, output = await start_bot(server, db)
            try:
                with contextlib.suppress(OSError), (mnt / "ballast").open("wb") as f:
                    while True:
                        f.write(b"\0" * 65536)
                        f.flush()
                results["full disk"] = await phase(server, output, n, FIRST_USER)
                results["full disk"]["alive"] = proc.returncode is None
            finally:
                await stop_bot(proc)
            (mnt / "ballast").unlink()
            # Read-only: a fresh start on a database whose disk is mounted read-only (a remount
            # needs no file open for writing, so the bot is restarted for it).
            subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)
            proc, output = await start_bot(server, db)
            try:
                if proc.returncode is None:
                    results["read-only disk"] = await phase(server, output, n, FIRST_USER + n)
                    results["read-only disk"]["alive"] = proc.returncode is None
                else:
                    tail = "".join(output[-3:]).strip()
            finally:
                await stop_bot(proc)
    finally:
        for r in _readers:
            r.cancel()
        subprocess.run(["umount", str(mnt)], check=False)
        mnt.rmdir()
    return results, tail


def report(results: dict[str, dict[str, object]], n: int, tail: str) -> str:
    lines = [
        *section_header("A full or read-only database", "benchmarks.dbfaults"),
        "`DOSTYQ_DB` on a 2 MiB tmpfs. Full: after start-up the disk is filled to ENOSPC."
        " Read-only: the bot is started again with the disk remounted read-only. In each"
        f" state: {n} questions (one user each), a 👍 and a /forget.",
        "",
        "| state | questions answered | the vote's reply | /forget's reply | store ERROR lines |"
        " bot alive |",
        "|---|---:|---|---|---:|---|",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['answered']} of {r['pushed']} | {r['vote']} | {r['forget']} |"
            f" {r['store_errors']} | {'yes' if r['alive'] else 'no'} |"
        )
    lines.append("")
    for name, r in results.items():
        if r["first_error"]:
            lines.append(f"- {name}, the one error line: `{r['first_error']}`")
    if "(0 records)" in str(results.get("full disk", {}).get("forget")):
        lines.append(
            "- full disk: /forget found nothing to delete (every write of that user had failed),"
            " and a delete of no rows needs no space, so it succeeded."
        )
    if tail:
        lines.append(f"- read-only disk: the bot did not start; its last lines: `{tail}`")
    lines.append("")
    return "\n".join(lines)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--updates", type=int, default=200)
    p.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = p.parse_args()
    results, tail = asyncio.run(run(args.updates))
    text = report(results, args.updates, tail)
    print(text)
    if args.write:
        write_section("dbfaults", text)
    ok = len(results) == 2 and all(
        r["answered"] == r["pushed"] and r["alive"] for r in results.values()
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
