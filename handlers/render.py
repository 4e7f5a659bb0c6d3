"""Rendering an :class:`~knowledge.models.Answer`: Telegram HTML, or plain text for a terminal.

This is the one place that escapes user-visible text and keeps messages within Telegram's
4096-character limit. It imports nothing from ``telegram``, so the CLI uses it too.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from knowledge.compose import LIST_PAGE
from knowledge.models import Answer, Fact, Hit, Lang, Source, Sources
from knowledge.text import normalise, words

from .i18n import T, events, format_date, format_number, location_label, ref_label, t, ui

#: Telegram's limit on a message's text, counted in UTF-16 code units.
MAX_MESSAGE = 4096
#: Items of a year, range or list answer per page (the engine pages "more" by the same size).
PAGE_SIZE = LIST_PAGE
#: A list item's text is cut to this many characters.
LIST_TEXT_CHARS = 260


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip(" ,.;:") + "…"


def _para_opening(src: Source, sources: Sources | None) -> str | None:
    m = re.fullmatch(r"body, para (\d+)", src.location.strip())
    return sources.paragraph(int(m.group(1))) if (m and sources) else None


def passage_label(src: Source, lang: Lang, sources: Sources | None = None) -> str:
    """One passage's citation: the reference after its sentence, else its paragraph."""
    if src.ref is not None:
        return ref_label(src.ref, src.pages, lang)
    return location_label(src.location, lang, _para_opening(src, sources))


def source_label(fact: Fact, lang: Lang, sources: Sources | None = None) -> str:
    """Every passage the fact rests on: the article's reference and pages where its sentence
    cites one, else the paragraph (with its opening words when ``sources`` is given)."""
    labels: list[str] = []
    for src in fact.sources:
        label = passage_label(src, lang, sources)
        if label not in labels:
            labels.append(label)
    return "; ".join(labels)


def source_line(fact: Fact, sources: Sources, lang: Lang) -> str:
    """'Source: the article «…», ref. [6], p. 212' (plain text)."""
    title = sources.article.title.get(lang)
    return (
        f"{t('source', lang)}: {t('article', lang)} «{title}», {source_label(fact, lang, sources)}"
    )


def date_label(fact: Fact, lang: Lang) -> str:
    """The fact's date; a date the article does not give is followed by what it does say."""
    when = format_date(fact.date, lang)
    if fact.date_inferred and fact.date_note is not None:
        when += f" ({fact.date_note.get(lang)})"
    return when


