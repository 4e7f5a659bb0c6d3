"""The index is derived data: its key follows the facts and the analysis code, and a built index
is never changed under a process that reads it."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from knowledge import index as ix
from knowledge.analyze import Analyzer
from knowledge.engine import Engine
from knowledge.factbase import DEFAULT_FACTS_DIR, DEFAULT_NAMES, DEFAULT_SOURCES, load_facts
from knowledge.models import Answer

ROOT = Path(__file__).resolve().parent.parent
DIPLOMATIC = "When were diplomatic relations established?"


def test_the_analysis_modules_are_hashed() -> None:
    names = {p.name for p in ix.analysis_sources()}
    for module in ("index.py", "text.py", "stem.py", "analyze.py", "lexicon.py", "models.py"):
        assert module in names
    assert {"en.yaml", "kk.yaml", "ru.yaml"} <= names
    assert "engine.py" not in names  # answering is not analysis: it does not rebuild the index


async def test_the_index_follows_a_change_in_the_analysis(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = load_facts()
    extra = tmp_path / "analysis_extra.py"
    extra.write_text("MARK = ''\n")
    real = ix.analysis_sources
    monkeypatch.setattr(ix, "analysis_sources", lambda: [*real(), extra])
    db = tmp_path / "d.sqlite3"
    e1 = await Engine.open(db, base)
    key1 = e1.index.key
    assert "zzmark" not in e1.vocab
    await e1.close()

    # The analysis changes: its (hashed) source, and what it does with a fact's text.
    doc_terms = Analyzer.doc_terms
    monkeypatch.setattr(
        Analyzer, "doc_terms", lambda self, text, lang: [*doc_terms(self, text, lang), "zzmark"]
    )
    extra.write_text("MARK = 'zzmark'\n")
    e2 = await Engine.open(db, base)
    try:
        assert e2.index.key != key1
        assert e2.vocab["zzmark"] == len(base.facts)
        assert [p.name for p in ix.index_dir(db).iterdir()] == [f"{e2.index.key}.sqlite3"]
    finally:
        await e2.close()


async def test_the_same_facts_and_code_reuse_the_built_file(tmp_path: Path) -> None:
    base = load_facts()
    db = tmp_path / "d.sqlite3"
    e1 = await Engine.open(db, base)
    path = ix.index_path(db, e1.index.key)
    stamp = path.stat().st_mtime_ns
    await e1.close()
    e2 = await Engine.open(db, base)
    try:
        assert e2.index.key == e1.index.key and path.stat().st_mtime_ns == stamp
        assert await e2.index.count() == len(base.facts)
    finally:
        await e2.close()


def _edited_facts(tmp: Path) -> Path:
    """A copy of the packaged fact files with one fact added before every other."""
    facts = tmp / "facts"
    shutil.copytree(DEFAULT_FACTS_DIR, facts)
    shutil.copy(DEFAULT_SOURCES, tmp / "sources.yaml")
    shutil.copy(DEFAULT_NAMES, tmp / "names.yaml")
    path = facts / "1990s.yaml"
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    new = dict(next(f for f in items if f["id"] == "diplomatic-relations-1992"))
    new["id"] = "aa-first-fact-1990"
    new["date"] = "1990-01-02"
    path.write_text(yaml.safe_dump([new, *items], allow_unicode=True), encoding="utf-8")
    return facts


async def test_ask_with_edited_facts_does_not_change_a_running_engine(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    base = load_facts()
    engine = await Engine.open(db, base)
    try:
        before = await engine.ask(DIPLOMATIC)
        rows_before = await engine.index.rows(range(1, len(base.facts) + 1))
        assert [f.id for f in before.facts][:1] == ["diplomatic-relations-1992"]

        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DOSTYQ_"))}
        env["DOSTYQ_DB"] = str(db)
        env["DOSTYQ_FACTS_DIR"] = str(_edited_facts(tmp_path))
        proc = subprocess.run(
            [sys.executable, "-m", "bot", "ask", "--json", "-"],
            input="1990\n" + DIPLOMATIC + "\n",
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=120,
            check=True,
        )
        year_1990, _ = (json.loads(line) for line in proc.stdout.splitlines())
        # The other process did read the edited facts (from an index of its own).
        assert "aa-first-fact-1990" in [f["id"] for f in year_1990["facts"]]

        engine.index._cache.clear()  # read every row (and its fact) from the database again
        after = await engine.ask(DIPLOMATIC)
        rows_after = await engine.index.rows(range(1, len(base.facts) + 1))
        assert [f.id for f in after.facts] == [f.id for f in before.facts]
        assert after.kind == before.kind
        assert rows_after == rows_before
        assert [c.fact_id for c in (await engine.index.by_dates(1992, 1992))][:1] == [
            "diplomatic-relations-1992"
        ]
        assert await engine.index.count() == len(base.facts)
    finally:
        await engine.close()


async def test_an_index_built_in_memory_answers_as_the_file(tmp_path: Path) -> None:
    base = load_facts()
    mem = await Engine.open(":memory:", base)
    disk = await Engine.open(tmp_path / "d.sqlite3", base)
    try:
        for q in (DIPLOMATIC, "2004", "Abai 150", "Chinese Bridge"):
            a, b = await mem.ask(q), await disk.ask(q)
            assert [f.id for f in a.facts] == [f.id for f in b.facts], q
    finally:
        await mem.close()
        await disk.close()


@pytest.mark.parametrize("kept", [True, False], ids=["rows kept", "rows read each time"])
async def test_date_queries_agree_with_a_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kept: bool
) -> None:
    base = load_facts()
    if not kept:
        monkeypatch.setattr(ix, "ROW_CACHE", len(base.facts) - 1)
    engine = await Engine.open(tmp_path / "d.sqlite3", base)
    try:
        for start, end in ((1992, 1992), (2004, 2006), (1990, 2030), (2008, 2008), (1800, 1801)):
            want = [
                f.id
                for f in base.facts
                if f.date and f.date.start.year <= end and max(f.date.years) >= start
            ]
            got = [c.fact_id for c in await engine.index.by_dates(start, end, limit=500)]
            assert got == want, (start, end)
            first = await engine.index.by_dates(start, end, limit=2)
            assert [c.fact_id for c in first] == want[:2]
            assert [c.fact.id for c in first] == want[:2]
            assert await engine.index.count_dates(start, end) == len(want)
        for tag in {t for f in base.facts for t in f.tags}:
            want = [f.id for f in base.facts if tag in f.tags]
            assert await engine.index.ids_with_tag(tag) == want, tag
    finally:
        await engine.close()


@pytest.mark.parametrize(
    ("few", "sparse"),
    [(10**9, ix.SPARSE), (0, 0), (0, 10**9)],
    ids=["plain Python", "numpy over the matches", "numpy over every row"],
)
async def test_postings_rank_as_fts5_does(
    monkeypatch: pytest.MonkeyPatch, few: int, sparse: int
) -> None:
    """The scoring of postings (each of its three ways) gives the order FTS5's ``bm25()``
    gives over the same terms (head column weighing double), FTS5 built here beside the index
    for the comparison."""
    monkeypatch.setattr(ix, "FEW_MATCHES", few)
    monkeypatch.setattr(ix, "SPARSE", sparse)
    base = load_facts()
    engine = await Engine.open(":memory:", base)
    fts = sqlite3.connect(":memory:")
    try:
        fts.execute(
            "CREATE VIRTUAL TABLE t USING fts5(head, body, content='',"
            " tokenize='unicode61 remove_diacritics 0')"
        )
        for rowid, f in enumerate(base.facts, start=1):
            head, body, _ = ix.doc_terms(engine.index.analyzer, f, base.names)
            fts.execute(
                "INSERT INTO t(rowid, head, body) VALUES (?,?,?)",
                (rowid, " ".join(head), " ".join(body)),
            )
        questions = [
            DIPLOMATIC, "Abai 150", "Chinese Bridge", "Алматы мен Шанхай мәдениет күндері",
            "культурные дни Казахстана в Китае", "Confucius Institute in Astana", "Xi Jinping",
            "books translated into Chinese", "Қытайдағы қазақ кітаптары", "Синьцзян выставка",
            "Kazakhstan China culture", "Қазақстан Қытай мәдениет", "Казахстан Китай культура",
        ]  # fmt: skip
        compared = 0
        for q in questions:
            groups = [engine.ranker.correct(g) for g in engine.understand(q).terms.groups]
            terms = engine.ranker.retrieval_terms(groups)
            match = " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)
            sql = "SELECT rowid FROM t WHERE t MATCH ? ORDER BY bm25(t, 2.0, 1.0), rowid LIMIT 24"
            expected = [r[0] for r in fts.execute(sql, (match,))] if terms else []
            postings = [c.rowid for c in await engine.index.search(terms, 24)]
            assert postings == expected, q
            compared += len(expected) > 1
        assert compared >= 10
    finally:
        fts.close()
        await engine.close()


def test_the_build_analyzer_gives_the_analyzer_terms() -> None:
    base = load_facts()
    known, protected = ix.stemmer_data(base.facts)
    plain = Analyzer(ix.KazakhStemmer(protected, known=known))
    memo = ix._BuildAnalyzer(ix.KazakhStemmer(protected, known=known))
    for f in base.facts:
        assert ix.doc_terms(memo, f, base.names) == ix.doc_terms(plain, f, base.names), f.id
        assert ix.fact_head_lines(f, base.names, memo.norm) == ix.fact_head_lines(f, base.names)
        head = ix.fact_head_lines(f, base.names, fold=memo.loose_norm)
        assert head == ix.fact_head_lines(f, base.names), f.id


@pytest.mark.parametrize(
    "text",
    [
        "Қaзaқcтaн мен Қытaй",  # Latin look-alikes inside Cyrillic words
        "ABAI\u00a0Құнанбайұлы — «Қара сөздер»",
        "e\u0301te\u0301 \u0301x İstanbul ẞtraße",  # combining marks, İ, ß
        "zero\u200bwidth\tand\nlines 2004-2008 №5",
        "Нур-Султан/Астана, Beijing–Almaty",
        "съезд ъ ь-х «ь» Құнанбайұлы",  # letters loose folds to nothing, alone and in a word
    ],
)
def test_the_build_analyzer_reads_a_text_token_by_token_as_a_whole(text: str) -> None:
    plain = Analyzer(ix.KazakhStemmer([], known=[]))
    memo = ix._BuildAnalyzer(ix.KazakhStemmer([], known=[]))
    for lang in ("kk", "ru", "en"):
        assert memo.doc_terms(text, lang) == plain.doc_terms(text, lang)
        assert memo.doc_terms(text, lang) == plain.doc_terms(text, lang)  # from the memo
    assert memo.norm(text) == ix.normalise(text)
    assert memo.norm(text) == ix.normalise(text)
    for _ in range(2):  # the second from the memo
        assert memo.loose_norm(text) == ix.loose(ix.normalise(text))


def _read(answer: Answer) -> dict[str, object]:
    """An answer as plain data, its hits' facts read (while its engine is open)."""
    return {**answer.model_dump(), "hits": [(h.id, h.score, h.fact) for h in answer.hits]}


