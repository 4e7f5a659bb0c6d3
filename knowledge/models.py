"""Typed models of the fact base and of answers.

The domain returns these plain pydantic models; rendering them for Telegram or a terminal is
someone else's job (see ``handlers.render``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    field_validator,
    model_validator,
)
from pydantic_core import core_schema

Lang = Literal["kk", "ru", "en"]
LANGS: tuple[Lang, ...] = ("kk", "ru", "en")

#: The fixed list of topic tags. A fact may only use these.
TAGS: tuple[str, ...] = (
    "diplomacy",
    "visits",
    "agreements",
    "culture-days",
    "arts",
    "publishing",
    "education",
    "language",
    "science",
    "media",
    "archives",
    "film",
    "exhibitions",
    "youth",
    "history",
    "economy",
    "anniversaries",
)

#: The fixed list of event kinds: what sort of thing a fact reports. Exactly one per fact.
EVENT_KINDS: tuple[str, ...] = (
    "culture-days",  # days or weeks of one country's (or city's) culture in the other
    "visit",  # a visit or trip of a leader or a delegation
    "agreement",  # an agreement, treaty, plan or concept signed or agreed
    "declaration",  # a joint declaration or communiqué
    "programme",  # the 2003-2008 cooperation programme as a whole
    "programme-direction",  # one of the eight directions of that programme
    "publication",  # a book or collection published
    "exhibition",
    "festival",
    "performance",  # a concert or an evening given by performers
    "tour",  # a company's tour
    "contest",
    "conference",
    "anniversary",  # an anniversary celebrated
    "media",  # news agencies, TV channels, media coverage
    "education",  # study, students, education aid
    "institution",  # a centre or office opened
    "film",
    "diplomacy",  # recognition, embassies, the course of relations
    "statement",  # what someone (or the article itself) says about the relations
    "history",
)

#: The two countries of the article, as a fact's ``host`` or ``guest`` or a name's ``country``.
Country = Literal["KZ", "CN"]
#: A language a work is published or translated in: Kazakh, Russian, Chinese, English.
WorkLanguage = Literal["kk", "ru", "zh", "en"]
#: How much of a fact's date the article's own words give (see ``Fact.date_given``).
DatePrecision = Literal["day", "month", "year", "none"]
_PRECISION_RANK = {"none": 0, "year": 1, "month": 2, "day": 3}
NameKind = Literal["city", "region", "country", "person", "org"]

MAX_ID_LEN = 40
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PartialDate(_Strict):
    """A calendar date of which only the year may be known."""

    year: int = Field(ge=1000, le=2999)
    month: int | None = Field(default=None, ge=1, le=12)
    day: int | None = Field(default=None, ge=1, le=31)

    @model_validator(mode="after")
    def _check(self) -> PartialDate:
        if self.day is not None:
            if self.month is None:
                raise ValueError("a day needs a month")
            if self.day > _DAYS_IN_MONTH[self.month - 1]:
                raise ValueError(f"month {self.month} has no day {self.day}")
        return self

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        m = _DATE_RE.match(text.strip())
        if not m:
            raise ValueError(f"{text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        y, mo, d = m.groups()
        return cls(year=int(y), month=int(mo) if mo else None, day=int(d) if d else None)

    def key(self) -> tuple[int, int, int]:
        """Sort key; unknown month or day sort first."""
        return (self.year, self.month or 0, self.day or 0)

    def iso(self) -> str:
        out = f"{self.year:04d}"
        if self.month:
            out += f"-{self.month:02d}"
            if self.day:
                out += f"-{self.day:02d}"
        return out


class FactDate(_Strict):
    """When a fact happened: one partial date, or a range ``start/end``."""

    start: PartialDate
    end: PartialDate | None = None

    @model_validator(mode="after")
    def _order(self) -> FactDate:
        if self.end is not None and self.end.key() <= self.start.key():
            raise ValueError("a range must end after it starts")
        return self

    @classmethod
    def parse(cls, text: str) -> FactDate:
        parts = str(text).split("/")
        if len(parts) > 2:
            raise ValueError(f"{text!r} has more than one '/'")
        start = PartialDate.parse(parts[0])
        end = PartialDate.parse(parts[1]) if len(parts) == 2 else None
        return cls(start=start, end=end)

    def iso(self) -> str:
        return self.start.iso() + (f"/{self.end.iso()}" if self.end else "")

    @property
    def precision(self) -> DatePrecision:
        """The finest part of this date that is filled in (of the start or of the end)."""
        parts = [self.start, *([self.end] if self.end else [])]
        if any(p.day for p in parts):
            return "day"
        if any(p.month for p in parts):
            return "month"
        return "year"

    @property
    def years(self) -> range:
        last = self.end.year if self.end else self.start.year
        return range(self.start.year, last + 1)


class Texts(_Strict):
    """One string in each of the three languages."""

    kk: str = Field(min_length=1)
    ru: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: Lang) -> str:
        return str(getattr(self, lang))


class Aliases(_Strict):
    """Search phrases, in the words people use, per language."""

    kk: list[str] = Field(default_factory=list)
    ru: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)

    def get(self, lang: Lang) -> list[str]:
        return list(getattr(self, lang))


class Source(_Strict):
    """Where in the article a fact rests."""

    location: str = Field(min_length=1, description="e.g. 'body, para 12' or 'abstract-ru'")
    ref: int | None = Field(default=None, ge=1, description="the article's own reference number")
    pages: str | None = Field(default=None, description="pages of that reference, e.g. '212'")
    quote: str = Field(min_length=1, description="the sentence or clause, copied from the article")

    @field_validator("quote")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("the quote is empty")
        return v

    @model_validator(mode="after")
    def _pages_need_ref(self) -> Source:
        if self.pages is not None and self.ref is None:
            raise ValueError("pages given without a reference number")
        return self

    def label(self) -> str:
        """The short citation, e.g. ``ref. [6], p. 212``."""
        if self.ref is None:
            return ""
        if not self.pages:
            return f"ref. [{self.ref}]"
        many = "-" in self.pages or "," in self.pages
        pages = self.pages.replace("-", "\u2013")
        return f"ref. [{self.ref}], {'pp.' if many else 'p.'} {pages}"


class Name(_Strict):
    """A place, person or organisation of the article, in the three languages.

    Facts name them by ``key`` in ``places``, ``people`` and ``orgs``; knowledge/names.yaml holds
    them. ``country`` is the country a city, region, person or organisation belongs to (None for
    international bodies and for organisations of third countries).
    """

    key: str
    kind: NameKind
    country: Country | None
    kk: str = Field(min_length=1)
    ru: str = Field(min_length=1)
    en: str = Field(min_length=1)
    aliases: Aliases = Field(default_factory=Aliases)

    @field_validator("key")
    @classmethod
    def _key(cls, v: str) -> str:
        if not _ID_RE.match(v):
            raise ValueError("key must be lowercase ASCII letters, digits and '-'")
        return v

    def get(self, lang: Lang) -> str:
        return str(getattr(self, lang))

    def forms(self, lang: Lang) -> list[str]:
        """The name and its aliases in ``lang``."""
        return [self.get(lang), *self.aliases.get(lang)]


class Fact(_Strict):
    """One event or claim of the article.

    ``date_given`` is how much of ``date`` the article's own words state for this fact: "day"
    (day, month and year), "month" (month and year), "year", or "none" (no year of its own:
    "this year", "during that visit", a date borrowed from a neighbouring sentence, or no date
    at all). A date finer than what is given is worked out (``date_inferred``), and ``date_note``
    must then say what the article says and why the date was chosen.

    ``host`` and ``guest`` are set for exchanges: the country that received the event and the
    country that came (the Days of Kazakhstan's culture in China: host CN, guest KZ).
    ``places`` are where the event took place; ``places``, ``people`` and ``orgs`` hold keys of
    knowledge/names.yaml. ``works`` are titles (books, documents, films, programmes) the article
    names for this fact. ``languages`` are the languages the article says the fact's work was
    published or translated in («қазақ, орыс және қытай тілдерінде»), each once.
    ``more_sources`` are further passages the text rests on, each with the
    reference that stands after its own sentence.
    """

    id: str
    date: FactDate | None = None
    date_given: DatePrecision
    date_note: Texts | None = None
    event: str
    host: Country | None = None
    guest: Country | None = None
    title: Texts
    text: Texts
    places: list[str] = Field(default_factory=list)
    people: list[str] = Field(default_factory=list)
    orgs: list[str] = Field(default_factory=list)
    works: list[Texts] = Field(default_factory=list)
    languages: list[WorkLanguage] = Field(default_factory=list)
    tags: list[str] = Field(min_length=1)
    aliases: Aliases = Field(default_factory=Aliases)
    note: Texts | None = None
    featured: bool = False
    source: Source
    more_sources: list[Source] = Field(default_factory=list)

    @field_validator("languages")
    @classmethod
    def _languages(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError(f"languages repeat: {v}")
        return v

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if len(v) > MAX_ID_LEN:
            raise ValueError(f"id is {len(v)} characters, at most {MAX_ID_LEN} allowed")
        if not _ID_RE.match(v):
            raise ValueError("id must be lowercase ASCII letters, digits and '-'")
        return v

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, v: object) -> object:
        if v is None or isinstance(v, FactDate | dict):
            return v
        return FactDate.parse(str(v))

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: list[str]) -> list[str]:
        unknown = [t for t in v if t not in TAGS]
        if unknown:
            raise ValueError(f"unknown tag {unknown[0]!r}; allowed: {', '.join(TAGS)}")
        return v

    @field_validator("event")
    @classmethod
    def _event(cls, v: str) -> str:
        if v not in EVENT_KINDS:
            raise ValueError(f"unknown event kind {v!r}; allowed: {', '.join(EVENT_KINDS)}")
        return v

    @property
    def date_inferred(self) -> bool:
        """True when ``date`` is finer than what the article's own words give for this fact."""
        if self.date is None:
            return False
        return _PRECISION_RANK[self.date.precision] > _PRECISION_RANK[self.date_given]

    @property
    def sources(self) -> list[Source]:
        """Every passage the fact rests on, the main one first."""
        return [self.source, *self.more_sources]

    @property
    def sort_key(self) -> tuple[int, int, int]:
        return self.date.start.key() if self.date else (9999, 0, 0)


class ArticleInfo(_Strict):
    title: Texts
    note: Texts = Field(description="what a user sees about the missing bibliography")
    file: str


class Reference(_Strict):
    number: int = Field(ge=1)
    pages: list[str] = Field(default_factory=list)


class Sources(_Strict):
    """The one article and what it shows of its references."""

    article: ArticleInfo
    references: list[Reference]
    paragraphs: list[str] = Field(
        default_factory=list, description="opening words of body paragraphs 1, 2, ..."
    )

    def paragraph(self, n: int) -> str | None:
        """The opening words of body paragraph ``n`` (counted from 1), if known."""
        return self.paragraphs[n - 1] if 1 <= n <= len(self.paragraphs) else None


#: What an answer is: one or a few facts; a year's or a period's events; two or more years side
#: by side; a list or count over facts; a conversational reply; or "the article says nothing".
AnswerKind = Literal["fact", "year", "range", "compare", "list", "chat", "none"]
#: What a question asked that the article's facts on its subject do not say.
Missing = Literal["who", "where", "when", "number", "names"]


class Hit:
    """A fact with the score that brought it into an answer (0-100).

    A hit made from an index row (:meth:`lazy`) decodes its fact only when it is first read:
    a year's answer holds up to 120 facts, and a reply shows one page of them. Its ``id`` is
    known without decoding. Immutable once made, like the models around it.
    """

    __slots__ = ("_fact", "_load", "id", "score")

    def __init__(self, *, fact: Fact, score: float) -> None:
        self._init(fact.id, fact, None, score)

    @classmethod
    def lazy(cls, fact_id: str, load: Callable[[], Fact], score: float) -> Hit:
        """A hit whose fact ``load()`` gives, when it is first read."""
        hit = cls.__new__(cls)
        hit._init(fact_id, None, load, score)
        return hit

    def _init(
        self, fact_id: str, fact: Fact | None, load: Callable[[], Fact] | None, score: float
    ) -> None:
        if not 0 <= score <= 100:
            raise ValueError(f"a hit's score is 0-100, not {score}")
        set_ = object.__setattr__
        set_(self, "id", fact_id)
        set_(self, "score", float(score))
        set_(self, "_fact", fact)
        set_(self, "_load", load)

    id: str
    score: float
    _fact: Fact | None
    _load: Callable[[], Fact] | None

    @property
    def fact(self) -> Fact:
        if self._fact is None:
            assert self._load is not None
            fact = self._load()
            if fact.id != self.id:
                raise ValueError(f"hit {self.id!r} decoded as fact {fact.id!r}")
            object.__setattr__(self, "_fact", fact)
            object.__setattr__(self, "_load", None)
            return fact
        return self._fact

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a Hit is immutable")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Hit):
            return NotImplemented
        return self.id == other.id and self.score == other.score and self.fact == other.fact

    def __hash__(self) -> int:
        return hash((self.id, self.score))

    def __repr__(self) -> str:
        return f"Hit(id={self.id!r}, score={self.score})"

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        # A field of this type takes Hit objects as they are (the Answer that holds them is
        # built by the engine, never parsed from outside).
        return core_schema.is_instance_schema(cls)


class ListItem(_Strict):
    """One line of a list answer: a place, a person, a work or an event, and its facts."""

    label: str
    fact_ids: list[str]


class Context(_Strict):
    """What a chat's last answer leaves for the next question ("and in 2005?", "more")."""

    intent: str
    kind: AnswerKind
    lang: Lang
    words: list[str] = Field(default_factory=list, description="the last topical content words")
    start: int | None = None
    end: int | None = None
    years: list[int] = Field(default_factory=list)
    year: int | None = Field(default=None, description="the year the answer was about")
    page: int = 0
    pages: int = 1
    fact_ids: list[str] = Field(default_factory=list)
    target: str | None = None
    host: str | None = None
    guest: str | None = None
    kinds: list[str] = Field(default_factory=list, description="the event kinds asked about")
    times: bool = Field(default=False, description="a count of times (of facts), not of a noun")
    count: int | None = Field(default=None, description="the count a count answer stated")
    count_stated: bool = Field(default=False, description="that count is a number a fact states")
    listed: list[str] = Field(
        default_factory=list, description="the list a fact was picked from by its number"
    )


class Answer(_Strict):
    """What the engine says to one question; rendering is done elsewhere."""

    question: str
    lang: Lang
    kind: AnswerKind
    hits: list[Hit] = Field(default_factory=list)
    years: tuple[int, int] | None = Field(default=None, description="the asked year or range")
    nearest_years: list[int] = Field(default_factory=list, description="for an empty year")
    suggestions: list[str] = Field(default_factory=list, description="questions it can answer")
    total: int | None = Field(
        default=None, description="facts of the date, when there are more than ``hits`` holds"
    )
    intent: str = Field(default="fact", description="what the question was understood to ask")
    page: int = Field(default=0, ge=0, description="the page of a long answer to show")
    compare: list[int] = Field(default_factory=list, description="the years compared")
    topical: bool = Field(
        default=False,
        description="the date's facts on the question's subject only, not all its events",
    )
    items: list[ListItem] = Field(default_factory=list, description="a list answer's lines")
    count: int | None = Field(default=None, description="the number a count question asked for")
    count_stated: bool = Field(
        default=False,
        description="the count is a number the article states, not the facts counted",
    )
    detail: bool = Field(default=False, description="show the fact in full, with its quote")
    listed: list[str] = Field(
        default_factory=list, description="the list this fact was picked from by its number"
    )
    suggested: list[str] = Field(default_factory=list, description="ids behind suggestions")
    missing: Missing | None = Field(
        default=None,
        description="a refusal whose subject the article touches: the detail it does not give",
    )
    asked: Missing | None = Field(
        default=None, description="the detail a fact answer was asked for"
    )
    told: list[str] = Field(
        default_factory=list,
        description="that detail as the first fact gives it: the people or the places it names",
    )
    came: Literal["first", "last"] | None = Field(
        default=None,
        description="a comparison in time ('which came first, X or Y?'): ``told`` came first/last",
    )
    context: Context | None = Field(default=None, description="for the chat's next question")

    @property
    def facts(self) -> list[Fact]:
        """Every hit's fact (decoding the ones not read yet: a page needs ``hits[a:b]`` only)."""
        return [h.fact for h in self.hits]

    @property
    def fact_ids(self) -> list[str]:
        return [h.id for h in self.hits]

    @property
    def sources(self) -> list[str]:
        seen: list[str] = []
        for h in self.hits:
            for src in h.fact.sources:
                label = src.label()
                if label and label not in seen:
                    seen.append(label)
        return seen
