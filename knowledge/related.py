"""Related facts: what to offer under an answer as "See also".

Relatedness is computed from the fact base itself, never from a hand-written list:

- shared people, places, organisations, works, tags and the kind of event, each weighed by its
  rarity in the fact base (an inverse document frequency: a person named in two facts ties them
  more than the tag "agreements", which half the facts have);
- the reciprocal event (Almaty's days in Shanghai, 2004, and Shanghai's days in Almaty, 2005):
  the same kind with host and guest swapped;
- closeness in time, which only breaks ties between facts that share something.

:func:`related` is a pure function over facts; :func:`related_map` computes it for every fact.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from .models import Fact

#: How many related facts an answer offers, at most.
MAX_RELATED = 3
#: A fact is offered only if it scores at least this much (a sum of IDF weights, about 0-20;
#: one shared rare name is about 3, one shared common tag about 0.5).
MIN_SCORE = 1.5
#: Extra weight of each kind of feature over its IDF (people and works tie facts the most).
FEATURE_WEIGHTS: dict[str, float] = {
    "person": 1.5,
    "work": 1.5,
    "place": 1.0,
    "org": 1.0,
    "tag": 0.5,
    "kind": 0.8,
}
#: Added for the reciprocal event (same kind, host and guest swapped).
RECIPROCAL_BONUS = 4.0
#: Added for closeness in time: this much for the same year, halving with each year apart.
PROXIMITY_BONUS = 1.0
#: A date proximity bonus counts only if the facts share features worth at least this much.
PROXIMITY_NEEDS = 0.5


def features(fact: Fact) -> set[tuple[str, str]]:
    """What a fact is about, as (kind of feature, value) pairs."""
    out: set[tuple[str, str]] = {("kind", fact.event)}
    out.update(("person", p) for p in fact.people)
    out.update(("place", p) for p in fact.places)
    out.update(("org", o) for o in fact.orgs)
    out.update(("tag", t) for t in fact.tags)
    out.update(("work", w.en) for w in fact.works)
    return out


def weights(facts: Sequence[Fact]) -> dict[tuple[str, str], float]:
    """Each feature's weight: its kind's weight times its IDF in ``facts``."""
    df: Counter[tuple[str, str]] = Counter()
    for f in facts:
        df.update(features(f))
    n = len(facts)
    return {
        feat: FEATURE_WEIGHTS[feat[0]] * math.log((n + 1) / (c + 0.5)) for feat, c in df.items()
    }


def _reciprocal(a: Fact, b: Fact) -> bool:
    """The same kind of exchange the other way round: host and guest swapped."""
    return bool(
        a.host and a.guest and (a.host, a.guest) == (b.guest, b.host) and a.event == b.event
    )


def _years_apart(a: Fact, b: Fact) -> int | None:
    if a.date is None or b.date is None:
        return None
    ya, yb = a.date.years, b.date.years
    if ya.start <= yb[-1] and yb.start <= ya[-1]:
        return 0
    return min(abs(ya.start - yb[-1]), abs(yb.start - ya[-1]))


Features = dict[str, frozenset[tuple[str, str]]]


def score(
    a: Fact, b: Fact, w: dict[tuple[str, str], float], feats: Features | None = None
) -> float:
    """How related ``b`` is to ``a`` (0 and up; see :data:`MIN_SCORE`)."""
    fa = feats[a.id] if feats is not None else features(a)
    fb = feats[b.id] if feats is not None else features(b)
    s = sum(w.get(feat, 0.0) for feat in fa & fb)
    if _reciprocal(a, b):
        s += RECIPROCAL_BONUS
    apart = _years_apart(a, b)
    if apart is not None and s >= PROXIMITY_NEEDS:
        s += PROXIMITY_BONUS / 2**apart
    return s


def related(
    fact: Fact,
    facts: Sequence[Fact],
    k: int = MAX_RELATED,
    w: dict[tuple[str, str], float] | None = None,
    feats: Features | None = None,
) -> list[Fact]:
    """Up to ``k`` facts of ``facts`` most related to ``fact``, best first (never ``fact``)."""
    w = weights(facts) if w is None else w
    if feats is None:
        feats = {f.id: frozenset(features(f)) for f in [fact, *facts]}
    scored = [
        (score(fact, other, w, feats), other.sort_key, other.id, other)
        for other in facts
        if other.id != fact.id
    ]
    scored = [s for s in scored if s[0] >= MIN_SCORE]
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))
    return [s[3] for s in scored[:k]]


def related_map(facts: Sequence[Fact], k: int = MAX_RELATED) -> dict[str, tuple[str, ...]]:
    """Every fact's related facts, by id (computed once per fact base)."""
    w = weights(facts)
    feats = {f.id: frozenset(features(f)) for f in facts}
    return {f.id: tuple(r.id for r in related(f, facts, k, w, feats)) for f in facts}
