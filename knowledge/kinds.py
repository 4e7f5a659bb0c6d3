"""What kind of event a fact is, who hosted it, and whether its date is the article's own.

Small accessors over :class:`~knowledge.models.Fact`, so that the timeline and the related-facts
computation read these in one way. A fact's ``event`` field names its kind; a fact without one
(an older fact file) falls back to its first tag.
"""

from __future__ import annotations

from .models import Fact


def kind_of(fact: Fact) -> str:
    """The fact's kind of event: its ``event`` field, else its first tag."""
    kind = getattr(fact, "event", None)
    return str(kind) if kind else fact.tags[0]


def is_inferred(fact: Fact) -> bool:
    """True when the fact's date was worked out by the compilers, not given by the article."""
    if fact.date is None:
        return False
    inferred = getattr(fact, "date_inferred", None)
    if inferred is not None:
        return bool(inferred)
    return fact.date_note is not None


def host_guest(fact: Fact) -> tuple[str | None, str | None]:
    """The country that hosted the event and the one whose culture came as a guest, if known."""
    host, guest = getattr(fact, "host", None), getattr(fact, "guest", None)
    return (str(host) if host else None, str(guest) if guest else None)
