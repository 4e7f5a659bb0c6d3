"""The timeline picture: a real PNG, labels from the facts in the asked language, no overlaps."""

from __future__ import annotations

import asyncio
import io
import itertools
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from matplotlib import font_manager
from matplotlib.colors import to_hex
from matplotlib.ft2font import FT2Font
from matplotlib.lines import Line2D
from PIL import Image

from bot.cli import main
from handlers import pictures as pc
from handlers import timeline as tl
from handlers import timeline_filters as tf
from handlers.i18n import KIND_NAMES
from knowledge.factbase import FactBase
from knowledge.models import EVENT_KINDS, LANGS, Fact, Lang

ROOT = Path(__file__).resolve().parent.parent
KAZAKH_LETTERS = set("әғқңөұүһі")
Box = tuple[float, float, float, float]


def _intersect(p: Box, q: Box) -> bool:
    return p[0] < q[2] and q[0] < p[2] and p[1] < q[3] and q[1] < p[3]


def _no_two_intersect(boxes: list[Box]) -> list[tuple[int, int]]:
    return [
        (i, j)
        for i, j in itertools.combinations(range(len(boxes)), 2)
        if _intersect(boxes[i], boxes[j])
    ]


@pytest.fixture(scope="module")
def drawn(base: FactBase) -> dict[Lang, tl.Drawn]:
    footer = "Source: the article"
    return {lang: tl.draw(tf.ALL.facts(base.facts), lang, footer=footer) for lang in LANGS}


@pytest.mark.parametrize("lang", LANGS)
def test_labels_are_the_facts_titles_in_the_asked_language(
    drawn: dict[Lang, tl.Drawn], base: FactBase, lang: Lang
) -> None:
    d = drawn[lang]
    dated = [f for f in base.facts if f.date is not None]
    assert {f.id for f in d.facts} == {f.id for f in dated}
    by_id = base.by_id()
    strings = {t.get_gid(): t.get_text() for t in tl.texts_of(d.figure)}
    for fact in dated:
        text = strings[fact.id]
        year, _, title = text.partition("  ")
        assert year == tl.year_span(fact)
        assert len(title) <= tl.LABEL_CHARS + 1
        shown = title.removesuffix("…")
        assert tl.short_title(by_id[fact.id], lang).startswith(shown), (fact.id, text)
        others = [tl.short_title(fact, o) for o in LANGS if o != lang]
        assert all(not o.startswith(shown) for o in others if o != tl.short_title(fact, lang))
    labels = " ".join(strings[f.id] for f in dated)
    if lang == "kk":
        assert set(labels.lower()) | {"һ"} >= KAZAKH_LETTERS
    if lang == "en":
        assert not re.search("[а-яё]", labels, re.I)
    if lang == "ru":
        assert not set(labels.lower()) & KAZAKH_LETTERS
    title = next(t.get_text() for t in tl.texts_of(d.figure) if t.get_gid() == "title")
    assert title.endswith(f"{tl.FIRST_YEAR}–{max(f.date.years[-1] for f in dated if f.date)}")


@pytest.mark.parametrize("lang", LANGS)
def test_no_two_texts_overlap(drawn: dict[Lang, tl.Drawn], lang: Lang) -> None:
    fig = drawn[lang].figure
    fig.canvas.draw()
    texts = tl.texts_of(fig)
    boxes = tl.boxes(fig, texts)
    clashes = _no_two_intersect(boxes)
    assert not clashes, [(texts[i].get_text(), texts[j].get_text()) for i, j in clashes]
    w, h = fig.canvas.get_width_height()
    for t, (x0, y0, x1, y1) in zip(texts, boxes, strict=True):
        assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h, t.get_text()
    # Labels keep the order of their dates in each column (time runs down the picture).
    for side in (-1, 1):
        column = [t for t in drawn[lang].labels if (t.get_position()[0] > 0) == (side > 0)]
        ys = [t.get_position()[1] for t in column]
        assert ys == sorted(ys)


def test_a_crowded_timeline_grows_until_nothing_overlaps(base: FactBase) -> None:
    one = next(f for f in base.facts if f.date is not None and f.date.start.year == 2004)
    crowd = [one.model_copy(update={"id": f"crowd-{i}"}) for i in range(70)]
    d = tl.draw(crowd, "en")
    fig = d.figure
    fig.canvas.draw()
    assert fig.get_figheight() > tl.MIN_HEIGHT_IN
    assert not _no_two_intersect(tl.boxes(fig, tl.texts_of(fig)))


def test_inferred_dates_are_hollow_and_dashed(drawn: dict[Lang, tl.Drawn]) -> None:
    d = drawn["en"]
    markers = {
        str(a.get_gid()).removeprefix("marker:"): a
        for a in d.figure.findobj(match=Line2D)
        if str(a.get_gid()).startswith("marker:")
    }
    assert set(markers) == {f.id for f in d.facts}
    inferred = [f for f in d.facts if f.date_inferred]
    assert inferred and len(inferred) < len(d.facts)
    for f in d.facts:
        face = to_hex(markers[f.id].get_markerfacecolor())
        edge = to_hex(markers[f.id].get_color())
        assert edge == tl.colour(f.event)
        assert face == ("#ffffff" if f.date_inferred else edge), f.id
        label = next(t for t in d.labels if t.get_gid() == f.id)
        assert label.get_style() == ("italic" if f.date_inferred else "normal")


