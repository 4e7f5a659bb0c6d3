"""The timeline picture: the article's dated events along a time axis, as a PNG.

Drawn with matplotlib's Agg canvas (no pyplot, so no global figure state, and safe to run in a
worker thread). The time axis runs down the middle from 1991 to the latest dated event; each
event is a marker on it, coloured by its kind, with a short label in one of two columns, left
and right. Labels keep the order of their dates and are pushed apart until no two overlap
(measured with the renderer, not guessed); a leader line ties each label to its marker. A date
the article does not give (``Fact.date_inferred``) is a hollow marker with a
dashed leader.

This module imports nothing from ``telegram`` or ``bot``: the CLI draws with it too. matplotlib
itself is imported on the first drawing, so that starting the bot or the CLI does not pay for it.
Which facts a picture shows is :mod:`handlers.timeline_filters`; building and caching pictures
is :mod:`handlers.pictures`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from knowledge.models import EVENT_KINDS, Fact, Lang, PartialDate

from .i18n import KIND_NAMES, ui

if TYPE_CHECKING:
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.text import Text

#: The axis starts here whatever the events: the year of independence.
FIRST_YEAR = 1991
#: Figure width in inches, and dots per inch (1200 px wide).
WIDTH_IN, DPI = 12.0, 100
#: The smallest figure height in inches; taller when the labels need it.
MIN_HEIGHT_IN = 12.0
#: Label font size (points), and the vertical gap between two labels (in label heights).
LABEL_PT, LABEL_GAP = 9.0, 0.25
#: A label shows at most this many characters of the fact's title.
LABEL_CHARS = 44
#: Labels start this far from the axis (axes x runs from -1 to 1 with the axis at 0).
LABEL_X = 0.13
#: A span of time (2006–2008) is a bar this far beside the axis.
RANGE_X = 0.035
#: Markers closer than this (pixels) are one cluster, set in a row beside the axis, this far
#: apart (axes units), and at most this far from it.
MARKER_PX, MARKER_STEP, MARKER_MAX_OFFSET = 9.0, 0.016, 0.105
#: The font: DejaVu Sans ships with matplotlib and has every Kazakh letter.
FONT = "DejaVu Sans"

#: A colour for each kind of event. Kinds that go together share a hue (the agreements in
#: greens, the stage in purples, the media in blues), so 21 kinds stay told apart.
COLOURS: dict[str, str] = {
    "culture-days": "#d62728",
    "anniversary": "#ff9896",
    "visit": "#ff7f0e",
    "film": "#e6a34a",
    "agreement": "#2ca02c",
    "declaration": "#74c476",
    "programme": "#006d2c",
    "programme-direction": "#17becf",
    "publication": "#8c564b",
    "history": "#c49c94",
    "exhibition": "#e377c2",
    "festival": "#9467bd",
    "performance": "#6a51a3",
    "tour": "#b07cc6",
    "contest": "#bcbd22",
    "conference": "#8c6d31",
    "media": "#1f77b4",
    "education": "#6baed6",
    "institution": "#393b79",
    "diplomacy": "#636363",
    "statement": "#a0a0a0",
}
assert set(COLOURS) == set(EVENT_KINDS), "every kind of event needs its colour"

_TRAILING_YEAR = re.compile(r"\s*\((?:[^()]*\b)?(?:1[89]|20)\d\d\)\s*$")
#: How a title may repeat its fact's year ({y}), per language: at the start or at the end.
_YEAR_IN_TITLE: dict[Lang, tuple[str, ...]] = {
    "kk": (r"^{y}\s+жыл(?:ғы)?\s*:?\s+", r"^{y}\s*:\s+"),
    "ru": (r"\s+{y}\s+(?:года|г\.)$", r"^{y}\s+(?:год)?\s*:\s+", r"^{y}\s*:\s+"),
    "en": (r"\s+(?:of|in)\s+{y}$", r"^{y}\s*:\s+"),
}


def short_title(fact: Fact, lang: Lang) -> str:
    """The fact's title in ``lang`` without the year that its date already shows.

    "Almaty culture days in Shanghai (2004)", "Joint Declaration of 1993", "Совместная
    декларация 1993 года", "1993 жылғы Бірлескен декларация", "1997: Kazakh books..." lose
    their year; a span that is part of the name ("plan for 1995–1997") stays.
    """
    title = _TRAILING_YEAR.sub("", fact.title.get(lang)).strip()
    if fact.date is None:
        return title
    year = str(fact.date.start.year)
    for pattern in _YEAR_IN_TITLE[lang]:
        cut = re.sub(pattern.format(y=year), "", title, count=1).strip()
        if cut != title and cut:
            title = cut[0].upper() + cut[1:]
            break
    return title


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:–-") + "…"


def year_span(fact: Fact) -> str:
    """'2004', or '2006–08' for a range of years."""
    assert fact.date is not None
    years = fact.date.years
    a, b = years.start, years[-1]
    if a == b:
        return str(a)
    return f"{a}–{b % 100:02d}" if a // 100 == b // 100 else f"{a}–{b}"


def label(fact: Fact, lang: Lang) -> str:
    """The short label of a fact on the timeline: its years and its title, cut."""
    return f"{year_span(fact)}  {_cut(short_title(fact, lang), LABEL_CHARS)}"


def kind_name(kind: str, lang: Lang) -> str:
    return KIND_NAMES[kind][lang]


def colour(kind: str) -> str:
    return COLOURS[kind]


# -- drawing ----------------------------------------------------------------------------------


def _when(fact: Fact) -> tuple[float, float]:
    """Start and end of a fact's date as fractional years (a bare year is its middle)."""
    assert fact.date is not None
    ranged = fact.date.end is not None

    def point(d: PartialDate, end: bool) -> float:
        if d.month is None:
            return d.year + (0.5 if not ranged else 1.0 if end else 0.0)
        if d.day is None:
            return d.year + (d.month - 0.5) / 12
        return d.year + (d.month - 1 + (d.day - 0.5) / 31) / 12

    start = point(fact.date.start, end=False)
    return start, point(fact.date.end, end=True) if fact.date.end else start


