"""Retrieval and ranking: a question's term groups in, scored fact candidates out.

1. Retrieve candidates from the SQLite index (each term's postings, by BM25) by the question's
   rarer terms (never a scan of every fact), plus the facts of the asked date.
2. Score each by coverage: the IDF-weighted share of the question's words the fact contains
   (a misspelt word that was corrected counts a share of its weight), times the date factor.
3. The best few by coverage get rapidfuzz closeness to the fact's title and aliases, which only
   modulates coverage: it cannot make up for words the fact lacks.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .analyze import QueryTerms
from .dates import DateQuery
from .index import Candidate, FactIndex
from .text import loose

#: Scorer for the closeness of a question to a fact's title and aliases: rapidfuzz's ``WRatio``
#: on loose-normalised text, 0-100. It saturates on subsets, which is why it only weighs
#: :data:`FUZZ_WEIGHT` and modulates coverage.
FUZZ_SCORER = fuzz.WRatio
#: Weight of the IDF-weighted share of the question's words that a fact contains (0-1).
COVERAGE_WEIGHT = 0.4
#: Weight of the rapidfuzz closeness (0-1 after dividing by 100).
FUZZ_WEIGHT = 0.6
#: Retrieval leaves out terms found in more than this share of the facts (but never one found
#: in fewer than COMMON_TERM_MIN_DF facts), when the question has rarer ones.
COMMON_TERM_SHARE = 0.05
COMMON_TERM_MIN_DF = 200
#: Candidates taken from the index (best BM25 first) for re-ranking, and how many of the best
#: by coverage get the (costlier) rapidfuzz closeness.
CANDIDATES = 24
#: The question's content words, joined, are compared with a fact's head lines up to this
#: many characters.
CLOSENESS_MAX_CHARS = 120
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
TYPO_SHARE = 0.8
#: A word this long is corrected for two neighbouring letters swapped.
TRANSPOSED_MIN_LEN = 4
#: Corrections remembered (a word the index does not know, asked for again and again).
CORRECTED_CACHE = 8192
#: Names ("Jintau" for Jintao, "Назарбаеф") are corrected more freely: against the fact base's
#: own names only, from this length and this ``ratio``.
NAME_TYPO_CUTOFF = 80
NAME_TYPO_MIN_LEN = 4
#: Only rare name terms take part (a name is in few facts; "People's" of "People's Republic"
#: is in many, and must not turn "population" into "people").
NAME_TYPO_MAX_DF = 4
#: Prefix matching of an unknown word (организует / организаторы, ұсын / ұсынған): the shorter
#: term must have this many letters and be at least half the longer one.
PREFIX_MIN_LEN = 4


@dataclass(frozen=True)
class Scored:
    """A candidate with its final score (0-100) and its coverage (0-1, date factor included)."""

    cand: Candidate
    score: float
    coverage: float = 0.0


class Ranker:
    """Scores the facts of one index for a question's terms."""

    def __init__(self, index: FactIndex, vocab: dict[str, int], n_facts: int) -> None:
        self.index = index
        self.vocab = vocab
        self.n_facts = n_facts
        self._by_len: dict[tuple[int, str], list[str]] = {}
        for term in vocab:
            if not term.isdigit():
                self._by_len.setdefault((len(term), term[0]), []).append(term)
        self._sorted = sorted(t for t in vocab if not t.isdigit())
        self._names: dict[str, list[str]] = {}
        self._corrected: dict[frozenset[str], frozenset[str]] = {}
        self._closeness = Closeness()

    def set_names(self, terms: frozenset[str]) -> None:
        """The terms of the fact base's names, for typo correction of names."""
        self._names = {}
        self._corrected.clear()
        for t in terms:
            if t in self.vocab and not t.isdigit() and self.vocab[t] <= NAME_TYPO_MAX_DF:
                self._names.setdefault(_first_alike(t[0]), []).append(t)

    async def rank(
        self,
        q: QueryTerms,
        date: DateQuery | None,
        *,
        candidates: int = CANDIDATES,
        closeness_for: int = FUZZ_CANDIDATES,
    ) -> list[Scored]:
        """Candidates best first. Only the best ``closeness_for`` by coverage get a full score;
        the rest keep ``score`` 0 and their coverage (list answers read it)."""
        groups = [self.correct(g) for g in q.groups]
        cands = await self.index.search(self.retrieval_terms(groups), candidates)
        if date is not None and date.start is not None and date.end is not None:
            seen = {c.rowid for c in cands}
            extra = await self.index.by_dates(date.start, date.end, limit=candidates)
            cands += [c for c in extra if c.rowid not in seen]
        if not cands:
            return []
        weights = []
        for g0, g, generic, weak, name in zip(
            q.groups, groups, q.generic, q.weak, q.names, strict=True
        ):
            w = self.weight(g)
            if generic or weak:
                w = min(w, GENERIC_WEIGHT)
            elif name and not any(t in self.vocab for t in g0):
                # A name the fact base has never seen ("Tokayev"): the question is about
                # something else.
                w *= UNKNOWN_NAME_FACTOR
            weights.append(w)
        total = sum(weights) or 1.0
        # The closeness of a paste is no better for its whole length, and costs with it:
        # the content words of the 2,545 questions of the evals join to at most 101 chars.
        qtext = " ".join(loose(w) for w in q.words)[:CLOSENESS_MAX_CHARS]
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
            covered.append((coverage * date_factor(date, c), c))
        covered.sort(key=lambda x: -x[0])
        out = []
        query = _Query(qtext) if closeness_for else None
        for n, (dated, c) in enumerate(covered):
            if query is None or n >= closeness_for or not dated:
                # No coverage, no score: closeness only modulates coverage.
                out.append(Scored(c, 0.0, dated))
                continue
            closeness = self._closeness.score(query, c.head) / 100.0
            score = 100.0 * dated * (COVERAGE_WEIGHT + FUZZ_WEIGHT * closeness)
            out.append(Scored(c, min(score, 100.0), dated))
        # Ties go to the better BM25 rank (the order the index returned the candidates in).
        order = {c.rowid: i for i, c in enumerate(cands)}
        out.sort(key=lambda s: (-s.score, -s.coverage, order[s.cand.rowid]))
        return out

    def retrieval_terms(self, groups: list[frozenset[str]]) -> list[str]:
        """The terms to retrieve candidates with: common ones only when nothing rarer is there.

        BM25 scores every row that matches before the LIMIT, so a term in thousands of facts
        ("Almaty") makes retrieval cost grow with the fact base. Re-ranking still weighs all
        the question's words; only the retrieval skips the common terms.
        """
        terms = sorted({t for g in groups for t in g if t in self.vocab})
        cap = max(COMMON_TERM_MIN_DF, int(self.n_facts * COMMON_TERM_SHARE))
        rare = [t for t in terms if self.vocab[t] <= cap]
        if rare:
            return rare
        return sorted(terms, key=lambda t: self.vocab[t])[:3]

    def idf(self, df: int) -> float:
        n = max(self.n_facts, 1)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def weight(self, group: frozenset[str]) -> float:
        """IDF of the word: by its most common reading (the facts hold it in 3 languages)."""
        dfs = [self.vocab[t] for t in group if t in self.vocab]
        return self.idf(max(dfs)) if dfs else self.idf(UNKNOWN_DF)

    def correct(self, group: frozenset[str]) -> frozenset[str]:
        """For a word the index does not know: terms it is a prefix of (or that are prefixes of
        it), and the nearest term by edit distance (a typo). Remembered: the engine asks for
        the same word when it understands, ranks and lists one question."""
        if any(t in self.vocab for t in group):
            return group
        got = self._corrected.get(group)
        if got is None:
            got = self._correct(group)
            if len(self._corrected) >= CORRECTED_CACHE:
                self._corrected.clear()
            self._corrected[group] = got
        return got

    def knows(self, group: frozenset[str]) -> bool:
        """Whether a question word is a term of the index, typos and prefixes corrected."""
        return any(t in self.vocab for t in self.correct(group))

    def _correct(self, group: frozenset[str]) -> frozenset[str]:
        """``group`` itself when nothing is found (no second set to keep in the cache)."""
        extra = set()
        for t in group:
            if t.isdigit():
                continue
            extra |= self._prefixed(t)
        if extra:
            return group | extra
        for t in group:
            if len(t) < NAME_TYPO_MIN_LEN or t.isdigit():
                continue
            names = self._names.get(_first_alike(t[0]), ())
            best = process.extractOne(t, names, scorer=fuzz.ratio, score_cutoff=NAME_TYPO_CUTOFF)
            if best:
                extra.add(best[0])
        if extra:
            return group | extra
        for t in group:
            if len(t) < TRANSPOSED_MIN_LEN or t.isdigit():
                continue
            # Two letters typed the wrong way round ("chian", «казахстна»): one edit to the
            # eye, two to the ratio below.
            for i in range(len(t) - 1):
                swapped = t[:i] + t[i + 1] + t[i] + t[i + 2 :]
                if swapped != t and swapped in self.vocab:
                    extra.add(swapped)
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
        return group | extra if extra else group

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


