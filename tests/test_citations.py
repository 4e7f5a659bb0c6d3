"""Every citation a fact shows is the one that stands after that very sentence of the article.

Paragraphs are counted as `knowledge/sources.yaml` says: the body starts after the English key
words; every non-empty line of the body is one paragraph, numbered from 1 (a quotation that runs on
to a new line, such as the 1993 Declaration's clause 7, and each of the 2003 programme's eight
numbered items count as paragraphs of their own). The abstracts are cited as abstract-kk/-ru/-en.

A sentence ends at a full stop outside any «quotation» (a quoted passage is part of the sentence
that quotes it, so "«…» [1]" credits the whole quotation to [1]); a full stop after a one-letter
initial (Т. Сүлейменов) ends nothing. The reference of a passage is the [n] or [n, pages] that
stands inside it or between its end and the end of its sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from knowledge.factbase import FactBase
from knowledge.models import Source
from knowledge.text import fold_lookalikes

ARTICLE = Path(__file__).parent / "data" / "article.txt"
_REF = re.compile(r"\[\s*(\d+)\s*(?:,\s*([\d-]+)\s*)?\]")


def fold(text: str) -> str:
    text = re.sub(r"[0-9A-Za-z\u0400-\u04ff]+", lambda m: fold_lookalikes(m.group(0)), text)
    return " ".join(text.split())


@dataclass(frozen=True)
class Article:
    body: list[str]
    abstracts: dict[str, str]

    @classmethod
    def read(cls, path: Path = ARTICLE) -> Article:
        lines = [fold(line) for line in path.read_text(encoding="utf-8").splitlines()]
        start = next(i for i, line in enumerate(lines) if line.startswith("Key words:")) + 1
        body = [line for line in lines[start:] if line]
        abstracts = {
            "kk": next(ln for ln in lines if ln.startswith("Мақалада")),
            "ru": next(ln for ln in lines if ln.startswith("В статье")),
            "en": next(ln for ln in lines if ln.startswith("Abstract:")),
        }
        return cls(body, abstracts)

    def paragraph(self, location: str) -> tuple[int | None, str]:
        m = re.fullmatch(r"body, para (\d+)", location)
        if m:
            return int(m.group(1)), self.body[int(m.group(1)) - 1]
        m = re.fullmatch(r"abstract-(kk|ru|en)", location)
        assert m, f"unknown location {location!r}"
        return None, self.abstracts[m.group(1)]

    def cited(self, src: Source) -> tuple[int | None, str | None]:
        """The reference (number, pages) standing in or after the quoted passage's sentence."""
        n, para = self.paragraph(src.location)
        quote = fold(src.quote)
        at = para.find(quote)
        assert at >= 0, f"the quote is not in {src.location}"
        refs = [(int(m.group(1)), m.group(2)) for m in _REF.finditer(quote)]
        text, pos, depth = para, at + len(quote), _depth(para[: at + len(quote)])
        if depth == 0 and re.search(r"[.!?]$", quote):
            return refs[0] if refs else (None, None)  # the quote ends its sentence
        while not refs:
            end = _sentence_end(text, pos, depth)
            span = text[pos:end]
            refs = [(int(m.group(1)), m.group(2)) for m in _REF.finditer(span)]
            if end < len(text) or n is None or n >= len(self.body):
                break
            # The sentence runs on: a quotation continues on the next line.
            depth = _depth(text)
            if depth == 0:
                break
            n += 1
            text, pos = self.body[n - 1], 0
        if not refs:
            return None, None
        assert len(set(refs)) == 1, f"{src.location}: more than one reference {refs}"
        return refs[0]


def _depth(text: str) -> int:
    depth = 0
    for ch in text:
        if ch == "«":
            depth += 1
        elif ch == "»":
            depth = max(0, depth - 1)
    return depth


def _sentence_end(text: str, pos: int, depth: int) -> int:
    i = pos
    while i < len(text):
        ch = text[i]
        if ch == "«":
            depth += 1
        elif ch == "»":
            depth = max(0, depth - 1)
        elif ch in ".!?" and depth == 0 and (i + 1 == len(text) or text[i + 1] == " "):
            initial = i >= 1 and text[i - 1].isupper() and (i < 2 or not text[i - 2].isalpha())
            if not initial:
                return i + 1
        i += 1
    return len(text)


ART = Article.read()


def test_paragraph_count_and_openings() -> None:
    assert len(ART.body) == 41
    assert ART.body[0].startswith("Казақстан Республикасының Президенті")  # sic: К
    assert ART.body[36].startswith("2007 жылы 18 тамызда")
    assert ART.body[40].startswith("Қорыта айтқанда")


def test_the_rule_on_known_sentences() -> None:
    # [6, 212] closes a quotation of two sentences; the sentence after it cites nothing.
    two = Source(location="body, para 16", quote="2001 жылы қыркүйекте", ref=6, pages="212")
    assert ART.cited(two) == (6, "212")
    after = Source(location="body, para 16", quote="Осыған байланысты ҚХР және ҚР")
    assert ART.cited(after) == (None, None)
    # [9] stands after item 8 only.
    assert ART.cited(Source(location="body, para 24", quote="Екі елдің мәдени")) == (None, None)
    assert ART.cited(Source(location="body, para 31", quote="Екі мемлекеттің")) == (9, None)
    # The 1993 Declaration's quotation runs on to the next line, where [3] stands.
    decl = Source(location="body, para 9", quote="1993 жылғы 18 қазанда")
    assert ART.cited(decl) == (3, None)


def _all_sources(base: FactBase) -> list[tuple[str, int, Source]]:
    return [(f.id, i, s) for f in base.facts for i, s in enumerate(f.sources)]


def test_every_citation_is_the_one_after_its_sentence(base: FactBase) -> None:
    wrong = []
    for fid, i, src in _all_sources(base):
        ref, pages = ART.cited(src)
        if (src.ref, src.pages) != (ref, pages):
            wrong.append((fid, i, src.location, (src.ref, src.pages), (ref, pages)))
    assert wrong == []


@pytest.mark.parametrize("n", range(1, 42))
def test_paragraph_openings_in_sources_yaml_match_the_article(base: FactBase, n: int) -> None:
    opening = base.sources.paragraph(n)
    assert opening is not None
    assert ART.body[n - 1].startswith(fold(opening))
