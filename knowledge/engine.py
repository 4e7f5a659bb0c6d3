"""The answer engine: question in, :class:`~knowledge.models.Answer` out.

1. Understand the question: normalise, detect the language, find dates, turn words into groups
   of alternative terms (see :mod:`knowledge.analyze`).
2. Retrieve candidates from the SQLite FTS5 index (never a scan of every fact).
3. Re-rank the candidates: how much of the question a fact covers (IDF-weighted), how close the
   question is to the fact's title and aliases (rapidfuzz), and the date match.
4. Answer with the facts above the confidence threshold, a year list, or an honest "the article
   says nothing about this" with questions it can answer.
"""

from __future__ import annotations

import bisect
import math
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import aiosqlite
from rapidfuzz import fuzz, process

from .analyze import Analyzer, QueryTerms, kazakh_words
from .dates import DateQuery
from .factbase import FactBase
from .index import Candidate, FactIndex, loads_fact
from .lang import detect
from .models import LANGS, Answer, Fact, Hit, Lang
from .stem import KazakhStemmer, learned_stems, protected_from_vocabulary
from .text import loose

#: Scorer for the closeness of a question to a fact's title and aliases: rapidfuzz's
#: ``token_set_ratio`` on loose-normalised text, 0-100 (100 when the question's words are a
#: subset of an alias, which is why it only weighs :data:`FUZZ_WEIGHT`).
FUZZ_SCORER = fuzz.WRatio
#: Weight of the IDF-weighted share of the question's words that a fact contains (0-1).
COVERAGE_WEIGHT = 0.4
#: Weight of the rapidfuzz closeness (0-1 after dividing by 100).
FUZZ_WEIGHT = 0.6
#: Final scores are 0-100. Below this, the engine says it does not know.
CONFIDENCE_THRESHOLD = 50.0
#: Further facts join the top one in a ``fact`` answer if they score at least this share of it.
RUNNER_UP_SHARE = 0.92
#: At most this many facts in a ``fact`` answer.
MAX_FACT_HITS = 3
#: Retrieval leaves out terms found in more than this share of the facts (but never one found
#: in fewer than COMMON_TERM_MIN_DF facts), when the question has rarer ones.
COMMON_TERM_SHARE = 0.05
COMMON_TERM_MIN_DF = 200
#: Candidates taken from FTS5 for re-ranking, and how many of the best by coverage get the
#: (costlier) rapidfuzz closeness.
CANDIDATES = 24
FUZZ_CANDIDATES = 4
#: Date factors: a fact of the asked year; an undated fact; a fact of another year.
DATE_MATCH, DATE_UNKNOWN, DATE_MISMATCH = 1.1, 0.6, 0.4
#: A word the index has never seen weighs like a term in this many facts.
UNKNOWN_DF = 2
#: A generic word ("China", "culture") weighs at most this much (an IDF, about 0-5).
GENERIC_WEIGHT = 0.3
#: An unknown word written as a name weighs this many times an unknown word.
UNKNOWN_NAME_FACTOR = 2.0
#: Asked month vs the fact's month: same month, another month (either side unknown: 1.0).
MONTH_MATCH, MONTH_MISMATCH = 1.1, 0.8
#: Typo correction: rapidfuzz ``ratio`` (0-100) a vocabulary term must reach; the word must be
#: this long, keep its first letter, and a corrected match counts this share of its weight.
TYPO_CUTOFF = 84
TYPO_MIN_LEN = 5
TYPO_SHARE = 0.6
#: Prefix matching of an unknown word (организует / организаторы, ұсын / ұсынған): the shorter
#: term must have this many letters and be at least half the longer one.
PREFIX_MIN_LEN = 4
#: A topical question with a date that matches nothing well falls back to the date's events
#: only if its best fact scores at least this much; otherwise it is off-topic.
DATE_FALLBACK_SCORE = 30.0
#: A year or range answer lists at most this many facts (and says how many there are).
MAX_DATE_HITS = 120
#: Questions are cut to this many characters before matching.
MAX_QUESTION_CHARS = 1000


