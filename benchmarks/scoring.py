"""Scoring questions written in the evidence format (tests/heldout, tests/eval/dev-*.yaml).

An item names what a right answer is in words of the article, not in fact ids, so that people who
never saw the fact base can write it:

- ``evidence``: excerpts copied from the article's Kazakh body. An excerpt stands for every fact
  whose quoted source shares a run of at least five words with it (or with the sentence of the
  article it comes from, when no quote covers the excerpt itself; or, when no fact quotes that
  sentence, with any sentence of its paragraph, or failing that of the line next to it).
- ``kind``: what the question asks for. ``fact``: the top fact is one of the evidence's facts.
  ``year``: a year answer for ``year`` listing every fact of that year. ``period``: a period
  answer over ``period`` (open ends may be anything beyond the fact base's first or last year),
  or for ``years: [a, b]`` an answer about both years (or, with evidence, an answer that holds
  an evidence fact). ``list``: the answer holds every item's facts, and not more than twice as
  many facts as it was asked for plus three. ``count``: the answer states ``count``.
  ``greeting``/``thanks``/``help``/``more``: the engine understood that intent (and, for more,
  answered something). ``none``: the engine said the article does not answer it (a refusal, or a
  year or period answer with no events in it).
- ``conversation``: a list of such items, asked in order in one chat, each answer's context
  passed to the next question.

Items may instead give ``expect`` (fact ids), as the older public eval does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from knowledge.factbase import FactBase
from knowledge.text import loose, normalise, words

ARTICLE = Path(__file__).resolve().parent.parent / "tests" / "data" / "article.txt"
#: Consecutive words an excerpt and a fact's quote must share.
RUN = 5


def _words(text: str) -> list[str]:
    return [loose(w) for w in words(normalise(text))]


def _ngrams(ws: Sequence[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(ws[i : i + n]) for i in range(len(ws) - n + 1)}


@dataclass
class EvidenceMap:
    """Maps article excerpts to the facts whose quotes overlap them."""

    base: FactBase
    article: str = field(default_factory=lambda: ARTICLE.read_text(encoding="utf-8"))

    @cached_property
    def _quotes(self) -> list[tuple[str, list[str]]]:
        # Every passage a fact cites: its main source and its further ones (the 2003
        # programme's entry into force is in its second source).
        return [
            (f.id, _words(src.quote))
            for f in self.base.facts
            for src in (f.source, *f.more_sources)
            if src.quote
        ]

    @cached_property
    def _paragraphs(self) -> list[list[list[str]]]:
        """The article's lines (its paragraphs), each a list of sentences, each a word list."""
        out = []
        for para in self.article.splitlines():
            sents = [_words(s) for s in re.split(r"(?<=[.!?])\s+", para)]
            if any(sents):
                out.append([s for s in sents if s])
        return out

    def _overlapping(self, ws: list[str]) -> set[str]:
        n = min(RUN, len(ws))
        if n == 0:
            return set()
        grams = _ngrams(ws, n)
        out = set()
        for fid, q in self._quotes:
            m = min(n, len(q))
            if m and (grams & _ngrams(q, m) if m == n else _ngrams(ws, m) & _ngrams(q, m)):
                out.add(fid)
        return out

    def facts(self, excerpt: str) -> set[str]:
        ws = _words(excerpt)
        got = self._overlapping(ws)
        if got:
            return got
        n = min(RUN, len(ws))
        grams = _ngrams(ws, n)
        flat = [[w for s in p for w in s] for p in self._paragraphs]
        lines = [i for i, p in enumerate(flat) if grams & _ngrams(p, n)]
        for i in lines:
            for sent in self._paragraphs[i]:
                if _ngrams(ws, min(3, len(ws))) & _ngrams(sent, min(3, len(ws))):
                    got |= self._overlapping(sent)
        if got:
            return got
        # No fact quotes the excerpt's sentence: the facts quoting its paragraph (a paragraph
        # may run over two lines of the text file).
        for i in lines:
            for j in (i, i - 1, i + 1):
                if 0 <= j < len(self._paragraphs) and not got:
                    for sent in self._paragraphs[j]:
                        got |= self._overlapping(sent)
        return got


@dataclass
class Turn:
    item: dict[str, Any]
    answer: Any
    right: bool
    why: str = ""