def pages_of(n_items: int) -> int:
    return max(1, -(-n_items // PAGE_SIZE))


class _Style:
    def __init__(self, html_mode: bool) -> None:
        self.html = html_mode

    def esc(self, s: str) -> str:
        return html.escape(s, quote=False) if self.html else s

    def b(self, s: str) -> str:
        return f"<b>{self.esc(s)}</b>" if self.html else s

    def i(self, s: str) -> str:
        return f"<i>{self.esc(s)}</i>" if self.html else s


def _fact_block(fact: Fact, sources: Sources, lang: Lang, st: _Style) -> str:
    # The date heads a fact; an undated one is headed by its title, not by "Undated".
    head = _date_html(fact, lang, st) if fact.date is not None else st.b(fact.title.get(lang))
    lines = [head, st.esc(fact.text.get(lang))]
    if fact.note:
        lines.append(st.i(f"{t('note', lang)}: {fact.note.get(lang)}"))
    lines.append(st.i(source_line(fact, sources, lang)))
    return "\n".join(lines)


def _date_html(fact: Fact, lang: Lang, st: _Style) -> str:
    """The date in bold; a worked-out date is followed by what the article says, in italics."""
    out = st.b(format_date(fact.date, lang))
    if fact.date_inferred and fact.date_note is not None:
        out += " " + st.i(f"({fact.date_note.get(lang)})")
    return out


def _list_item(fact: Fact, lang: Lang, st: _Style, sources: Sources | None = None) -> str:
    head = f"{_date_html(fact, lang, st)} — {st.b(fact.title.get(lang))}"
    text = st.esc(_cut(fact.text.get(lang), LIST_TEXT_CHARS))
    return f"{head}\n{text} {st.i('(' + source_label(fact, lang, sources) + ')')}"


def _years(answer: Answer) -> str:
    assert answer.years is not None
    a, b = answer.years
    return str(a) if a == b else f"{a}–{b}"


def render(answer: Answer, sources: Sources, *, page: int = 0, html_mode: bool = True) -> str:
    """The message for ``answer``: Telegram HTML (default) or plain text."""
    st = _Style(html_mode)
    lang = answer.lang
    blocks: list[str]
    page = page or answer.page
    if answer.kind == "fact":
        blocks = [_fact_block(h.fact, sources, lang, st) for h in answer.hits]
        if answer.came and answer.told:
            # "Which came first, X or Y?": the one that did, then both facts.
            blocks.insert(0, st.b(t(f"came_{answer.came}", lang, names=answer.told[0])))
        elif answer.asked and answer.told:
            # "Who signed it?": the names first, then the fact they come from.
            lead = t(f"told_{answer.asked}", lang, names=", ".join(answer.told))
            blocks.insert(0, st.b(lead))
        if answer.detail and answer.hits:
            fact = answer.hits[0].fact
            quote = f"{st.i(ui('quote', lang))}:\n{_quote(fact.source.quote, st)}"
            blocks.append(quote)
    elif answer.kind == "range" and page == 0 and answer.hits:
        blocks = _period_blocks(answer, sources, st)
    elif answer.kind == "range":
        blocks = _year_blocks(answer, sources, max(page - 1, 0), st)
    elif answer.kind == "year":
        blocks = _year_blocks(answer, sources, page, st)
    elif answer.kind == "compare":
        blocks = _compare_blocks(answer, sources, st)
    elif answer.kind == "list":
        blocks = _items_blocks(answer, sources, page, st)
    elif answer.kind == "chat":
        key = "no_more" if answer.intent == "more" else answer.intent
        blocks = [st.esc(t(key if key in T else "help", lang))]
        blocks.append("\n".join(f"• {st.esc(s)}" for s in answer.suggestions))
    else:
        blocks = [st.esc(t(f"missing_{answer.missing}" if answer.missing else "none", lang))]
        if answer.suggestions:
            blocks.append(
                st.esc(t("try", lang))
                + "\n"
                + "\n".join(f"• {st.esc(s)}" for s in answer.suggestions)
            )
    return _fit(blocks, st)


def _quote(text: str, st: _Style) -> str:
    return f"<blockquote>{st.esc(text)}</blockquote>" if st.html else f"«{text}»"


def _article_line(sources: Sources, lang: Lang, st: _Style) -> str:
    article = sources.article.title.get(lang)
    return st.i(f"{t('source', lang)}: {t('article', lang)} «{article}»")


def years_with_events(answer: Answer) -> dict[int, list[Fact]]:
    """The answer's facts by the year they start in, in year order."""
    out: dict[int, list[Fact]] = {}
    for f in answer.facts:
        if f.date is not None:
            out.setdefault(f.date.start.year, []).append(f)
    return dict(sorted(out.items()))


def _period_blocks(answer: Answer, sources: Sources, st: _Style) -> list[str]:
    """A period's overview: one line per year with events (its count and headline event), and
    the years of the period without any, so the whole period shows on the first screen."""
    lang = answer.lang
    by_year = years_with_events(answer)
    n = answer.total or len(answer.facts)
    header = f"{st.b(_years(answer))} · {st.esc(events(n, lang))}"
    lines = []
    for year, facts in by_year.items():
        more = f" {st.esc(t('and_more', lang, n=len(facts) - 1))}" if len(facts) > 1 else ""
        title = _cut(facts[0].title.get(lang), 90)
        lines.append(
            f"{st.b(str(year))} · {st.esc(events(len(facts), lang))} — {st.esc(title)}{more}"
        )
    blocks = [header, "\n".join(lines)]
    assert answer.years is not None
    empty = [y for y in range(answer.years[0], answer.years[1] + 1) if y not in by_year]
    if empty and len(empty) <= 40:
        none = "no_topic_years" if answer.topical else "no_events_years"
        blocks.append(st.i(t(none, lang, years=_year_spans(empty))))
    if st.html:  # the buttons are under the message; a terminal has none
        blocks.append(st.i(t("period_open", lang)))
    blocks.append(_article_line(sources, lang, st))
    return blocks


def _year_spans(years: list[int]) -> str:
    """[2008, 2009, 2010, 2012] -> '2008–2010, 2012'."""
    spans: list[list[int]] = []
    for y in years:
        if spans and y == spans[-1][1] + 1:
            spans[-1][1] = y
        else:
            spans.append([y, y])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in spans)


def _compare_blocks(answer: Answer, sources: Sources, st: _Style) -> list[str]:
    lang = answer.lang
    by_year = years_with_events(answer)
    blocks = []
    for year in answer.compare:
        facts = by_year.get(year, [])
        if not facts:
            none = "year_none_topic" if answer.topical else "year_none"
            blocks.append(f"{st.b(str(year))}\n{st.esc(t(none, lang, years=year))}")
            continue
        lines = [f"{st.b(str(year))} · {st.esc(events(len(facts), lang))}"]
        lines += [_list_item(f, lang, st) for f in facts[:3]]
        if len(facts) > 3:
            lines.append(st.i(t("more", lang, n=len(facts) - 3)))
        blocks.append("\n".join(lines))
    blocks.append(_article_line(sources, lang, st))
    return blocks


def _says_the_same(labels: list[str], title: str) -> bool:
    """Whether a fact's title only repeats its items' labels ("Path of Abai" over "“The Path
    of Abai” in China"): at least half of the labels' words are in it."""
    said = {w for w in words(normalise(" ".join(labels))) if len(w) >= 3}
    if not said:
        return True
    in_title = set(words(normalise(title)))
    return len(said & in_title) * 2 >= len(said)


def _items_blocks(answer: Answer, sources: Sources, page: int, st: _Style) -> list[str]:
    """A list or count answer: each item with its dates and sources."""
    lang = answer.lang
    by_id = {f.id: f for f in answer.facts}
    items = answer.items
    pages = max(1, -(-len(items) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    head = (
        st.b(
            t(
                "counted" if answer.count_stated else "counted_mentions",
                lang,
                n=format_number(answer.count, lang),
            )
        )
        if answer.count is not None
        else st.b(t("listed", lang, n=len(items)))
    )
    if pages > 1:
        head += f" · {st.esc(t('page', lang, page=page + 1, pages=pages))}"
    # Items that come from one fact together ("four books by Nazarbayev" in one sentence)
    # share one line: their labels, then that fact's date and title once.
    groups: list[tuple[list[str], list[str]]] = []
    for item in items[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]:
        if groups and len(item.fact_ids) == 1 and groups[-1][1] == item.fact_ids:
            groups[-1][0].append(item.label)
        else:
            groups.append(([item.label], list(item.fact_ids)))
    lines = []
    for labels, fact_ids in groups:
        facts = [by_id[i] for i in fact_ids if i in by_id]
        when = "; ".join(
            f"{format_date(f.date, lang) if f.date else t('undated_inline', lang)}"
            f" ({source_label(f, lang)})"
            for f in facts[:4]
        )
        if len(facts) > 4:
            when += f" {t('and_more', lang, n=len(facts) - 4)}"
        label = "; ".join(st.b(_cut(lb, 120)) for lb in labels)
        detail = ""
        if len(facts) == 1 and not _says_the_same(labels, facts[0].title.get(lang)):
            detail = f"\n{st.esc(_cut(facts[0].title.get(lang), 120))}"
        lines.append(f"• {label} — {st.esc(when)}{detail}")
    blocks = [head, "\n".join(lines)]
    rest = len(items) - (page + 1) * PAGE_SIZE
    if rest > 0:
        blocks.append(st.i(t("and_more", lang, n=rest)))
    blocks.append(_article_line(sources, lang, st))
    return blocks


def _year_blocks(answer: Answer, sources: Sources, page: int, st: _Style) -> list[str]:
    lang = answer.lang
    if not answer.hits:
        out = [st.esc(t("year_none", lang, years=_years(answer)))]
        if answer.nearest_years:
            years = ", ".join(str(y) for y in answer.nearest_years)
            out.append(st.esc(t("nearest", lang, years=years)))
        return out
    return _list_blocks(_years(answer), answer.hits, lang, page, sources, st, answer.total)


def _list_blocks(
    title: str,
    hits: Sequence[Hit],
    lang: Lang,
    page: int,
    sources: Sources,
    st: _Style,
    total: int | None = None,
) -> list[str]:
    pages = pages_of(len(hits))
    page = min(max(page, 0), pages - 1)
    # Only the page's facts are read: a year's answer may hold 120.
    items = [h.fact for h in hits[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]]
    header = f"{st.b(title)} · {st.esc(events(total or len(hits), lang))}"
    if pages > 1:
        header += f" · {st.esc(t('page', lang, page=page + 1, pages=pages))}"
    blocks = [header] + [_list_item(f, lang, st, sources) for f in items]
    rest = (total or len(hits)) - (page + 1) * PAGE_SIZE
    if rest > 0:
        blocks.append(st.i(t("more", lang, n=rest)))
    article = sources.article.title.get(lang)
    blocks.append(st.i(f"{t('source', lang)}: {t('article', lang)} «{article}»"))
    return blocks


def render_list(
    title: str, facts: list[Fact], lang: Lang, sources: Sources, *, page: int = 0
) -> str:
    """A paged list of facts under ``title`` (a topic), in Telegram HTML."""
    st = _Style(True)
    hits = [Hit(fact=f, score=100.0) for f in facts]
    return _fit(_list_blocks(title, hits, lang, page, sources, st), st)


def render_quote(fact: Fact, sources: Sources, lang: Lang) -> str:
    """The original Kazakh passages a fact rests on, each with where it is in the article."""
    st = _Style(True)
    blocks = [st.b(fact.title.get(lang))]
    article = f"{t('source', lang)}: {t('article', lang)} «{sources.article.title.kk}»"
    for i, src in enumerate(fact.sources):
        where = location_label(src.location, lang, _para_opening(src, sources))
        if src.ref is not None:
            where += f"; {ref_label(src.ref, src.pages, lang)}"
        label = f"{st.i(ui('quote', lang))}:\n" if i == 0 else ""
        quote = f"<blockquote>{st.esc(src.quote)}</blockquote>"
        blocks.append(f"{label}{quote}\n{st.i(f'{article}, {where}')}")
    return _fit(blocks, st)


def _fit(blocks: list[str], st: _Style, limit: int = MAX_MESSAGE) -> str:
    """Join blocks with blank lines, dropping whole blocks from the end to stay within limit."""
    out = ""
    for block in blocks:
        candidate = f"{out}\n\n{block}" if out else block
        if utf16_len(candidate) > limit:
            break
        out = candidate
    if not out and blocks:
        # A single block over the limit: only possible with huge texts; cut it as plain text.
        plain = html.unescape(_strip_tags(blocks[0])) if st.html else blocks[0]
        out = st.esc(_cut(plain, limit // 2))
    return out


def _strip_tags(s: str) -> str:
    return re.sub(r"<[^>]+>", "", s)
