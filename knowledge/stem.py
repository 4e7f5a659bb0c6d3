"""Light stemming: Snowball for Russian and English, a suffix stripper for Kazakh.

Kazakh is stemmed on its *loose* form (see :func:`knowledge.text.loose`), so that a word typed
on a Russian keyboard (``алматыдагы``) meets the same stem as the proper one (``алматыдағы``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import snowballstemmer

from .text import loose

#: Words whose stems are remembered, in each of the three stemmers: bounded for questions that
#: bring new words (the soak with three never-seen words a question grew 117 -> 154 MiB with
#: 60,000); the index build remembers each distinct token's terms itself.
STEM_CACHE = 20_000

_RU = snowballstemmer.stemmer("russian")
_EN = snowballstemmer.stemmer("english")


def _loose_all(items: Iterable[str]) -> tuple[str, ...]:
    # Longest first, so that -ндағы wins over -да.
    return tuple(sorted({loose(s) for s in items}, key=len, reverse=True))


#: Case endings, the relative locative -дағы included.
KK_CASE = _loose_all(
    "дағы дегі тағы тегі ндағы ндегі "  # relative locative
    "ның нің дың дің тың тің "  # genitive
    "ны ні ды ді ты ті ын ін "  # accusative (-ын/-ін after a possessive; bare -н is too ambiguous)
    "ға ге қа ке на не "  # dative
    "да де та те нда нде "  # locative
    "дан ден тан тен нан нен "  # ablative
    "мен бен пен".split()  # instrumental
)
#: Third-person possessive only: stripping 1st/2nd person turns келісім into келіс.
KK_POSSESSIVE = _loose_all("ы і сы сі".split())
KK_PLURAL = _loose_all("лар лер дар дер тар тер".split())
KK_ALL_SUFFIXES = _loose_all(KK_CASE + KK_POSSESSIVE + KK_PLURAL)
#: Verb endings (past, passive past, participles, converbs), stripped only from words that have
#: no reading in the vocabulary: questions use other verb forms than the facts
#: (ұсынылды / ұсынған), and prefix matching then meets them.
KK_VERB = _loose_all(
    "ылды ілді ылған ілген ған ген қан кен атын етін йтын йтін ды ді ты ті ып іп ады еді".split()
)

#: Stems shorter than this are never produced by blind stripping...
KK_MIN_STEM = 3
#: ...and shorter than this, not even when the vocabulary knows them (ел, елі, елдің).
KK_MIN_KNOWN_STEM = 2

#: A plural is read as its stem (not kept whole) only from a stem this long: «күндер» (the
#: culture days) stays a word, not the «күн» of every date.
KK_MIN_PLURAL_STEM = 4
#: Words whose ending only looks like a suffix.
KK_PROTECTED_BASE = frozenset(
    loose(w)
    for w in (
        "қазақстан ауғанстан өзбекстан қырғызстан түрікменстан тәжікстан пәкістан "
        "астана ресей франция азия еуразия шанхай абай облыс мерейтой "
        "комиссия академия галерея декларация коммюнике программа стратегия "
        "университет мен және"
    ).split()
)


_UNVOICE = {"г": "к", "б": "п"}


class KazakhStemmer:
    """Strip case, then 3rd-person possessive, then plural, from the right.

    With a vocabulary (the fact base's own Kazakh words), a word whose endings can be read in
    several ways becomes the shortest reading that is itself a word of the vocabulary:
    мәдениеті is мәдениет + і, not мәдение + ті. Without one, the longest suffix wins.
    """

    def __init__(self, protected: Iterable[str] = (), known: Iterable[str] = ()) -> None:
        self.protected = frozenset(KK_PROTECTED_BASE | {loose(w) for w in protected})
        self.known = frozenset(loose(w) for w in known)
        self._cache: dict[str, str] = {}

    def stem(self, word: str) -> str:
        """Stem one lower-case word (the loose form is returned)."""
        word = loose(word)
        hit = self._cache.get(word)
        if hit is not None:
            return hit
        out = self._stem(word)
        if len(self._cache) < STEM_CACHE:
            self._cache[word] = out
        return out

    def readings(self, word: str) -> set[str]:
        """Every way to read ``word`` (loose) as stem + case + possessive + plural."""
        readings = {word}
        for group in (KK_CASE, KK_POSSESSIVE, KK_PLURAL):
            readings |= {
                r[: -len(suf)]
                for r in readings
                if r not in self.protected
                for suf in group
                if r.endswith(suf) and len(r) - len(suf) >= KK_MIN_KNOWN_STEM
            }
        # Final к/қ and п voice before a vowel suffix: тәуелсіздігі is тәуелсіздік + і.
        readings |= {r[:-1] + _UNVOICE[r[-1]] for r in readings if r[-1:] in _UNVOICE}
        return readings

    def _stem(self, word: str) -> str:
        if word in self.protected:
            return word
        readings = self.readings(word) - {word}
        known = [r for r in readings if r in self.known or r in self.protected]
        if known:
            return min(known, key=lambda r: (len(r), r))
        out = word
        for group in (KK_CASE, KK_POSSESSIVE, KK_PLURAL):
            if out in self.protected:
                break
            out = strip_one(out, group)
        if out == word and self.known:
            out = strip_one(out, KK_VERB)
        return out


def strip_one(word: str, suffixes: tuple[str, ...]) -> str:
    for suf in suffixes:
        if word.endswith(suf) and len(word) - len(suf) >= KK_MIN_STEM:
            return word[: -len(suf)]
    return word


def learned_stems(kk_words: Iterable[str], min_words: int = 2) -> set[str]:
    """Stems that at least ``min_words`` different words of the vocabulary can be read as.

    қала never occurs bare in the fact base, but қаласында, қалалар and қаладағы all read as
    қала + endings: so қала is a stem, and all three meet there.
    """
    vocab = {loose(w) for w in kk_words}
    blind = KazakhStemmer()
    counts: dict[str, int] = {}
    for w in vocab:
        for r in blind.readings(w) - {w}:
            if len(r) >= KK_MIN_STEM:
                counts[r] = counts.get(r, 0) + 1
    return {r for r, n in counts.items() if n >= min_words}


def protected_from_vocabulary(kk_words: Iterable[str], stems: Iterable[str] = ()) -> set[str]:
    """Words that are stems of other words in the same vocabulary: do not strip them.

    If both ``астана`` and ``астанада`` occur, ``астана`` is a stem, whatever its ending.
    A plural is no stem, though: ``делегациялар`` is ``делегация`` + -лар even when the
    vocabulary also has ``делегациялары``, so a question's «делегациялар» meets the facts'
    «делегация». ``stems``: further stems a plural may be of (:func:`learned_stems`).
    """
    vocab = {loose(w) for w in kk_words}
    known = vocab | {loose(w) for w in stems}
    out = set()
    for w in vocab:
        if len(w) <= KK_MIN_STEM:
            continue
        # A plural, with or without the possessive (делегациялар, сапарлары).
        bare = {w, *(w[: -len(p)] for p in KK_POSSESSIVE if w.endswith(p))}
        plural = any(
            b.endswith(suf) and len(b) - len(suf) >= KK_MIN_PLURAL_STEM and b[: -len(suf)] in known
            for b in bare
            for suf in KK_PLURAL
        )
        if not plural and any(w + suf in vocab for suf in KK_ALL_SUFFIXES):
            out.add(w)
    return out


#: Words Snowball over-stems into another word's stem: "визит" (a visit) as "виз", the stem
#: of "виза" (a visa).
_RU_EXCEPTIONS = {"визит": "визит"}


@lru_cache(maxsize=STEM_CACHE)
def stem_ru(word: str) -> str:
    """Snowball Russian, then the loose fold (ё->е and so on)."""
    word = word.replace("ё", "е")
    return loose(_RU_EXCEPTIONS.get(word) or _RU.stemWord(word))


#: British spellings read as American ones, on both sides of the match: the facts write
#: "programme", "centre", "organisation", "honour"; people type "program", "center"...
_BRITISH = (
    (re.compile(r"^(program)mes?$"), r"\1"),
    (re.compile(r"^(cent|theat|met|kilomet|lit|fib|spect)re([sd]?)$"), r"\1er\2"),
    (
        re.compile(
            r"^(organ|real|recogn|civil|special|author|moder|global|apolog|summar|categor"
            r"|util|standard|central|priorit|character|familiar|popular|visual)is"
            r"(e|es|ed|ing|ation|ations|er|ers)$"
        ),
        r"\1iz\2",
    ),
    (
        re.compile(r"^(hon|neighb|lab|col|fav|behavi|harb|rum|vig|flav)our(s|ed|ing|able)?$"),
        r"\1or\2",
    ),
    (re.compile(r"^jewellery$"), "jewelry"),
    (re.compile(r"^(catal|dial|monol)ogues?$"), r"\1og"),
)


def american(word: str) -> str:
    """``word`` in American spelling, if it is one of the British ones above."""
    for pattern, repl in _BRITISH:
        if pattern.match(word):
            return pattern.sub(repl, word)
    return word


@lru_cache(maxsize=STEM_CACHE)
def stem_en(word: str) -> str:
    return str(_EN.stemWord(american(word)))