def _spread(ideal: list[float], height: float, lo: float, hi: float) -> list[float]:
    """Positions as near ``ideal`` (ascending) as can be, at least ``height`` apart, in [lo, hi].

    A forward pass pushes each one down past the one before; a backward pass pulls the tail back
    inside ``hi``; what still does not fit is reported by the overlap check of the caller.
    """
    out: list[float] = []
    for y in ideal:
        y = max(y, lo)
        if out:
            y = max(y, out[-1] + height)
        out.append(y)
    for i in range(len(out) - 1, -1, -1):
        limit = hi if i == len(out) - 1 else out[i + 1] - height
        out[i] = min(out[i], limit)
    # Centre each run of touching labels on its events, as far as the neighbours allow.
    i = 0
    while i < len(out):
        j = i
        while j + 1 < len(out) and out[j + 1] - out[j] <= height * 1.0001:
            j += 1
        shift = sum(ideal[i : j + 1]) / (j + 1 - i) - sum(out[i : j + 1]) / (j + 1 - i)
        room_up = out[i] - (out[i - 1] + height if i > 0 else lo)
        room_down = (out[j + 1] - height if j + 1 < len(out) else hi) - out[j]
        shift = max(-room_up, min(shift, room_down))
        for k in range(i, j + 1):
            out[k] += shift
        i = j + 1
    return out


@dataclass(frozen=True)
class Drawn:
    """A drawn timeline: the figure, and what it shows."""

    figure: Figure
    facts: tuple[Fact, ...]
    labels: tuple[Text, ...]
    """One Text a fact, in the order of ``facts``; each has the fact's id as its gid."""


