"""Which facts a timeline shows: all dated ones, or one kind of event or topic.

``/timeline <query>`` names a kind (knowledge.models.EVENT_KINDS) or a tag in any of the three
languages; :func:`select` finds it, forgiving case, Kazakh typed without its letters and typos.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from knowledge.models import EVENT_KINDS, LANGS, TAGS, Fact, Lang
from knowledge.text import loose

from .i18n import KIND_NAMES, TAG_NAMES


@dataclass(frozen=True)
class Selection:
    """The facts one picture shows: all dated ones, or those of one kind or tag."""

    key: str = ""
    """'' for all, else 'kind:<kind>' or 'tag:<tag>' (part of the cache key)."""
    names: dict[Lang, str] = field(default_factory=dict)
    """The filter's name in each language ('' for all)."""

    def matches(self, fact: Fact) -> bool:
        if not self.key:
            return True
        what, _, value = self.key.partition(":")
        return fact.event == value if what == "kind" else value in fact.tags

    def facts(self, facts: Sequence[Fact]) -> list[Fact]:
        """The selected facts that have a date, in date order."""
        return sorted(
            (f for f in facts if f.date is not None and self.matches(f)),
            key=lambda f: (f.sort_key, f.id),
        )


ALL = Selection()
#: rapidfuzz ``ratio`` (0-100) a filter word must reach against a kind's or tag's name.
FILTER_CUTOFF = 80


def filters(facts: Sequence[Fact]) -> list[Selection]:
    """Every kind and tag some dated fact has. Where a kind and a tag have one name
    ("Exhibitions"), the one with more dated facts stands for both."""
    kinds = {f.event for f in facts}
    tags = {t for f in facts for t in f.tags}
    options = [
        Selection(f"kind:{k}", {lang: KIND_NAMES[k][lang] for lang in LANGS})
        for k in EVENT_KINDS
        if k in kinds
    ] + [
        Selection(f"tag:{t}", {lang: TAG_NAMES[t][lang] for lang in LANGS})
        for t in TAGS
        if t in tags
    ]
    size = {s.key: sum(1 for f in facts if f.date is not None and s.matches(f)) for s in options}
    best: dict[str, Selection] = {}
    for s in options:
        if not size[s.key]:
            continue
        name = s.names["en"]
        if name not in best or size[s.key] > size[best[name].key]:
            best[name] = s
    return list(best.values())


def select(query: str, facts: Sequence[Fact]) -> Selection | None:
    """The selection a ``/timeline <query>`` asks for; None if it names no kind or tag.

    The query is matched, in all three languages, against the names of the kinds and tags the
    facts have, and their ids: exactly, then as a prefix of four letters or more, then fuzzily.
    """
    q = _norm(query)
    if not q:
        return ALL
    options = [
        (s, {_norm(n) for n in s.names.values()} | {_norm(s.key.partition(":")[2])})
        for s in filters(facts)
    ]
    for s, names in options:
        if q in names:
            return s
    if len(q) >= 4:
        for s, names in options:
            if any(n.startswith(q) or (q.startswith(n) and len(n) >= 4) for n in names):
                return s
    best = max(
        ((max(fuzz.ratio(q, n) for n in names), i) for i, (_, names) in enumerate(options)),
        default=(0.0, -1),
    )
    return options[best[1]][0] if best[0] >= FILTER_CUTOFF else None


def _norm(text: str) -> str:
    """Lower case, Kazakh letters folded (as typed on a Russian keyboard), '-' as a space."""
    return " ".join(loose(text.casefold().replace("ё", "е")).replace("-", " ").split())


def filter_names(facts: Sequence[Fact], lang: Lang) -> list[str]:
    """The names a user can give ``/timeline``, in ``lang``."""
    return [s.names[lang] for s in filters(facts)]
