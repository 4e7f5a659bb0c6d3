"""Normalisation, stemming and language detection, per language."""

from __future__ import annotations

import pytest

from knowledge.lang import detect
from knowledge.stem import (
    KazakhStemmer,
    american,
    protected_from_vocabulary,
    stem_en,
    stem_ru,
)
from knowledge.text import latin_to_cyrillic, loose, mixed_script_words, normalise, words


def test_lookalikes_fold_inside_cyrillic_words_only() -> None:
    # "Қaзaқcтaн" with Latin a and c, as the article writes it; "ҚP" with a Latin P.
    assert normalise("Қaзaқcтaн Pecпубликacы") == "қазақстан республикасы"
    assert normalise("ҚP мен ҚХР") == "қр мен қхр"
    # Pure Latin words are left alone: they may be English or Latin Kazakh.
    assert normalise("Abai XXI ғacыp") == "abai xxi ғасыр"
    assert mixed_script_words("Қaзaқcтaн") == ["Қaзaқcтaн"]
    assert mixed_script_words(normalise("Қaзaқcтaн")) == []


def test_nfc_casefold_quotes_dashes_controls() -> None:
    assert normalise("«Абай жолы» — 2004–2005") == '"абай жолы" - 2004-2005'
    assert normalise("ЁЛКА\u0000\u200b ЗДЕСЬ") == "елка здесь"
    assert normalise("İstanbul") == "istanbul"
    # NFD input (и + combining breve) composes to й before anything else.
    assert normalise("и\u0306") == "й"


def test_words_split_digits_from_letters() -> None:
    assert words(normalise("Abai's 150th")) == ["abai", "s", "150", "th"]
    assert words("150-жылдық") == ["150", "жылдық"]


def test_loose_is_what_a_russian_keyboard_types() -> None:
    assert loose("қытайдағы әдебиет күндері") == "кытайдагы адебиет кундери"
    assert loose("үрімжі") == "уримжи"


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("qazaqstan", "қазақстан"),
        ("qytai", "қытай"),
        ("bailanys", "байланыс"),
        ("jyldary", "жылдары"),
        ("şanhai", "шанһай"),
        ("urimzhi", "уримжи"),
        ("äbeñ", "әбең"),
        ("mening", "мениң"),  # "ng" is ң ...
        ("qazaqstanga", "қазақстанга"),  # ... but a final "nga" is the dative after н
        ("pekinge", "пекинге"),
        ("qoydy", "қойды"),  # informal "y" after a vowel before a consonant is Й ...
        ("jyly", "жылы"),  # ... and Ы elsewhere
        ("shaqyrýymen", "шақыруымен"),  # the 2018 alphabet: Ý is У, Ú is Ү
        ("shaqyruymen", "шақыруымен"),  # "uy" is «уы», not «уй»
        ("kúni", "күни"),
    ],
)
def test_latin_kazakh_to_cyrillic(latin: str, cyrillic: str) -> None:
    assert latin_to_cyrillic(latin) == cyrillic


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("алматыдағы", "алмат"),
        ("алматының", "алмат"),
        ("алматыда", "алмат"),
        ("шанхайдағы", "шанхай"),
        ("қытайға", "кытай"),
        ("абайдың", "абай"),
        ("келісімге", "келисим"),
        ("жылдары", "жыл"),
        ("күндері", "кун"),
        ("алматыдагы", "алмат"),  # typed without ғ
    ],
)
def test_kazakh_stemmer_blind(word: str, stem: str) -> None:
    assert KazakhStemmer().stem(word) == stem


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("алматыдағы", "алматы"),
        ("алматыдан", "алматы"),
        ("мәдениеті", "мадениет"),
        ("мадениетинин", "мадениет"),
        ("қытайға", "кытай"),
        ("жылдары", "жыл"),
        ("елдің", "ел"),
    ],
)
def test_kazakh_stemmer_prefers_words_of_the_vocabulary(word: str, stem: str) -> None:
    st = KazakhStemmer(known=["алматы", "мәдениет", "қытай", "жыл", "ел"])
    assert st.stem(word) == stem