#: First letters that transliterations of one name start with ("Szinpin", "Цзиньпин",
#: "Jinping"; "Hu", "Ху"): names are looked up among those sharing the group's first letter.
_ALIKE = ("сцзжшчтdjsz", "кқхһгғkqhg", "иийыіiy", "еэёe", "уүұоөuo", "аәa")
_FIRST = {ch: group[0] for group in _ALIKE for ch in group}


def _first_alike(ch: str) -> str:
    return _FIRST.get(ch, ch)


_CYR_RE = re.compile("[\u0400-\u04ff]")
_LAT_RE = re.compile("[a-z\u00e0-\u024f]")
#: A question text the bound holds for: words of digits, Cyrillic and Latin letters only,
#: single spaces (what :func:`knowledge.text.words` and ``loose`` give).
_SIMPLE_RE = re.compile(
    "[0-9a-z\u00e0-\u024f\u0400-\u04ff]+(?: [0-9a-z\u00e0-\u024f\u0400-\u04ff]+)*"
)
_DIGITS = frozenset("0123456789")
#: A head line's script, keyed by the script of a question: (Cyrillic, Latin, digits).
_Script = tuple[bool, bool, bool]


class _Query:
    """What :class:`Closeness` needs to know about a question's text, computed once."""

    __slots__ = ("digits", "distinct", "script", "simple", "spaces", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        tokens = text.split()
        self.simple = not text or _SIMPLE_RE.fullmatch(text) is not None
        self.spaces = text.count(" ")
        self.digits = not _DIGITS.isdisjoint(text)
        # Length of its distinct words joined: the shortest string WRatio builds from it.
        self.distinct = len(" ".join(set(tokens)))
        self.script: _Script = (bool(_CYR_RE.search(text)), bool(_LAT_RE.search(text)), self.digits)


#: A head line that shares no letter with the question: (line, spaces, distinct length).
_Apart = tuple[str, int, int]
Scorer = Callable[..., float]
_INDEL_RATIOS: frozenset[Scorer] = frozenset(
    (
        fuzz.ratio,
        fuzz.QRatio,
        fuzz.WRatio,
        fuzz.partial_ratio,
        fuzz.token_ratio,
        fuzz.token_set_ratio,
        fuzz.token_sort_ratio,
        fuzz.partial_token_ratio,
        fuzz.partial_token_set_ratio,
        fuzz.partial_token_sort_ratio,
    )
)


class Closeness:
    """:data:`FUZZ_SCORER` of a question against the closest line of a fact's head, exactly as
    ``process.extractOne(text, head, scorer=FUZZ_SCORER)`` scores it, for fewer calls.

    A head holds the title, aliases and names in three languages; a question is mostly in one
    script, so about half the lines share no letter with it. Every ratio WRatio takes (plain,
    token sort, token set, partial, partial token) compares two strings made of the two texts'
    characters (words re-ordered or deduplicated, single spaces, windows), so their longest
    common subsequence is at most K, the spaces and digits both have in common. With no word in
    common, each ratio is at most ``200 K / (m + K)``, m the shorter distinct-words length. A
    line whose bound is below the best score of the lines that share letters cannot be the
    closest, and is not scored. The rest are scored as before, so the result is the same.
    """

    #: Heads remembered (a tuple of lines in, tuples of strings and ints out: nothing the
    #: garbage collector has to walk).
    CACHE = 4096

    def __init__(self, scorer: Scorer = FUZZ_SCORER, *, bounded: bool | None = None) -> None:
        self.scorer = scorer
        #: The bound holds for rapidfuzz's Indel-based ratios; any other scorer scores all.
        self.bounded = scorer in _INDEL_RATIOS if bounded is None else bounded
        self._split: dict[
            tuple[tuple[str, ...], _Script], tuple[tuple[str, ...], tuple[_Apart, ...]]
        ]
        self._split = {}

    def score(self, q: _Query, head: tuple[str, ...]) -> float:
        """The best score (0-100) of ``q`` against any line of ``head``."""
        if not (q.simple and self.bounded):
            close = process.extractOne(q.text, head, scorer=self.scorer)
            return float(close[1]) if close else 0.0
        key = (head, q.script)
        split = self._split.get(key)
        if split is None:
            split = self._split_head(head, q.script)
            if len(self._split) >= self.CACHE:
                self._split.clear()
            self._split[key] = split
        near, apart = split
        best = 0.0
        if near:
            close = process.extractOne(q.text, near, scorer=self.scorer)
            best = float(close[1]) if close else 0.0
        for line, spaces, distinct in apart:
            if best >= 100.0:
                break
            k = min(q.spaces, spaces)
            if k == 0:
                continue  # nothing in common: every ratio is 0
            m = min(q.distinct, distinct)
            if 200.0 * k <= (best - 1e-6) * (m + k):
                continue
            best = max(best, float(self.scorer(q.text, line, score_cutoff=best)))
        return best

    @staticmethod
    def _split_head(
        head: tuple[str, ...], script: _Script
    ) -> tuple[tuple[str, ...], tuple[_Apart, ...]]:
        """The lines that may share letters (or a word) with a question of ``script``, and the
        ones that cannot, with what bounds their score."""
        cyr, lat, digits = script
        near: list[str] = []
        apart: list[_Apart] = []
        for line in head:
            tokens = line.split()
            shares = (cyr and _CYR_RE.search(line)) or (lat and _LAT_RE.search(line))
            if shares or line != " ".join(tokens) or (digits and not _DIGITS.isdisjoint(line)):
                near.append(line)
            else:
                apart.append((line, line.count(" "), len(" ".join(set(tokens)))))
        return tuple(near), tuple(apart)


def date_factor(date: DateQuery | None, c: Candidate) -> float:
    """How a fact's date agrees with the asked one (1.0 when nothing was asked)."""
    if date is None:
        return 1.0
    if c.start_year is None or c.end_year is None:
        return DATE_UNKNOWN
    if date.kind == "compare":
        hit = any(c.start_year <= y <= c.end_year for y in date.years)
        return DATE_MATCH if hit else DATE_MISMATCH
    start = date.start if date.start is not None else -9999
    end = date.end if date.end is not None else 9999
    if c.start_year <= end and c.end_year >= start:
        month = (c.start_key // 100) % 100 if c.start_key else 0
        if date.month and month:
            return DATE_MATCH * (MONTH_MATCH if month == date.month else MONTH_MISMATCH)
        return DATE_MATCH
    return DATE_MISMATCH
