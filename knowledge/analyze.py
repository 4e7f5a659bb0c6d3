"""From text to index terms, for facts (one term per word) and for questions (alternatives).

A fact's text is analysed in the language it is written in. A question's language is only a
guess, so each of its words becomes a *group* of alternative terms (Kazakh stem, Russian stem,
English stem, Latin read as Kazakh) and matches if any of them does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .dates import DateQuery
from .lexicon import Lexicon
from .models import Lang
from .stem import KK_POSSESSIVE, KK_VERB, KazakhStemmer, stem_en, stem_ru, strip_one
from .text import is_latin, latin_to_cyrillic, loose, normalise, words

#: A Latin word's Kazakh stem counts only from this many letters (else its whole reading does).
MIN_LATIN_KK_STEM = 4


@dataclass(frozen=True)
class QueryTerms:
    """A question, understood."""

    text: str  # normalised
    date: DateQuery | None
    groups: tuple[frozenset[str], ...]  # content words, each a set of alternative terms
    words: tuple[str, ...]  # the content words as typed (normalised), parallel to groups
    generic: tuple[bool, ...]  # parallel to groups: a generic word ("culture", "China")
    weak: tuple[bool, ...] = ()  # parallel to groups: a weak word ("new", "main")
    names: tuple[bool, ...] = ()  # parallel to groups: written as a name (capital, mid-sentence)

    @property
    def only_generic(self) -> bool:
        return all(self.generic)

    @property
    def specific(self) -> list[frozenset[str]]:
        """The groups of the words that are neither generic nor weak."""
        return [
            g
            for g, gen, weak in zip(self.groups, self.generic, self.weak, strict=True)
            if not gen and not weak
        ]

    @property
    def specific_words(self) -> list[tuple[str, frozenset[str]]]:
        """The words that are neither generic nor weak, each with its group."""
        return [
            (w, g)
            for w, g, gen, weak in zip(
                self.words, self.groups, self.generic, self.weak, strict=True
            )
            if not gen and not weak
        ]

    def only(self, allowed: frozenset[str]) -> bool:
        """Whether every word that is not generic is one of ``allowed``."""
        return all(gen or w in allowed for w, gen in zip(self.words, self.generic, strict=True))

    def without(self, drop: frozenset[str]) -> QueryTerms:
        """The same question without the content words in ``drop``."""
        keep = [i for i, w in enumerate(self.words) if w not in drop]
        return QueryTerms(
            self.text,
            self.date,
            tuple(self.groups[i] for i in keep),
            tuple(self.words[i] for i in keep),
            tuple(self.generic[i] for i in keep),
            tuple(self.weak[i] for i in keep),
            tuple(self.names[i] for i in keep),
        )


#: A Kazakh verb root asked for alongside the stem is at least this long (орна, ұсын, көтер).
KK_VERB_ROOT_MIN = 4


#: Vowels of front harmony, and the back forms of г and к (see Analyzer._alternatives_of).
_FRONT_VOWELS = frozenset("әеіөүиэ")
_BACK_CONSONANTS = str.maketrans({"г": "ғ", "к": "қ"})


#: A Kazakh stem's last consonant voiced before a vowel ending: «жылдығы» of «жылдық», «кітабы»
#: of «кітап» (loose forms: ғ and қ are г and к).
_VOICED = {"г": "к", "б": "п"}


def _unvoiced(stem: str) -> tuple[str, ...]:
    """The stem with its last consonant unvoiced, if it ends in one that may be voiced, or in
    one and a possessive vowel the stemmer kept («жылдығы» is a word of the facts too)."""
    base = stem[:-1] if stem[-1:] in ("ы", "и", "і") else stem
    last = _VOICED.get(base[-1:]) if len(base) >= MIN_LATIN_KK_STEM else None
    return (base[:-1] + last,) if last else ()


class Analyzer:
    """Turns fact text into terms and questions into term groups."""

    #: Question words whose alternatives are remembered (a dictionary cleared when full).
    ALTERNATIVES_CACHE = 8192

    def __init__(self, kk_stemmer: KazakhStemmer) -> None:
        self.kk = kk_stemmer
        self._alternatives: dict[str, frozenset[str]] = {}

    def doc_terms(self, text: str, lang: Lang) -> list[str]:
        """One term per word of a fact's text written in ``lang``."""
        out = []
        for w in words(normalise(text)):
            if w.isdigit():
                out.append(w)
            elif is_latin(w):
                out.append(stem_en(w))
            elif lang == "ru":
                out.append(stem_ru(w))
            else:
                out.append(self.kk.stem(w))
        return out

    def alternatives(self, w: str) -> frozenset[str]:
        """Every term a question word may stand for."""
        got = self._alternatives.get(w)
        if got is None:
            got = self._alternatives_of(w)
            if len(self._alternatives) >= self.ALTERNATIVES_CACHE:
                self._alternatives.clear()
            self._alternatives[w] = got
        return got

    def _alternatives_of(self, w: str) -> frozenset[str]:
        if w.isdigit():
            return frozenset((w,))
        if is_latin(w):
            cyr = latin_to_cyrillic(w)
            kk = self.kk.stem(cyr)
            # A short Kazakh stem of a Latin word matches Russian stems by accident ("putin"
            # read as «путин», stemmed to «пут», the stem of «путь»): keep only longer ones.
            if len(kk) < MIN_LATIN_KK_STEM < len(cyr):
                kk = loose(cyr)
            # Informal Latin writes я as "ia" as well as "ya" ("Siamen", «Сямэн»).
            ya = loose(latin_to_cyrillic(w.replace("ia", "ya"))) if "ia" in w else None
            # Latin "g" and "k" are г/к and ғ/қ alike; in a word of back vowels only (vowel
            # harmony) they are ғ and қ, which the stemmer needs ("jyldygy": «жылдығы», the
            # possessive of «жылдық»).
            back = cyr.translate(_BACK_CONSONANTS) if _FRONT_VOWELS.isdisjoint(cyr) else cyr
            hard = self.kk.stem(back) if back != cyr else None
            if hard is not None and len(hard) < MIN_LATIN_KK_STEM:
                hard = None
            extra = tuple(x for x in (ya, hard) if x) + _unvoiced(hard or kk)
            return frozenset((stem_en(w), kk, loose(cyr), *extra))
        kk = self.kk.stem(w)
        # A Kazakh verb asked in another form than the facts give it (орнағанын / орнады /
        # орнату): its root too, when the stem has a verb ending and the root stays long.
        root = strip_one(kk, KK_VERB)
        if len(root) < KK_VERB_ROOT_MIN:
            root = kk
        # The facts' stem may keep a possessive the question lacks: «деңгейіне» is stemmed
        # to «деңгейі» when the facts hold that word, «деңгейге» to «деңгей».
        owned = {kk + p for p in KK_POSSESSIVE if kk + p in self.kk.known}
        return frozenset((kk, root, stem_ru(w), loose(w), *owned, *_unvoiced(kk)))

    def terms(
        self,
        norm: str,
        date: DateQuery | None,
        content: list[str],
        names: frozenset[str],
        lexicon: Lexicon,
    ) -> QueryTerms:
        """The term groups of a question's content words (already free of stop words)."""
        groups: list[frozenset[str]] = []
        kept: list[str] = []
        generic: list[bool] = []
        weak: list[bool] = []
        for w in dict.fromkeys(content):
            groups.append(self.alternatives(w))
            kept.append(w)
            is_weak = lexicon.has("weak", w)
            generic.append(lexicon.has("generic", w) and not is_weak)
            weak.append(is_weak)
        return QueryTerms(
            norm,
            date,
            tuple(groups),
            tuple(kept),
            tuple(generic),
            tuple(weak),
            tuple(w in names for w in kept),
        )


_NAME_RE = re.compile(r"(?<=[\w,;:)»\"'] )([A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][a-zа-яёәғқңөұүһі]{2,})")


def names_in(text: str) -> frozenset[str]:
    """Words written as names: a capital letter after another word (not sentence-initial)."""
    return frozenset(m.casefold() for m in _NAME_RE.findall(text))


def kazakh_words(texts: Iterable[str]) -> list[str]:
    return [w for t in texts for w in words(normalise(t)) if not is_latin(w) and not w.isdigit()]
