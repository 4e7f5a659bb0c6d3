"""A real PostgreSQL server for the store tests: ``DOSTYQ_TEST_PG_URL`` names it.

``.ci/run`` installs PostgreSQL from Debian's packages, starts it and sets the variable. Without
it the PostgreSQL tests are skipped, with that reason, except under CI (``CI=true``), where a
missing server fails them. Each test gets a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

ENV = "DOSTYQ_TEST_PG_URL"
#: Read at import: some test modules clear every DOSTYQ_* variable before each test.
URL = os.environ.get(ENV, "")


def server_url() -> str:
    if not URL:
        if os.environ.get("CI"):
            pytest.fail(f"{ENV} is not set: CI must run the PostgreSQL store tests")
        pytest.skip(f"no PostgreSQL server configured (set {ENV}=postgresql://...)")
    return URL


@contextmanager
def fresh_schema() -> Iterator[str]:
    """A ``postgresql://`` URL whose tables go to a new, empty schema."""
    import psycopg

    url = server_url()
    name = "t_" + secrets.token_hex(6)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}".encode())
    try:
        yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{name}"
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {name} CASCADE".encode())
