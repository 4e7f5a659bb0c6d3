"""Text normalisation for Kazakh, Russian and English questions and facts.

Everything that compares text goes through :func:`normalise` first: NFC, case folding, quote and
dash variants, and Latin look-alike letters folded inside Cyrillic words. :func:`loose` then folds
Kazakh-only letters to what a Russian keyboard types, and :func:`latin_to_cyrillic` reads Kazakh
typed in the 2021 Latin alphabet or in informal Latin.
"""

from __future__ import annotations

import re
import unicodedata

_CYR = "\u0400-\u04ff"
_WORD_RE = re.compile(rf"[0-9]+|[a-z{_CYR}\u00e0-\u024f\u014b]+")
_HAS_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_HAS_CYR = re.compile(rf"[{_CYR}]")

#: Latin letters that look like Cyrillic ones, case by case (folded before case folding).
_LOOKALIKE = str.maketrans(
    {
        "a": "а",
        "c": "с",
        "e": "е",
        "o": "о",
        "p": "р",
        "x": "х",
        "y": "у",
        "i": "і",
        "k": "к",
        "h": "һ",
        "ı": "і",
        "A": "А",
        "B": "В",
        "C": "С",
        "E": "Е",
        "H": "Н",
        "I": "І",
        "K": "К",
        "M": "М",
        "O": "О",
        "P": "Р",
        "T": "Т",
        "X": "Х",
        "Y": "У",
    }
)
_MIXED_WORD_RE = re.compile(rf"[0-9A-Za-z{_CYR}\u00c0-\u024f]+")
#: A Cyrillic letter and a Latin one in the same word (of _MIXED_WORD_RE), in either order.
_MIXES_RE = re.compile(
    rf"[{_CYR}][0-9A-Za-z{_CYR}\u00c0-\u024f]*[A-Za-z\u00c0-\u024f]"
    rf"|[A-Za-z\u00c0-\u024f][0-9A-Za-z{_CYR}\u00c0-\u024f]*[{_CYR}]"
)

_PUNCT = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u0451": "е",  # ё -> е
    }
)
#: Any character that _PUNCT changes (str.translate looks every character up; a search is
#: many times faster, and most texts have none).
_PUNCT_RE = re.compile("[" + re.escape("".join(map(chr, _PUNCT))) + "]")

#: Kazakh letters as typed on a Russian keyboard; also ё -> е.
_LOOSE = str.maketrans(
    {
        "ә": "а",
        "ғ": "г",
        "қ": "к",
        "ң": "н",
        "ө": "о",
        "ұ": "у",
        "ү": "у",
        "һ": "х",
        "і": "и",
        "ё": "е",
        "э": "е",
        "ъ": "",
        "ь": "",
    }
)
_LOOSE_RE = re.compile("[" + re.escape("".join(map(chr, _LOOSE))) + "]")

_LATIN_DIGRAPHS = (
    ("shch", "щ"),
    ("sh", "ш"),
    ("zh", "ж"),
    ("ch", "ч"),
    ("kh", "х"),
    ("gh", "ғ"),  # informal Latin: "taghy", "Ghasyr toghysynda"
    ("ng", "ң"),
    ("ya", "я"),
    ("yu", "ю"),
    ("ts", "ц"),
)
_DATIVE_AFTER_N = re.compile(r"n(g[ae])$")
_LATIN_SINGLE = str.maketrans(
    {
        "a": "а",
        "ä": "ә",
        "á": "ә",
        "b": "б",
        "c": "ц",
        "d": "д",
        "e": "е",
        "f": "ф",
        "g": "г",
        "ğ": "ғ",
        "ǵ": "ғ",
        "h": "һ",
        "i": "и",
        "ı": "і",
        "j": "ж",
        "k": "к",
        "l": "л",
        "m": "м",
        "n": "н",
        "ñ": "ң",
        "ŋ": "ң",
        "ń": "ң",
        "o": "о",
        "ö": "ө",
        "ó": "ө",
        "p": "п",
        "q": "қ",
        "r": "р",
        "s": "с",
        "ş": "ш",
        "t": "т",
        "u": "у",
        "ū": "ұ",
        "ü": "ү",
        "ú": "ү",  # the 2018 alphabet: kúni «күні» (Ұ is "u")
        "v": "в",
        "w": "у",
        "x": "х",
        "y": "ы",
        "ý": "у",  # the 2018 alphabet: shaqyrý «шақыру», Ýsh «Уш»
        "z": "з",
    }
)


