"""Years, ranges, decades and months in the three languages."""

from __future__ import annotations

import pytest

from knowledge.dates import parse_dates
from knowledge.text import normalise


def parse(q: str) -> tuple[int, int, str] | None:
    d, _ = parse_dates(normalise(q))
    return (d.start, d.end, d.kind) if d else None


@pytest.mark.parametrize(
    "q",
    ["2004", "2004?", "in 2004", "2004 жылы", "2004-ші жылы", "в 2004 году", "в 2004-м", "2004ж"],
)
def test_year_forms(q: str) -> None:
    assert parse(q) == (2004, 2004, "year")


@pytest.mark.parametrize(
    "q",
    [
        "between 2003 and 2005",
        "2003–2005",
        "2003 - 2005",
        "с 2003 по 2005",
        "2003-2005 жылдары",
        "from 2003 to 2005",
        "2003 жылдан 2005 жылға дейін",
        "2005-2003",
    ],
)
def test_ranges(q: str) -> None:
    assert parse(q) == (2003, 2005, "range")


@pytest.mark.parametrize(
    ("q", "start"),
    [
        ("the 1990s", 1990),
        ("в 90-е", 1990),
        ("в 90-х годах", 1990),
        ("1990-шы жылдары", 1990),
        ("2000 жылдары", 2000),
        ("in the 2010s", 2010),
        ("2010-жылдары", 2010),
        ("в нулевые", 2000),
    ],
)
def test_decades(q: str, start: int) -> None:
    assert parse(q) == (start, start + 9, "range")


def test_year_is_not_a_decade_in_kazakh_singular() -> None:
    assert parse("2010 жылы") == (2010, 2010, "year")


@pytest.mark.parametrize(
    ("q", "month", "day"),
    [
        ("17 October 2007", 10, 17),
        ("October 17, 2007", 10, 17),
        ("17 октября 2007", 10, 17),
        ("2007 жылғы 17 қазанда", 10, 17),
        ("2007 жылы қазан айында", 10, None),
        ("в сентябре 2007", 9, None),
        ("кыркуйек 2007", 9, None),  # Kazakh without special letters
    ],
)
def test_months(q: str, month: int, day: int | None) -> None:
    d, _ = parse_dates(normalise(q))
    assert d is not None and (d.start, d.month, d.day) == (2007, month, day)


def test_names_with_years_are_not_dates() -> None:
    # "Kazakhstan-2050" is a strategy's name; years past the window are not dates.
    assert parse("Қазақстан-2050 стратегиясы") is None


def test_date_words_are_removed_from_the_rest() -> None:
    _, rest = parse_dates(normalise("Which city held culture days in Astana in June 2008?"))
    assert "2008" not in rest and "june" not in rest and "astana" in rest


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("2005 пен 2006 жылдарды салыстырып берші", "compare", 2005, 2006),
        ("чем отличаются 2006 и 2007 годы?", "compare", 2006, 2007),
        ("what is the difference between 2004 and 2005", "compare", 2004, 2005),
        ("2013 ben 2016 jyldar arasynda ne boldy", "range", 2013, 2016),
        ("2004 бен 2007 жылдар арасында", "range", 2004, 2007),
        ("екі мыңыншы жылдары", "range", 2000, 2009),
    ],
)
def test_comparisons_and_ranges_as_people_type_them(
    text: str, kind: str, start: int, end: int
) -> None:
    d, _ = parse_dates(text)
    assert d is not None and (d.kind, d.start, d.end) == (kind, start, end)


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("what happened 10 years later", 10),
        ("and two years after that?", 2),
        ("а через три года?", 3),
        ("а 5 лет назад?", -5),
        ("екі жылдан кейін ше?", 2),
        ("үш жыл бұрын ше?", -3),
        ("and the year after?", 1),
        ("al bir jyl buryn?", -1),  # Latin Kazakh
        ("eki jyldan keyin she?", 2),
    ],
)
def test_counted_relative_years(text: str, offset: int) -> None:
    from knowledge.dates import relative_year

    assert relative_year(normalise(text)) == offset


def test_many_years_make_a_period_not_a_comparison() -> None:
    d, _ = parse_dates("1991, 1995, 2004, 2010 or 2015?")
    assert d is not None and (d.kind, d.start, d.end) == ("range", 1991, 2015)
    d, _ = parse_dates("1991 or 1992?")
    assert d is not None and d.kind == "compare" and d.years == (1991, 1992)


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("everything up to and including 1997", 1997),
        ("events up to 2000", 2000),
        ("what happened through 2003?", 2003),
        ("что было до 2000 года включительно", 2000),
        ("что было до 2000 года", 1999),
        ("before 2000", 1999),
    ],
)
def test_an_open_end_includes_its_year_only_when_it_says_so(text: str, end: int) -> None:
    date, _ = parse_dates(text)
    assert date is not None and (date.start, date.end, date.kind) == (None, end, "range")