def test_markers_of_one_date_do_not_hide_each_other(drawn: dict[Lang, tl.Drawn]) -> None:
    fig = drawn["en"].figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    markers = [a for a in fig.findobj(match=Line2D) if str(a.get_gid()).startswith("marker:")]
    centres = [
        tuple(m.get_transform().transform((m.get_xdata()[0], m.get_ydata()[0]))) for m in markers
    ]
    assert renderer is not None
    close = [
        (markers[i].get_gid(), markers[j].get_gid())
        for i, j in itertools.combinations(range(len(markers)), 2)
        if abs(centres[i][0] - centres[j][0]) < 4 and abs(centres[i][1] - centres[j][1]) < 4
    ]
    assert not close


def test_every_kind_has_its_own_colour_and_the_legend_names_the_kinds_shown(
    drawn: dict[Lang, tl.Drawn],
) -> None:
    assert set(tl.COLOURS) == set(EVENT_KINDS)
    assert len(set(tl.COLOURS.values())) == len(EVENT_KINDS)
    for lang in LANGS:
        legend = drawn[lang].figure.legends[0]
        shown = {t.get_text() for t in legend.get_texts()}
        kinds = {f.event for f in drawn[lang].facts}
        assert {KIND_NAMES[k][lang] for k in kinds} <= shown


@pytest.mark.parametrize("lang", LANGS)
def test_the_font_is_dejavu_sans(drawn: dict[Lang, tl.Drawn], lang: Lang) -> None:
    texts = tl.texts_of(drawn[lang].figure)
    for t in texts:
        path = font_manager.findfont(t.get_fontproperties(), fallback_to_default=False)
        assert Path(path).name.startswith("DejaVuSans"), t.get_text()
    # Every letter drawn has its glyph in the font (no tofu boxes for ә, ғ, қ, ң, ө, ұ, ү, і).
    font = FT2Font(font_manager.findfont(tl.FONT, fallback_to_default=False))
    charmap = font.get_charmap()
    letters = {c for t in texts for c in t.get_text() if not c.isspace()}
    assert {c for c in letters if ord(c) not in charmap} == set()


@pytest.mark.parametrize("lang", LANGS)
def test_the_png_decodes(base: FactBase, lang: Lang) -> None:
    pic = pc.build(base.facts, lang, tf.ALL, base.content_hash, "Source")
    image = Image.open(io.BytesIO(pic.png))
    image.load()
    assert image.format == "PNG"
    width, height = image.size
    assert width == tl.WIDTH_IN * tl.DPI
    assert height >= tl.MIN_HEIGHT_IN * tl.DPI
    assert width + height <= 10_000 and height / width <= 20  # Telegram's limits for a photo
    assert len(pic.png) < 10 * 1024 * 1024
    # Not blank: the kinds' colours are in it.
    colours = {c for _, c in image.convert("RGB").getcolors(maxcolors=1 << 20) or []}
    culture = tuple(int(tl.colour("culture-days")[i : i + 2], 16) for i in (1, 3, 5))
    assert culture in colours
    assert pic.count == len([f for f in base.facts if f.date])
    assert pic.years[0] == 1991


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("", ""),
        ("culture days", "tag:culture-days"),
        ("Мәдениет күндері", "tag:culture-days"),
        ("мадениет кундери", "tag:culture-days"),
        ("дни культуры", "tag:culture-days"),
        ("кино", "kind:film"),
        ("Film", "kind:film"),
        ("выставки", "tag:exhibitions"),
        ("көрме", "tag:exhibitions"),
        ("exhibiton", "tag:exhibitions"),
        ("history", "tag:history"),
        ("декларации", "kind:declaration"),
        ("гастрольдер", "kind:tour"),
        ("тарих", "tag:history"),
        ("weather", None),
    ],
)
def test_select_matches_kinds_and_tags_in_three_languages(
    base: FactBase, query: str, key: str | None
) -> None:
    sel = tf.select(query, base.facts)
    assert (sel.key if sel else None) == key


def test_a_subset_shows_only_its_facts(base: FactBase) -> None:
    sel = tf.select("culture days", base.facts)
    assert sel is not None
    d = tl.draw(sel.facts(base.facts), "ru", names=sel.names["ru"])
    assert d.facts and all("culture-days" in f.tags for f in d.facts)
    title = next(t.get_text() for t in tl.texts_of(d.figure) if t.get_gid() == "title")
    assert title.endswith("· Дни культуры")