_I_AFTER_VOWEL = re.compile("(?<=[aeouyäöüūıаеоуыәөүұі])[iı]")
#: Informal Latin writes Й as "y" too, after a vowel and before a consonant or the end:
#: "qoydy" is «қойды», "bay" «бай»; "Qytai", "jyly" keep their Ы, and so does "uy"
#: ("shaqyruy" is «шақыруы»: a possessive after У is far more common than «уй»).
_Y_AFTER_VOWEL = re.compile("(?<=[aeoäöüū])y(?![aeiouyäöüūı])")


def fold_lookalikes(word: str) -> str:
    """Fold Latin look-alikes to Cyrillic, but only in a word that mixes both scripts."""
    if _HAS_CYR.search(word) and _HAS_LATIN.search(word):
        return word.translate(_LOOKALIKE)
    return word


def normalise(text: str) -> str:
    """NFC, look-alike letters, case folding, quote/dash variants; whitespace collapsed."""
    text = unicodedata.normalize("NFC", text).replace("İ", "i")
    if _HAS_CYR.search(text) and _HAS_LATIN.search(text) and _MIXES_RE.search(text):
        # Only a text with a word that mixes both scripts has anything to fold.
        text = _MIXED_WORD_RE.sub(lambda m: fold_lookalikes(m.group(0)), text)
    text = text.casefold().replace("\u0307", "")
    if _PUNCT_RE.search(text):
        text = text.translate(_PUNCT)
    if not text.isprintable():  # every character below is unprintable
        text = re.sub(r"[\x00-\x1f\x7f\u200b-\u200f\u2028-\u202e\ufeff]", " ", text)
    return " ".join(text.split())


def words(text: str) -> list[str]:
    """The words of already-normalised text (letters and digits)."""
    return _WORD_RE.findall(text)


def loose(word: str) -> str:
    """Kazakh as typed on a Russian keyboard: қ->к, ә->а, і->и and so on."""
    return word.translate(_LOOSE) if _LOOSE_RE.search(word) else word


def is_latin(word: str) -> bool:
    return bool(_HAS_LATIN.search(word)) and not _HAS_CYR.search(word)


def is_cyrillic(word: str) -> bool:
    return bool(_HAS_CYR.search(word))


def latin_to_cyrillic(word: str) -> str:
    """Read a Latin word as Kazakh (2021 alphabet or informal Latin) and write it in Cyrillic."""
    # A final "nga"/"nge" is the dative after н (Qazaqstanga: Қазақстанға), not ң.
    word = _DATIVE_AFTER_N.sub(r"н\1", word)
    for lat, cyr in _LATIN_DIGRAPHS:
        word = word.replace(lat, cyr)
    # In the 2021 alphabet "i" is both И and Й: after a vowel it is Й (Qytai, Abai, bailanys);
    # so is the 2018 alphabet's "ı" (Abaı, baılanys).
    word = _I_AFTER_VOWEL.sub("й", word)
    word = _Y_AFTER_VOWEL.sub("й", word)
    return word.translate(_LATIN_SINGLE)


def mixed_script_words(text: str) -> list[str]:
    """Words that mix Latin and Cyrillic letters (for the fact base's hygiene check)."""
    raw = unicodedata.normalize("NFC", text)
    return [
        w
        for w in re.findall(rf"[A-Za-z{_CYR}\u00c0-\u024f]+", raw)
        if _HAS_CYR.search(w) and re.search(r"[A-Za-z\u00c0-\u024f]", w)
    ]
