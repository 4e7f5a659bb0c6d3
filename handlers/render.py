"""Rendering an :class:`~knowledge.models.Answer`: Telegram HTML, or plain text for a terminal.

This is the one place that escapes user-visible text and keeps messages within Telegram's
4096-character limit. It imports nothing from ``telegram``, so the CLI uses it too.
"""

from __future__ import annotations

import html
import re

from knowledge.models import Answer, Fact, Lang, Source, Sources

from .i18n import events, format_date, location_label, ref_label, t, ui

#: Telegram's limit on a message's text, counted in UTF-16 code units.
MAX_MESSAGE = 4096
#: Items of a year or range list per page.
PAGE_SIZE = 6
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
    lines = [_date_html(fact, lang, st), st.esc(fact.text.get(lang))]
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
    if answer.kind == "fact":
        blocks = [_fact_block(h.fact, sources, lang, st) for h in answer.hits]
    elif answer.kind in ("year", "range"):
        blocks = _year_blocks(answer, sources, page, st)
    else:
        blocks = [st.esc(t("none", lang))]
        if answer.suggestions:
            blocks.append(
                st.esc(t("try", lang))
                + "\n"
                + "\n".join(f"• {st.esc(s)}" for s in answer.suggestions)
            )
    return _fit(blocks, st)


def _year_blocks(answer: Answer, sources: Sources, page: int, st: _Style) -> list[str]:
    lang = answer.lang
    if not answer.hits:
        out = [st.esc(t("year_none", lang, years=_years(answer)))]
        if answer.nearest_years:
            years = ", ".join(str(y) for y in answer.nearest_years)
            out.append(st.esc(t("nearest", lang, years=years)))
        return out
    return _list_blocks(_years(answer), answer.facts, lang, page, sources, st, answer.total)


def _list_blocks(
    title: str,
    facts: list[Fact],
    lang: Lang,
    page: int,
    sources: Sources,
    st: _Style,
    total: int | None = None,
) -> list[str]:
    pages = pages_of(len(facts))
    page = min(max(page, 0), pages - 1)
    items = facts[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    header = f"{st.b(title)} · {st.esc(events(total or len(facts), lang))}"
    if pages > 1:
        header += f" · {st.esc(t('page', lang, page=page + 1, pages=pages))}"
    blocks = [header] + [_list_item(f, lang, st, sources) for f in items]
    rest = (total or len(facts)) - (page + 1) * PAGE_SIZE
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
    return _fit(_list_blocks(title, facts, lang, page, sources, st), st)


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
