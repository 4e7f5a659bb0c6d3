"""Timeline pictures, built once per fact-base version, language and filter.

The key is the fact base's content hash and a hash of the code and words that draw it, never a
version number to bump. Building runs in a worker thread so that it never stalls the event loop.
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from knowledge.models import Fact, Lang

from .i18n import T
from .timeline import draw, png
from .timeline_filters import Selection

#: Pictures kept in memory (per fact base, language and filter).
CACHE_SIZE = 64


@dataclass(frozen=True)
class Picture:
    """A rendered timeline, and what its caption says."""

    png: bytes
    lang: Lang
    selection: Selection
    count: int
    inferred: int
    years: tuple[int, ...]
    key: tuple[str, ...]
    undated: int = 0
    """The selection's facts without a date, which the picture cannot show."""


_DRAWING = threading.Lock()


def _code_hash() -> str:
    """What a picture derives from besides the facts: the code that draws, selects and builds
    it, the interface strings it draws (i18n.py) and the matplotlib that draws it."""
    from importlib.metadata import version

    digest = hashlib.sha256(version("matplotlib").encode())
    for name in ("timeline.py", "timeline_filters.py", "pictures.py", "i18n.py"):
        digest.update(b"\0" + (Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()[:16]


CODE_HASH = _code_hash()


def picture_key(content_hash: str, lang: Lang, selection: Selection) -> tuple[str, ...]:
    """The cache key: the fact base's content hash, this code's hash, language and filter."""
    return (content_hash, CODE_HASH, lang, selection.key)


def build(
    facts: Sequence[Fact], lang: Lang, selection: Selection, content_hash: str, footer: str = ""
) -> Picture:
    """Draw and encode one picture (CPU-bound: run it in a worker thread).

    One drawing at a time: the machine's cores and memory are better spent finishing one picture
    than interleaving many (each figure holds its canvas until it is encoded).
    """
    chosen = selection.facts(facts)
    with _DRAWING:
        drawn = draw(chosen, lang, names=selection.names.get(lang, ""), footer=footer)
        data = png(drawn)
        # A figure is a web of reference cycles that only a full collection frees; left to the
        # collector (frozen at start-up), dead figures kept the bot ~50 MiB larger. ~45 ms, once
        # per picture per fact base.
        del drawn
        gc.collect()
    years = tuple(sorted({y for f in chosen if f.date for y in f.date.years}))
    return Picture(
        png=data,
        lang=lang,
        selection=selection,
        count=len(chosen),
        inferred=sum(1 for f in chosen if f.date_inferred),
        years=years,
        key=picture_key(content_hash, lang, selection),
        undated=sum(1 for f in facts if f.date is None and selection.matches(f)),
    )


def footer_line(article_title: str, lang: Lang) -> str:
    return f"{T['source'][lang]}: {T['article'][lang]} «{article_title}»"


class Pictures:
    """Timeline pictures by (fact base hash, code hash, language, filter), built once each.

    Building runs in a worker thread (``asyncio.to_thread``), so it never stalls the event loop;
    concurrent requests for one picture wait for the same build. Telegram's file_id of a picture
    once sent is kept beside it, so it is uploaded once and can be offered in inline mode.
    """

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._done: OrderedDict[tuple[str, ...], Picture] = OrderedDict()
        self._building: dict[tuple[str, ...], asyncio.Future[Picture]] = {}
        self.file_ids: dict[tuple[str, ...], str] = {}
        self.builds = 0

    def cached(self, key: tuple[str, ...]) -> Picture | None:
        return self._done.get(key)

    async def get(
        self,
        facts: Sequence[Fact],
        lang: Lang,
        selection: Selection,
        content_hash: str,
        footer: str = "",
    ) -> Picture:
        key = picture_key(content_hash, lang, selection)
        if key in self._done:
            self._done.move_to_end(key)
            return self._done[key]
        pending = self._building.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[Picture] = asyncio.get_running_loop().create_future()
        self._building[key] = future
        try:
            pic = await asyncio.to_thread(build, facts, lang, selection, content_hash, footer)
            self.builds += 1
        except BaseException as e:
            future.set_exception(e)
            future.exception()  # retrieved: a waiter-less failure is not logged twice
            raise
        finally:
            self._building.pop(key, None)
        future.set_result(pic)
        self._done[key] = pic
        while len(self._done) > self.size:
            old, _ = self._done.popitem(last=False)
            self.file_ids.pop(old, None)
        return pic