async def test_a_fact_base_too_big_for_the_row_cache_gives_the_same_answers_uncached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = load_facts()
    questions = [DIPLOMATIC, "What happened in 2004?", "Which cities hosted culture days?", "xyz"]
    engine = await Engine.open(tmp_path / "a.sqlite3", base)
    try:
        cached = [_read(await engine.ask(q)) for q in questions]
        assert engine.index._cache  # the packaged fact base fits: its rows are kept
    finally:
        await engine.close()
    monkeypatch.setattr(ix, "ROW_CACHE", len(base.facts) - 1)
    engine = await Engine.open(tmp_path / "b.sqlite3", base)
    try:
        uncached = [_read(await engine.ask(q)) for q in questions]
        assert not engine.index._cache  # read from SQLite each time, nothing kept
    finally:
        await engine.close()
    assert uncached == cached


async def test_rows_too_many_to_keep_read_their_json_only_when_their_fact_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = load_facts()
    monkeypatch.setattr(ix, "ROW_CACHE", len(base.facts) - 1)
    engine = await Engine.open(tmp_path / "b.sqlite3", base)
    reads: list[int] = []
    data_of = engine.index.data_of

    def counted(rowid: int) -> str:
        reads.append(rowid)
        return data_of(rowid)

    monkeypatch.setattr(engine.index, "data_of", counted)
    try:
        rows = await engine.index.by_dates(2000, 2009)
        assert len(rows) > 1 and reads == []
        assert rows[0].fact.id == rows[0].fact_id and reads == [rows[0].rowid]
        answer = await engine.ask("What happened in the 2000s?")
        unread = answer.hits[-1]
    finally:
        await engine.close()
    with pytest.raises(LookupError, match="closed"):
        unread.fact  # noqa: B018 (read for its error)
