"""callback_data for inline buttons: versioned, at most 64 bytes, parsed strictly.

Format: ``1|<action>|<arg>|...``. Anything that does not parse (forged, stale from an older
version, garbage) gives ``None``, and the caller answers it politely.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from knowledge.models import LANGS, TAGS, Lang

VERSION = "1"
MAX_BYTES = 64

_FACT_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_YEAR = re.compile(r"^[0-9]{1,4}$")  # any year /year accepts (0-9999), so encode() round-trips
_PAGE = re.compile(r"^\d{1,3}$")
_EXAMPLE = re.compile(r"^[0-2]$")

Action = Literal["src", "tr", "vote", "year", "more", "topic", "setlang", "ex"]


@dataclass(frozen=True)
class Callback:
    action: Action
    fact_id: str | None = None
    lang: Lang | None = None
    year: int | None = None
    page: int = 0
    tag: str | None = None
    vote: int = 0
    example: int = 0


def encode(cb: Callback) -> str:
    """The callback_data string; raises ValueError if it would not be valid."""
    a = cb.action
    if a == "src" or a == "tr":
        parts = [a, _need(cb.fact_id), _need(cb.lang)]
    elif a == "vote":
        parts = [a, _need(cb.fact_id), "+" if cb.vote > 0 else "-"]
    elif a in ("year", "more"):
        parts = [a, str(cb.year), str(cb.page), _need(cb.lang)]
    elif a == "topic":
        parts = [a, _need(cb.tag), str(cb.page), _need(cb.lang)]
    elif a == "setlang":
        parts = [a, _need(cb.lang)]
    else:
        parts = [a, str(cb.example), _need(cb.lang)]
    data = "|".join([VERSION, *parts])
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback_data over {MAX_BYTES} bytes: {data!r}")
    if parse(data) != _normalised(cb):
        raise ValueError(f"callback_data does not round-trip: {data!r}")
    return data


def _normalised(cb: Callback) -> Callback:
    """The fields encode() keeps for ``cb``'s action (for the round-trip check)."""
    return Callback(
        action=cb.action,
        fact_id=cb.fact_id if cb.action in ("src", "tr", "vote") else None,
        lang=cb.lang if cb.action != "vote" else None,
        year=cb.year if cb.action in ("year", "more") else None,
        page=cb.page if cb.action in ("year", "more", "topic") else 0,
        tag=cb.tag if cb.action == "topic" else None,
        vote=(1 if cb.vote > 0 else -1) if cb.action == "vote" else 0,
        example=cb.example if cb.action == "ex" else 0,
    )


def _need(v: str | None) -> str:
    if not v:
        raise ValueError("missing callback field")
    return v


def _lang(s: str) -> Lang | None:
    for lang in LANGS:
        if s == lang:
            return lang
    return None


def parse(data: str | None) -> Callback | None:
    """The callback, or None for anything not produced by :func:`encode` of this version."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    parts = data.split("|")
    if len(parts) < 3 or parts[0] != VERSION:
        return None
    action, args = parts[1], parts[2:]
    if action in ("src", "tr") and len(args) == 2:
        lang = _lang(args[1])
        if _FACT_ID.match(args[0]) and lang:
            return Callback(action, fact_id=args[0], lang=lang)  # type: ignore[arg-type]
    elif action == "vote" and len(args) == 2:
        if _FACT_ID.match(args[0]) and args[1] in ("+", "-"):
            return Callback("vote", fact_id=args[0], vote=1 if args[1] == "+" else -1)
    elif action in ("year", "more") and len(args) == 3:
        lang = _lang(args[2])
        if _YEAR.match(args[0]) and _PAGE.match(args[1]) and lang:
            act: Action = "year" if action == "year" else "more"
            return Callback(act, year=int(args[0]), page=int(args[1]), lang=lang)
    elif action == "topic" and len(args) == 3:
        lang = _lang(args[2])
        if args[0] in TAGS and _PAGE.match(args[1]) and lang:
            return Callback("topic", tag=args[0], page=int(args[1]), lang=lang)
    elif action == "setlang" and len(args) == 1:
        lang = _lang(args[0])
        if lang:
            return Callback("setlang", lang=lang)
    elif action == "ex" and len(args) == 2:
        lang = _lang(args[1])
        if _EXAMPLE.match(args[0]) and lang:
            return Callback("ex", example=int(args[0]), lang=lang)
    return None