@dataclass(frozen=True)
class _Scored:
    cand: Candidate
    score: float


class Engine:
    """Answers questions from one fact base; open with :meth:`open`, close with :meth:`close`."""

    def __init__(self, db: aiosqlite.Connection, index: FactIndex, vocab: dict[str, int]) -> None:
        self.db = db
        self.index = index
        self.vocab = vocab
        self.n_facts = 0
        self.years: list[int] = []
        self._by_len: dict[tuple[int, str], list[str]] = {}
        for term in vocab:
            if not term.isdigit():
                self._by_len.setdefault((len(term), term[0]), []).append(term)
        self._sorted = sorted(t for t in vocab if not t.isdigit())
        self._facts: OrderedDict[str, Fact] = OrderedDict()

    # -- life cycle -------------------------------------------------------------------------

    @classmethod
    async def open(
        cls, db_path: Path | str, base: FactBase, *, conn: aiosqlite.Connection | None = None
    ) -> Engine:
        """Open (and if the facts changed, rebuild) the index in ``db_path``."""
        if conn is None:
            if str(db_path) != ":memory:":
                Path(db_path).parent.mkdir(parents=True, exist_ok=True)
            conn = await aiosqlite.connect(str(db_path), isolation_level=None)
            await conn.execute("PRAGMA journal_mode=WAL")
            await conn.execute("PRAGMA synchronous=NORMAL")
        index = FactIndex(conn, None)
        stemmer_data = await index.stemmer_data(base)
        if stemmer_data is None:
            words = set(_kk_texts(base.facts))
            known = sorted(words | learned_stems(words))
            stemmer_data = (known, sorted(protected_from_vocabulary(words)))
        known, protected = stemmer_data
        index.analyzer = Analyzer(KazakhStemmer(protected, known=known))
        await index.ensure(base, stemmer_data)
        engine = cls(conn, index, await index.vocabulary())
        engine.n_facts = await index.count()
        engine.years = await index.years()
        return engine

    async def close(self) -> None:
        await self.db.close()

    # -- answering --------------------------------------------------------------------------

    async def ask(
        self, question: str, *, lang: Lang | None = None, fallback_lang: Lang = "en"
    ) -> Answer:
        """Answer ``question``. ``lang`` forces the reply language; matching is unaffected."""
        question = question[:MAX_QUESTION_CHARS]
        reply_lang: Lang = lang or detect(question) or fallback_lang
        q = self.index.analyzer.query(question)
        if q.date and (not q.groups or q.only_generic):
            return await self._date_answer(question, reply_lang, q)
        scored = await self._rank(q)
        best = scored[0].score if scored else 0.0
        if best >= CONFIDENCE_THRESHOLD:
            hits = [
                s
                for s in scored[:MAX_FACT_HITS]
                if s.score >= max(CONFIDENCE_THRESHOLD, best * RUNNER_UP_SHARE)
            ]
            return Answer(question=question, lang=reply_lang, kind="fact", hits=self._hits(hits))
        if q.date and scored and scored[0].score >= DATE_FALLBACK_SCORE:
            top = scored[0]
            runner_up = scored[1].score if len(scored) > 1 else 0.0
            if self._date_factor(q, top.cand) >= DATE_MATCH and top.score >= 1.5 * runner_up:
                # Weak on its own, but the one fact of the asked date that the words point to.
                return Answer(
                    question=question, lang=reply_lang, kind="fact", hits=self._hits([top])
                )
            answer = await self._date_answer(question, reply_lang, q)
            if len(answer.hits) == 1:
                # The date pins down one fact: that is the answer to the topical question.
                return answer.model_copy(update={"kind": "fact", "years": None})
            return answer
        return await self._none(question, reply_lang, [s.cand for s in scored[:3]])

    async def _date_answer(self, question: str, lang: Lang, q: QueryTerms) -> Answer:
        assert q.date is not None
        d = q.date
        cands = await self.index.by_dates(d.start, d.end, limit=MAX_DATE_HITS + 1)
        total = None
        if len(cands) > MAX_DATE_HITS:
            total = await self.index.count_dates(d.start, d.end)
            cands = cands[:MAX_DATE_HITS]
        if d.month and d.kind == "year":
            in_month = [c for c in cands if c.start_key and (c.start_key // 100) % 100 == d.month]
            cands = in_month or cands
        kind = "year" if d.start == d.end else "range"
        hits = [_Scored(c, 100.0) for c in cands]
        nearest = [] if hits else self._nearest_years(d.start, d.end)
        return Answer(
            question=question,
            lang=lang,
            kind=kind,
            hits=self._hits(hits),
            years=(d.start, d.end),
            nearest_years=nearest,
            total=total,
        )

    async def _none(self, question: str, lang: Lang, near: Sequence[Candidate]) -> Answer:
        cands = list(near) or await self.index.featured(3)
        facts = [self._fact(c) for c in cands[:3]]
        return Answer(
            question=question,
            lang=lang,
            kind="none",
            suggestions=[f.title.get(lang) for f in facts],
        )

    def _nearest_years(self, start: int, end: int) -> list[int]:
        before = [y for y in self.years if y < start]
        after = [y for y in self.years if y > end]
        return ([before[-1]] if before else []) + ([after[0]] if after else [])

    # -- ranking ----------------------------------------------------------------------------

    async def _rank(self, q: QueryTerms) -> list[_Scored]:
        groups = [self._correct(g) for g in q.groups]
        cands = await self.index.search(self._retrieval_terms(groups), CANDIDATES)
        if q.date:
            seen = {c.rowid for c in cands}
            extra = await self.index.by_dates(q.date.start, q.date.end, limit=CANDIDATES)
            cands += [c for c in extra if c.rowid not in seen]
        if not cands:
            return []
        weights = []
        for g0, g, generic, weak, name in zip(
            q.groups, groups, q.generic, q.weak, q.names, strict=True
        ):
            w = self._weight(g)
            if generic or weak:
                w = min(w, GENERIC_WEIGHT)
            elif name and not any(t in self.vocab for t in g0):
                # A name the fact base has never seen ("Tokayev"): the question is about
                # something else.
                w *= UNKNOWN_NAME_FACTOR
            weights.append(w)
        total = sum(weights) or 1.0
        qtext = " ".join(loose(w) for w in q.words)
        # Per word: exact terms, corrected terms (or None), weight, counts as specific.
        plan = [
            (g0, (g - g0) or None, w, not weak and w > GENERIC_WEIGHT)
            for g0, g, w, weak in zip(q.groups, groups, weights, q.weak, strict=True)
        ]
        covered: list[tuple[float, Candidate]] = []
        for c in cands:
            fact_terms = c.terms
            got = 0.0
            specific = False
            for exact, corrected, w, counts in plan:
                if not fact_terms.isdisjoint(exact):
                    got += w
                elif corrected is not None and not fact_terms.isdisjoint(corrected):
                    got += w * TYPO_SHARE
                else:
                    continue
                specific = specific or counts
            # A fact that shares only generic words ("China", "culture") answers nothing.
            coverage = got / total if specific else 0.0
            covered.append((coverage * self._date_factor(q, c), c))
        covered.sort(key=lambda x: -x[0])
        out = []
        for dated, c in covered[:FUZZ_CANDIDATES]:
            close = process.extractOne(qtext, c.head, scorer=FUZZ_SCORER)
            closeness = (close[1] if close else 0.0) / 100.0
            # Closeness only modulates coverage: it cannot make up for words the fact lacks.
            score = 100.0 * dated * (COVERAGE_WEIGHT + FUZZ_WEIGHT * closeness)
            out.append(_Scored(c, min(score, 100.0)))
        # Ties go to the better BM25 rank (the order FTS5 returned the candidates in).
        order = {c.rowid: i for i, c in enumerate(cands)}
        out.sort(key=lambda s: (-s.score, order[s.cand.rowid]))
        return out

    def _retrieval_terms(self, groups: list[frozenset[str]]) -> list[str]:
        """The terms to retrieve candidates with: common ones only when nothing rarer is there.

        FTS5 ranks every row that matches before the LIMIT, so a term in thousands of facts
        ("Almaty") makes retrieval cost grow with the fact base. Re-ranking still weighs all
        the question's words; only the retrieval skips the common terms.
        """
        terms = sorted({t for g in groups for t in g if t in self.vocab})
        cap = max(COMMON_TERM_MIN_DF, int(self.n_facts * COMMON_TERM_SHARE))
        rare = [t for t in terms if self.vocab[t] <= cap]
        if rare:
            return rare
        return sorted(terms, key=lambda t: self.vocab[t])[:3]

    def _date_factor(self, q: QueryTerms, c: Candidate) -> float:
        if q.date is None:
            return 1.0
        if c.start_year is None or c.end_year is None:
            return DATE_UNKNOWN
        if c.start_year <= q.date.end and c.end_year >= q.date.start:
            month = (c.start_key // 100) % 100 if c.start_key else 0
            if q.date.month and month:
                return DATE_MATCH * (MONTH_MATCH if month == q.date.month else MONTH_MISMATCH)
            return DATE_MATCH
        return DATE_MISMATCH

    def _idf(self, df: int) -> float:
        n = max(self.n_facts, 1)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def _weight(self, group: frozenset[str]) -> float:
        """IDF of the word: by its most common reading (the facts hold it in 3 languages)."""
        dfs = [self.vocab[t] for t in group if t in self.vocab]
        return self._idf(max(dfs)) if dfs else self._idf(UNKNOWN_DF)

    def _correct(self, group: frozenset[str]) -> frozenset[str]:
        """For a word the index does not know: terms it is a prefix of (or that are prefixes of
        it), and the nearest term by edit distance (a typo)."""
        if any(t in self.vocab for t in group):
            return group
        extra = set()
        for t in group:
            if t.isdigit():
                continue
            extra |= self._prefixed(t)
        if extra:
            return group | extra
        for t in group:
            if len(t) < TYPO_MIN_LEN or t.isdigit():
                continue
            pool = [
                w for n in (len(t) - 1, len(t), len(t) + 1) for w in self._by_len.get((n, t[0]), ())
            ]
            best = process.extractOne(t, pool, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
            if best:
                extra.add(best[0])
        return group | extra

    def _prefixed(self, t: str) -> set[str]:
        out: set[str] = set()
        if len(t) >= PREFIX_MIN_LEN:
            i = bisect.bisect_left(self._sorted, t)
            while i < len(self._sorted) and self._sorted[i].startswith(t) and len(out) < 16:
                if len(self._sorted[i]) <= 2 * len(t):
                    out.add(self._sorted[i])
                i += 1
        for k in range(max(PREFIX_MIN_LEN, (len(t) + 1) // 2), len(t)):
            if t[:k] in self.vocab:
                out.add(t[:k])
        return out

    # -- facts ------------------------------------------------------------------------------

    def _fact(self, c: Candidate) -> Fact:
        fact = self._facts.get(c.fact_id)
        if fact is None:
            fact = loads_fact(c.data)
            self._facts[c.fact_id] = fact
            if len(self._facts) > 2048:
                self._facts.popitem(last=False)
        return fact

    def _hits(self, scored: Sequence[_Scored]) -> list[Hit]:
        return [Hit(fact=self._fact(s.cand), score=round(s.score, 1)) for s in scored]

    async def facts_by_ids(self, ids: Sequence[str]) -> list[Fact]:
        return [self._fact(c) for c in await self.index.by_ids(ids)]

    async def year_answer(self, year: int, lang: Lang) -> Answer:
        """The answer to "what happened in YEAR", as a button or /year would ask it."""
        q = QueryTerms(str(year), DateQuery(year, year, "year"), (), (), ())
        return await self._date_answer(str(year), lang, q)

    async def featured(self, limit: int = 5) -> list[Fact]:
        return [self._fact(c) for c in await self.index.featured(limit)]


def _kk_texts(facts: Sequence[Fact]) -> list[str]:
    texts: list[str] = []
    for f in facts:
        texts += [f.title.kk, f.text.kk, *f.aliases.kk]
    return kazakh_words(texts)


__all__ = ["LANGS", "Engine"]