def draw(facts: Sequence[Fact], lang: Lang, *, names: str = "", footer: str = "") -> Drawn:
    """The timeline of ``facts`` (dated ones; undated are left out) in ``lang``.

    ``names`` is the filter's name for the title; ``footer`` a source line under the picture.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    dated = sorted((f for f in facts if f.date is not None), key=lambda f: (f.sort_key, f.id))
    last = max((f.date.years[-1] for f in dated if f.date), default=FIRST_YEAR)
    top, bottom = FIRST_YEAR, last + 1
    per_side = (len(dated) + 1) // 2
    # Enough height for every label in one column, plus room to spread around clusters.
    height_in = max(MIN_HEIGHT_IN, 2.2 + per_side * LABEL_PT * (1 + LABEL_GAP) * 2.2 / 72)
    for _attempt in range(6):
        fig = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI)
        FigureCanvasAgg(fig)
        labels = _draw_on(fig, dated, lang, top, bottom, names, footer, Line2D)
        if not _overlaps(fig, labels):
            return Drawn(fig, tuple(dated), tuple(labels))
        height_in *= 1.25
    raise RuntimeError(f"timeline labels still overlap at {height_in:.0f} in")


def _draw_on(
    fig: Figure,
    dated: list[Fact],
    lang: Lang,
    top: int,
    bottom: int,
    names: str,
    footer: str,
    line2d: type,
) -> list[Text]:
    h_in = fig.get_figheight()
    head, foot = 0.9 / h_in, 1.3 / h_in
    ax = fig.add_axes((0.02, foot, 0.96, 1 - head - foot))
    ax.set_xlim(-1, 1)
    ax.set_ylim(bottom, top)  # time runs down
    ax.set_axis_off()
    title = ui("timeline_title", lang, a=top, b=bottom - 1)
    if names:
        title += f" · {names}"
    fig.text(
        0.5,
        1 - 0.35 / h_in,
        title,
        ha="center",
        va="center",
        fontsize=15,
        family=FONT,
        weight="bold",
        gid="title",
    )
    ax.plot([0, 0], [top, bottom], color="#444444", lw=1.5, zorder=1, solid_capstyle="butt")
    for y in range(top, bottom + 1):
        major = y % 5 == 0 or y == top
        ax.plot([-0.012, 0.012], [y, y], color="#444444", lw=1.2 if major else 0.6, zorder=1)
        if y < bottom:
            ax.text(
                -0.018,
                y,
                str(y),
                ha="right",
                va="center",
                fontsize=8 if major else 7,
                color="#222222" if major else "#777777",
                family=FONT,
                gid="year",
                weight="bold" if major else "normal",
                zorder=4,
            )
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    probe = ax.text(0, 0, "Ag", fontsize=LABEL_PT, family=FONT)
    px = probe.get_window_extent(renderer).height * (1 + LABEL_GAP)
    probe.remove()
    # Label height in data units (y grows downwards on screen, data upwards: use the span).
    y0, y1 = ax.transData.transform([(0, top), (0, bottom)])[:, 1]
    per_px = (bottom - top) / abs(y1 - y0)
    height = px * per_px
    sides: dict[int, list[tuple[Fact, float, float]]] = {-1: [], 1: []}
    for i, f in enumerate(dated):
        a, b = _when(f)
        sides[1 if i % 2 == 0 else -1].append((f, a, b))
    offsets = _marker_offsets(dated, MARKER_PX * per_px)
    labels: dict[str, Text] = {}
    for side, items in sides.items():
        ideal = [(a + b) / 2 for _, a, b in items]
        ys = _spread(ideal, height, top + height / 2, bottom - height / 2)
        for (f, a, b), at in zip(items, ys, strict=True):
            labels[f.id] = _event(ax, f, lang, side, a, b, at, side * offsets[f.id])
    kinds = [k for k in EVENT_KINDS if any(f.event == k for f in dated)]
    handles = [
        line2d([], [], marker="o", ls="", color=colour(k), markersize=7, label=kind_name(k, lang))
        for k in kinds
    ]
    handles += [
        line2d(
            [],
            [],
            marker="o",
            ls="",
            color="#555555",
            markersize=7,
            label=ui("timeline_given", lang),
        ),
        line2d(
            [],
            [],
            marker="o",
            ls="--",
            color="#555555",
            markerfacecolor="white",
            markersize=7,
            label=ui("timeline_worked_out", lang),
        ),
    ]
    fig.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, 0.45 / h_in),
        ncol=min(4, len(handles)),
        frameon=False,
        prop={"family": FONT, "size": 8.5},
    )
    if footer:
        fig.text(
            0.5,
            0.18 / h_in,
            footer,
            ha="center",
            va="center",
            fontsize=7.5,
            color="#555555",
            family=FONT,
            gid="footer",
        )
    return [labels[f.id] for f in dated]


def _marker_offsets(dated: list[Fact], near: float) -> dict[str, float]:
    """How far from the axis each marker sits, so that events of one date do not hide each
    other (a hollow marker under a filled one): 0 alone, else a row beside the axis on the
    label's side. ``dated`` is in date order and alternates sides, as the labels do."""
    mids = {f.id: sum(_when(f)) / 2 for f in dated}
    side = {f.id: i % 2 for i, f in enumerate(dated)}
    order = sorted(dated, key=lambda f: mids[f.id])  # a span's middle may pass later events
    out: dict[str, float] = {}
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and mids[order[j + 1].id] - mids[order[j].id] < near:
            j += 1
        seen = [0, 0]
        for f in order[i : j + 1]:
            n = seen[side[f.id]]
            seen[side[f.id]] += 1
            out[f.id] = min((n + 0.5) * MARKER_STEP, MARKER_MAX_OFFSET) if j > i else 0.0
        i = j + 1
    return out


