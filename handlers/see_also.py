"""The "See also" lines under an answer: two or three related facts (knowledge.related).

Plain text or Telegram HTML; in HTML each title links to the fact's deep link
(``t.me/<bot>?start=f_<id>``), which opens it in the bot. The related facts of every fact are
computed when the index is built, and read from it (``FactIndex.related``).
"""

from __future__ import annotations

import html

from knowledge.engine import Engine
from knowledge.models import Answer, Fact, Lang
from knowledge.related import MAX_RELATED

from .i18n import ui
from .render import MAX_MESSAGE, utf16_len
from .timeline import short_title, year_span


async def see_also_facts(answer: Answer, engine: Engine) -> list[Fact]:
    """Up to three facts related to the answer's first fact and not in the answer."""
    if answer.kind != "fact" or not answer.hits:
        return []
    shown = {f.id for f in answer.facts}
    ids = [i for i in await engine.index.related(answer.facts[0].id) if i not in shown]
    return await engine.facts_by_ids(ids[:MAX_RELATED])


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


async def with_see_also(text: str, answer: Answer, engine: Engine, bot_username: str | None) -> str:
    """``text`` (a rendered answer, HTML) with its "See also" lines, if they fit in a message."""
    facts = await see_also_facts(answer, engine)
    block = see_also(facts, answer.lang, bot_username=bot_username)
    if not block:
        return text
    out = f"{text}\n\n{block}"
    return out if utf16_len(out) <= MAX_MESSAGE else text
