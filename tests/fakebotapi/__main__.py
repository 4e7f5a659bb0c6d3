"""Run the fake Bot API as its own process (for benchmarks).

    python -m tests.fakebotapi --port 0 --token T

prints ``READY <base_url>`` once it listens, then serves until SIGINT/SIGTERM. Updates can be
queued with ``POST /_fake/push_update`` (a JSON Update), failures injected with
``POST /_fake/fail_next`` ({"method", "status", "retry_after", "times"}), and
``GET /_fake/report`` gives call counts per method and the violations.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from .limits import FloodLimits
from .server import DEFAULT_TOKEN, FakeBotAPI


async def wait_for_stop_signal() -> None:
    """Return on SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()


async def serve(host: str, port: int, token: str, flood_limits: bool = False) -> None:
    """Serve until SIGINT or SIGTERM; print violations to stderr on the way out."""
    limits = FloodLimits() if flood_limits else None
    server = FakeBotAPI(token, host=host, port=port, flood_limits=limits)
    await server.start()
    print(f"READY {server.base_url}", flush=True)
    try:
        await wait_for_stop_signal()
    finally:
        await server.stop()
        for violation in server.violations:
            print(f"violation: {violation}", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.fakebotapi", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument(
        "--flood-limits", action="store_true", help="answer 429 past Telegram's flood limits"
    )
    args = parser.parse_args(argv)
    asyncio.run(serve(args.host, args.port, args.token, args.flood_limits))


if __name__ == "__main__":
    main()
