"""Offline language detection of short questions: Kazakh, Russian or English.

The Kazakh-only letters decide at once. Without them, Kazakh function words (and typical Kazakh
endings) settle Kazakh typed on a Russian keyboard or in Latin letters. Otherwise the script
decides: Cyrillic is Russian, Latin is English.
"""

from __future__ import annotations

import re

from .models import Lang
from .text import latin_to_cyrillic, loose, normalise, words

_KK_LETTERS = re.compile("[әғқңөұүһі]")
# Kazakh Latin q is followed by a, y, o... ; pinyin q by i or u (Urumqi, Qing, Chongqing).
_KK_LATIN_LETTERS = re.compile("[äğñŋöūüşıáǵńóúý]|q(?![iu])")

#: Kazakh function and question words, in their loose (Russian-keyboard) form.
KK_HINTS = frozenset(
    loose(w)
    for w in (
        "қашан не кім қай қайда қандай қалай неше нешінші жылы жылдары жылдың туралы болды "
        "болған болады мен және де пен бен арасында арасындағы бойынша кезде кейін дейін "
        "қытай қазақстан қытайдың қазақстанның мәдени мәдениет күндері елі елдің ма ме ба "
        "бе па пе ше ғой берші айтшы деген қандай оқиға оқиғалар өтті ашылды жасады қол қойды "
        "қойылды сапары кітап кітабы шықты құрылды туралы жылғы айында қаласында арқылы қанша "
        "үшін керек бағасы рахмет рақмет рахмат сәлем салем тағы толығырақ ал ше айтып берші "
        "білесің білесіз қанша жылдан жылға жылдары жайлы жайында жөнінде туралы айтшы бер "
        "деген дегеніміз кімдер қалай болды екен сау бол жарайды көріскенше атың атыңыз"
    ).split()
)
RU_HINTS = frozenset(
    (
        "что кто когда где в во на и или о об про по за из у с со к от до для был была были "
        "было году года годах годы лет какой какая какие каком какого как это ли же такое "
        "произошло случилось расскажи скажи чем сколько китай китая китаем казахстан "
        "казахстана отношения культуры дни"
    ).split()
)
EN_HINTS = frozenset(
    (
        "the a an of in on at to for and or is was were what when who which where why how did "
        "does do happen happened about tell me china chinese kazakhstan relations culture days "
        "with by from year january february march april may june july august september "
        "october november december"
    ).split()
)
_KK_ENDINGS = tuple(
    loose(e)
    for e in "дағы дегі тағы тегі ның нің дың дің тың тің ған ген қан кен ды ді ты ті сы".split()
)
#: Endings only Russian words have (nouns in -ость/-ение, adjectives, verbs in -ться).
_RU_ENDINGS = tuple(
    (
        "ость ости ение ения ений ание ания ной ный ная ное ого ому ых ими ться тся ются ать ить "
        "ешь ует уют ция ции"
    ).split()
)
_RU_LETTER = re.compile("[а-я]")


def detect(text: str, default: Lang | None = None) -> Lang | None:
    """The question's language, or ``default`` when nothing in it tells.

    ``text`` may be raw; it is normalised here.
    """
    return detect_normalised(normalise(text), default)


#: The bot's own name, which is Kazakh in Latin letters whatever language the question is in.
_OWN_NAME = re.compile(r"\b(?:dostyq|dostyk|достық|достык)\b")


def detect_normalised(norm: str, default: Lang | None = None) -> Lang | None:
    """:func:`detect` for text already normalised (see :func:`knowledge.text.normalise`)."""
    norm = _OWN_NAME.sub(" ", norm)
    if _KK_LETTERS.search(norm) or _KK_LATIN_LETTERS.search(norm):
        return "kk"
    toks = [w for w in words(norm) if not w.isdigit()]
    if not toks:
        return default
    cyr = [w for w in toks if _RU_LETTER.search(w)]
    lat = [w for w in toks if not _RU_LETTER.search(w)]
    if len(cyr) >= len(lat):
        loose_cyr = [loose(w) for w in cyr]
        kk = sum(lw in KK_HINTS for lw in loose_cyr) + 0.5 * sum(
            lw.endswith(_KK_ENDINGS) for lw in loose_cyr if lw not in RU_HINTS
        )
        ru = sum(w in RU_HINTS for w in cyr) + 0.5 * sum(
            w.endswith(_RU_ENDINGS) for w in cyr if w not in RU_HINTS
        )
        return "kk" if kk > ru else "ru"
    kk = sum(loose(latin_to_cyrillic(w)) in KK_HINTS for w in lat)
    en = sum(w in EN_HINTS for w in lat)
    if kk == en == 0:
        # Names and words of neither list ("nazarbaev kitaptary", "g20"): nothing tells, and
        # the chat's language (or the user's) is a better guess than English.
        return default
    return "kk" if kk > en else "en"
