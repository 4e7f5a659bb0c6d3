"""The SQLite index of the fact base: each term's postings, scored by BM25, and a table of dates.

The index is derived data, and its key is computed, never typed: :func:`index_key` hashes the
fact files (facts, ``sources.yaml``, ``names.yaml``: :attr:`FactBase.content_hash`) together
with :func:`analysis_version`, a hash of the source of this module and of every ``knowledge``
module it imports (text, stem, analyze, lexicon, dates, models ...) and of the lexicon's word
lists. A change in any of them gives a new key, and so a new index.

Each key has its own file (:func:`index_path`: ``bot.index/<key>.sqlite3`` beside
``bot.sqlite3``), built under a temporary name, opened, then renamed into place, and read-only
(SQLite's ``immutable``) from then on. Nothing ever writes to a built index, so two processes on
the same database never change tables under each other: a process with other facts or other code
builds and reads a file of its own. Files of other keys are removed once a new one is in place; a
process still reading one keeps its open file (POSIX unlink), so its answers do not change either.

The build reads the facts once, in chunks of :data:`BUILD_CHUNK`, and keeps only counters between
chunks, so its memory does not grow with the fact base; afterwards the engine reads fact rows
from SQLite (with a bounded cache) and needs no FactBase.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import hashlib
import json
import math
import os
import sqlite3
import tempfile
import time
import uuid
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import chain, repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import aiosqlite

from .analyze import Analyzer
from .models import LANGS, Fact, Lang, Name
from .related import MAX_RELATED, related_map
from .stem import KazakhStemmer, learned_stems, protected_from_vocabulary
from .text import is_latin, loose, normalise, words

#: Fact rows (and their parsed facts) are kept in memory when the whole fact base fits in this
#: many; a larger one reads them from SQLite for every question. A bounded cache that evicts would
#: cost more than it saves: CPython counts an evicted (old) object's free against the young
#: generation's allocations, so while a cache churns, the young generation grows by the
#: cache's live objects and is collected in one long pause (30-90 ms at 100,000 facts).
ROW_CACHE = 4096
#: Facts analysed and inserted per transaction step while building.
BUILD_CHUNK = 2000
#: Each fact's event kind is also a tag, under this prefix (tags themselves are slugs).
EVENT_TAG = "event:"
#: And each of its places ("which Chinese cities does the article name?").
PLACE_TAG = "place:"
#: A temporary build file older than this is left over from a crash, and may be removed.
STALE_BUILD_S = 3600.0
#: A search scores its candidates from the terms' postings (``kx_post``) with numpy: FTS5's
#: BM25 (k1 1.2, b 0.75, head x2), the order its ``bm25()`` gives (a test builds FTS5 beside it
#: and compares), without FTS5's table, which cost a tenth of the build at 100,000 facts and
#: ranked every matching row before the LIMIT (2.6 against 0.75 ms at about 4,096 matches:
#: benchmarks/RESULTS.md, Scale). A search whose terms are in fewer than 1/SPARSE of the
#: facts in all sums its scores over the matched rows only, not over an array of every row.
SPARSE = 8
#: A search whose terms are in at most this many facts in all is scored in plain Python.
FEW_MATCHES = 256
#: Weights of the head (titles, aliases, names) and body (texts) columns in BM25.
HEAD_WEIGHT, BODY_WEIGHT = 2.0, 1.0
assert (HEAD_WEIGHT, BODY_WEIGHT) == (2.0, 1.0), "the build counts a head term twice"
BM25_K1, BM25_B = 1.2, 0.75
#: Related facts ("See also") kept per fact, so that those already in an answer can be left out.
RELATED_KEPT = MAX_RELATED + 3
#: Related facts are computed at build time for a fact base of at most this many facts: every
#: pair is compared (knowledge.related), about 2 s at 1,000 facts. A larger one has none.
RELATED_UP_TO = 1000
#: Version of the index's file layout (the schema below); part of the key.
LAYOUT = "10"

_PACKAGE = Path(__file__).resolve().parent

_SCHEMA = """
CREATE TABLE kx_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE kx_fact(
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    featured INTEGER NOT NULL DEFAULT 0,
    terms TEXT NOT NULL,
    head TEXT NOT NULL,
    event TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE kx_date(
    fact INTEGER PRIMARY KEY REFERENCES kx_fact(rowid),
    start_year INTEGER NOT NULL,
    end_year INTEGER NOT NULL,
    start_key INTEGER NOT NULL
);
CREATE TABLE kx_tag(tag TEXT NOT NULL, fact INTEGER NOT NULL, PRIMARY KEY(tag, fact))
    WITHOUT ROWID;
CREATE TABLE kx_vocab(term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE kx_post(term TEXT PRIMARY KEY, docs BLOB NOT NULL, freq BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE kx_blob(name TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE kx_related(fact INTEGER PRIMARY KEY, ids TEXT NOT NULL)
"""
#: Made after the rows are in (cheaper than keeping them up to date row by row).
_INDEXES = """
CREATE INDEX kx_date_order ON kx_date(start_key, fact, end_year);
CREATE INDEX kx_fact_featured ON kx_fact(featured) WHERE featured = 1
"""


class FactSource(Protocol):
    """What the index is built from: a :class:`~knowledge.factbase.FactBase`, or anything that
    can give the facts (sorted by date, then id) without holding them all."""

    @property
    def content_hash(self) -> str: ...

    @property
    def facts(self) -> Iterable[Fact]: ...

    @property
    def names(self) -> Mapping[str, Name]: ...


if TYPE_CHECKING:
    _once = cached_property
else:

    class _once:
        """``functools.cached_property`` without its lock (3.11 takes one on each first read)."""

        def __init__(self, func):
            self.func = func
            self.name = func.__name__

        def __get__(self, obj, cls=None):
            if obj is None:
                return self
            value = obj.__dict__[self.name] = self.func(obj)
            return value


@dataclass(frozen=True)
class Candidate:
    """A fact row as the ranker needs it. Its terms, head lines and fact are parsed when first
    asked for (a year's list needs only its facts)."""

    rowid: int
    fact_id: str
    terms_text: str
    head_text: str
    start_year: int | None
    end_year: int | None
    start_key: int | None
    #: The fact's kind of event (``Fact.event``), known without decoding the fact.
    event: str
    #: The index the row was read from: a row read without its JSON reads it from there.
    index: FactIndex | None

    @_once
    def data(self) -> str:
        """The fact's JSON: read with the row when rows are kept (:data:`ROW_CACHE`), else
        only when the fact is decoded (a year's 120 rows at 100,000 facts, of which the
        reply shows 6, are 140 KB of JSON that nothing reads)."""
        if self.index is None:
            raise LookupError(f"fact row {self.rowid} was read without its data")
        return self.index.data_of(self.rowid)

    @_once
    def terms(self) -> frozenset[str]:
        return frozenset(self.terms_text.split())

    @_once
    def head(self) -> tuple[str, ...]:
        return tuple(self.head_text.split("\n"))

    @_once
    def fact(self) -> Fact:
        """The fact itself, parsed once per row object (rows are kept, and so their facts,
        only while the whole fact base fits in :data:`ROW_CACHE`)."""
        return loads_fact(self.data)


_COLUMNS = "f.rowid, f.id, f.terms, f.head, d.start_year, d.end_year, d.start_key, f.event"
#: A row with its data (kept in the row cache), and without it (read when decoded).
_ROW = f"SELECT {_COLUMNS}, f.data FROM kx_fact f LEFT JOIN kx_date d ON d.fact = f.rowid"
_LEAN_ROW = f"SELECT {_COLUMNS} FROM kx_fact f LEFT JOIN kx_date d ON d.fact = f.rowid"


# -- the key --------------------------------------------------------------------------------


def analysis_sources() -> list[Path]:
    """The files whose content decides what the index holds: this module, every ``knowledge``
    module it imports (transitively, read from their ``import`` statements) and the lexicon's
    word lists."""
    seen: dict[str, Path] = {}
    todo = ["index"]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        path = _PACKAGE / f"{name}.py"
        seen[name] = path
        tree = ast.parse(path.read_bytes(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                if node.module:
                    todo.append(node.module.split(".")[0])
                else:
                    todo += [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("knowledge."):
                todo.append((node.module or "").split(".")[1])
    return sorted(seen.values()) + sorted((_PACKAGE / "words").glob("*.yaml"))


@lru_cache(maxsize=8)
def _digest_files(paths: tuple[Path, ...], stamps: tuple[tuple[int, int], ...]) -> str:
    del stamps  # part of the cache key only
    h = hashlib.sha256(LAYOUT.encode())
    for p in paths:
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def analysis_version() -> str:
    """A hash of :func:`analysis_sources`: changes whenever the analysis code or data does."""
    paths = tuple(analysis_sources())
    stamps = tuple((p.stat().st_mtime_ns, p.stat().st_size) for p in paths)
    return _digest_files(paths, stamps)


def index_key(base: FactSource) -> str:
    """The index's key: the fact files' hash and the analysis code's, together."""
    return hashlib.sha256(f"{base.content_hash}\0{analysis_version()}".encode()).hexdigest()[:32]


def index_dir(db_path: Path | str) -> Path:
    """Where the index files of database ``db_path`` live (a directory beside it)."""
    p = Path(db_path)
    return p.with_name(p.stem + ".index")


def index_path(db_path: Path | str, key: str) -> Path:
    return index_dir(db_path) / f"{key}.sqlite3"


# -- helpers of the build ---------------------------------------------------------------------


def name_forms(fact: Fact, names: Mapping[str, Name] | None = None) -> list[str]:
    """The English form of each of a fact's places, people and orgs (the key if unknown)."""
    names = names or {}
    return [names[k].en if k in names else k for k in fact.places + fact.people + fact.orgs]


def fact_head_lines(
    fact: Fact,
    names: Mapping[str, Name] | None = None,
    norm: Callable[[str], str] = normalise,
    fold: Callable[[str], str] | None = None,
) -> list[str]:
    """Title, aliases and names of a fact, each normalised to its loose form (``fold``, if
    given, does both: ``loose(norm(line))``)."""
    lines: list[str] = []
    for lang in LANGS:
        lines.append(fact.title.get(lang))
        lines.extend(fact.aliases.get(lang))
    lines.extend(name_forms(fact, names))
    fold = fold or (lambda line: loose(norm(line)))
    out = []
    for line in lines:
        n = fold(line)
        if n and n not in out:
            out.append(n)
    return out


def _date_key(fact: Fact) -> tuple[int, int, int] | None:
    if fact.date is None:
        return None
    y, m, d = fact.date.start.key()
    return fact.date.start.year, (fact.date.end or fact.date.start).year, y * 10000 + m * 100 + d


def stemmer_data(facts: Iterable[Fact]) -> tuple[list[str], list[str]]:
    """The Kazakh stemmer's vocabulary and protected words, from the facts' Kazakh text (the
    set of :func:`~knowledge.analyze.kazakh_words`, each distinct word looked at once)."""
    tokens: set[str] = set()
    for f in facts:
        for t in (f.title.kk, f.text.kk, *f.aliases.kk):
            tokens.update(t.split())
    # Normalised token by token, as the build's analyzer does (see _BuildAnalyzer).
    seen = set(chain.from_iterable(words(normalise(tok)) for tok in tokens))
    found = {w for w in seen if not is_latin(w) and not w.isdigit()}
    learned = learned_stems(found)
    return sorted(found | learned), sorted(protected_from_vocabulary(found, learned))


class _BuildAnalyzer(Analyzer):
    """The analyzer with each token's terms remembered: a fact base repeats its words, and the
    build analyses every fact. A token (of ``str.split``) gives the terms the analyzer gives for
    the token alone: normalising is done per character or per word, and never joins or splits
    across whitespace, so that is what the same token gives in its text (a test checks it over
    the fact base)."""

    MEMO = 400_000

    def __init__(self, kk_stemmer: KazakhStemmer) -> None:
        super().__init__(kk_stemmer)
        self._memo: dict[str, tuple[str, ...]] = {}
        self._memo_ru: dict[str, tuple[str, ...]] = {}
        self._norms: dict[str, str] = {}
        self._loose: dict[str, str] = {}

    def norm(self, text: str) -> str:
        """:func:`~knowledge.text.normalise`, token by token (as for terms)."""
        return self._by_token(text, self._norms, str)

    def loose_norm(self, text: str) -> str:
        """``loose(normalise(text))``, token by token: ``loose`` maps character by character
        (ъ and ь to nothing, so a token of them alone still counts, as in the whole text)."""
        return self._by_token(text, self._loose, loose)

    def _by_token(self, text: str, memo: dict[str, str], then: Callable[[str], str]) -> str:
        # Each token's " " + then(normalise(token)), or "" if it normalises to nothing: the
        # tokens' parts joined by one space, as " ".join(...) of the whole text gives them.
        tokens = text.split()
        try:
            return "".join(map(memo.__getitem__, tokens))[1:]
        except KeyError:
            pass
        if len(memo) >= self.MEMO:
            memo.clear()
        for tok in tokens:
            if tok not in memo:
                n = normalise(tok)
                memo[tok] = " " + then(n) if n else ""
        return "".join(map(memo.__getitem__, tokens))[1:]

    def doc_terms(self, text: str, lang: Lang) -> list[str]:
        # Russian text stems Cyrillic words as Russian, any other as Kazakh: two memos.
        memo = self._memo_ru if lang == "ru" else self._memo
        tokens = text.split()
        try:
            # Once the fact base's tokens are known, every token is: one lookup in C each.
            return list(chain.from_iterable(map(memo.__getitem__, tokens)))
        except KeyError:
            pass
        out: list[str] = []
        for tok in tokens:
            t = memo.get(tok)
            if t is None:
                if len(memo) >= self.MEMO:
                    memo.clear()
                t = memo[tok] = tuple(super().doc_terms(tok, lang))
            out += t
        return out


def doc_terms(
    a: Analyzer, fact: Fact, names: Mapping[str, Name] | None = None
) -> tuple[list[str], list[str], set[str]]:
    """A fact's head terms (title, aliases, names), body terms, and its title's terms."""
    head: list[str] = []
    body: list[str] = []
    title: set[str] = set()
    for lang in LANGS:
        t = a.doc_terms(fact.title.get(lang), lang)
        head += t
        title.update(t)
        for alias in fact.aliases.get(lang):
            head += a.doc_terms(alias, lang)
        body += a.doc_terms(fact.text.get(lang), lang)
    for name in name_forms(fact, names):
        head += a.doc_terms(name, "en")
    return head, body, title


# -- the index --------------------------------------------------------------------------------


class FactIndex:
    """Queries the ``kx_`` tables of one built index over one read-only SQLite connection."""

    def __init__(self, db: sqlite3.Connection, analyzer: Analyzer, meta: dict[str, str]):
        self.db = db
        self.analyzer = analyzer
        self.key = meta["key"]
        self.n_facts = int(meta["count"])
        self.title_terms: frozenset[str] = frozenset(json.loads(meta["titles"]))
        self._years: list[int] = json.loads(meta["years"])
        #: The longest span of a fact's date, in years (bounds the date queries).
        self._span = int(meta["span"])
        #: The tags (and ``event:`` kinds) some fact has.
        self.tags: frozenset[str] = frozenset(json.loads(meta["tags"]))
        self._cache: dict[int, Candidate] = {}
        #: Per question (:meth:`new_question` empties them): the rows read, when no rows are
        #: kept, and the rowids each search and date read found. A question's rankings (its
        #: words, without its kind words, without its date) search the same rare terms and
        #: read the same year, and share the rows' parsed terms.
        self._recent: dict[int, Candidate] = {}
        self._searched: dict[tuple[tuple[str, ...], int], list[int]] = {}
        self._dated: dict[tuple[int, int], tuple[int, list[Candidate]]] = {}
        self._df: dict[str, int] | None = None
        self._doclen: Any = None  # k1 * (1 - b + b * len / avg) per rowid, as numpy loads it
        self._doclen_list: list[float] = []  # the same, as Python floats

    # -- opening and building ------------------------------------------------------------

    @classmethod
    async def open(cls, db_path: Path | str, base: FactSource) -> FactIndex:
        """The index of ``base`` for database ``db_path``: its file if built, else built now.

        ``":memory:"`` builds it in memory (a database that is not a file, e.g. PostgreSQL).
        """
        key = index_key(base)
        if str(db_path) == ":memory:":
            # Built in a file of its own that is gone once open: only this process reads it.
            with tempfile.TemporaryDirectory(prefix="dostyq-index-") as scratch:
                return await cls.open(Path(scratch) / "index.sqlite3", base)
        path = index_path(db_path, key)
        index = await cls._open_file(path, key)
        if index is not None:
            return index
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.stem}.build-{os.getpid()}-{uuid.uuid4().hex[:8]}")
        try:
            writer = await aiosqlite.connect(str(tmp), isolation_level=None)
            try:
                await writer.execute("PRAGMA journal_mode=OFF")
                await writer.execute("PRAGMA synchronous=OFF")
                await _build(writer, base, key)
            finally:
                await writer.close()
            # Open before the rename: whatever happens to the name, this process keeps its file.
            index = await cls._open_file(tmp, key)
            if index is None:
                raise RuntimeError(f"the index just built in {tmp} does not open")
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        _remove_others(path)
        return index

    @classmethod
    async def _open_file(cls, path: Path, key: str) -> FactIndex | None:
        if not path.exists():
            return None
        uri = path.resolve().as_uri() + "?mode=ro&immutable=1"
        try:
            conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
            index = cls._over(conn)
        except sqlite3.Error:
            return None  # removed meanwhile, or not an index: build it again
        if index.key != key:
            conn.close()
            return None
        return index

    @classmethod
    def _over(cls, conn: sqlite3.Connection) -> FactIndex:
        try:
            meta = {str(k): str(v) for k, v in conn.execute("SELECT key, value FROM kx_meta")}
        except BaseException:
            conn.close()
            raise
        known, protected = json.loads(meta["stemmer"])
        return cls(conn, Analyzer(KazakhStemmer(protected, known=known)), meta)

    async def close(self) -> None:
        self.db.close()

    def _all(self, sql: str, params: Sequence[object] = ()) -> list[Any]:
        # In the event loop's thread: every query is bounded (a LIMIT, a rowid list, a range
        # of the date index, a few postings) and the file is immutable, so a thread hop (as
        # aiosqlite makes) would cost more than the query.
        return self.db.execute(sql, params).fetchall()

    # -- queries --------------------------------------------------------------------------

    async def vocabulary(self) -> dict[str, int]:
        """Every term, with the number of facts it is in (read once, then shared)."""
        if self._df is None:
            rows = self._all("SELECT term, df FROM kx_vocab")
            self._df = {str(t): int(n) for t, n in rows}
        return self._df

    async def count(self) -> int:
        return self.n_facts

    async def search(self, terms: Sequence[str], limit: int) -> list[Candidate]:
        """Facts matching any of ``terms``, best BM25 first (head weighs double).

        The rowids come from the terms' postings (:meth:`_bm25_postings`); the rows themselves
        from a small cache of parsed rows, and only the ones it lacks are read.
        """
        if not terms:
            return []
        key = (tuple(terms), limit)
        found = self._searched.get(key)
        if found is None:
            found = self._searched[key] = await self._bm25_postings(terms, limit)
        return await self._in_order(found)

    def new_question(self) -> None:
        """Forget what the last question read (the index does not change, so this only
        bounds the memory: the rows of one question, not of every question)."""
        self._recent = {}
        self._searched = {}
        self._dated = {}

    async def _bm25_postings(self, terms: Sequence[str], limit: int) -> list[int]:
        """The ``limit`` best rowids by BM25 as FTS5 computes it, from the terms' postings."""
        import numpy as np

        if self._doclen is None:
            (row,) = self._all("SELECT data FROM kx_blob WHERE name='doclen'")
            dl = np.frombuffer(bytes(row[0]), dtype=np.uint16).astype(np.float64)
            avg = float(dl[1:].mean()) if len(dl) > 1 else 1.0
            self._doclen = BM25_K1 * (1.0 - BM25_B + BM25_B * dl / avg)
            self._doclen_list = self._doclen.tolist()
        norm = self._doclen
        marks = ",".join("?" * len(terms))
        sql = f"SELECT docs, freq FROM kx_post WHERE term IN ({marks})"
        n = self.n_facts
        found = self._all(sql, tuple(terms))
        if sum(len(d) for d, _ in found) <= FEW_MATCHES * 4:  # 4 bytes a rowid
            return self._bm25_few(found, limit)
        docs_parts = []
        score_parts = []
        for docs_b, freq_b in found:
            docs = np.frombuffer(bytes(docs_b), dtype=np.uint32)
            freq = np.frombuffer(bytes(freq_b), dtype=np.float32).astype(np.float64)
            nt = len(docs)
            idf = math.log((n - nt + 0.5) / (nt + 0.5))
            idf = idf if idf > 0 else 1e-6
            docs_parts.append(docs)
            score_parts.append(idf * (freq * (BM25_K1 + 1.0)) / (freq + norm[docs]))
        if not docs_parts:
            return []
        hits = np.concatenate(docs_parts)
        weights = np.concatenate(score_parts)
        # Each row's score, summed in the same order either way (every score is > 0).
        matched: Any
        if len(hits) * SPARSE < n:
            matched, where = np.unique(hits, return_inverse=True)
            scores = np.bincount(where, weights=weights)
        else:
            every = np.bincount(hits, weights=weights, minlength=n + 1)
            matched = np.flatnonzero(every > 0)
            scores = every[matched]
        if len(matched) > limit:
            part = np.argpartition(-scores, limit - 1)[:limit]
            # Ties at the edge: every row scoring as the last one kept competes, by rowid.
            keep = scores >= scores[part].min()
            matched, scores = matched[keep], scores[keep]
        order = sorted(zip((-scores).tolist(), matched.tolist(), strict=True))
        return [int(i) for _, i in order[:limit]]

    def _bm25_few(self, found: list[Any], limit: int) -> list[int]:
        """:meth:`_bm25_postings` for few matches, in plain Python (numpy's calls cost more
        than the sums): the same operations in the same order, on the same float64 values."""
        norm: list[float] = self._doclen_list
        n = self.n_facts
        scores: dict[int, float] = {}
        get = scores.get
        for docs_b, freq_b in found:
            docs = array("I", bytes(docs_b))
            nt = len(docs)
            idf = math.log((n - nt + 0.5) / (nt + 0.5))
            idf = idf if idf > 0 else 1e-6
            for d, f in zip(docs, array("f", bytes(freq_b)), strict=True):
                scores[d] = get(d, 0.0) + idf * (f * (BM25_K1 + 1.0)) / (f + norm[d])
        order = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        return [d for d, _ in order[:limit]]

    async def rows(self, rowids: Sequence[int] | range) -> dict[int, Candidate]:
        """Fact rows by rowid, from the cache or (one query for the rest) the database."""
        cache = self._cache if self.n_facts <= ROW_CACHE else self._recent
        if len(cache) > ROW_CACHE:
            self.new_question()  # reads outside a question's (no ask between): a bound all the same
            cache = self._recent
        out = {i: cache[i] for i in rowids if i in cache}
        missing = [i for i in rowids if i not in out]
        if missing:
            marks = ",".join("?" * len(missing))
            if self.n_facts <= ROW_CACHE:
                for r in self._all(f"{_ROW} WHERE f.rowid IN ({marks})", tuple(missing)):
                    cache[r[0]] = out[r[0]] = _candidate(r, None)
            else:
                for r in self._all(f"{_LEAN_ROW} WHERE f.rowid IN ({marks})", tuple(missing)):
                    cache[r[0]] = out[r[0]] = _candidate(r, self)
        return out

    def data_of(self, rowid: int) -> str:
        """One fact's JSON, by rowid (a row read without it, when its fact is decoded)."""
        try:
            found = self._all("SELECT data FROM kx_fact WHERE rowid = ?", (rowid,))
        except sqlite3.ProgrammingError as e:
            # The engine was closed (after /reload, once its grace period is over) before a
            # reply read this fact: say so, not SQLite's "closed database".
            raise LookupError(f"fact row {rowid}: index {self.key[:12]} is closed") from e
        if not found:
            raise LookupError(f"no fact row {rowid} in index {self.key[:12]}")
        return str(found[0][0])

    async def _in_order(self, rowids: Sequence[int]) -> list[Candidate]:
        rows = await self.rows(rowids)
        return [rows[i] for i in rowids if i in rows]

    def _date_range(self, start: int, end: int) -> tuple[int, int, int]:
        # A fact overlaps start..end if it starts by ``end`` and ends from ``start``; no fact
        # spans more than ``_span`` years, so it starts in start-_span..end: a bounded walk of
        # the (start_key, fact, end_year) index, in order, that stops at the LIMIT.
        return (start - self._span) * 10000, (end + 1) * 10000, start

    async def by_dates(self, start: int, end: int, limit: int = 500) -> list[Candidate]:
        """Facts whose date overlaps the years ``start..end``, in date order.

        Within a question, a read of the same years with a LIMIT at least as large answers
        it: its first ``limit`` rows are this read's (the same order, cut later)."""
        done = self._dated.get((start, end))
        if done is not None and (done[0] >= limit or len(done[1]) < done[0]):
            return done[1][:limit]
        where = "start_key >= ? AND start_key < ? AND end_year >= ? ORDER BY start_key, fact"
        params = (*self._date_range(start, end), limit)
        if self.n_facts > ROW_CACHE:
            # No rows are kept: read them in the same walk of the date index (the rows this
            # question has already read are the same objects, their terms parsed once).
            sql = (
                f"SELECT {_COLUMNS} FROM kx_date d CROSS JOIN kx_fact f ON f.rowid = d.fact"
                f" WHERE {where} LIMIT ?"
            )
            recent = self._recent
            rows = []
            for r in self._all(sql, params):
                c = recent.get(r[0])
                if c is None:
                    c = recent[r[0]] = _candidate(r, self)
                rows.append(c)
        else:
            hits = self._all(f"SELECT fact FROM kx_date WHERE {where} LIMIT ?", params)
            rows = await self._in_order([int(r[0]) for r in hits])
        self._dated[(start, end)] = (limit, rows)
        return rows

    async def count_dates(self, start: int, end: int) -> int:
        sql = (
            "SELECT count(*) FROM kx_date WHERE start_key >= ? AND start_key < ? AND end_year >= ?"
        )
        ((n,),) = self._all(sql, self._date_range(start, end))
        return int(n)

    async def years(self) -> list[int]:
        """Every year that has at least one fact."""
        return list(self._years)

    async def by_ids(self, ids: Sequence[str]) -> list[Candidate]:
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        sql = f"SELECT rowid, id FROM kx_fact WHERE id IN ({marks})"
        found = {str(r[1]): int(r[0]) for r in self._all(sql, tuple(ids))}
        return await self._in_order([found[i] for i in ids if i in found])

    async def featured(self, limit: int) -> list[Candidate]:
        """Facts marked featured (in date order), topped up with the first facts."""
        sql = "SELECT rowid FROM kx_fact WHERE featured = 1 LIMIT ?"
        ids = [int(r[0]) for r in self._all(sql, (limit,))]
        rows = await self._in_order(ids)
        rows.sort(key=lambda c: (c.start_key is None, c.start_key or 0, c.rowid))
        if len(rows) < limit:
            seen = {c.rowid for c in rows}
            first = await self.rows(range(1, limit + len(rows) + 1))
            more = [first[i] for i in sorted(first) if i not in seen]
            rows += more[: limit - len(rows)]
        return rows

    async def related(self, fact_id: str) -> list[str]:
        """The ids of the facts related to ``fact_id`` (knowledge.related), best first: at most
        :data:`RELATED_KEPT`; none for an unknown id or a fact base of more than
        :data:`RELATED_UP_TO` facts."""
        sql = "SELECT r.ids FROM kx_fact f JOIN kx_related r ON r.fact = f.rowid WHERE f.id = ?"
        found = self._all(sql, (fact_id,))
        return str(found[0][0]).split() if found else []

    async def all_facts(self) -> list[Fact]:
        """Every fact, in date order, read and parsed now (nothing keeps them): for what needs
        the whole fact base at once, such as the timeline's picture."""
        if self.n_facts <= ROW_CACHE:
            rows = await self.rows(range(1, self.n_facts + 1))
            return [rows[i].fact for i in sorted(rows)]
        return [loads_fact(str(r[0])) for r in self._all("SELECT data FROM kx_fact ORDER BY rowid")]

    async def ids_with_tag(self, tag: str, limit: int = 200) -> list[str]:
        """Ids of the facts with ``tag``, in date order (rowids are in date order)."""
        sql = (
            "SELECT f.id FROM kx_tag t JOIN kx_fact f ON f.rowid = t.fact WHERE t.tag = ?"
            " ORDER BY t.fact LIMIT ?"
        )
        return [str(r[0]) for r in self._all(sql, (tag, limit))]


async def _build(db: aiosqlite.Connection, base: FactSource, key: str) -> None:
    """Write the index of ``base`` into the empty database ``db``, one chunk at a time."""
    known, protected = stemmer_data(base.facts)
    analyzer = _BuildAnalyzer(KazakhStemmer(protected, known=known))
    names = base.names
    for stmt in _SCHEMA.split(";"):
        await db.execute(stmt)
    # The postings, flat: per (term, fact) pair, the term's id, the rowid and the term's weighted
    # frequency there (compact arrays, grouped by term once all facts are in).
    term_ids: dict[str, int] = {}
    post_term, post_doc, post_freq = array("I"), array("I"), array("f")
    doclen = array("H", [0])  # per rowid (0 unused): how many terms the fact has
    titles: set[str] = set()
    years: set[int] = set()
    span = 0
    count = 0
    tags: set[str] = set()
    few: list[Fact] = []  # the facts, while there are at most RELATED_UP_TO
    last: tuple[tuple[int, int, int], str] | None = None
    fact_rows: list[tuple[object, ...]] = []
    date_rows: list[tuple[int, int, int, int]] = []
    tag_rows: list[tuple[str, int]] = []

    async def insert(chunk: tuple[list[Any], ...]) -> None:
        facts, dates, tagged = chunk
        await db.executemany("INSERT INTO kx_fact VALUES (?,?,?,?,?,?,?)", facts)
        await db.executemany("INSERT INTO kx_date VALUES (?,?,?,?)", dates)
        await db.executemany("INSERT OR IGNORE INTO kx_tag VALUES (?,?)", tagged)

    pending: asyncio.Future[None] | None = None

    async def flush() -> None:
        # SQLite inserts one chunk (in aiosqlite's thread, without the GIL) while the next
        # is analysed: at most two chunks are held.
        nonlocal pending, fact_rows, date_rows, tag_rows
        if pending is not None:
            await pending
        chunk = (fact_rows, date_rows, tag_rows)
        fact_rows, date_rows, tag_rows = [], [], []
        pending = asyncio.ensure_future(insert(chunk))

    await db.execute("BEGIN")
    try:
        for rowid, fact in enumerate(base.facts, start=1):
            order = (fact.sort_key, fact.id)
            if last is not None and order < last:
                # Rowids are in date order: the date and tag queries rely on it.
                raise ValueError(f"facts not sorted by date and id: {fact.id!r} after {last[1]!r}")
            last = order
            head_terms, body_terms, title = doc_terms(analyzer, fact, names)
            titles |= title
            # Each term's weighted count, counted in C.
            freq = Counter(body_terms)  # weights: body 1, head 2 (whole numbers, asserted)
            freq.update(head_terms)
            freq.update(head_terms)
            for t in set(freq).difference(term_ids):  # (a dict's keys() - would walk term_ids)
                term_ids[t] = len(term_ids)
            post_term.extend(map(term_ids.__getitem__, freq))
            post_doc.extend(repeat(rowid, len(freq)))
            post_freq.extend(freq.values())
            doclen.append(min(len(head_terms) + len(body_terms), 65535))
            fact_rows.append(
                (
                    rowid,
                    fact.id,
                    int(fact.featured),
                    " ".join(sorted(freq)),
                    "\n".join(fact_head_lines(fact, names, fold=analyzer.loose_norm)),
                    fact.event,
                    fact.model_dump_json(exclude_defaults=True),
                )
            )
            dk = _date_key(fact)
            if dk:
                date_rows.append((rowid, *dk))
                years.update(range(dk[0], dk[1] + 1))
                span = max(span, dk[1] - dk[0])
            tag_rows += [(t, rowid) for t in fact.tags]
            tags.update(fact.tags)
            if fact.event:
                tags.add(f"{EVENT_TAG}{fact.event}")
            if rowid <= RELATED_UP_TO:
                few.append(fact)
            if fact.event:
                tag_rows.append((f"{EVENT_TAG}{fact.event}", rowid))
            tag_rows += [(f"{PLACE_TAG}{p}", rowid) for p in fact.places]
            count = rowid
            if rowid == RELATED_UP_TO + 1:
                few.clear()  # too many facts to compare every pair
            if len(fact_rows) >= BUILD_CHUNK:
                await flush()
        await flush()
        assert pending is not None
        await pending
        await _insert_postings(db, term_ids, post_term, post_doc, post_freq)
        del post_term, post_doc, post_freq
        await db.execute("INSERT INTO kx_blob VALUES ('doclen', ?)", (doclen.tobytes(),))
        if few:
            # Rowids are the facts' places in the build's order.
            related = related_map(few, RELATED_KEPT)
            rows = [(i, " ".join(related[f.id])) for i, f in enumerate(few, start=1)]
            await db.executemany("INSERT INTO kx_related VALUES (?,?)", rows)
            del few, related, rows
        for stmt in _INDEXES.split(";"):
            await db.execute(stmt)
        meta = {
            "key": key,
            "count": str(count),
            "stemmer": json.dumps([known, protected], ensure_ascii=False),
            "titles": json.dumps(sorted(titles), ensure_ascii=False),
            "years": json.dumps(sorted(years)),
            "span": str(span),
            "tags": json.dumps(sorted(tags)),
        }
        await db.executemany("INSERT INTO kx_meta VALUES (?,?)", list(meta.items()))
        await db.commit()
    except BaseException:
        if pending is not None:
            with contextlib.suppress(BaseException):
                await pending
        await db.rollback()
        raise


async def _insert_postings(
    db: aiosqlite.Connection,
    term_ids: dict[str, int],
    post_term: array[int],
    post_doc: array[int],
    post_freq: array[float],
) -> None:
    """The vocabulary (each term's number of facts) and each term's postings: its rowids in
    order, and its weighted frequency in each, as uint32 and float32 blobs (native order)."""
    import numpy as np

    tid = np.frombuffer(post_term, dtype=np.uint32)
    order = np.argsort(tid, kind="stable")  # stable: each term's rowids stay in order
    docs = np.frombuffer(post_doc, dtype=np.uint32)[order]
    freq = np.frombuffer(post_freq, dtype=np.float32)[order]
    del order
    df = np.bincount(tid, minlength=len(term_ids))
    ends = np.cumsum(df)
    await db.executemany(
        "INSERT INTO kx_vocab VALUES (?,?)", [(t, int(df[i])) for t, i in term_ids.items()]
    )
    items = sorted(term_ids.items())
    for k in range(0, len(items), BUILD_CHUNK):
        rows = []
        for t, i in items[k : k + BUILD_CHUNK]:
            a, b = int(ends[i] - df[i]), int(ends[i])
            rows.append((t, docs[a:b].tobytes(), freq[a:b].tobytes()))
        await db.executemany("INSERT INTO kx_post VALUES (?,?,?)", rows)


def _remove_others(keep: Path) -> None:
    """Remove the other index files beside ``keep`` (their readers keep their open files), and
    build files left over from a crash."""
    now = time.time()
    for p in keep.parent.iterdir():
        if p == keep:
            continue
        try:
            if p.suffix == ".sqlite3" or now - p.stat().st_mtime > STALE_BUILD_S:
                p.unlink()
        except OSError:
            pass


#: Candidate's fields in the order of a row of :data:`_ROW` (whose last column, ``data``, a
#: lean row lacks).
_FIELDS = (
    "rowid",
    "fact_id",
    "terms_text",
    "head_text",
    "start_year",
    "end_year",
    "start_key",
    "event",
    "data",
)


def _candidate(r: Sequence[Any], index: FactIndex | None) -> Candidate:
    """A row as a :class:`Candidate`, made without the frozen dataclass's ``__init__`` (one
    ``object.__setattr__`` per field: a third of a year list's rows' cost at 100,000 facts).
    The row's values are what :data:`_ROW` or :data:`_LEAN_ROW` selects: SQLite's ints and
    strs, NULL for no date. ``index``: where a lean row reads its data (None: the row has it)."""
    c = object.__new__(Candidate)
    d = c.__dict__
    if index is None:
        d.update(zip(_FIELDS, r, strict=True))
    else:
        d.update(zip(_FIELDS[:-1], r, strict=True))
    d["index"] = index
    return c


def loads_fact(data: str) -> Fact:
    return Fact.model_validate_json(data)
