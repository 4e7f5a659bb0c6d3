"""The "See also" lines under an answer: two or three related facts (knowledge.related).

Plain text or Telegram HTML; in HTML each title links to the fact's deep link
(``t.me/<bot>?start=f_<id>``), which opens it in the bot.
"""

from __future__ import annotations

import html
from collections import OrderedDict

from knowledge.factbase import FactBase
from knowledge.models import Answer, Fact, Lang
from knowledge.related import MAX_RELATED, related_map

from .i18n import ui
from .render import MAX_MESSAGE, utf16_len
from .timeline import short_title, year_span

#: Related facts kept per fact, so that those already in the answer can be left out.
KEEP = MAX_RELATED + 3
#: Related-fact maps kept, by the fact base's content hash.
_MAPS: OrderedDict[str, dict[str, tuple[str, ...]]] = OrderedDict()


def related_ids(base: FactBase) -> dict[str, tuple[str, ...]]:
    """Every fact's related facts by id, computed once per fact base."""
    found = _MAPS.get(base.content_hash)
    if found is None:
        found = related_map(base.facts, KEEP)
        _MAPS[base.content_hash] = found
        while len(_MAPS) > 2:
            _MAPS.popitem(last=False)
    return found


def see_also_facts(answer: Answer, base: FactBase) -> list[Fact]:
    """Up to three facts related to the answer's first fact and not in the answer."""
    if answer.kind != "fact" or not answer.hits:
        return []
    shown = {f.id for f in answer.facts}
    by_id = base.by_id()
    ids = [i for i in related_ids(base).get(answer.facts[0].id, ()) if i not in shown]
    return [by_id[i] for i in ids[:MAX_RELATED] if i in by_id]


def see_also(
    facts: list[Fact], lang: Lang, *, bot_username: str | None = None, html_mode: bool = True
) -> str:
    """'See also:' and one line per fact; '' when there is none."""
    if not facts:
        return ""
    esc = (lambda s: html.escape(s, quote=False)) if html_mode else (lambda s: s)
    lines = [f"<i>{esc(ui('see_also', lang))}:</i>" if html_mode else f"{ui('see_also', lang)}:"]
    for f in facts:
        title = esc(short_title(f, lang))
        if html_mode and bot_username:
            title = f'<a href="https://t.me/{html.escape(bot_username)}?start=f_{f.id}">{title}</a>'
        when = f" ({year_span(f)})" if f.date else ""
        lines.append(f"• {title}{when}")
    return "\n".join(lines)


def with_see_also(text: str, answer: Answer, base: FactBase, bot_username: str | None) -> str:
    """``text`` (a rendered answer, HTML) with its "See also" lines, if they fit in a message."""
    block = see_also(see_also_facts(answer, base), answer.lang, bot_username=bot_username)
    if not block:
        return text
    out = f"{text}\n\n{block}"
    return out if utf16_len(out) <= MAX_MESSAGE else text
