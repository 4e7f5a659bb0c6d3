"""The health check of the Docker image and of monitoring: ``python -m bot.health``.

Exit 0 when healthy, 1 otherwise, with one line saying what was checked. Read-only: it opens
the database with ``mode=ro`` and never migrates or writes.

- Always: the fact files load and validate, and the database exists and has been migrated (the
  bot has started on it at least once).
- Webhook mode (``DOSTYQ_WEBHOOK_URL`` set): ``GET /healthz`` on the local webhook port answers
  200 with ``"ok": true`` (the bot's own web server is up and its Application is running).
- Long polling has no port to ask; the process itself is the check (systemd and Docker restart
  it when it exits). A poller that hangs without exiting is not detected.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import urllib.error
import urllib.request
from pathlib import Path

from knowledge.factbase import FactBaseError, load_configured

from .settings import Settings

HEALTH_PATH = "/healthz"
TIMEOUT_SECONDS = 4.0


def check_database(db: Path) -> str | None:
    """None if the SQLite file is there and migrated, else what is wrong."""
    path = Path(db).expanduser()
    if not path.is_file():
        return f"no database at {path} (has the bot started?)"
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=2.0)
        try:
            rows = conn.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as e:
        return f"database {path} not readable: {e}"
    return None if rows and rows[0] else f"database {path} has no migrations applied"


def check_webhook(listen: str, port: int) -> str | None:
    """None if the bot's webhook server answers its health endpoint, else why not."""
    host = "127.0.0.1" if listen in ("0.0.0.0", "", "::") else listen
    host = f"[{host}]" if ":" in host else host
    url = f"http://{host}:{port}{HEALTH_PATH}"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as resp:
            body = json.loads(resp.read() or b"{}")
    except (urllib.error.URLError, OSError, ValueError) as e:
        return f"{url}: {e}"
    return None if body.get("ok") is True else f"{url}: {body}"


def main() -> int:
    settings = Settings()
    problems: list[str] = []
    try:
        load_configured(settings.facts_dir)
    except FactBaseError as e:
        problems.append(f"fact base: {e}")
    if str(settings.db).startswith(("postgresql:", "postgres:")):
        pass  # a shared PostgreSQL is checked by its own service; the bot's webhook below
    elif problem := check_database(Path(settings.db)):
        problems.append(problem)
    mode = "polling"
    if settings.webhook_url:
        mode = "webhook"
        if problem := check_webhook(settings.webhook_listen, settings.webhook_port):
            problems.append(problem)
    if problems:
        print("unhealthy: " + "; ".join(problems))
        return 1
    print(f"healthy ({mode})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
