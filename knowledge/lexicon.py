"""The word lists of question understanding, one data file per language (``knowledge/words``).

Each list is compared on the same normalised, stemmed form as the index: a question word is in a
list when its loose form is, or when its stem in the list's language is the stem of a word of the
list (so "расскажите" is framing because "расскажи" is, and "Қытайға" is generic because
"қытай" is). Entries with spaces are phrases, matched word by word on loose forms.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from rapidfuzz.distance import Levenshtein

from .models import LANGS, Lang
from .stem import stem_en, stem_ru
from .text import is_latin, latin_to_cyrillic, loose, normalise, words

WORDS_DIR = Path(__file__).resolve().parent / "words"

#: Every list a language file must have.
LISTS: tuple[str, ...] = (
    "stop",
    "framing",
    "greeting",
    "thanks",
    "bye",
    "help",
    "more",
    "followup",
    "list",
    "count",
    "first",
    "last",
    "target_places",
    "target_people",
    "target_works",
    "host_cn",
    "host_kz",
    "guest_cn",
    "guest_kz",
    "generic",
    "weak",
    "relative",
    "anaphor",
    "which_one",
    "question",
    "other_country",
    "happened",
    "then",
    "after_that",
    "before_that",
    "or",
    "sooner",
    "later",
    "measure",
    "languages",
    "ask_when",
    "ask_where",
    "ask_amount",
    "ask_names",
    "task",
    "founding",
    "founded",
    "now",
    "winning",
    "ask_person",
    "won",
    "ask_length",
    "length",
    "ask_translator",
    "translator",
    *(
        f"kind_{k.replace('-', '_')}"
        for k in (
            "culture-days",
            "visit",
            "agreement",
            "declaration",
            "publication",
            "exhibition",
            "festival",
            "performance",
            "tour",
            "contest",
            "conference",
            "media",
            "education",
            "film",
            "programme-direction",
        )
    ),
)
#: The event kinds (``Fact.event``) a question can name, by their list's key.
KIND_LISTS: dict[str, str] = {
    key: key.removeprefix("kind_").replace("_", "-") for key in LISTS if key.startswith("kind_")
}
#: Question words whose lists and forms are remembered (emptied when full): every message
#: may bring new words, and a bot runs for months (a never-seen word costs about 1 KiB).
WORD_CACHE = 16384
#: A stem must be this long to match by stem (shorter ones match only by their loose form).
MIN_STEM = 3
#: A word this long or longer, one edit from a stop or framing word, may be a typo of it
#: («бершш» for «берші», "plese"): shorter ones are too often other words.
FILLER_TYPO_MIN_LEN = 5
#: The lists whose words typos are looked for in: words that name nothing, and chat words.
TYPO_LISTS = ("stop", "framing", "generic", "thanks", "greeting")


#: Lists matched on word forms, never by stem ("аудар" asks to translate; "аударды", who
#: translated, is a question).
_FORM_ONLY = ("host_", "guest_", "task", "ask_translator", "translator")


class LexiconError(ValueError):
    """A word-list file is missing a list, or a list holds something that is not a word."""


@dataclass(frozen=True)
class WordList:
    """One list over all three languages: loose words, stems, and phrases."""

    loose: frozenset[str]  # every entry's loose form, Latin entries as written
    kk_read: frozenset[str]  # Kazakh entries, Latin ones read as Cyrillic (loose)
    stems: frozenset[str]
    phrases: tuple[tuple[str, ...], ...]


def load_raw(directory: Path = WORDS_DIR) -> dict[Lang, dict[str, list[str]]]:
    """The word lists as written, per language; raises LexiconError on a malformed file."""
    out: dict[Lang, dict[str, list[str]]] = {}
    for lang in LANGS:
        path = directory / f"{lang}.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        missing = [k for k in LISTS if k not in data]
        if missing:
            raise LexiconError(f"{path}: missing list {missing[0]!r}")
        unknown = [k for k in data if k not in LISTS]
        if unknown:
            raise LexiconError(f"{path}: unknown list {unknown[0]!r}")
        lists: dict[str, list[str]] = {}
        for key, entries in data.items():
            if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
                raise LexiconError(f"{path}: list {key!r} must be a list of strings")
            lists[key] = entries
        out[lang] = lists
    return out


def _stem_in(lang: Lang, kk_stem: Callable[[str], str]) -> Callable[[str], str]:
    if lang == "ru":
        return stem_ru
    if lang == "en":
        return stem_en
    return lambda w: kk_stem(latin_to_cyrillic(w)) if is_latin(w) else kk_stem(w)


class Lexicon:
    """The compiled lists; ``kk_stem`` is the Kazakh stemmer of the index's analyzer."""

    def __init__(self, kk_stem: Callable[[str], str], directory: Path = WORDS_DIR) -> None:
        self._kk_stem = kk_stem
        raw = load_raw(directory)
        self.lists: dict[str, WordList] = {}
        for key in LISTS:
            loose_words: set[str] = set()
            kk_read: set[str] = set()
            stems: set[str] = set()
            phrases: list[tuple[str, ...]] = []
            for lang in LANGS:
                stem = _stem_in(lang, kk_stem)
                for entry in raw[lang][key]:
                    ws = words(normalise(entry))
                    if len(ws) > 1:
                        phrases.append(tuple(loose(w) for w in ws))
                        if lang == "kk" and any(is_latin(w) for w in ws):
                            phrases.append(tuple(self._kk_loose(w) for w in ws))
                    for w in ws if len(ws) == 1 else ():
                        loose_words.add(loose(w))
                        if lang == "kk":
                            kk_read.add(self._kk_loose(w))
                        s = stem(w)
                        # A three-letter stem of a longer word is too loose to match by
                        # ("визит" stems to "виз", which "визу", a visa, shares).
                        short = len(s) < MIN_STEM + 1 and s != w
                        if len(s) >= MIN_STEM and not short and not w.isdigit():
                            # Stems compare within one language: a Russian stem never matches
                            # a Kazakh one ("меню" and "мен").
                            stems.add(f"{lang}:{loose(s)}")
            # Longest phrases first, so "tell me more" wins over "more".
            phrases.sort(key=lambda p: -len(p))
            self.lists[key] = WordList(
                frozenset(loose_words), frozenset(kk_read), frozenset(stems), tuple(phrases)
            )
        # The lists each word form, reading and stem is in: one look-up per question word.
        self._by_form: dict[str, set[str]] = {}
        self._by_read: dict[str, set[str]] = {}
        self._by_stem: dict[str, set[str]] = {}
        for key, wl in self.lists.items():
            for f in wl.loose:
                self._by_form.setdefault(f, set()).add(key)
            for f in wl.kk_read:
                self._by_read.setdefault(f, set()).add(key)
            if not key.startswith(_FORM_ONLY):
                for f in wl.stems:
                    self._by_stem.setdefault(f, set()).add(key)
        # The single words of the lists typos are looked for in, by (length, first letter).
        self._typo_pools: dict[str, dict[tuple[int, str], list[str]]] = {}
        for key in TYPO_LISTS:
            pool = self._typo_pools.setdefault(key, {})
            for f in self.lists[key].loose | self.lists[key].kk_read:
                if len(f) >= FILLER_TYPO_MIN_LEN - 1:
                    pool.setdefault((len(f), f[0]), []).append(f)
        self._cache: dict[str, frozenset[str]] = {}
        # The distinct answers of lists_of: a few hundred sets shared by every word cached, so
        # the cache holds few objects for the garbage collector to walk.
        self._sets: dict[frozenset[str], frozenset[str]] = {}
        self._forms: dict[str, tuple[str, str]] = {}
        # First word -> (list, phrase) for every list's phrases.
        self._phrase_starts: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for key, wl in self.lists.items():
            for phrase in wl.phrases:
                self._phrase_starts.setdefault(phrase[0], []).append((key, phrase))

    @staticmethod
    def _kk_loose(w: str) -> str:
        return loose(latin_to_cyrillic(w)) if is_latin(w) else loose(w)

    def stems_of(self, w: str) -> frozenset[str]:
        return _stems(w, self._kk_stem)

    def lists_of(self, w: str) -> frozenset[str]:
        """Every list the question word ``w`` (normalised) is in.

        Direction lists (``host_*``, ``guest_*``) match word forms only: there the case ending
        is the point ("Алматыда" is where, "Алматы" is not).
        """
        got = self._cache.get(w)
        if got is not None:
            return got
        keys = set(self._by_form.get(loose(w), ()))
        if is_latin(w):
            keys |= self._by_read.get(self._kk_loose(w), set())
        for s in self.stems_of(w):
            keys |= self._by_stem.get(s, set())
        got = frozenset(keys)
        got = self._sets.setdefault(got, got)
        if len(self._cache) >= WORD_CACHE:
            self._cache.clear()
        self._cache[w] = got
        return got

    def _forms_of(self, w: str) -> tuple[str, str]:
        """A question word's loose form and its Kazakh reading (Latin read as Cyrillic)."""
        got = self._forms.get(w)
        if got is None:
            got = (loose(w), self._kk_loose(w))
            if len(self._forms) >= WORD_CACHE:
                self._forms.clear()
            self._forms[w] = got
        return got

    def filler_typo(self, w: str) -> bool:
        """Whether ``w`` (normalised) is one edit from a stop, framing or generic word of about
        its length: a typo of one («айтып бершш», "plese", "chna"). Ask only about words the
        fact base does not know: "visits" is one edit from "visit" and is no typo."""
        return self.typo_of(w, ("stop", "framing", "generic"))

    def typo_of(self, w: str, keys: Sequence[str]) -> bool:
        """Whether ``w`` (normalised) is one edit from a word of the lists ``keys`` (of
        :data:`TYPO_LISTS`) of about its length («спсибо» of thanks). A word one letter shorter
        than the minimum counts when it drops a letter of a longer one."""
        f = loose(w)
        if len(f) < FILLER_TYPO_MIN_LEN - 1 or f.isdigit():
            return False
        sizes = (len(f) + 1,) if len(f) < FILLER_TYPO_MIN_LEN else (len(f) - 1, len(f), len(f) + 1)
        for key in keys:
            pool = self._typo_pools[key]
            for n in sizes:
                for other in pool.get((n, f[0]), ()):
                    if Levenshtein.distance(f, other, score_cutoff=1) <= 1:
                        return True
        return False

    def has(self, key: str, w: str) -> bool:
        """Whether the question word ``w`` (normalised) is in list ``key``."""
        return key in self.lists_of(w)

    def phrases_in(self, ws: Sequence[str]) -> dict[str, list[tuple[int, int]]]:
        """Every list's phrases in the words ``ws``: list -> spans (start, end), longest first
        and never overlapping within a list. One pass, one dictionary look-up per word."""
        forms = [self._forms_of(w) for w in ws]
        keys = [f[0] for f in forms]
        read = [f[1] for f in forms]
        found: dict[str, list[tuple[int, int]]] = {}
        for i in range(len(ws)):
            for key, phrase in self._phrase_starts.get(keys[i], ()) or self._phrase_starts.get(
                read[i], ()
            ):
                n = len(phrase)
                if tuple(keys[i : i + n]) == phrase or tuple(read[i : i + n]) == phrase:
                    found.setdefault(key, []).append((i, i + n))
        out: dict[str, list[tuple[int, int]]] = {}
        for key, spans in found.items():
            spans.sort(key=lambda span: span[0] - span[1])  # longest first
            kept: list[tuple[int, int]] = []
            taken: set[int] = set()
            for a, b in spans:
                if taken.isdisjoint(range(a, b)):
                    kept.append((a, b))
                    taken.update(range(a, b))
            out[key] = kept
        return out


def _stems(w: str, kk_stem: Callable[[str], str]) -> frozenset[str]:
    """The question word's stem in each language it may be in, tagged with the language."""
    if w.isdigit():
        return frozenset()
    if is_latin(w):
        forms = {("en", stem_en(w)), ("kk", kk_stem(latin_to_cyrillic(w)))}
    else:
        forms = {("kk", kk_stem(w)), ("ru", stem_ru(w))}
    return frozenset(f"{lang}:{loose(f)}" for lang, f in forms if len(f) >= MIN_STEM)