def _event(
    ax: object, f: Fact, lang: Lang, side: int, a: float, b: float, y: float, x0: float = 0.0
) -> Text:
    inferred = f.date_inferred
    c = colour(f.event)
    mid = (a + b) / 2
    plot = ax.plot  # type: ignore[attr-defined]
    x = x0
    if b - a > 0.05:
        # A span of time: a bar beside the axis, on the label's side, so that it hides no marker
        # (or in its place in a row of markers of one date).
        x = x0 or side * RANGE_X
        plot(
            [x, x],
            [a, b],
            color=c,
            lw=3,
            alpha=0.85,
            zorder=2,
            solid_capstyle="butt",
            ls=(0, (2, 1)) if inferred else "-",
        )
    plot(
        [
            side * min(abs(x) + 0.02, LABEL_X - 0.03),
            side * (LABEL_X - 0.03),
            side * (LABEL_X - 0.01),
        ],
        [mid, mid, y],
        color=c,
        lw=0.8,
        alpha=0.8,
        ls=(0, (3, 2)) if inferred else "-",
        zorder=2,
    )
    plot(
        [x],
        [mid],
        marker="o",
        markersize=6.5,
        color=c,
        markeredgewidth=1.4,
        markerfacecolor="white" if inferred else c,
        zorder=3,
        gid=f"marker:{f.id}",
    )
    text: Text = ax.text(  # type: ignore[attr-defined]
        side * LABEL_X,
        y,
        label(f, lang),
        ha="left" if side > 0 else "right",
        va="center",
        fontsize=LABEL_PT,
        family=FONT,
        color="#111111",
        gid=f.id,
        style="italic" if inferred else "normal",
        zorder=4,
    )
    return text


def boxes(fig: Figure, texts: Sequence[Text]) -> list[tuple[float, float, float, float]]:
    """Each text's box on the canvas in pixels: (x0, y0, x1, y1)."""
    renderer: RendererBase = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    out = []
    for t in texts:
        bb = t.get_window_extent(renderer)
        out.append((bb.x0, bb.y0, bb.x1, bb.y1))
    return out


def _intersect(p: tuple[float, float, float, float], q: tuple[float, float, float, float]) -> bool:
    return p[0] < q[2] and q[0] < p[2] and p[1] < q[3] and q[1] < p[3]


def _overlaps(fig: Figure, labels: Sequence[Text]) -> bool:
    """True if two texts on the figure overlap, or a label leaves the canvas."""
    fig.draw_without_rendering()  # lays out the legend, whose texts have no place before
    texts = texts_of(fig)
    bb = boxes(fig, texts)
    w, h = fig.canvas.get_width_height()
    mine = {id(t) for t in labels}
    for i, p in enumerate(bb):
        if id(texts[i]) in mine and (p[0] < 0 or p[1] < 0 or p[2] > w or p[3] > h):
            return True
        if any(_intersect(p, q) for q in bb[i + 1 :]):
            return True
    return False


def texts_of(fig: Figure) -> list[Text]:
    """Every non-empty Text artist of the figure (labels, years, title, legend, footer)."""
    from matplotlib.text import Text

    return [t for t in fig.findobj(match=Text) if isinstance(t, Text) and t.get_text()]


def png(drawn: Drawn) -> bytes:
    buf = io.BytesIO()
    drawn.figure.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()
