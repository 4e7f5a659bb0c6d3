"""The word lists of question understanding, one data file per language (``knowledge/words``).

Each list is compared on the same normalised, stemmed form as the index: a question word is in a
list when its loose form is, or when its stem in the list's language is the stem of a word of the
list (so "расскажите" is framing because "расскажи" is, and "Қытайға" is generic because
"қытай" is). Entries with spaces are phrases, matched word by word on loose forms.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

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
        )
    ),
)
#: The event kinds (``Fact.event``) a question can name, by their list's key.
KIND_LISTS: dict[str, str] = {
    key: key.removeprefix("kind_").replace("_", "-") for key in LISTS if key.startswith("kind_")
}
#: A stem must be this long to match by stem (shorter ones match only by their loose form).
MIN_STEM = 3


#: Lists matched on word forms, never by stem.
_FORM_ONLY = ("host_", "guest_")


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
                        if len(s) >= MIN_STEM and not w.isdigit():
                            stems.add(loose(s))
            # Longest phrases first, so "tell me more" wins over "more".
            phrases.sort(key=lambda p: -len(p))
            self.lists[key] = WordList(
                frozenset(loose_words), frozenset(kk_read), frozenset(stems), tuple(phrases)
            )

    @staticmethod
    def _kk_loose(w: str) -> str:
        return loose(latin_to_cyrillic(w)) if is_latin(w) else loose(w)

    def stems_of(self, w: str) -> frozenset[str]:
        return _stems(w, self._kk_stem)

    def has(self, key: str, w: str) -> bool:
        """Whether the question word ``w`` (normalised) is in list ``key``.

        Direction lists (``host_*``, ``guest_*``) match word forms only: there the case ending
        is the point ("Алматыда" is where, "Алматы" is not).
        """
        wl = self.lists[key]
        if loose(w) in wl.loose or (is_latin(w) and self._kk_loose(w) in wl.kk_read):
            return True
        if key.startswith(_FORM_ONLY):
            return False
        return not wl.stems.isdisjoint(self.stems_of(w))

    def phrase_spans(self, key: str, ws: Sequence[str]) -> list[tuple[int, int]]:
        """Where the phrases of list ``key`` stand in the words ``ws`` (start, end)."""
        keys = [loose(w) for w in ws]
        read = [self._kk_loose(w) for w in ws]
        spans: list[tuple[int, int]] = []
        taken: set[int] = set()
        for phrase in self.lists[key].phrases:
            n = len(phrase)
            for i in range(len(keys) - n + 1):
                here = tuple(keys[i : i + n]) == phrase or tuple(read[i : i + n]) == phrase
                if here and not taken & set(range(i, i + n)):
                    spans.append((i, i + n))
                    taken |= set(range(i, i + n))
        return spans


def _stems(w: str, kk_stem: Callable[[str], str]) -> frozenset[str]:
    return _stems_cached(w, kk_stem)


@lru_cache(maxsize=65536)
def _stems_cached(w: str, kk_stem: Callable[[str], str]) -> frozenset[str]:
    if w.isdigit():
        return frozenset()
    latin = is_latin(w)
    forms = {stem_en(w), kk_stem(latin_to_cyrillic(w))} if latin else {kk_stem(w), stem_ru(w)}
    return frozenset(loose(f) for f in forms if len(f) >= MIN_STEM)