def years_of(base: FactBase, start: int, end: int) -> set[str]:
    return {
        f.id
        for f in base.facts
        if f.date and f.date.start.year <= end and (f.date.end or f.date.start).year >= start
    }


def _answer_facts(answer: Any) -> list[str]:
    return [f.id for f in answer.facts]


def _all_ids(answer: Any) -> set[str]:
    """Every fact an answer covers, the ones past its first page included."""
    ids = set(_answer_facts(answer))
    ids |= set(getattr(answer, "all_ids", None) or [])
    return ids


def judge(item: dict[str, Any], answer: Any, base: FactBase, ev: EvidenceMap) -> tuple[bool, str]:
    """Whether ``answer`` is right for ``item``, and why not."""
    kind = str(item["kind"])
    intent = getattr(answer, "intent", None)
    expected: list[set[str]] = []
    if item.get("expect") and kind not in ("year", "range"):
        expected = [{str(x) for x in item["expect"]}]
    for e in item.get("evidence") or []:
        expected.append(ev.facts(str(e)))
    if any(not s for s in expected):
        return False, "evidence maps to no fact"
    ids = _answer_facts(answer)
    if kind in ("year", "range") and "year" not in item and "period" not in item:
        # The older format: the answer lists exactly the expected facts.
        want = set(item.get("expect") or [])
        ok = answer.kind in ("year", "range") and _all_ids(answer) == want
        return ok, "" if ok else f"want exactly {sorted(want)}"
    if kind == "fact":
        want = set().union(*expected) if expected else set()
        ok = answer.kind in ("fact", "list") and bool(ids) and ids[0] in want
        return ok, "" if ok else f"want one of {sorted(want)}"
    if kind == "year":
        y = int(item["year"])
        want = years_of(base, y, y)
        ok = answer.kind == "year" and tuple(answer.years or ()) == (y, y)
        ok = ok and _all_ids(answer) == want
        return ok, "" if ok else f"want year {y}"
    if kind in ("period", "range"):
        if item.get("years"):
            ys = sorted(int(y) for y in item["years"])
            if expected and any(set(ids) & s for s in expected):
                return True, ""
            got = set(getattr(answer, "compare", None) or [])
            ok = answer.kind == "compare" and got == set(ys)
            return ok, "" if ok else f"want a comparison of {ys}"
        lo, hi = item.get("period") or [None, None]
        first, last = min(base.years()), max(base.years())
        if not answer.years or answer.kind not in ("range", "year"):
            return False, f"want period {lo}-{hi}"
        a, b = answer.years
        ok_lo = a == lo if lo is not None else a <= first
        ok_hi = b == hi if hi is not None else b >= last
        ok = ok_lo and ok_hi
        return ok, "" if ok else f"want period {lo}-{hi}"
    if kind in ("list", "count"):
        got = _all_ids(answer)
        if kind == "count":
            stated = getattr(answer, "count", None)
            ok = stated is not None and int(stated) == int(item["count"])
            return ok, "" if ok else f"want count {item['count']}, got {stated}"
        need = len(expected)
        ok = answer.kind != "none" and all(got & s for s in expected)
        ok = ok and len(got) <= 2 * need + 3
        return ok, "" if ok else f"want all of {[sorted(s) for s in expected]}"
    if kind in ("greeting", "thanks", "help"):
        # "Thanks, bye" is answered with a goodbye: a closing, as thanks is.
        ok = intent == kind or (kind == "thanks" and intent == "bye")
        return ok, "" if ok else f"want {kind}"
    if kind == "more":
        ok = intent == "more" and answer.kind != "none"
        return ok, "" if ok else "want more"
    if kind == "none":
        # "The article mentions no events in 1999; nearest years: 1997, 2001" says it too.
        empty_date = answer.kind in ("year", "range") and not _all_ids(answer)
        ok = answer.kind == "none" or empty_date
        return ok, "" if ok else "want none"
    raise ValueError(f"unknown kind {kind!r}")


def items_of(data: Iterable[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Every item as a conversation (a single question is a conversation of one turn)."""
    out = []
    for item in data:
        if "conversation" in item:
            turns = [dict(t) for t in item["conversation"]]
            lang = next((t.get("lang") for t in turns if t.get("lang")), None)
            for t in turns:
                t.setdefault("lang", lang)
            out.append(turns)
        else:
            out.append([item])
    return out
