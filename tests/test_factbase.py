"""The fact base: it loads, it is faithful to the article, and every kind of error is caught."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from knowledge.factbase import DEFAULT_SOURCES, FactBase, FactBaseError, load_facts
from knowledge.models import LANGS, TAGS
from knowledge.text import mixed_script_words

ARTICLE = Path(__file__).parent / "data" / "article.txt"

GOOD = {
    "id": "sample-fact",
    "date": "2004",
    "date_given": "year",
    "event": "culture-days",
    "title": {"kk": "Үлгі", "ru": "Образец", "en": "Sample"},
    "text": {"kk": "Үлгі мәтін.", "ru": "Текст образца.", "en": "Sample text."},
    "tags": ["culture-days"],
    "source": {"location": "body, para 1", "ref": 6, "pages": "213", "quote": "2004 жылы"},
}


def _fold(text: str) -> str:
    from knowledge.text import fold_lookalikes

    text = re.sub(r"[0-9A-Za-z\u0400-\u04ff]+", lambda m: fold_lookalikes(m.group(0)), text)
    return " ".join(text.split())


def test_loads_and_counts(base: FactBase) -> None:
    assert 60 <= len(base.facts) <= 110
    counts = base.counts()
    assert all(counts["lang"][lang] == len(base.facts) for lang in LANGS)
    assert set(counts["tag"]) <= set(TAGS)


def test_ids_unique_ascii_short(base: FactBase) -> None:
    ids = [f.id for f in base.facts]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9-]{1,40}", i) for i in ids)


def test_every_quote_is_in_the_article(base: FactBase) -> None:
    article = _fold(ARTICLE.read_text(encoding="utf-8"))
    missing = [
        (f.id, i)
        for f in base.facts
        for i, s in enumerate(f.sources)
        if _fold(s.quote) not in article
    ]
    assert missing == []


def test_no_stored_word_mixes_scripts(base: FactBase) -> None:
    for f in base.facts:
        for text in re.findall(r'"([^"]*)"', f.model_dump_json()):
            assert mixed_script_words(text) == [], f.id


def test_every_year_of_the_article_is_covered(base: FactBase) -> None:
    text = ARTICLE.read_text(encoding="utf-8")
    years = {int(y) for y in re.findall(r"(?<!\d)(1[6-9]\d\d|20\d\d)(?!\d)", text)}
    dated = set(base.years())
    mentioned = {int(y) for f in base.facts for y in re.findall(r"\d{4}", f.text.en)}
    assert years - dated - mentioned == set()
    # Years of events proper are dates, not just mentions.
    assert {1992, 1993, 1995, 1997, 2001, 2002, 2003, 2004, 2005, 2006, 2007, 2008, 2009} <= dated
    assert {2010, 2012, 2013, 2014, 2015, 2016} <= dated


def test_the_1991_contradiction_is_recorded(base: FactBase) -> None:
    facts = base.by_id()
    dip = facts["diplomatic-relations-1992"]
    assert dip.date is not None and dip.date.iso() == "1992-01-03"
    assert dip.note is not None and "1991" in dip.note.en


def test_this_year_in_august_has_no_year(base: FactBase) -> None:
    fact = base.by_id()["belt-road-tv-channels"]
    assert fact.date is None and fact.date_note is not None


def test_references_are_numbers_and_pages_only() -> None:
    data = yaml.safe_load(DEFAULT_SOURCES.read_text(encoding="utf-8"))
    for ref in data["references"]:
        assert set(ref) <= {"number", "pages"}
    assert "bibliography" in data["article"]["note"]["en"].lower()


def _write(tmp: Path, facts: list[dict[str, object]], name: str = "a.yaml") -> Path:
    d = tmp / "facts"
    d.mkdir(exist_ok=True)
    (d / name).write_text(yaml.safe_dump(facts, allow_unicode=True), encoding="utf-8")
    shutil.copy(DEFAULT_SOURCES, tmp / "sources.yaml")
    return d


def _error(tmp: Path, facts: list[dict[str, object]]) -> FactBaseError:
    d = _write(tmp, facts)
    with pytest.raises(FactBaseError) as info:
        load_facts(d, tmp / "sources.yaml")
    return info.value


def test_a_good_fact_loads(tmp_path: Path) -> None:
    d = _write(tmp_path, [GOOD])
    assert [f.id for f in load_facts(d, tmp_path / "sources.yaml").facts] == ["sample-fact"]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"date": "2004-13"}, "date", "month"),
        ({"date": "2004-02-30"}, "date", "no day 30"),
        ({"date": "sometime"}, "date", "YYYY"),
        ({"date": "2005/2004"}, "date", "end after"),
        ({"text": {"kk": "Мәтін.", "en": "Text."}}, "text.ru", "required"),
        ({"tags": ["gossip"]}, "tags", "unknown tag"),
        ({"id": "x" * 41}, "id", "at most 40"),
        ({"id": "Кириллица"}, "id", "ASCII"),
        ({"source": {**GOOD["source"], "quote": "   "}}, "source.quote", "empty"),  # type: ignore[dict-item]
        ({"title": {"kk": "Қaзaқcтaн", "ru": "Р", "en": "E"}}, "title.kk", "mixes"),
        ({"source": {**GOOD["source"], "ref": 99}}, "source.ref", "unknown"),  # type: ignore[dict-item]
    ],
)
def test_each_kind_of_error_names_file_fact_and_field(
    tmp_path: Path, change: dict[str, object], field: str, words: str
) -> None:
    err = _error(tmp_path, [{**GOOD, **change}])
    assert err.file.endswith("a.yaml")
    assert err.fact_id == change.get("id", "sample-fact")
    assert err.field is not None and err.field.split(".start")[0].startswith(field)
    assert words in str(err)
    assert "\n" not in str(err)


def test_duplicate_id(tmp_path: Path) -> None:
    err = _error(tmp_path, [GOOD, GOOD])
    assert (err.fact_id, err.field) == ("sample-fact", "id") and "duplicate" in str(err)


def test_unquoted_date_is_refused(tmp_path: Path) -> None:
    d = tmp_path / "facts"
    d.mkdir()
    text = yaml.safe_dump([{**GOOD, "date": "2004"}], allow_unicode=True).replace("'2004'", "2004")
    (d / "a.yaml").write_text(text, encoding="utf-8")
    shutil.copy(DEFAULT_SOURCES, tmp_path / "sources.yaml")
    with pytest.raises(FactBaseError, match="quoted string"):
        load_facts(d, tmp_path / "sources.yaml")


def test_check_command_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok: ") and "by year:" in out and "by tag:" in out and "by lang:" in out
    assert "by event: " in out and "by date: " in out and " inferred " in out
    d = _write(tmp_path, [{**GOOD, "tags": ["gossip"]}])
    assert main(["--facts", str(d), "check"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "a.yaml" in err[0] and "sample-fact" in err[0] and "tags" in err[0]


def test_facts_json_lists_every_fact(base: FactBase, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    assert main(["facts", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["id"] for d in data] == [f.id for f in base.facts]
    for d in data:
        assert {
            "id",
            "date",
            "date_given",
            "date_inferred",
            "event",
            "text",
            "title",
            "tags",
            "source",
        } <= set(d)
        assert set(d["text"]) == set(d["title"]) == {"kk", "ru", "en"}
        assert {"ref", "pages", "location", "quote"} <= set(d["source"])