def test_kazakh_protected_words_keep_their_ending() -> None:
    st = KazakhStemmer()
    assert st.stem("қазақстан") == st.stem("қазақстанның") == "казакстан"
    assert st.stem("астана") == st.stem("астанада")
    # A word that is the stem of another word in the same vocabulary is protected.
    # (the result is in loose form: ь is dropped)
    assert "гансу" in protected_from_vocabulary(["ганьсу", "ганьсудан"])


def test_a_kazakh_plural_is_no_stem_of_its_possessive() -> None:
    # «делегациялар» is делегация + -лар, though «делегациялары» is a word too; so is
    # «сапарлары» (сапар + -лар + -ы) beside «сапарларының». «күндер» (the culture days) stays
    # whole: its stem «күн» is too short to be told from the «күн» of dates.
    vocab = ["делегация", "делегациялар", "делегациялары", "сапар", "сапарлары"]
    vocab += ["сапарларының", "күн", "күндер", "күндері"]
    protected = protected_from_vocabulary(vocab)
    assert "делегациялар" not in protected and "сапарлары" not in protected
    assert "кундер" in protected
    st = KazakhStemmer(protected, known=vocab)
    assert st.stem("делегациялар") == st.stem("делегация") == "делегация"
    assert st.stem("сапарлары") == "сапар"


def test_snowball_russian_and_english() -> None:
    assert stem_ru("культуры") == stem_ru("культура")
    assert stem_ru("ёлка") == stem_ru("елка")
    assert stem_en("relations") == stem_en("relation")


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("2004 жылы не болды?", "kk"),
        ("Қытай көпірі деген не", "kk"),
        ("казакстан мен кытай дипломатиялык катынас кашан орнады", "kk"),
        ("Qazaqstan men Qytai diplomatialyq qatynas qashan ornady", "kk"),
        ("abai zholy kitaby kashan shykty", "kk"),
        ("Что было в 2006 году?", "ru"),
        ("КОГДА УСТАНОВИЛИ ДИПОТНОШЕНИЯ", "ru"),
        ("юбилей Абая в Китае", "ru"),
        ("When did Kazakhstan and China establish diplomatic relations?", "en"),
        ("Abai 150 China", "en"),
        ("18 August 2007?", "en"),  # a month's name tells
    ],
)
def test_detect(question: str, lang: str) -> None:
    assert detect(question) == lang


def test_detect_without_words_uses_default() -> None:
    assert detect("2004?") is None
    assert detect("2004?", default="ru") == "ru"
    assert detect("") is None


def test_latin_text_with_no_word_of_either_language_tells_none() -> None:
    from knowledge.lang import detect

    assert detect("nazarbaev kitaptary") is None
    assert detect("g20", default="ru") == "ru"
    assert detect("when were nazarbaev books published") == "en"
    assert detect("nazarbaev kitaptary qashan") == "kk"


def test_informal_latin_kazakh_gh() -> None:
    assert loose(latin_to_cyrillic("taghy")) == loose("тағы")
    assert loose(latin_to_cyrillic("ghasyr")) == loose("ғасыр")


@pytest.mark.parametrize(
    ("british", "us"),
    [
        ("programme", "program"),
        ("centres", "centers"),
        ("theatre", "theater"),
        ("organisation", "organization"),
        ("neighbours", "neighbors"),
        ("jewellery", "jewelry"),
    ],
)
def test_british_spellings_stem_as_american_ones(british: str, us: str) -> None:
    assert stem_en(british) == stem_en(us)


@pytest.mark.parametrize("word", ["four", "tour", "hour", "more", "here", "there", "are"])
def test_words_that_only_look_british_are_kept(word: str) -> None:
    assert american(word) == word