@pytest.mark.parametrize(
    ("title", "lang", "short"),
    [
        ("Almaty culture days in Shanghai (2004)", "en", "Almaty culture days in Shanghai"),
        ("Chinese leader's visit (May 2004)", "en", "Chinese leader's visit"),
        ("Joint Declaration of 2004", "en", "Joint Declaration"),
        ("2004: Kazakh books", "en", "Kazakh books"),
        ("Совместная декларация 2004 года", "ru", "Совместная декларация"),
        ("2004 год: книги", "ru", "Книги"),
        ("2004 жылғы Бірлескен декларация", "kk", "Бірлескен декларация"),
        ("2004 жыл: кітаптар", "kk", "Кітаптар"),
        ("Cooperation programme for 2004–2008", "en", "Cooperation programme for 2004–2008"),
        ("Joint Declaration of 1993", "en", "Joint Declaration of 1993"),  # not its year
    ],
)
def test_short_title_drops_the_year_the_date_shows(
    base: FactBase, title: str, lang: Lang, short: str
) -> None:
    fact = base.by_id()["almaty-days-shanghai-2004"]
    texts = fact.title.model_copy(update={lang: title})
    assert tl.short_title(fact.model_copy(update={"title": texts}), lang) == short


# -- the cache --------------------------------------------------------------------------------


async def test_pictures_are_built_once_per_base_language_and_filter(
    base: FactBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[str] = []
    real = pc.build

    def spy(facts: list[Fact], *args: object) -> pc.Picture:
        threads.append(threading.current_thread().name)
        return real(facts, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(pc, "build", spy)
    pics = pc.Pictures()
    sel = tf.select("film", base.facts)
    assert sel is not None
    first = await asyncio.gather(
        *(pics.get(base.facts, "en", sel, base.content_hash) for _ in range(3))
    )
    assert pics.builds == 1 and first[0] is first[1] is first[2]
    assert await pics.get(base.facts, "en", sel, base.content_hash) is first[0]
    await pics.get(base.facts, "kk", sel, base.content_hash)
    await pics.get(base.facts, "en", tf.ALL, base.content_hash)
    assert pics.builds == 3
    # Another fact base (another content hash) is another picture.
    await pics.get(base.facts, "en", sel, "0" * 64)
    assert pics.builds == 4
    # Built off the event loop's thread.
    assert threads and threading.main_thread().name not in threads
    assert first[0].key == pc.picture_key(base.content_hash, "en", sel)
    assert pc.CODE_HASH in first[0].key


async def test_a_failed_build_is_not_cached(
    base: FactBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> pc.Picture:
        raise RuntimeError("no")

    pics = pc.Pictures()
    monkeypatch.setattr(pc, "build", broken)
    with pytest.raises(RuntimeError):
        await pics.get(base.facts, "en", tf.ALL, base.content_hash)
    monkeypatch.undo()
    pic = await pics.get(base.facts, "en", tf.ALL, base.content_hash)
    assert pic.count > 0 and pics.builds == 1


# -- the command line -------------------------------------------------------------------------


def test_cli_timeline_writes_a_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "timeline.png"
    assert (
        main(["--db", str(tmp_path / "db.sqlite3"), "timeline", "--lang", "kk", "-o", str(out)])
        == 0
    )
    with Image.open(out) as image:
        assert image.format == "PNG" and image.size[0] == tl.WIDTH_IN * tl.DPI
    assert "events" in capsys.readouterr().out


def test_cli_timeline_of_a_topic_and_an_unknown_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "film.png"
    assert main(["timeline", "--lang", "ru", "-o", str(out), "кино"]) == 0
    assert out.read_bytes().startswith(b"\x89PNG")
    assert main(["timeline", "-o", str(tmp_path / "x.png"), "weather"]) == 2
    assert "Culture days" in capsys.readouterr().err
    assert main(["timeline", "-o", str(tmp_path / "no" / "such" / "dir.png")]) == 1
    assert "cannot write" in capsys.readouterr().err


# -- how Telegram asks for it -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("timeline", ("", "en")),
        ("Timeline film", ("film", "en")),
        ("уақыт сызығы кино", ("кино", "kk")),
        ("Хронология", ("", None)),
        ("лента времени выставки", ("выставки", "ru")),
        ("timelines", None),
        ("Abai", None),
        ("", None),
    ],
)
def test_inline_words_for_the_timeline(text: str, expected: tuple[str, str | None] | None) -> None:
    from handlers.timeline_chat import inline_request

    assert inline_request(text) == expected


def test_start_parameters_round_trip(base: FactBase) -> None:
    from handlers.timeline_chat import from_start_parameter, start_parameter

    assert start_parameter(tf.ALL) == "timeline" and from_start_parameter("timeline") == ""
    assert from_start_parameter("f_independence-1991") is None
    for sel in tf.filters(base.facts):
        param = start_parameter(sel)
        assert len(param) <= 64 and re.fullmatch(r"[A-Za-z0-9_-]+", param)
        query = from_start_parameter(param)
        assert query is not None and tf.select(query, base.facts) == sel


def test_the_drawing_imports_neither_telegram_nor_bot() -> None:
    """The CLI draws with these modules; they stay below the composition root and Telegram."""
    code = (
        "import sys, handlers.timeline, handlers.timeline_filters, handlers.pictures, "
        "knowledge.related; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'telegram', 'bot', 'matplotlib'}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert out.strip() == "[]"  # matplotlib too is imported only when a picture is drawn
