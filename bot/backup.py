"""Back up and restore the SQLite database: ``python -m bot.backup create|restore|check``.

- ``create [--db DB] DIR [--keep N]``: ``VACUUM INTO`` a new file in DIR while the bot runs.
  VACUUM INTO reads the database in one read transaction, so the copy is consistent (WAL
  included) and compact; the bot goes on writing meanwhile. The copy is checked
  (``PRAGMA integrity_check`` and the migrations table) before it gets its final name,
  ``dostyq-YYYYMMDDTHHMMSSZ.sqlite3``; then all but the newest N backups are deleted.
- ``restore BACKUP [--db DB]``: **stop the bot first.** Checks the backup, copies it next to
  the database, removes the old ``-wal`` and ``-shm`` files (a stale WAL replayed over the
  restored file would corrupt it) and renames the copy over the database in one step. The
  database it replaces is kept as ``DB.before-restore``.
- ``check FILE``: the same checks, and the row counts of the store's tables.

The search index in the same file is derived from the fact files and is rebuilt by itself if it
does not match them. For a PostgreSQL ``DOSTYQ_DB`` use ``pg_dump``/``pg_restore`` instead
(deploy/README.md).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import sys
import time
from pathlib import Path

from .settings import Settings

PREFIX, SUFFIX = "dostyq-", ".sqlite3"
#: The store's tables reported by ``check`` (missing ones are reported as missing).
TABLES = ("schema_migrations", "user_lang", "feedback", "question_log")


class BackupError(Exception):
    pass


def verify(path: Path) -> dict[str, int | None]:
    """Integrity and migrations checked; row counts per store table (None: table missing)."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            (status,) = conn.execute("PRAGMA integrity_check").fetchone()
            if status != "ok":
                raise BackupError(f"{path}: integrity check failed: {status}")
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            counts: dict[str, int | None] = {
                t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] if t in names else None
                for t in TABLES
            }
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        raise BackupError(f"{path}: not a readable SQLite database: {e}") from e
    if not counts["schema_migrations"]:
        raise BackupError(f"{path}: no migrations recorded; not a Dostyq database")
    return counts


def create(db: Path, directory: Path, keep: int = 14) -> Path:
    """A checked, consistent copy of the live database in ``directory``; old ones pruned."""
    if not db.is_file():
        raise BackupError(f"{db}: no such database")
    directory.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    final = directory / f"{PREFIX}{stamp}{SUFFIX}"
    partial = directory / f".{final.name}.partial"
    partial.unlink(missing_ok=True)
    conn = sqlite3.connect(db, timeout=30.0)
    try:
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("VACUUM INTO ?", (str(partial),))
    finally:
        conn.close()
    try:
        verify(partial)
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, final)
    if keep > 0:
        backups = sorted(directory.glob(f"{PREFIX}*{SUFFIX}"))
        for old in backups[:-keep]:
            old.unlink()
    return final


def restore(backup: Path, db: Path) -> Path:
    """Put ``backup`` in place of ``db`` (the bot must be stopped); returns the kept old file."""
    verify(backup)
    db.parent.mkdir(parents=True, exist_ok=True)
    staged = db.with_name(f".{db.name}.restoring")
    shutil.copyfile(backup, staged)
    verify(staged)
    kept = db.with_name(db.name + ".before-restore")
    if db.exists():
        kept.unlink(missing_ok=True)
        try:  # through SQLite, so that a WAL left by a crash is in the kept copy too
            conn = sqlite3.connect(db, timeout=30.0)
            try:
                conn.execute("VACUUM INTO ?", (str(kept),))
            finally:
                conn.close()
        except sqlite3.DatabaseError:
            shutil.copyfile(db, kept)  # unreadable: keep the bytes as they are
    for side in ("-wal", "-shm"):
        Path(f"{db}{side}").unlink(missing_ok=True)
    os.replace(staged, db)
    return kept


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bot.backup", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("create", help="back up the live database into DIR")
    c.add_argument("directory", type=Path)
    c.add_argument("--db", type=Path, help="default: $DOSTYQ_DB")
    c.add_argument("--keep", type=int, default=14, help="newest backups kept (0: all)")
    r = sub.add_parser("restore", help="replace the database with BACKUP (stop the bot first)")
    r.add_argument("backup", type=Path)
    r.add_argument("--db", type=Path, help="default: $DOSTYQ_DB")
    k = sub.add_parser("check", help="check a database or backup file")
    k.add_argument("file", type=Path)
    args = p.parse_args(argv)
    try:
        if args.command == "check":
            counts = verify(args.file)
            print(
                "ok: " + ", ".join(f"{t} {n if n is not None else '-'}" for t, n in counts.items())
            )
            return 0
        db = args.db or Settings().db
        if str(db).startswith(("postgresql:", "postgres:")):
            raise BackupError("DOSTYQ_DB is PostgreSQL: use pg_dump / pg_restore")
        if args.command == "create":
            print(create(Path(db), args.directory, args.keep))
        else:
            kept = restore(args.backup, Path(db))
            print(f"restored {args.backup} to {db}; the previous file is {kept}")
    except BackupError as e:
        print(f"backup: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
