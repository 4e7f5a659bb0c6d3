"""The SQLite index of the fact base (FTS5 over normalised terms, and a table of dates).

The index is derived data. It is rebuilt when the fact files change, detected by a content hash
(plus :data:`ANALYZER_VERSION`, so that a change in analysis also rebuilds it), and not on every
start. Its tables carry the ``kx_`` prefix so that they can share a database file with the bot's
own store.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import aiosqlite

from .analyze import Analyzer
from .factbase import FactBase
from .models import LANGS, Fact, Name
from .text import loose, normalise

#: Parsed fact rows kept in memory (the whole fact base, unless it is large).
ROW_CACHE = 8192
#: Bump when analysis changes, so that existing indexes are rebuilt.
ANALYZER_VERSION = "6"

_SCHEMA = """
CREATE TABLE kx_fact(
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    featured INTEGER NOT NULL DEFAULT 0,
    terms TEXT NOT NULL,
    head TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE kx_date(
    fact INTEGER PRIMARY KEY REFERENCES kx_fact(rowid),
    start_year INTEGER NOT NULL,
    end_year INTEGER NOT NULL,
    start_key INTEGER NOT NULL
);
CREATE INDEX kx_date_years ON kx_date(start_year, end_year);
CREATE INDEX kx_fact_featured ON kx_fact(featured) WHERE featured = 1;
CREATE VIRTUAL TABLE kx_fts USING fts5(
    head, body, content='', tokenize='unicode61 remove_diacritics 0'
);
CREATE TABLE kx_vocab(term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
"""
_DROP = """
DROP TABLE IF EXISTS kx_fts;
DROP TABLE IF EXISTS kx_date;
DROP TABLE IF EXISTS kx_vocab;
DROP TABLE IF EXISTS kx_fact;
"""


@dataclass(frozen=True)
class Candidate:
    """A fact row as the ranker needs it."""

    rowid: int
    fact_id: str
    terms: frozenset[str]
    head: tuple[str, ...]
    start_year: int | None
    end_year: int | None
    start_key: int | None
    data: str


#: The columns a Candidate is built from (see _candidate), with the fact's date when it has one.
_ROW = (
    "SELECT f.rowid, f.id, f.terms, f.head, d.start_year, d.end_year, d.start_key, f.data"
    " FROM kx_fact f LEFT JOIN kx_date d ON d.fact = f.rowid"
)


def name_forms(fact: Fact, names: Mapping[str, Name] | None = None) -> list[str]:
    """The English form of each of a fact's places, people and orgs (the key if unknown)."""
    names = names or {}
    return [names[k].en if k in names else k for k in fact.places + fact.people + fact.orgs]


def fact_head_lines(fact: Fact, names: Mapping[str, Name] | None = None) -> list[str]:
    """Title, aliases and names of a fact, each normalised to its loose form."""
    lines: list[str] = []
    for lang in LANGS:
        lines.append(fact.title.get(lang))
        lines.extend(fact.aliases.get(lang))
    lines.extend(name_forms(fact, names))
    out = []
    for line in lines:
        n = loose(normalise(line))
        if n and n not in out:
            out.append(n)
    return out


def _date_key(fact: Fact) -> tuple[int, int, int] | None:
    if fact.date is None:
        return None
    y, m, d = fact.date.start.key()
    return fact.date.start.year, (fact.date.end or fact.date.start).year, y * 10000 + m * 100 + d


class FactIndex:
    """Builds and queries the ``kx_`` tables over one aiosqlite connection."""

    def __init__(self, db: aiosqlite.Connection, analyzer: Analyzer | None) -> None:
        self.db = db
        self._analyzer = analyzer
        self._cache: OrderedDict[int, Candidate] = OrderedDict()

    @property
    def analyzer(self) -> Analyzer:
        if self._analyzer is None:
            raise RuntimeError("the index has no analyzer yet")
        return self._analyzer

    @analyzer.setter
    def analyzer(self, value: Analyzer) -> None:
        self._analyzer = value

    async def stemmer_data(self, base: FactBase) -> tuple[list[str], list[str]] | None:
        """The Kazakh stemmer's vocabulary and protected words, if the index is current."""
        if await self.stored_hash() != _want(base):
            return None
        async with self.db.execute("SELECT value FROM kx_meta WHERE key='stemmer'") as cur:
            row = await cur.fetchone()
        if not row:
            return None
        data = json.loads(str(row[0]))
        return list(data["known"]), list(data["protected"])

    async def stored_hash(self) -> str | None:
        await self.db.execute(
            "CREATE TABLE IF NOT EXISTS kx_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)"
        )
        async with self.db.execute("SELECT value FROM kx_meta WHERE key='hash'") as cur:
            row = await cur.fetchone()
        return str(row[0]) if row else None

    async def ensure(self, base: FactBase, stemmer: tuple[list[str], list[str]]) -> bool:
        """Rebuild the index if the fact base changed; True when it rebuilt."""
        want = _want(base)
        if await self.stored_hash() == want:
            return False
        await self.rebuild(base.facts, want, stemmer, base.names)
        return True

    async def rebuild(
        self,
        facts: Iterable[Fact],
        content_hash: str,
        stemmer: tuple[list[str], list[str]],
        names: Mapping[str, Name] | None = None,
    ) -> None:
        db = self.db
        self._cache.clear()
        await db.execute("BEGIN IMMEDIATE")
        try:
            await _run_script(db, _DROP + _SCHEMA)
            df: dict[str, int] = {}
            fact_rows, date_rows, fts_rows = [], [], []
            for rowid, fact in enumerate(facts, start=1):
                head_terms, body_terms = self._terms(fact, names)
                terms = set(head_terms) | set(body_terms)
                for t in terms:
                    df[t] = df.get(t, 0) + 1
                fact_rows.append(
                    (
                        rowid,
                        fact.id,
                        int(fact.featured),
                        " ".join(sorted(terms)),
                        "\n".join(fact_head_lines(fact, names)),
                        fact.model_dump_json(exclude_defaults=True),
                    )
                )
                key = _date_key(fact)
                if key:
                    date_rows.append((rowid, *key))
                fts_rows.append((rowid, " ".join(head_terms), " ".join(body_terms)))
            await db.executemany("INSERT INTO kx_fact VALUES (?,?,?,?,?,?)", fact_rows)
            await db.executemany("INSERT INTO kx_date VALUES (?,?,?,?)", date_rows)
            await db.executemany("INSERT INTO kx_fts(rowid, head, body) VALUES (?,?,?)", fts_rows)
            await db.executemany("INSERT INTO kx_vocab VALUES (?,?)", list(df.items()))
            known, protected = stemmer
            await db.execute(
                "INSERT OR REPLACE INTO kx_meta VALUES ('hash', ?), ('count', ?), ('stemmer', ?)",
                (
                    content_hash,
                    str(len(fact_rows)),
                    json.dumps({"known": known, "protected": protected}, ensure_ascii=False),
                ),
            )
            await db.commit()
        except BaseException:
            await db.rollback()
            raise

    def _terms(
        self, fact: Fact, names: Mapping[str, Name] | None = None
    ) -> tuple[list[str], list[str]]:
        a = self.analyzer
        head: list[str] = []
        body: list[str] = []
        for lang in LANGS:
            head += a.doc_terms(fact.title.get(lang), lang)
            for alias in fact.aliases.get(lang):
                head += a.doc_terms(alias, lang)
            body += a.doc_terms(fact.text.get(lang), lang)
        for name in name_forms(fact, names):
            head += a.doc_terms(name, "en")
        return head, body

    async def vocabulary(self) -> dict[str, int]:
        async with self.db.execute("SELECT term, df FROM kx_vocab") as cur:
            return {str(t): int(n) for t, n in await cur.fetchall()}

    async def count(self) -> int:
        async with self.db.execute("SELECT count(*) FROM kx_fact") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def search(self, terms: Sequence[str], limit: int) -> list[Candidate]:
        """Facts matching any of ``terms``, best BM25 first (head weighs double).

        Only rowids and ranks come from FTS5; the rows themselves come from a small cache of
        parsed rows, and only the ones it lacks are read.
        """
        if not terms:
            return []
        match = " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)
        sql = (
            "SELECT rowid, bm25(kx_fts, 2.0, 1.0) AS rank FROM kx_fts"
            " WHERE kx_fts MATCH ? ORDER BY rank LIMIT ?"
        )
        hits = await self.db.execute_fetchall(sql, (match, limit))
        rows = await self.rows([int(r[0]) for r in hits])
        # In BM25 order (best first), which the ranker uses to break ties.
        return [rows[int(r[0])] for r in hits if int(r[0]) in rows]

    async def rows(self, rowids: Sequence[int] | range) -> dict[int, Candidate]:
        """Fact rows by rowid, from the cache or (one query for the rest) the database."""
        out = {i: self._cache[i] for i in rowids if i in self._cache}
        missing = [i for i in rowids if i not in out]
        if missing:
            marks = ",".join("?" * len(missing))
            sql = f"{_ROW} WHERE f.rowid IN ({marks})"
            for r in await self.db.execute_fetchall(sql, tuple(missing)):
                c = _candidate(r)
                out[c.rowid] = c
                self._cache[c.rowid] = c
            while len(self._cache) > ROW_CACHE:
                self._cache.popitem(last=False)
        return out

    async def by_dates(self, start: int, end: int, limit: int = 500) -> list[Candidate]:
        """Facts whose date overlaps the years ``start..end``, in date order."""
        sql = (
            f"{_ROW} WHERE d.start_year <= ? AND d.end_year >= ? ORDER BY d.start_key, f.id LIMIT ?"
        )
        rows = await self.db.execute_fetchall(sql, (end, start, limit))
        return [_candidate(r) for r in rows]

    async def count_dates(self, start: int, end: int) -> int:
        sql = "SELECT count(*) FROM kx_date WHERE start_year <= ? AND end_year >= ?"
        async with self.db.execute(sql, (end, start)) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def years(self) -> list[int]:
        """Every year that has at least one fact."""
        async with self.db.execute("SELECT start_year, end_year FROM kx_date") as cur:
            rows = await cur.fetchall()
        return sorted({y for a, b in rows for y in range(int(a), int(b) + 1)})

    async def by_ids(self, ids: Sequence[str]) -> list[Candidate]:
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        sql = f"{_ROW} WHERE f.id IN ({marks})"
        rows = {r[1]: _candidate(r) for r in await self.db.execute_fetchall(sql, tuple(ids))}
        return [rows[i] for i in ids if i in rows]

    async def featured(self, limit: int) -> list[Candidate]:
        """Facts marked featured (in date order), topped up with the first facts."""
        sql = f"{_ROW} WHERE f.featured = 1 LIMIT ?"
        rows = [_candidate(r) for r in await self.db.execute_fetchall(sql, (limit,))]
        rows.sort(key=lambda c: (c.start_key is None, c.start_key or 0, c.rowid))
        if len(rows) < limit:
            seen = {c.rowid for c in rows}
            first = await self.rows(range(1, limit + len(rows) + 1))
            more = [first[i] for i in sorted(first) if i not in seen]
            rows += more[: limit - len(rows)]
        return rows

    async def ids_with_tag(self, tag: str, limit: int = 200) -> list[str]:
        sql = (
            "SELECT f.id FROM kx_fact f LEFT JOIN kx_date d ON d.fact = f.rowid, json_each(f.data,"
            " '$.tags') t WHERE t.value = ? ORDER BY d.start_key IS NULL, d.start_key, f.rowid"
            " LIMIT ?"
        )
        async with self.db.execute(sql, (tag, limit)) as cur:
            return [str(r[0]) for r in await cur.fetchall()]


def _want(base: FactBase) -> str:
    return f"{base.content_hash}:{ANALYZER_VERSION}"


def _candidate(r: Sequence[object]) -> Candidate:
    return Candidate(
        rowid=int(r[0]),  # type: ignore[call-overload]
        fact_id=str(r[1]),
        terms=frozenset(str(r[2]).split()),
        head=tuple(str(r[3]).split("\n")),
        start_year=None if r[4] is None else int(r[4]),  # type: ignore[call-overload]
        end_year=None if r[5] is None else int(r[5]),  # type: ignore[call-overload]
        start_key=None if r[6] is None else int(r[6]),  # type: ignore[call-overload]
        data=str(r[7]),
    )


async def _run_script(db: aiosqlite.Connection, script: str) -> None:
    for stmt in script.split(";"):
        if stmt.strip():
            await db.execute(stmt)


def loads_fact(data: str) -> Fact:
    return Fact.model_validate(json.loads(data))
