"""From text to index terms, for facts (one term per word) and for questions (alternatives).

A fact's text is analysed in the language it is written in. A question's language is only a
guess, so each of its words becomes a *group* of alternative terms (Kazakh stem, Russian stem,
English stem, Latin read as Kazakh) and matches if any of them does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from .dates import DateQuery, parse_dates
from .models import Lang
from .stem import KazakhStemmer, stem_en, stem_ru
from .text import is_latin, latin_to_cyrillic, loose, normalise, words

_STOP_EN = (
    "a an the of in on at to for and or is was were are be been being do did does done what "
    "whats when who whom which where why how there their about tell me please you your can could "
    "would i we our us any some list show give info information from that this these those it its "
    "as also than then so if year years yr event events happen happened happens occur occurred "
    "take took taken place places s th st nd rd whose was were has have had get got know anything "
    "something much many more most his her him he she they them say said tell told main key "
    "become became becomes make made makes get gets got doing going"
    "important notable major significant"
)
_STOP_RU = (
    "в во на и или а но что кто когда где какой какая какое какие каком какого какой каких как "
    "чем о об про по за из у с со к ко от до для был была были было быть есть ли же это этот эта "
    "эти тот та то году год года годах годы лет событие события событиях произошло происходило "
    "случилось расскажи скажи мне пожалуйста я мы вы ты там тут такое такой чей почему зачем "
    "сколько еще все всё м г гг е х ых ые го ли бы при над под годов годами году какое каким "
    "какими почему зачем главные главный основные основной важные важный значимые стал стала "
    "стало стали"
)
_STOP_KK = (
    "мен және да де та те не қашан кім қай қайда қандай қалай неше нешінші жылы жыл жылғы "
    "жылдары жылдың жылдан туралы болды болған болады бола ма ме ба бе па пе ше ғой еді бар жоқ "
    "осы сол бұл ол айтшы айтып бер беріңіз маған бізге оқиға оқиғалар оқиғасы не болды ші шы "
    "ыншы інші ж ғы гі қы кі кезде жайлы жөнінде деген дегеніміз бойынша қандай қайсы неге "
    "неліктен жылдар аралығында аралығы аралық негізгі маңызды басты жерде уақытта ала бола "
    "болама"
)
_STOP_KK_LATIN = "jyly jyldary zhyly zhyldary boldy ne kashan qashan kim qai kai turaly men jane"

#: Words that say nothing about *which* fact: a question made only of these and a date is a
#: question about the date ("What cultural events were there between Kazakhstan and China in
#: 2006?").
_GENERIC = (
    "kazakhstan kazakh kazakhstani china chinese prc rk relations relationship relation cultural "
    "culture cooperation countries country two between both bilateral ties exchange exchanges "
    "казахстан казахстана казахстаном казахстанский китай китая китаем китайский кнр рк "
    "отношения отношений отношениях культурные культурный культура культуры сотрудничество "
    "страны стран двух между связи обмен "
    "қазақстан қазақ қытай қхр қр қарым қатынас қатынастар мәдени мәдениет ынтымақтастық екі "
    "ел елдер арасында арасындағы байланыс байланыстар алмасу "
    "qazaqstan kazakstan qytai kytai madeni madeniet"
)


#: Weak words: they count little and never alone make a match, but unlike generic words they
#: keep a question topical ("Chinese New Year in 2025" is not a question about 2025).
_WEAK = "new old новый новая новое новом нового новые старый жаңа ескі"


def _raw_set(text: str) -> frozenset[str]:
    return frozenset(loose(w) for w in text.split())


STOP_KK = _raw_set(_STOP_KK) | frozenset(
    loose(latin_to_cyrillic(w)) for w in _STOP_KK_LATIN.split()
)
STOP_RAW = _raw_set(_STOP_EN + " " + _STOP_RU) | STOP_KK
_STOP_LATIN = frozenset(_STOP_EN.split()) | frozenset(_STOP_KK_LATIN.split())
GENERIC_RAW = _raw_set(_GENERIC)
WEAK_RAW = _raw_set(_WEAK)


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


class Analyzer:
    """Turns fact text into terms and questions into term groups."""

    def __init__(self, kk_stemmer: KazakhStemmer) -> None:
        self.kk = kk_stemmer

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
        if w.isdigit():
            return frozenset((w,))
        if is_latin(w):
            cyr = latin_to_cyrillic(w)
            return frozenset((stem_en(w), self.kk.stem(cyr), loose(cyr)))
        return frozenset((self.kk.stem(w), stem_ru(w), loose(w)))

    def is_stop(self, w: str) -> bool:
        if len(w) == 1 and not w.isdigit():
            return True
        if is_latin(w):
            # English, or Kazakh in Latin letters ("qaşan", "jyly").
            return w in _STOP_LATIN or loose(latin_to_cyrillic(w)) in STOP_KK
        return loose(w) in STOP_RAW

    def query(self, text: str) -> QueryTerms:
        norm = normalise(text)
        date, rest = parse_dates(norm)
        names = _names(text)
        groups: list[frozenset[str]] = []
        kept: list[str] = []
        generic: list[bool] = []
        weak: list[bool] = []
        for w in dict.fromkeys(words(rest)):
            if self.is_stop(w):
                continue
            groups.append(self.alternatives(w))
            kept.append(w)
            is_weak = loose(w) in WEAK_RAW
            generic.append(_is_generic(w) and not is_weak)
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


def _names(text: str) -> frozenset[str]:
    """Words written as names: a capital letter after another word (not sentence-initial)."""
    return frozenset(m.casefold() for m in _NAME_RE.findall(text))


@lru_cache(maxsize=65536)
def _is_generic(w: str) -> bool:
    if loose(w) in GENERIC_RAW:
        return True
    # Inflected forms: "китайской", "Қытайдың", "cultural".
    stems = {stem_ru(w), stem_en(w)}
    return any(loose(g).startswith(s) and len(s) >= 4 for g in GENERIC_RAW for s in stems)


def kazakh_words(texts: Iterable[str]) -> list[str]:
    return [w for t in texts for w in words(normalise(t)) if not is_latin(w) and not w.isdigit()]
