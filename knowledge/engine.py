"""The answer engine: question in, :class:`~knowledge.models.Answer` out.

One corridor, each stage reading what the one before produced:

1. **Understand** (:mod:`knowledge.understand`): normalise once; language, intent, dates, terms.
2. **Retrieve and rank** (:mod:`knowledge.rank`): candidates from the SQLite index (each term's
   postings, by BM25) and the date table, scored by coverage and closeness.
3. **Compose** (:mod:`knowledge.compose` and below): the facts above the confidence threshold,
   a year's or a period's events, a comparison, a list or count, a conversational reply, or an
   honest "the article says nothing about this" with questions it can answer.

A chat's :class:`~knowledge.models.Context` (from the last answer) lets "and in 2005?" and "more"
mean something; the caller keeps it and passes it back while it is fresh.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping, Sequence, Set
from dataclasses import replace
from functools import lru_cache, partial
from pathlib import Path
from typing import Literal

from .analyze import Analyzer, QueryTerms
from .compose import EXAMPLES, context_of, list_items, suggestions
from .dates import NUMBER_WORDS, DateQuery, is_month_word
from .index import EVENT_TAG, PLACE_TAG, Candidate, FactIndex, FactSource
from .lexicon import KIND_LISTS, Lexicon
from .models import LANGS, Answer, Context, Fact, Hit, Lang, ListItem, Missing, Name
from .rank import CANDIDATES, DATE_MATCH, FUZZ_CANDIDATES, Ranker, Scored, date_factor
from .text import loose, normalise, words
from .understand import DIRECTION_CUES, MAX_QUESTION_CHARS, Intent, Question, understand

#: Final scores are 0-100. Below this, the engine says it does not know.
CONFIDENCE_THRESHOLD = 50.0
#: A long question that finds nothing is tried clause by clause (split at punctuation and
#: dashes): at most this many of its last clauses, of at least this many words, in a text of
#: at most this many characters (a longer one is a paste, not a question, and each clause
#: costs a whole answer).
MAX_CLAUSES = 3
CLAUSE_MIN_WORDS = 2
CLAUSE_MAX_CHARS = 300
#: ... nor in a text of more content words than this (the 2,937 questions of the evals have
#: at most 13, and the 6 a clause answers at most 7; a word soup of 200-300 characters has
#: 17-20, and its clauses cost 5-10 ms on top of the whole text's answer).
CLAUSE_MAX_CONTENT_WORDS = 14
#: "Which came first, X or Y?" is a short question: a longer text is not read as one.
COMPARE_MAX_CHARS = 200
#: "How much money did China give for education?" is looked for among more facts than a
#: confident answer only in a question this short.
AMOUNT_MAX_CHARS = 120
#: The score a clause's answer needs (the whole question's is CONFIDENCE_THRESHOLD).
CLAUSE_CONFIDENCE = 75.0
_CLAUSE_RE = re.compile(r"\s*(?:[,;:!?.…]+|\s[-–—]\s)\s*")
#: How many candidates a detail ("how much", or who/where of an event kind) is looked for
#: among, fully scored, when the first ones do not give it.
DETAIL_DEPTH = 12
#: A question's one fact a year from the asked year answers it when it leads the next by this.
YEAR_OFF_LEAD = 1.15
#: A fact naming every name a question gives answers it from this share of the threshold
#: ("did Nazarbayev travel to Beijing?": the fact of his visit, not the 1995 delegation's).
NAMED_SHARE = 0.8
#: A refused question of at most this many specific words is tried again as a follow-up.
SHORT_FOLLOWUP_WORDS = 2
#: A fact below the threshold answers when it scores at least LEAD_FLOOR, covers at least
#: LEAD_COVERAGE of the question's weight, leads the next fact by LEAD_RATIO, and shares at
#: least LEAD_MIN_WORDS specific words that are no names with the question
#: (:meth:`Engine._bar`).
LEAD_FLOOR = 40.0
LEAD_COVERAGE = 0.45
LEAD_RATIO = 1.5
LEAD_MIN_WORDS = 2
#: Further facts join the top one in a ``fact`` answer if they score at least this share of it.
RUNNER_UP_SHARE = 0.92
#: A question asking for a detail (who, where, when, how much) may be answered by a fact
#: scoring this share of the best one, when the best ones do not give it.
DETAIL_SHARE = 0.85
#: At most this many facts in a ``fact`` answer.
MAX_FACT_HITS = 3
#: A topical question with a date that matches nothing well falls back to the date's events
#: only if its best fact scores at least this much; otherwise it is off-topic.
DATE_FALLBACK_SCORE = 30.0
#: A year or range answer lists at most this many facts (and says how many there are).
MAX_DATE_HITS = 120
#: A list answer takes the facts whose coverage is at least this share of the best one's, and
#: at least LIST_MIN_COVERAGE; candidates for it, and at most this many facts.
LIST_SHARE = 0.75
#: A list answer needs its best candidate to reach this share of CONFIDENCE_THRESHOLD (the same
#: bar as a fact answer: a list is no surer of its subject than one fact).
LIST_THRESHOLD_SHARE = 1.0
LIST_MIN_COVERAGE = 0.3
LIST_CANDIDATES = 60
MAX_LIST = 40
#: A list is completed by the facts another fact counts ("two delegations") up to this many.
MAX_COUNTED_LINK = 6
#: The topic tag of the facts that record a visit, whatever their kind of event.
VISITS_TAG = "visits"
#: Topic words narrow a list of one event kind only to fewer than this share of the kind.
KIND_NARROWS = 0.6
#: A fact naming the question's rarest word (in at most FOCUS_MAX_DF facts) only in its text,
#: not in its title, aliases or names, keeps this share of its score.
PASSING_FACTOR = 0.7
FOCUS_MAX_DF = 2


#: Questions only a fact that says so answers, by their cue list and the fact's word list:
#: "Who is the Chinese ambassador now?" (the facts are of their years; only one that says
#: what holds today, «бүгінде», answers "now"); "Who won the main prize at Eurasia-2007?"
#: (the festival's fact names no winner).
_TOLD_ONLY_BY = (
    ("now", "now"),
    ("winning", "won"),
    ("ask_length", "length"),
    ("ask_translator", "translator"),  # "who translated it?": not the author it names
)
#: The answer's leading facts that must say so (the rest of a list follows the lead).
TOLD_HITS = 5
#: Facts' answers to _says remembered (a fact id and a word list each).
SAID_CACHE = 4096


class Engine:
    """Answers questions from one fact base; open with :meth:`open`, close with :meth:`close`."""

    def __init__(self, db: sqlite3.Connection, index: FactIndex, vocab: dict[str, int]) -> None:
        self.db = db
        self.index = index
        self.vocab = vocab
        self.n_facts = 0
        self.years: list[int] = []
        self.ranker = Ranker(index, vocab, 0)
        self.lexicon = Lexicon(index.analyzer.kk.stem)
        self.names: dict[str, Name] = {}
        self.topic_terms: frozenset[str] = frozenset()
        self.name_terms: frozenset[str] = frozenset()
        self.name_terms_of: dict[str, frozenset[str]] = {}
        #: The periods' facts read for the question being answered (see _by_dates).
        self._dated: dict[tuple[int, int], list[Candidate]] = {}
        #: And every term of those facts (see _date_terms).
        self._dated_terms: dict[tuple[int, int], frozenset[str]] = {}
        #: The rankings made for the question being answered (see _rank).
        self._ranked: dict[tuple[object, ...], list[Scored]] = {}
        #: Name forms words alone do not carry ("G20"), compared on the normalised text.
        self.name_forms_of: dict[str, frozenset[str]] = {}
        #: What _says found in a fact's text, by fact id and word list.
        self._said: dict[tuple[str, str], bool] = {}
        #: Per organisation, per form of its name: each word's terms, but for generic words
        #: ("culture", "Kazakhstan"; see _names_whole).
        self.org_words_of: dict[str, tuple[tuple[frozenset[str], ...], ...]] = {}

    # -- life cycle -------------------------------------------------------------------------

    @classmethod
    async def open(cls, db_path: Path | str, base: FactSource) -> Engine:
        """Open the index of ``base`` for database ``db_path``, building it if there is none.

        The index lives in a file of its own, named by its key (the facts' and the analysis
        code's hash): see :mod:`knowledge.index`. The engine keeps nothing of ``base`` but its
        names; fact rows come from SQLite.
        """
        index = await FactIndex.open(db_path, base)
        engine = cls(index.db, index, await index.vocabulary())
        engine.n_facts = await index.count()
        engine.ranker.n_facts = engine.n_facts
        engine.years = await index.years()
        engine.names = dict(base.names)
        places = _name_terms(index.analyzer, base.names, countries=False)
        engine.topic_terms = index.title_terms | places
        engine.name_terms = _name_terms(index.analyzer, base.names)
        engine.name_forms_of = {
            i: frozenset(
                f
                for lang in LANGS
                for form in [n.get(lang), *n.aliases.get(lang)]
                if len(f := normalise(form)) > 2 and not f.isalpha()
            )
            for i, n in base.names.items()
        }
        engine.name_terms_of = {
            i: _name_terms(index.analyzer, {i: n}) for i, n in base.names.items()
        }
        engine.org_words_of = {
            i: tuple(
                tuple(
                    index.analyzer.alternatives(w)
                    for w in words(normalise(form))
                    if len(w) > 2
                    and not w.isdigit()
                    and not engine.lexicon.has("generic", w)
                    and not engine.lexicon.has("stop", w)
                )
                for lang in LANGS
                for form in [n.get(lang), *n.aliases.get(lang)]
            )
            for i, n in base.names.items()
            if n.kind == "org"
        }
        engine.ranker.set_names(engine.name_terms)
        return engine

    async def close(self) -> None:
        await self.index.close()

    # -- answering --------------------------------------------------------------------------

    def understand(self, question: str) -> Question:
        return understand(question, self.index.analyzer, self.lexicon)

    async def ask(
        self,
        question: str,
        *,
        lang: Lang | None = None,
        fallback_lang: Lang = "en",
        context: Context | None = None,
    ) -> Answer:
        """Answer ``question``. ``lang`` forces the reply language; matching is unaffected.

        ``context`` is the chat's last answer's context, if it is still fresh.
        """
        q = self._understood(question)
        if q.intent == "empty":
            q = self._with_names_in_words(q)
        self._dated = {}
        self._dated_terms = {}
        self._ranked = {}
        self.index.new_question()
        reply: Lang = lang or q.lang or (context.lang if context else None) or fallback_lang
        answer = await self._answer(q, reply, context)
        if (
            answer.kind == "none"
            and context is not None
            and context.kind != "none"
            and self._short_followup(q, answer)
        ):
            # «За какие годы?», "for what?", «о чём?» after an answer: nothing alone, but
            # about the last answer's subject (after a refusal there is none: "who is the
            # president of France?", then «кто президент России?»).
            about = await self._about_context(q, reply, context)
            if about is not None and about.kind != "none":
                answer = about
        if answer.kind == "none" and answer.missing is None:
            # "Hello, I'm a teacher, preparing a lesson: how much did China give…?": the
            # framing drowns the question, which a clause of it asks alone.
            clause = await self._by_clause(q, reply, context)
            if clause is not None:
                answer = clause
        if answer.context is None and answer.kind != "chat":
            answer = answer.model_copy(update={"context": context_of(q, answer)})
        return answer

    async def _by_clause(self, q: Question, lang: Lang, context: Context | None) -> Answer | None:
        """The answer to one clause of a long question the whole of which found nothing: the
        best scored of the clauses that ask something (a question word; a list, count or
        date). None when no such clause alone finds a fact."""
        if len(q.text) > CLAUSE_MAX_CHARS or len(q.terms.words) > CLAUSE_MAX_CONTENT_WORDS:
            return None  # no one writes a question that long; a paste is no question
        clauses = [c for c in _CLAUSE_RE.split(q.text) if len(c.split()) >= CLAUSE_MIN_WORDS]
        if len(clauses) < 2:
            return None
        found: list[tuple[float, int, Answer]] = []
        for n, clause in enumerate(clauses[-MAX_CLAUSES:]):
            cq = self._understood(clause)
            if cq.intent not in ("fact", "list", "count", "date") or not cq.has_content:
                continue
            asks = cq.intent != "fact" or bool({"question", "ask_when", "ask_where"} & cq.cues)
            if not asks:
                continue  # "I'm writing a piece on the media": framing, whatever it matches
            frame = cq.kind_words | cq.target_words | self._order_words(cq)
            if not cq.terms.without(frame).specific:
                continue  # "…, who went?", "…, which is first?": no subject of its own
            a = await self._answer(cq, lang, context)
            if a.kind in ("none", "chat") or not a.hits or a.hits[0].score < CLAUSE_CONFIDENCE:
                continue  # a clause alone is weaker evidence: only a clear answer counts
            a = _keeps_topic(cq, a)
            found.append((a.hits[0].score, n, a.model_copy(update={"question": q.text})))
        if not found:
            return None
        return max(found, key=lambda f: (f[0], f[1]))[2]

    @staticmethod
    def _asks_about_the_last_fact(q: Question, ctx: Context) -> bool:
        """Question words and nothing else ("for what?", «о чём?»), after a one-fact answer
        (a fact, or a count or list of one)."""
        # «қазір ше, көбейді ме?»: "now" and a word on what changed.
        now = "now" in q.cues and len(q.terms.specific) <= 1
        return (
            (ctx.kind == "fact" or (ctx.kind == "list" and len(ctx.fact_ids) == 1))
            and bool(ctx.fact_ids)
            and (not q.has_content or now)
            and q.date is None
            and q.intent in ("empty", "fact", "list", "followup")
            # "And now?", «қазір ше?»: what the fact says of today.
            and ("now" in q.cues or ("question" in q.cues and "followup" not in q.cues))
        )

    def _short_followup(self, q: Question, answer: Answer) -> bool:
        """A short question refused on its own, that may be about the last answer: a few
        words, no date, nothing named the fact base does not know ("is Kazakhstan bigger than
        China?" is no question about the last fact)."""
        known = [self.ranker.knows(g) for g in q.terms.specific]
        return (
            answer.missing is None
            and q.intent in ("fact", "list", "count")
            and q.date is None
            # "What is the capital of Kazakhstan?" names a country of its own.
            and not _names_a_direction(q)
            and 0 < len(q.terms.specific) <= SHORT_FOLLOWUP_WORDS
            # «қай университетте сөйледі?» after Xi's visit: "spoke" is in no fact, but
            # "university" is, and an unknown verb names nothing; an unknown name does.
            and (all(known) or (any(known) and not self._names_unknown(q)))
        )

    def _with_names_in_words(self, q: Question) -> Question:
        """A name the question gives only in a form of letters and digits ("g20", which
        words split into nothing to look for) asked by its names in words ("Большая
        двадцатка"); the question as it is when it gives none."""
        spelled = [
            form
            for i, forms in self.name_forms_of.items()
            if any(
                any(ch.isdigit() for ch in f) and re.search(rf"(?<!\w){re.escape(f)}(?!\w)", q.norm)
                for f in forms
            )
            for form in forms
            if not any(ch.isdigit() for ch in form)
        ]
        if not spelled:
            return q
        again = self.understand(" ".join([q.text, *spelled]))
        return replace(again, text=q.text, lang=q.lang) if again.has_content else q

    def _understood(self, text: str) -> Question:
        """``text`` understood, without the typos of framing words (a whole question, or a
        clause or side of one)."""
        return self._without_filler_typos(self.understand(text))

    def _without_filler_typos(self, q: Question) -> Question:
        """The question without the words the fact base does not know that are typos of
        framing words ("2006 жылы не болды айтып бершш"): they name nothing to look for."""
        # A word only a correction or a prefix makes known ("журналиспін" by "журнал") is
        # still a typo of a framing word ("журналистпін").
        unknown = [
            w
            for w, g in zip(q.terms.words, q.terms.groups, strict=True)
            # (the vocabulary's keys view: a frozenset's isdisjoint walks a dict argument whole)
            if self.vocab.keys().isdisjoint(g)
        ]
        typos = frozenset(w for w in unknown if self.lexicon.filler_typo(w))
        if not typos:
            if unknown and len(unknown) == len(q.terms.words) and q.date is None:
                # «спсибо», "thnaks": a message of nothing but typos of a chat word.
                for chat in ("thanks", "greeting"):
                    if all(self.lexicon.typo_of(w, (chat,)) for w in unknown):
                        return replace(q, intent=chat, terms=q.terms.without(frozenset(unknown)))
            return q
        return replace(q, terms=q.terms.without(typos))

    async def _answer(self, q: Question, lang: Lang, context: Context | None) -> Answer:
        """The stages in order: a request or a chat word; a follow-up of the last answer
        (which may also turn the question into another, "and in 2005?"); then the question
        by its intent. Each stage's checks run in the order they are written: earlier ones win.
        """
        if "task" in q.cues and q.intent != "more":
            # "Translate 'hello' into Chinese": a request, not a question about the article.
            return await self._none(q, lang, [])
        if q.intent in ("greeting", "thanks", "help"):
            # "Thanks, bye": the reply says goodbye.
            return self._chat(q, lang, "bye" if "bye" in q.cues else q.intent)
        if q.intent == "next":
            answer = await self._next_event(q, lang, context)
            if answer is not None:
                return answer
            if "thanks" in q.cues:
                return self._chat(q, lang, "thanks")
            return await self._more(q, lang, context)  # "what happened next?" with nothing before
        if q.intent == "more":
            return await self._more(q, lang, context)
        q, answer = await self._follow_up(q, lang, context)
        if answer is not None:
            # "Who translated them?" after Abai's works: not Abai, whom they name.
            return await self._unless_told(q, lang, answer, ("ask_translator",), "who")
        answer = await self._by_intent(q, lang, context)
        return await self._unless_told(q, lang, answer, tuple(c for c, _ in _TOLD_ONLY_BY))

    async def _unless_told(
        self,
        q: Question,
        lang: Lang,
        answer: Answer,
        cues: tuple[str, ...],
        missing: Missing | None = None,
    ) -> Answer:
        """``answer``, or a refusal when the question has one of ``cues`` of
        :data:`_TOLD_ONLY_BY` and none of the answer's leading facts says what it needs."""
        if answer.kind not in ("fact", "list"):
            return answer
        lead = answer.hits[:TOLD_HITS]
        for cue, told in _TOLD_ONLY_BY:
            if cue in cues and cue in q.cues and not any(self._says(h.fact, told) for h in lead):
                offered = await self.index.by_ids(answer.fact_ids[:3])
                return await self._none(q, lang, offered, missing)
        return answer

    async def _next_event(self, q: Question, lang: Lang, context: Context | None) -> Answer | None:
        """ "What came after?", «содан кейін не болды?», «а до этого?»: the event next in time
        after (or before) the last answer's first fact, or after a year's answer the next (or
        previous) year with events. None when the last answer has no date to go from.
        (A year is read up to MAX_DATE_HITS facts deep.)"""
        if context is None:
            return None
        after = "after_that" in q.cues
        if context.kind in ("year", "range") and context.start is not None:
            edge = context.end if after and context.end is not None else context.start
            years = [y for y in self.years if (y > edge if after else y < edge)]
            if not years:
                return None
            year = years[0] if after else years[-1]
            return await self._date_answer(replace(q, date=DateQuery(year, year, "year")), lang)
        if not context.fact_ids:
            return None
        last = await self.index.by_ids(context.fact_ids[:1])
        if not last or last[0].start_key is None or last[0].start_year is None:
            return None
        key, year = last[0].start_key, last[0].start_year
        if after:
            rows = await self.index.by_dates(year, self.years[-1], limit=MAX_DATE_HITS)
            later = [c for c in rows if c.start_key is not None and c.start_key > key]
            if not later:
                return None
            at = min(c.start_key or 0 for c in later)
        else:
            rows = await self.index.by_dates(self.years[0], year, limit=MAX_DATE_HITS)
            earlier = [c for c in rows if c.start_key is not None and c.start_key < key]
            if not earlier:
                return None
            at = max(c.start_key or 0 for c in earlier)
        those = [c for c in rows if c.start_key == at and c.fact_id not in context.fact_ids]
        if not those:
            return None
        hits = self._hits([Scored(c, 100.0) for c in those[:MAX_FACT_HITS]])
        return Answer(question=q.text, lang=lang, kind="fact", intent="fact", hits=hits)

    async def _which_came_first(self, q: Question, lang: Lang) -> Answer | None:
        """ "Which came first, Kazakhstan's culture days in China or China's in Kazakhstan?":
        each side of the "or" answered alone, and both facts in the order asked, led by the
        one that came first (or last). None when the question is no such comparison, or a
        side finds no dated fact."""
        if len(q.text) > COMPARE_MAX_CHARS:
            return None
        ws = words(q.norm)
        split = next((w for w in ws if self.lexicon.has("or", w)), None)
        if split is None:
            return None
        sooner = q.order == "first" or any(self.lexicon.has("sooner", w) for w in ws)
        later = q.order == "last" or any(self.lexicon.has("later", w) for w in ws)
        if sooner == later:
            return None
        sides = re.split(rf"(?i)(?<!\w){re.escape(split)}(?!\w)", q.text, maxsplit=1)
        if len(sides) != 2:
            return None  # the "or" is in the normalised text only (look-alike letters)
        tops: list[Hit] = []
        for side in sides:
            sq = self._understood(side)
            if any(self.lexicon.has("or", w) for w in words(sq.norm)):
                return None  # "X or Y or Z": two sides only (and no comparison in a side)
            order = frozenset(
                w for w in sq.terms.words if self.lexicon.lists_of(w) & {"sooner", "later"}
            )
            sq = replace(sq, terms=sq.terms.without(order))  # «что раньше» names nothing
            named = bool(sq.terms.without(sq.kind_words).specific)
            if not (sq.kinds or named):
                return None  # "1992 or 1993?" compares years (a date answer)
            # A kind that happened more than once ("China's culture days in Kazakhstan")
            # stands for its first time (or its last, for "which was later").
            turn = None if named else "last" if later else "first"
            first = replace(sq, intent="fact", order=turn)
            answer = await self._by_intent(first, lang, None)
            if answer.kind not in ("fact", "list") or not answer.hits:
                return None
            if answer.hits[0].fact.date is None:
                return None
            tops.append(answer.hits[0])
        if len(tops) != 2 or tops[0].id == tops[1].id:
            return None
        tops.sort(key=lambda h: h.fact.sort_key, reverse=later)
        return Answer(
            question=q.text,
            lang=lang,
            kind="fact",
            hits=tops,
            told=[tops[0].fact.title.get(lang)],
            came="last" if later else "first",
        )

    async def _follow_up(
        self, q: Question, lang: Lang, context: Context | None
    ) -> tuple[Question, Answer | None]:
        """What the last answer makes of the question: its year for "then", its list for "list
        them" and "which one was first?", its fact for "who signed it?", its frame for "how
        many?", another direction or name, another year for "and in 2005?". The answer, or
        None and the question (turned, if it was a follow-up) for the next stage."""
        if context is not None and "then" in q.cues and q.date is None:
            year = context.year if context.year is not None else context.start
            if year is not None and (context.end is None or context.end == year):
                q = replace(q, date=DateQuery(year, year, "year"))
        if (
            context is not None
            and context.intent in ("count", "list")
            and context.kinds
            and "list" in q.cues
            and "question" not in q.cues  # «за какие годы?» asks about the counted fact
            and not q.has_content
            and q.date is None
        ):
            # "How many directions does the programme have?", then "list them", «перечисли».
            again = self._again(q, context, context.words, "list", context.host, context.guest)
            return q, _keeps_topic(again, await self._list(again, lang))
        if (
            context is not None
            and context.kind == "list"
            and context.kinds
            and len(context.fact_ids) > 1
            and {"ask_when", "ask_where"} & q.cues
            and not q.has_content
            and q.date is None
        ):
            # "How many times were the culture days held?", then «а в какие годы?» or "where?":
            # the counted facts, listed with their dates and places.
            again = self._again(q, context, context.words, "list", context.host, context.guest)
            return q, _keeps_topic(again, await self._list(again, lang))
        if (
            context is not None
            and context.fact_ids
            and q.date is None
            and self._asks_which_languages(q)
            and not [
                g
                for w, g in zip(q.terms.words, q.terms.groups, strict=True)
                if g in q.terms.specific and not self.lexicon.has("languages", w)
            ]
        ):
            # "Which books of Nazarbayev came out in China?", then «қай тілдерде?»: the
            # languages the last answer's facts name.
            facts = await self.facts_by_ids(context.fact_ids)
            if any(f.languages for f in facts):
                return q, self._languages_of(facts, q, lang)
        listed = (
            context is not None
            and context.intent in ("list", "count")
            and q.target == "places"
            # "What is the capital of Kazakhstan?" names its own country: no follow-up.
            and (
                "anaphor" in q.cues
                or (not q.terms.without(q.target_words).specific and not _names_a_direction(q))
            )
        )
        if (
            context is not None
            and context.fact_ids
            and q.target is not None
            and q.date is None
            and (
                listed
                or (
                    context.kind in ("year", "range")
                    and not q.terms.without(q.target_words).specific
                )
            )
        ):
            # "What happened since 2010?", then "in which cities?": the period's places; "how
            # many times were culture days held?", then "which cities hosted them?": the
            # counted facts' places.
            facts = await self.facts_by_ids(context.fact_ids)
            items = list_items(facts, q.target, lang, self.names)
            if items:
                return q, self._listing(q, lang, facts, "list", items=items)
        if context is not None and q.order is not None and q.date is None:
            one = await self._first_or_last_of(q, lang, context)
            if one is not None:
                return q, one
        if (
            context is not None
            and context.fact_ids
            and q.nth is not None
            and q.date is None
            and not q.terms.without(q.kind_words | q.nth_words).specific
            # A list of places or people has their lines, not facts, as items: "point 3?"
            # after the cities is no third fact.
            and context.target not in ("places", "people")
        ):
            # The eight directions, then "point 6?", «7-ші бағыт қандай?»: that item of the
            # last list (of its kind, when it holds others: the programme and its directions).
            # "And point 8?" after "point 6?": the same list (the context remembers it).
            facts = await self.facts_by_ids(context.listed or context.fact_ids)
            pool = [f for f in facts if f.event in context.kinds] or facts
            if q.nth <= len(pool):
                hit = Hit(fact=pool[q.nth - 1], score=100.0)
                ids = [f.id for f in pool]
                return q, Answer(question=q.text, lang=lang, kind="fact", hits=[hit], listed=ids)
        if (
            context is not None
            and context.kind == "fact"
            and context.fact_ids
            and q.intent == "fact"
            and q.date is None
            and "question" in q.cues
            and not q.kinds
            and len(q.terms.specific) == 1
            and not self._names_asked(q)
        ):
            # «к какому юбилею?» after Chongqing's days in Astana: a question word and one word
            # the last fact holds (Astana's 10th anniversary) is about it, not Abai's 150th.
            lasts = await self.index.by_ids(context.fact_ids[:1])
            group = self.ranker.correct(q.terms.specific[0])
            if lasts and _mentions(lasts[0].terms, group):
                hit = Hit(fact=self._fact(lasts[0]), score=100.0)
                return q, Answer(question=q.text, lang=lang, kind="fact", hits=[hit], detail=True)
        if (
            context is not None
            and q.intent == "count"
            and q.date is None
            and not q.terms.specific
            and context.kind in ("year", "range")
            and context.start is not None
            and context.end is not None
        ):
            # "What happened from 2004 to 2007?", then "how many events is that?": the
            # period's events, counted.
            return q, await self._period_counted(q, lang, context.start, context.end)
        if (
            context is not None
            and q.intent == "count"
            and "anaphor" in q.cues
            and q.date is None
            and context.intent in ("list", "count")
            and context.words
            and len(context.fact_ids) > 1
        ):
            # "Which books of Nazarbayev came out in China?", then "how many of his books?":
            # the same list, counted.
            again = self._again(q, context, context.words, "count", context.host, context.guest)
            return q, _keeps_topic(again, await self._list(again, lang))
        # "Then" asks the last answer's year (above); a detail alone asks about its fact.
        points_back = "anaphor" in q.cues or ("then" not in q.cues and self._asks_only_a_detail(q))
        # "The year after?", «kelesi jyly she?» («she» is no "she") ask another year.
        points_back = points_back and q.relative is None
        if context is not None and points_back and (q.date is None or "then" in q.cues):
            if context.kind == "none" and not context.fact_ids:
                # "Who wrote this article?" (nothing on it), then "when was it published?":
                # still about what the article says nothing on, not about the words alone.
                return q, await self._none(q, lang, [])
            about = await self._about_context(q, lang, context)
            if about is not None:
                return q, about
        if (
            context is not None
            and q.intent == "count"
            and q.date is None
            and not q.terms.groups
            and context.intent in ("list", "count")
            and context.words
        ):
            # "Which books were published in China?", then "how many?": the same list, counted.
            again = self._again(q, context, context.words, "count", context.host, context.guest)
            return q, _keeps_topic(again, await self._list(again, lang))
        if context is not None and q.date is None and (q.host or q.guest):
            turned = self._in_another_direction(q, context)
            if turned is not None and turned.intent == "fact":
                answer = await self._by_intent(turned, lang, None)
                if answer.kind != "none":
                    return q, answer
            elif turned is not None:
                # "Which cities hosted culture days?", then "which ones in China?".
                return q, await self._list(turned, lang)
        if context is not None and "followup" in q.cues and q.date is None:
            other = self._with_other_name(q, context)
            if other is not None:
                # "How many times did Xi visit Kazakhstan?", then "and Nazarbayev to China?".
                answer = await self._list(other, lang)
                if answer.kind == "none" and q.host is None and q.guest is None:
                    # "And Nazarbayev?": the other side of the exchange, if not this one.
                    flip = {"KZ": "CN", "CN": "KZ", None: None}
                    answer = await self._list(
                        replace(other, host=flip[other.host], guest=flip[other.guest]), lang
                    )
                return q, answer
        if q.intent == "followup" and context is not None:
            q = self._resolve_followup(q, context)
            if q.intent in ("fact", "list") and q.date is not None:
                # The last topic in another year; if the article has nothing on it then, that
                # year's events ("and the year after?" after a fact).
                answer = await (
                    self._list(q, lang) if q.intent == "list" else self._fact_answer(q, lang)
                )
                undated = answer.kind == "fact" and all(h.fact.date is None for h in answer.hits)
                # «ал 2007 жылы 18 тамызда?» after Beijing's October days: another month asked.
                other_month = answer.kind == "fact" and _month_differs(answer.hits[0], q.date)
                if answer.kind != "none" and not undated and not other_month:
                    return q, answer  # an undated fact is not the topic in that year
                return q, await self._date_answer(replace(q, intent="date"), lang)
        elif q.intent == "followup":
            q = replace(q, intent="date" if q.date else "empty")
        return q, None

    async def _by_intent(self, q: Question, lang: Lang, context: Context | None) -> Answer:
        """The question by its intent, once no follow-up took it: a request about the last fact
        in full, a month, the bot's whole subject, a date, a comparison, a kind over a period,
        a city, a list or count, a kind's places, the first of a kind, or a fact."""
        if q.intent in ("fact", "list", "count") and not self._knows(q):
            # Nothing the fact base knows besides the cue words: "yo what happend in 2003",
            # "рахмет, көп көмектестің", "благодарю, очень помогло".
            chat = next((c for c in ("bye", "thanks", "help", "greeting") if c in q.cues), None)
            dated = q.date is not None and not self._names_unknown(q) and q.intent != "count"
            if chat is not None and not dated:
                return self._chat(q, lang, chat)
            if dated:
                # "salem! 2002 jyly qandai is-sharalar boldy?": the greeting, and a date.
                q = replace(q, intent="date")
        if (q.date is None or q.date.kind != "compare") and q.intent in ("fact", "list"):
            in_time = await self._which_came_first(q, lang)
            if in_time is not None:
                return in_time
        if (
            q.intent in ("list", "count")
            and q.target == "places"
            and "plural" in q.cues  # not «Қытайдың астанасы қандай?»: one place, unsaid
            and q.terms.only(q.target_words)
            and not q.kinds
            and q.date is None
            and context is None
        ):
            # "Which Chinese cities does the article name?": the cities of its facts.
            cities = await self._places_named(q, lang)
            if cities is not None:
                return cities
        if (
            "ask_person" in q.cues
            and (context is None or not context.fact_ids)
            and all(self.lexicon.has("ask_person", w) for w, _ in q.terms.specific_words)
        ):
            # «Мақаланы кім жазды?», "who translated it?" with nothing before: who did
            # something to nothing named («жазды» would match «жазында», "in summer").
            return await self._none(q, lang, [])
        if q.intent in ("fact", "list", "count") and self._about_another_country(q):
            # "What cultural agreements did Kazakhstan sign with Russia?": a kind, and a
            # country other than the two as the only subject; no fact is about that country.
            return await self._none(q, lang, [])
        if q.intent in ("fact", "list", "count") and self._only_asks_who_or_where(q):
            # "Who is the president of Kazakhstan?": a role and a country, nothing the
            # article is about.
            return await self._none(q, lang, [])
        if context is not None and self._asks_about_the_last_fact(q, context):
            # "For what?", «за какие годы?», «о чём?» after a fact: that fact in full, quote
            # included; its text is what they ask about.
            facts = await self.facts_by_ids(context.fact_ids[:1])
            if facts:
                hit = Hit(fact=facts[0], score=100.0)
                return Answer(question=q.text, lang=lang, kind="fact", hits=[hit], detail=True)
        if q.date is None and q.month is not None and not q.terms.specific and not q.kinds:
            return await self._month_answer(q, lang)
        if (
            q.intent in ("fact", "empty")
            and q.terms.only_generic
            and q.date is None
            and not q.kinds
            and q.month is None
            and sum(self.lexicon.has("generic", w) for w in words(q.norm)) >= 2
        ):
            # "I'm a journalist writing about Kazakhstan-China cultural relations": the bot's
            # whole subject and nothing in it; what it can answer, with examples.
            return self._chat(q, lang, "help")
        if q.intent == "empty":
            if context is None and q.date is None and self._introduces(q):
                # "I'm a teacher preparing a quiz.": who they are, no question yet.
                return self._chat(q, lang, "help")
            return await self._none(q, lang, [])
        if q.intent == "date" and q.date is not None:
            return await self._date_answer(q, lang)
        if q.date is not None and q.date.kind == "compare" and q.intent in ("fact", "list"):
            # Two years in one question are compared, on its subject if it names one.
            return await self._date_answer(q, lang)
        if self._kind_in_period(q):
            # "What was signed before 2000?": the period's overview, of that kind only.
            answer = await self._list(replace(q, intent="list"), lang)
            d = self._bounded(q.date)
            years = {f.date.start.year for f in answer.facts if f.date is not None}
            # An overview of one year's line is no overview: "list the eight directions of
            # the 2003-2008 programme" (all of 3 July 2003) stays a list.
            if answer.kind == "list" and len(years) > 1 and d is not None:
                span = (d.start, d.end) if d.start is not None and d.end is not None else None
                update: dict[str, object] = {"kind": "range", "intent": q.intent, "items": []}
                return answer.model_copy(update={**update, "years": span, "topical": True})
            if answer.kind != "none":
                return answer
        if q.date is None and not q.kinds and q.target is None and q.intent in ("fact", "list"):
            held = await self._held_in(q, lang)
            if held is not None:
                return held
        if q.intent == "list" and "ask_amount" in q.cues:
            # «2015 жылғы келісімшарттардың сомасы қанша?»: "how much" asks for one sum, which
            # only a fact stating it gives; the agreements themselves are no answer.
            return await self._fact_answer(replace(q, intent="fact"), lang)
        if q.intent in ("list", "count"):
            return await self._list(q, lang)
        if (
            q.intent == "fact"
            and q.kinds
            and "ask_where" in q.cues
            and (q.date is None or _is_period(q.date))
            and q.order is None
            and not self._names_asked(q)
        ):
            # "Where were the Chinese culture days held in Kazakhstan?" (or «с 2004 по 2008
            # год»): every place the kind was held, each with its dates, not one of its facts.
            answer = await self._list(replace(q, intent="list", target="places"), lang)
            if answer.kind == "list" and len(answer.items) > 1:
                return answer
        one_year = q.date is not None and q.date.start == q.date.end and q.date.start is not None
        if q.intent == "fact" and q.kinds and q.order is not None and self._names_a_stranger(q):
            # «Тоқаев Қытайға алғаш рет қай жылы барды?»: the first visit of someone the
            # article never names is no first visit it tells of.
            return await self._none(q, lang, [])
        # A generic word in a name ("culture" of the Ministry of Culture) names nothing; a
        # country other than the two does ("what did Russia sign in 2006?").
        subject = q.terms.without(q.kind_words).specific  # «келісім» is a kind, not a name
        named = any(not g.isdisjoint(self.name_terms) for g in subject) or any(
            self.lexicon.has("other_country", w) for w in q.terms.words
        )
        if (
            q.intent == "fact"
            and q.kinds
            and (
                q.order is not None
                or (q.nth is not None and not q.nth_words)
                or (one_year and (not named or self._only_people(q)))
            )
        ):
            # "When did Xi first come to Kazakhstan?": the first of the kind answers it;
            # "what was signed in 2006?": every one of the kind that year.
            answer = await self._list(replace(q, intent="list"), lang, fallback=False)
            if answer.kind in ("fact", "list"):
                return answer.model_copy(update={"intent": "fact"})
        if self._only_names_a_kind(q):
            # «БАҚ саласында қандай ынтымақтастық бар?», "tell me about the exhibitions": the
            # kind is the whole subject, so the kind is the answer, not one of its facts.
            answer = await self._list(replace(q, intent="list"), lang, fallback=False)
            if answer.kind == "list" and len(answer.hits) > 1:
                return answer
        return await self._fact_answer(q, lang)

    def _only_people(self, q: Question) -> bool:
        """Whether every specific word but the kind's names a person ("Xi's visit in 2015":
        the kind that year, of that person; see _kind_facts)."""
        subject = q.terms.without(q.kind_words).specific
        return bool(subject) and all(self._people_named(g) for g in subject)

    def _only_names_a_kind(self, q: Question) -> bool:
        """Whether a fact question asks which of an event kind, or names the kind in the
        plural, and names nothing else: no date, no order, no name, no detail asked, and no
        specific word but the kind's own."""
        if q.intent != "fact" or not q.kinds or q.date is not None or q.order is not None:
            return False
        if q.target is not None or "ask_amount" in q.cues or "anaphor" in q.cues:
            return False  # who, where, how much: a detail of one fact
        rest = q.terms.without(q.kind_words)
        if "kind_plural" in q.cues and rest.specific:
            # "Xi's visits", «визиты Си Цзиньпина и Назарбаева»: the people's, listed.
            return all(self._people_named(g) for g in rest.specific)
        # "What exhibitions were held?" asks for the kind; "when was the declaration
        # signed?" for one fact's date; «обмен студентами» is keywords of one fact.
        asks = "question" in q.cues and not {"ask_when", "ask_where"} & q.cues
        if not ({"which", "plural"} & q.cues or asks):
            return False
        return not rest.specific and not self._names_asked(q)

    def _focus(self, q: Question, scored: list[Scored]) -> list[Scored]:
        """A fact that names the question's rarest word only in passing (its text, not its
        title, aliases or names) answers a question about something else: "Who is the
        president of France?" is not about Hu Jintao's visit, whose text mentions France."""
        focus = self._rarest(q)
        if focus is None or not scored:
            return scored
        keys = {t[: max(4, len(t) - 2)] for t in focus}
        out = []
        for s in scored:
            passing = not s.cand.terms.isdisjoint(focus) and not any(
                k in line for line in s.cand.head for k in keys
            )
            out.append(replace(s, score=s.score * PASSING_FACTOR) if passing else s)
        out.sort(key=lambda s: -s.score)
        return out

    def _rarest(self, q: Question) -> frozenset[str] | None:
        """The question's rarest name's terms (a person, place or organisation, or a country
        other than the two), if it is rare (in few facts). A common word in a fact's text
        only ("level") is no passing mention: it is often just what the fact is about."""
        best: tuple[int, frozenset[str]] | None = None
        for w, g, gen, weak in zip(
            q.terms.words, q.terms.groups, q.terms.generic, q.terms.weak, strict=True
        ):
            known = [t for t in g if t in self.vocab]
            if gen or weak or not known:
                continue
            if g.isdisjoint(self.name_terms) and not self.lexicon.has("other_country", w):
                continue  # a name, or a country other than the two ("Russia")
            df = max(self.vocab[t] for t in known)
            if best is None or df < best[0]:
                best = (df, frozenset(known))
        if best is None or best[0] > FOCUS_MAX_DF:
            return None
        return best[1]

    def _knows(self, q: Question) -> bool:
        """Whether any specific content word is a term of the index (typos corrected)."""
        return any(
            not gen and self.ranker.knows(g)
            for g, gen in zip(q.terms.groups, q.terms.generic, strict=True)
        )

    @staticmethod
    def _asked_detail(q: Question) -> Missing | None:
        """The detail a one-fact question asks for: a date, a place, a person."""
        if "ask_amount" in q.cues:
            return "number"
        if "ask_names" in q.cues or ("film" in q.kinds and "plural" in q.cues):
            return "names"  # "what are the names of the four TV channels?", "which films…"
        if q.intent not in ("fact", "list"):
            return None
        if "ask_when" in q.cues:
            return "when"
        if "ask_where" in q.cues and "plural" not in q.cues:
            return "where"
        if q.target == "people" and "plural" not in q.cues:
            return "who"
        return None

    def _tells(self, f: Fact, q: Question, detail: Missing) -> bool:
        """Whether fact ``f`` gives the detail asked: a date; or a place, person or
        organisation that the question does not name itself."""
        if detail == "when":
            # "When was Nazarbayev University founded?": the date of a fact that tells of a
            # founding, not of Xi Jinping's speech there.
            return f.date is not None and ("founding" not in q.cues or self._says(f, "founded"))
        if detail == "number":
            return any(_AMOUNT_RE.search(f.text.get(lang).casefold()) for lang in LANGS)
        if detail == "names":
            # Channels and agencies are organisations; films and books are works.
            orgs = any(not self._named_by(i, q.terms.specific) for i in f.orgs)
            if "media" in q.kinds:
                return orgs
            if q.kinds & {"film", "publication"}:
                return bool(f.works)
            return orgs or bool(f.works)
        ids = [*f.places, *f.orgs] if detail == "where" else [*f.people, *f.orgs]
        if detail == "who" and "ask_person" in q.cues:
            ids = list(f.people)  # "who translated Abai?": a publisher translates nothing
        if detail == "where" and not ids and self._names_a_kind(f, q, "target_places"):
            return True  # "in each other's capitals": a place, though no name
        if detail == "who" and not ids and self._names_a_kind(f, q, "target_people"):
            return True  # "the leaders of the two sides signed it": who, though no name
        asked = q.terms.specific
        named = [
            i
            for i in ids
            if (self._named_by(i, asked) and self._names_whole(i, q))
            or any(form in q.norm for form in self.name_forms_of.get(i, ()))
            or self._named_in_a_case(i, q)
        ]
        if detail == "who" and named and any(i in f.people for i in named):
            # "Who is K. Sultanov?": the fact that names him says who he is (not "who
            # translated Abai?": Abai is named, his translator is not).
            return "ask_person" not in q.cues
        return len(named) < len(ids)

    def _with_told(self, answer: Answer, q: Question, detail: Missing | None) -> Answer:
        """A who or where answer led by what was asked: the people (and organisations) or the
        places its first fact names that the question does not ("Who: Tian Zengpei, T.
        Suleimenov"), so the reader need not find them in the text."""
        if detail not in ("who", "where") or not answer.hits:
            return answer
        f = answer.hits[0].fact
        ids = [*f.people, *f.orgs] if detail == "who" else self._venues(f)
        if detail == "who" and "ask_person" in q.cues:
            ids = list(f.people)
        # A place the question names with a generic word ("Kazakhstan") is no answer to where;
        # an organisation is named by more than its country ("Kazakhstan's Ministry of Culture").
        asked = q.terms.groups if detail == "where" else q.terms.specific
        if detail == "who" and any(i in f.people and self._named_by(i, asked) for i in ids):
            return answer  # "Who is Nurzhamal Usenbayeva?": the fact says; the others are not her
        told = [
            self.names[i].get(answer.lang)
            for i in ids
            if i in self.names
            and not (self._named_by(i, asked) and (detail == "where" or self._names_whole(i, q)))
            and not self._named_in_a_case(i, q)
        ]
        if not told:
            return answer
        return answer.model_copy(update={"asked": detail, "told": told})

    def _venues(self, f: Fact) -> list[str]:
        """Where a fact took place: its cities in the host country (an exchange names both
        cities), else its cities, else the organisations it names (a university) with its
        places."""
        cities = [
            i for i in f.places if i in self.names and self.names[i].kind in ("city", "region")
        ]
        hosted = [i for i in cities if f.host is None or self.names[i].country == f.host]
        return hosted or cities or [*f.orgs, *f.places]

    def _names_a_kind(self, f: Fact, q: Question, target: str) -> bool:
        """Whether the fact's text names a kind of place or of people (``target``: the word
        list "target_places" or "target_people": "capitals", «столицах», "the leaders of the
        two sides") the question does not; a question word is none ("who served as
        ambassador" names no one)."""
        asked = set(q.terms.words)
        return any(
            self.lexicon.has(target, w) and not self.lexicon.has("question", w) and w not in asked
            for w in words(normalise(f.text.get("en") + " " + f.text.get("ru")))
        )

    def _introduces(self, q: Question) -> bool:
        """Whether a message of no content words says who the user is or what they are doing
        ("I'm a teacher preparing a quiz", «Мен студентпін»): framing words, no question."""
        ws = words(q.norm)
        framing = sum(self.lexicon.has("framing", w) for w in ws)
        return framing >= 2 and "question" not in q.cues

    @staticmethod
    def _asks_only_a_detail(q: Question) -> bool:
        """ "Where?", «кім қол қойды?», «в каком году это было?»: a when/where/who and nothing
        but the words of the last answer's kind; about the last answer, if there is one."""
        asks = {"ask_when", "ask_where", "target_people", "target_places"} & q.cues
        # «Қытай мәдениет күндері Қазақстанның қай қалаларында өтті?» names its own direction:
        # a question of its own, not a detail of the last answer.
        own_way = _names_a_direction(q)
        return bool(asks) and not own_way and q.terms.only(q.kind_words | q.target_words)

    def _only_asks_who_or_where(self, q: Question) -> bool:
        """Whether the question's only specific words are what it asks for ("president",
        "cities"), and perhaps a country other than the two ("Who is the president of
        France?": the Hu Jintao fact names France only in passing), or only such a country:
        no subject, no event kind, no date."""
        if q.date is not None or q.kinds:
            return False
        others = frozenset(w for w in q.terms.words if self.lexicon.has("other_country", w))
        if not q.target_words:
            # «как развивались отношения Казахстана с Россией»: another country is the only
            # subject (the 2050 address names Russia among partners; it tells nothing of it).
            specific = [w for w, _ in q.terms.specific_words]
            return bool(specific) and all(w in others for w in specific)
        return q.terms.only(q.target_words | others)

    def _names_a_stranger(self, q: Question) -> bool:
        """Whether a specific word is written as a name (a capital, wherever it stands) and is
        no term of the index, typos corrected: «Тоқаев», "Tokayev"."""
        return any(
            _capitalised(w, q.text) and not self.ranker.knows(g) for w, g in q.terms.specific_words
        )

    def _about_another_country(self, q: Question) -> bool:
        """Whether the question names an event kind and, besides its kind and target words,
        only countries other than the two (the other-country list)."""
        if not q.kinds:
            return False
        frame = q.kind_words | q.target_words
        subject = [w for w, _ in q.terms.specific_words if w not in frame]
        return bool(subject) and all(self.lexicon.has("other_country", w) for w in subject)

    def _names_unknown(self, q: Question) -> bool:
        """Whether the question names something the fact base does not know at all: a
        specific word that is no term of the index, typos corrected, and that is a name: a
        country of the word list, or a word written with a capital inside the question ("What
        did Putin do in 2006?" is not a question about 2006's events; "tell me everything
        about 2003" and «2003 год чем запомнился?» are)."""
        first = next(iter(words(normalise(q.text))), "")
        return any(
            self.lexicon.has("other_country", w)
            or (w != first and _capitalised(w, q.text))
            or _name_like(w)
            for w, g in q.terms.specific_words
            if not self.ranker.knows(g)
        )

    async def _beside_the_date(self, q: Question, date: DateQuery) -> bool:
        """Whether a specific word of the question is in none of the date's facts: "What did
        Russia sign with China in 2006?" asks about Russia, which no 2006 fact names."""
        if date.start is None or date.end is None:
            return False
        terms = await self._date_terms(date.start, date.end)
        for g in q.terms.specific:
            known = self.ranker.correct(g)
            if any(t in self.vocab for t in known) and not _mentions(terms, known):
                return True
        return False

    async def _date_terms(self, start: int, end: int) -> frozenset[str]:
        """Every term of the facts of a period (kept with the question's memo of its facts)."""
        key = (start, end)
        terms = self._dated_terms.get(key)
        if terms is None:
            # One split of the rows' term lists joined (a set per row costs four times as much).
            rows = await self._by_dates(start, end)
            terms = frozenset(" ".join(c.terms_text for c in rows).split())
            self._dated_terms[key] = terms
        return terms

    def _chat(self, q: Question, lang: Lang, intent: str) -> Answer:
        return Answer(
            question=q.text, lang=lang, kind="chat", intent=intent, suggestions=list(EXAMPLES[lang])
        )

    async def _fact_answer(self, q: Question, lang: Lang) -> Answer:
        date = self._bounded(q.date)
        if date is not None and (not q.has_content or q.terms.only_generic):
            return await self._date_answer(q, lang)
        scored = self._focus(q, await self._rank(q.terms, date))
        if date is not None and not (scored and date_factor(date, scored[0].cand) >= DATE_MATCH):
            # Nothing of the asked year leads: the fact the words point to may be a year off.
            near_year = await self._a_year_off(q, date)
            if near_year is not None:
                hits = self._hits([near_year])
                return Answer(question=q.text, lang=lang, kind="fact", hits=hits)
        if (
            date is not None
            and scored
            and scored[0].cand.start_year is None
            and date.start is not None
            and date.end is not None
        ):
            # "What did Nazarbayev do in 2012?": undated facts lead, and no fact of the year
            # names him; the undated ones are not about that year ("were embassies opened in
            # 1992?" names no one, and its undated fact answers it).
            terms = await self._date_terms(date.start, date.end)
            people_or_places = [
                g
                for g, ids in self._names_asked(q)
                if not ids or any(self.names[i].kind != "org" for i in ids)
            ]
            if any(not _mentions(terms, g) for g in people_or_places):
                return await self._none(q, lang, [s.cand for s in scored[:3]])
            if date.start != date.end and not people_or_places and not q.kinds:
                # «Тоқсаныншы жылдары мәдени байланыс қалай дамыды?»: an undated overview
                # leads on the words, but the question asks about a period; its events answer.
                return await self._date_answer(q, lang)
        best = scored[0].score if scored else 0.0
        if best < CONFIDENCE_THRESHOLD and q.kinds and q.kind_words:
            # «Назарбаев ездил в Пекин?»: the kind word ("went") is not in the fact's words,
            # but the fact is of that kind ("state visit"); its other words decide.
            rest = q.terms.without(q.kind_words)
            if rest.specific:
                again = self._focus(q, await self._rank(rest, date))
                of_kind = [s for s in again if s.cand.event in q.kinds]
                if of_kind and of_kind[0].score >= CONFIDENCE_THRESHOLD:
                    scored, best = of_kind, of_kind[0].score
        bar = self._bar(scored, q)
        if best >= bar:
            near = [
                s
                for s in scored[: MAX_FACT_HITS * 2]
                if s.score >= max(bar, best * RUNNER_UP_SHARE)
            ]
            pool = scored
            named = self._names_asked(q)
            if named:
                # "When did Kazakhstan and Russia establish diplomatic relations?": a name
                # the question gives is in the fact that answers it.
                naming = [
                    s
                    for s in scored[: MAX_FACT_HITS * 2]
                    if s.score >= bar * NAMED_SHARE
                    and all(self._mentions_name(s.cand, g, ids) for g, ids in named)
                ]
                if not naming:
                    return await self._none(q, lang, [s.cand for s in near])
                near = [s for s in near if s in naming] or naming[:1]
                pool = naming
            detail = self._asked_detail(q)
            if detail is not None:
                # "Who won the Chinese Bridge contest?": the contest's fact names no winner.
                # The detail may be in a fact just below the near ones (the grant's sum,
                # under a fact about the same field that gives none).
                # A sum is rarer than a date or a place: the facts that state one are looked
                # for among all the confident ones ("how much money did China give for
                # education?": the declarations on education lead, the grant states the sum).
                share = 0.0 if detail == "number" else DETAIL_SHARE
                wider = [s for s in pool[: MAX_FACT_HITS * 2] if s.score >= max(bar, best * share)]
                told = [s for s in wider if self._tells(self._fact(s.cand), q, detail)]
                if not told and not named and (detail == "number" or q.kinds):
                    # Only the first few candidates get a full score; a sum may be further
                    # down ("how much money did China give for education?"), and so may the
                    # fact of the kind that names who ("who organised the Chinese culture
                    # days in Kazakhstan?": the organisers' fact, below the days themselves).
                    deeper = await self._rank(q.terms, date, closeness_for=DETAIL_DEPTH)
                    told = [
                        s
                        for s in self._focus(q, deeper)[:DETAIL_DEPTH]
                        if s.score >= bar
                        and (detail == "number" or s.cand.event in q.kinds)
                        and self._tells(self._fact(s.cand), q, detail)
                    ][:1]
                if not told:
                    return await self._none(q, lang, [s.cand for s in near], detail)
                near = told
            answer = Answer(
                question=q.text, lang=lang, kind="fact", hits=self._hits(self._prefer(q, near))
            )
            return self._with_told(answer, q, detail)
        if "ask_amount" in q.cues and scored and len(q.text) <= AMOUNT_MAX_CHARS:
            # «Сколько денег выделил Китай на образование?»: "allocated" is in no fact, so no
            # fact is confident; sums are rare, and the one fact near the question that
            # states one (20 million yuan for education) answers it. (A question, not a paste:
            # the closeness of twelve facts to a long text costs milliseconds.)
            deeper = self._focus(q, await self._rank(q.terms, date, closeness_for=DETAIL_DEPTH))
            told = [
                s
                for s in deeper[:DETAIL_DEPTH]
                if s.coverage >= LIST_MIN_COVERAGE and self._tells(self._fact(s.cand), q, "number")
            ]
            if len(told) == 1:
                return Answer(question=q.text, lang=lang, kind="fact", hits=self._hits(told))
        if date is not None and scored and scored[0].score >= DATE_FALLBACK_SCORE:
            top = scored[0]
            runner_up = scored[1].score if len(scored) > 1 else 0.0
            if date_factor(date, top.cand) >= DATE_MATCH and top.score >= 1.5 * runner_up:
                # Weak on its own, but the one fact of the asked date that the words point to;
                # for a sum, only if it states one («какова сумма договоров 2015 года?»: the
                # 2015 visit's contracts are "very large", no figure).
                if "ask_amount" in q.cues and not self._tells(self._fact(top.cand), q, "number"):
                    return await self._none(q, lang, [top.cand], "number")
                return Answer(question=q.text, lang=lang, kind="fact", hits=self._hits([top]))
            if await self._beside_the_date(q, date):
                return await self._none(q, lang, [s.cand for s in scored[:3]])
            answer = await self._date_answer(q, lang)
            if len(answer.hits) == 1:
                # The date pins down one fact: that is the answer to the topical question.
                return answer.model_copy(update={"kind": "fact", "years": None})
            return answer
        return await self._none(q, lang, [s.cand for s in scored[:3]])

    def _bar(self, scored: list[Scored], q: Question) -> float:
        """The score a fact answer needs: :data:`CONFIDENCE_THRESHOLD`, or less for a fact
        that covers about half the question's weight and leads the next by far ("relations
        started as good-neighbourly, but what level did they reach?": its framing words are
        in no fact, so no fact covers them all, and the one fact that covers the rest stands
        out). What it covers must be more than names: «билеты на поезд Алматы Урумчи» shares
        only its two cities with the days of Almaty's culture in Urumqi."""
        if not scored or scored[0].score >= CONFIDENCE_THRESHOLD:
            return CONFIDENCE_THRESHOLD
        top = scored[0]
        runner_up = scored[1].score if len(scored) > 1 else 0.0
        if (
            top.score < LEAD_FLOOR
            or top.coverage < LEAD_COVERAGE
            or top.score < LEAD_RATIO * runner_up
        ):
            return CONFIDENCE_THRESHOLD
        terms = top.cand.terms
        covered = [
            g
            for g in q.terms.specific
            if g.isdisjoint(self.name_terms) and not terms.isdisjoint(self.ranker.correct(g))
        ]
        return top.score if len(covered) >= LEAD_MIN_WORDS else CONFIDENCE_THRESHOLD

    async def _a_year_off(self, q: Question, date: DateQuery | None) -> Scored | None:
        """ "Were diplomatic relations established in 1991?": the words point clearly to one
        fact a year away from the one asked (1992); it answers, and shows its own date."""
        if date is None or date.start is None or date.start != date.end or not q.terms.specific:
            return None
        if q.relative is not None or "followup" in q.cues:
            return None  # "and the next year?" asks about that year, not the last one again
        scored = self._focus(q, await self._rank(q.terms, None))
        if not scored or scored[0].score < CONFIDENCE_THRESHOLD:
            return None
        top = scored[0]
        runner_up = scored[1].score if len(scored) > 1 else 0.0
        year = top.cand.start_year
        if year is None or abs(year - date.start) > 1 or top.score < YEAR_OFF_LEAD * runner_up:
            return None
        return top

    def _listing(
        self,
        q: Question,
        lang: Lang,
        facts: Sequence[Fact],
        intent: Intent,
        *,
        target: str | None = None,
        items: list[ListItem] | None = None,
        count: int | None = None,
        count_stated: bool = False,
    ) -> Answer:
        """A list answer over ``facts``: each a hit, and the lines of ``target`` (one per fact
        when None), unless the caller made them already."""
        return Answer(
            question=q.text,
            lang=lang,
            kind="list",
            intent=intent,
            hits=[Hit(fact=f, score=100.0) for f in facts],
            items=list_items(facts, target, lang, self.names) if items is None else items,
            count=count,
            count_stated=count_stated,
        )

    async def _period_counted(self, q: Question, lang: Lang, start: int, end: int) -> Answer:
        """A period's events as a count answer: each listed, the count said first."""
        cands = await self._by_dates(start, end)
        total = len(cands)
        if total > MAX_DATE_HITS:
            total = await self.index.count_dates(start, end)
        facts = [self._fact(c) for c in cands[:MAX_LIST]]
        return self._listing(q, lang, facts, "count", count=total)

    async def _by_dates(self, start: int, end: int) -> list[Candidate]:
        """The facts of a period (one more than an answer shows), read once per question: the
        test of a question's words against its date and the date's answer share them. The
        memo is emptied at each question; questions answered at once may share it, which is
        harmless, since a period's facts are the same for every question."""
        key = (start, end)
        if key not in self._dated:
            self._dated[key] = await self.index.by_dates(start, end, limit=MAX_DATE_HITS + 1)
        return self._dated[key]

    async def _rank(
        self,
        terms: QueryTerms,
        date: DateQuery | None,
        *,
        candidates: int = CANDIDATES,
        closeness_for: int = FUZZ_CANDIDATES,
    ) -> list[Scored]:
        """The ranker's candidates for ``terms`` and ``date``, ranked once per question: the
        paths a question tries in turn (a list, then the fact answer it falls back on; the
        fact a year off) ask for the same ranking, and the index does not change under a
        question. Like :meth:`_by_dates`' memo, questions answered at once may share it."""
        key = (terms, date, candidates, closeness_for)
        ranked = self._ranked.get(key)
        if ranked is None:
            ranked = await self.ranker.rank(
                terms, date, candidates=candidates, closeness_for=closeness_for
            )
            self._ranked[key] = ranked
        return list(ranked)

    def _prefer(self, q: Question, near: list[Scored]) -> list[Scored]:
        """Among near-equal facts: the asked direction of an exchange first ("Almaty's days in
        Shanghai", not Shanghai's in Almaty), then the asked kind of event, and for
        "first"/"last" the earliest or latest."""
        if len(near) > 1:
            # The other way round is another event: "Almaty's days in Urumqi" is not an
            # answer about China's days in Almaty.
            near = [s for s in near if _direction_ok(self._fact(s.cand), q)] or near
            if q.kinds:
                # "Who went to Beijing in 1995?": a visit before a festival held there.
                near.sort(key=lambda s: s.cand.event not in q.kinds)
            if q.order is not None:
                dated = [s for s in near if s.cand.start_key is not None]
                rest = [s for s in near if s.cand.start_key is None]
                dated.sort(key=lambda s: s.cand.start_key or 0, reverse=q.order == "last")
                near = dated + rest
        return near[:MAX_FACT_HITS]

    def _bounded(self, date: DateQuery | None) -> DateQuery | None:
        if date is None or not date.open_ended:
            return date
        if not self.years:
            return None
        return date.bounded(self.years[0], self.years[-1])

    async def _date_answer(self, q: Question, lang: Lang, page: int = 0) -> Answer:
        d = self._bounded(q.date)
        assert d is not None and d.start is not None and d.end is not None
        if d.kind == "compare":
            facts: list[Candidate] = []
            for y in d.years:
                facts += await self.index.by_dates(y, y, limit=MAX_DATE_HITS)
            uniq = list({c.rowid: c for c in facts}.values())
            # "Was the Joint Declaration signed in 1993 or 1995?": both years' facts on it.
            on_it = self._on_subject(q, uniq)
            return Answer(
                question=q.text,
                lang=lang,
                kind="compare",
                intent="date",
                hits=self._hits([Scored(c, 100.0) for c in on_it or uniq]),
                compare=list(d.years),
                years=(d.start, d.end),
                topical=bool(on_it),
            )
        cands = await self._by_dates(d.start, d.end)
        total = None
        if len(cands) > MAX_DATE_HITS:
            total = await self.index.count_dates(d.start, d.end)
            cands = cands[:MAX_DATE_HITS]
        if d.month and d.start == d.end:
            in_month = [c for c in cands if c.start_key and (c.start_key // 100) % 100 == d.month]
            cands = in_month or cands
        kind = "year" if d.start == d.end else "range"
        nearest = [] if cands else self._nearest_years(d.start, d.end)
        return Answer(
            question=q.text,
            lang=lang,
            kind=kind,
            intent="date",
            hits=self._hits([Scored(c, 100.0) for c in cands]),
            years=(d.start, d.end),
            nearest_years=nearest,
            total=total,
            page=page,
        )

    def _order_words(self, q: Question) -> frozenset[str]:
        """ "First", "last" and "which one": they order facts, they name none."""
        return frozenset(
            w for w in q.terms.words if self.lexicon.lists_of(w) & {"first", "last", "which_one"}
        )

    @staticmethod
    def _kind_in_period(q: Question) -> bool:
        """An event kind asked over a period ("what was signed before 2000?", «с 2013 года
        какие визиты были»), not for its places or people ("which cities…" is a list)."""
        if q.date is None or not q.kinds or q.intent not in ("fact", "list"):
            return False
        if {"ask_when", "ask_where"} & q.cues:
            return False  # "When was the 2003-2008 programme signed?" asks for one date
        return _is_period(q.date) and q.target in (None, "works")

    def _on_subject(self, q: Question, cands: list[Candidate]) -> list[Candidate]:
        """The facts among ``cands`` that hold every specific word of the question (its kind
        words may be any of the kind's); none when the question has no such word."""
        # The years are the comparison's, not its subject ("the 1995 declaration or the 1993 one").
        about = q.terms.without(q.kind_words | self._order_words(q))
        groups = [g for g in about.specific if not _is_number(g)]
        if not groups and not q.kinds:
            return []
        out = []
        for c in cands:
            if q.kinds and c.event not in q.kinds:
                continue
            if all(_mentions(c.terms, self.ranker.correct(g)) for g in groups):
                out.append(c)
        return out

    async def _held_in(self, q: Question, lang: Lang) -> Answer | None:
        """ "What happened in Almaty?", «что было в Пекине?»: a city and nothing else asked
        lists the events held there, in date order. None when the question asks more, or
        when fewer than two facts took place there (the fact answer says it better)."""
        specific = q.terms.specific
        if len(specific) != 1:
            return None
        group = specific[0]
        cities = self._names_for(group, ("city", "region"))
        if not cities:
            return None
        ranked = await self._rank(q.terms, None, candidates=LIST_CANDIDATES)

        def there(f: Fact) -> bool:
            # An exchange's places hold both cities: "Almaty's days in Shanghai" were held
            # in the host country's city only.
            return any(
                i in f.places and (f.host is None or self.names[i].country == f.host)
                for i in cities
            )

        facts = [f for s in ranked if there(f := self._fact(s.cand))]
        if len(facts) < 2:
            return None
        facts.sort(key=lambda f: f.sort_key)
        return self._listing(q, lang, facts[:MAX_LIST], "list")

    async def _month_answer(self, q: Question, lang: Lang) -> Answer:
        """ "What happened in August?": the events of that month (and day) in every year."""
        assert q.month is not None
        if not self.years:
            return await self._none(q, lang, [])
        cands = await self.index.by_dates(self.years[0], self.years[-1], limit=MAX_LIST * 4)
        keys = [(c, c.start_key or 0) for c in cands]
        found = [
            c
            for c, key in keys
            if (key // 100) % 100 == q.month and (q.day is None or key % 100 == q.day)
        ]
        if not found:
            return await self._none(q, lang, [])
        found.sort(key=lambda c: c.start_key or 0)
        facts = [self._fact(c) for c in found[:MAX_LIST]]
        return self._listing(q, lang, facts, "date")

    async def _list(self, q: Question, lang: Lang, *, fallback: bool = True) -> Answer:
        """Several facts: "which cities…", "how many times…", "the first agreement".

        Without ``fallback``, a question that turns out to be no list gets a bare refusal
        (:meth:`_no_list`) where it would get the date's events: the caller uses only a list
        or a fact, and answers anything else as a fact question (which gives those events).
        """
        date = self._bounded(q.date)
        if any(self.lexicon.has("languages", w) for w in q.terms.words):
            in_languages = await self._in_languages(q, lang, date)
            if in_languages is not None:
                return in_languages
        target_only = q.terms.only(q.target_words)
        if not q.has_content or q.terms.only_generic or (target_only and not q.kinds):
            if not fallback:
                return self._no_list(q, lang)
            if date is not None:
                answer = await self._date_answer(q, lang)
                count = len(answer.hits) if q.intent == "count" else None
                return answer.model_copy(update={"intent": q.intent, "count": count})
            return await self._none(q, lang, [])
        facts = await self._kind_facts(q, date)
        if facts is None:
            scored = await self._rank(q.terms, date, candidates=LIST_CANDIDATES, closeness_for=4)
            if not scored or scored[0].score < CONFIDENCE_THRESHOLD * LIST_THRESHOLD_SHARE:
                if date is not None:
                    # Weak words and a date: the one fact of that date they point to, or the
                    # date's events (what a one-fact question gets).
                    return await self._fact_answer(q, lang)
                return await self._none(q, lang, [s.cand for s in scored[:3]])
            facts = await self._list_facts(q, date, scored)
        if facts == "period":
            return await self._date_answer(q, lang) if fallback else self._no_list(q, lang)
        if not facts:
            return await self._none(q, lang, [])
        if q.intent == "list" and q.order is None:
            facts = await self._with_the_counted(q, facts, date)
        if q.nth is not None and not q.nth_words and q.order is None and facts:
            # "The sixth direction", «екінші делегация»: the kind's Nth, in date order.
            if q.nth > len(facts):
                return await self._none(q, lang, await self.index.by_ids([f.id for f in facts[:3]]))
            hit = Hit(fact=facts[q.nth - 1], score=100.0)
            return Answer(question=q.text, lang=lang, kind="fact", intent=q.intent, hits=[hit])
        if q.order is not None and facts:
            dated = [f for f in facts if f.date] or facts
            one = dated[0] if q.order == "first" else dated[-1]
            hit = Hit(fact=one, score=100.0)
            if q.intent == "count" and q.target in ("places", "works"):
                # "How many cities hosted the first Kazakh culture days in China?": the
                # places (or works) of that one event, counted.
                items = list_items([one], q.target, lang, self.names)
                if len(items) > 1:
                    return Answer(
                        question=q.text,
                        lang=lang,
                        kind="list",
                        intent="count",
                        hits=[hit],
                        items=items,
                        count=len(items),
                    )
            return Answer(question=q.text, lang=lang, kind="fact", intent=q.intent, hits=[hit])
        if len(facts) == 1 and q.intent == "list":
            # A list of one is a fact answer ("Which city held its days in Astana in 2008?").
            detail = self._asked_detail(q)
            if detail is not None and not self._tells(facts[0], q, detail):
                return await self._none(q, lang, await self.index.by_ids([facts[0].id]), detail)
            hit = Hit(fact=facts[0], score=100.0)
            return Answer(question=q.text, lang=lang, kind="fact", intent="list", hits=[hit])
        if q.intent == "count" and q.target not in ("places", "works"):
            # "How many times were culture days held?": the times are the dated events; a
            # fact on who organised them, or that they are held yearly, is no time.
            dated = [f for f in facts if f.date is not None]
            facts = dated or facts
        items = list_items(facts, q.target, lang, self.names)
        count = None
        stated = False
        if q.intent == "count":
            count = len(items) if q.target in ("places", "works") else len(facts)
            # "How many times…" counts the facts; a number a fact states counts something else.
            times = "times" in q.cues
            measures = frozenset(w for w in q.terms.words if self.lexicon.has("measure", w))
            # A measure ("copies", «дана») is what a stated number must stand beside.
            others = frozenset(q.terms.words) - measures
            by = replace(q, terms=q.terms.without(others)) if measures else q
            stating = [] if times else [(f, n) for f in facts if (n := stated_number(f, by))]
            if measures and len(stating) != 1:
                # "How many copies of Abai's works were printed?", «көрмеге неше адам
                # келді?»: copies and people are no facts to count; only a number a fact
                # states would answer, and none does.
                shown = await self.index.by_ids([f.id for f in facts[:3]])
                return await self._none(q, lang, shown, "number")
            if len(stating) == 1:
                # "How many materials…", «неше телеарна»: the one fact that states the number
                # of what is counted ("780 materials", "four TV channels").
                fact, count = stating[0]
                stated = True
                # "How many million yuan…": 20, not 20,000,000.
                scale = _asked_scale(q)
                if scale > 1 and count % scale == 0:
                    count //= scale
                if len(facts) > 1:
                    facts = [fact]
                    items = list_items(facts, q.target, lang, self.names)
            elif len(facts) == 1:
                counted = None if times else await self._counted_elsewhere(q, date)
                if counted is not None:
                    # "How many delegations went to China in 2003?": another fact of the
                    # question says "two delegations".
                    fact, n = counted
                    # The fact found is one of the counted ("the second delegation, of young
                    # people", of the same year as the one that says "two delegations"): it
                    # is listed too.
                    found = facts[0]
                    same_year = bool(
                        fact.date and found.date and fact.date.start.year == found.date.start.year
                    )
                    both = [fact, found] if found.id != fact.id and n >= 2 and same_year else [fact]
                    both.sort(key=lambda f: f.sort_key)
                    return self._listing(
                        q, lang, both, "count", target=q.target, count=n, count_stated=True
                    )
                # One fact and no number in it: the article does not count ("how many
                # students study in China?"); say so, and offer the fact.
                return await self._none(q, lang, await self.index.by_ids([facts[0].id]), "number")
            elif not (q.kinds - UNCOUNTED_KINDS) and q.target is None and not times:
                # "How many Kazakhs live in China?": no kind of event or thing the facts
                # list is counted, and no fact states the number; their count is no answer.
                # Students or channels are a subject the facts touch: they give no number.
                shown = await self.index.by_ids([f.id for f in facts[:3]])
                return await self._none(q, lang, shown, "number" if q.kinds else None)
        return self._listing(
            q, lang, facts, q.intent, items=items, count=count, count_stated=stated
        )

    async def _places_named(self, q: Question, lang: Lang) -> Answer | None:
        """ "Which Chinese cities does the article name?", «какие города Китая упоминаются?»:
        the cities (and regions) of the country asked (or of both, if both are), each with
        its facts. None when the question names no country ("which cities?" alone asks about
        something unsaid), or the fact base names none of its cities."""
        countries = {c for c in (q.host, q.guest) if c} | {
            name.country
            for name in self.names.values()
            if name.kind == "country"
            and name.country is not None
            and self._stem_begins_a_word(name, q, aliases=True, shortest=1)
        }
        if not countries:
            return None
        wanted = {
            key: name
            for key, name in self.names.items()
            if name.kind in ("city", "region") and name.country in countries
        }
        ids: list[str] = []
        for key in wanted:
            ids += [i for i in await self.index.ids_with_tag(f"{PLACE_TAG}{key}") if i not in ids]
        facts = sorted(await self.facts_by_ids(ids[:MAX_LIST]), key=lambda f: (f.sort_key, f.id))
        labels = {name.get(lang) for name in wanted.values()}
        items = [i for i in list_items(facts, "places", lang, self.names) if i.label in labels]
        if not items:
            return None
        shown = {i for item in items for i in item.fact_ids}
        return Answer(
            question=q.text,
            lang=lang,
            kind="list",
            intent=q.intent,
            hits=[Hit(fact=f, score=100.0) for f in facts if f.id in shown],
            items=items,
            count=len(items) if q.intent == "count" else None,
        )

    async def _in_languages(self, q: Question, lang: Lang, date: DateQuery | None) -> Answer | None:
        """ "In how many languages was the '5 years' collection printed?", «на каких языках
        вышли книги Назарбаева?»: the languages the fact of that work names
        (``Fact.languages``: Kazakh, Russian and Chinese), listed or counted. None when the
        question asks about no publication («сколько языков знает Назарбаев?») or its fact
        names no languages."""
        if "publication" not in q.kinds and q.target != "works":
            return None
        named = self._names_asked(q)
        for s in (await self._rank(q.terms, date))[:MAX_FACT_HITS]:
            if s.score < CONFIDENCE_THRESHOLD * NAMED_SHARE:
                break
            if not all(self._mentions_name(s.cand, g, ids) for g, ids in named):
                continue  # "Nazarbayev's books": not the '5 years' collection
            fact = self._fact(s.cand)
            if fact.languages and q.intent != "count":
                if not self._asks_which_languages(q):
                    return None  # «қытай тілінде шыққан кітаптар»: the books, in one language
                return self._languages_of([fact], q, lang)
            if len(fact.languages) == 1:
                # "Translated into Chinese": one language named is no count of them (the
                # article does not say there were no others); the fact itself answers.
                return Answer(
                    question=q.text, lang=lang, kind="fact", hits=[Hit(fact=fact, score=100.0)]
                )
            if fact.languages:
                listed = self._languages_of([fact], q, lang)
                update = {"intent": "count", "count": len(fact.languages), "count_stated": True}
                return listed.model_copy(update=update)
        return None

    def _asks_which_languages(self, q: Question) -> bool:
        """ "In which languages", «на каких языках», «қай тілдерде»: a question word right
        before a word for language (not «қытай тілінде», which names one)."""
        ws = words(q.norm)
        return any(
            self.lexicon.has("languages", w)
            and i > 0
            and (self.lexicon.has("question", ws[i - 1]) or self.lexicon.has("list", ws[i - 1]))
            for i, w in enumerate(ws)
        )

    def _languages_of(self, facts: list[Fact], q: Question, lang: Lang) -> Answer:
        """The languages ``facts`` name, one line each (with its facts' dates and sources)."""
        with_languages = [f for f in facts if f.languages]
        return self._listing(q, lang, with_languages, "list", target="languages")

    @staticmethod
    def _no_list(q: Question, lang: Lang) -> Answer:
        """What :meth:`_list` without ``fallback`` gives a question that is no list."""
        return Answer(question=q.text, lang=lang, kind="none", intent=q.intent)

    async def _with_the_counted(
        self, q: Question, facts: list[Fact], date: DateQuery | None
    ) -> list[Fact]:
        """A list, with the facts another one counts: "which delegations went to China in
        2003?" finds the youth delegation's visit; the musicians' fact says "two delegations
        ... the first", and the second is the youth's. The facts of that fact's year that
        share the counted word with it join the list when, with them, it has the stated
        number of items exactly; otherwise the list stays as it is."""
        if len(facts) >= MAX_COUNTED_LINK or len(q.text) > COMPARE_MAX_CHARS:
            # No count this completes (a long list's numbers cost ms to read), or no question
            # that says "which two delegations" (a paste: another ranking of it costs ms).
            return facts
        # The counting fact is among the list or near the question: the exact count below is
        # the evidence, so it need not be a confident answer on its own.
        # (By coverage alone: the closeness of a full ranking costs more than the rest of
        # this, and a count that comes out exact is the test.)
        near = [
            self._fact(s.cand)
            for s in (await self._rank(q.terms, date, closeness_for=0))[:MAX_FACT_HITS]
            if s.coverage >= LIST_MIN_COVERAGE
        ]
        counted = next(((f, n) for f in [*facts, *near] if (n := stated_number(f, q))), None)
        if counted is None:
            return facts
        fact, n = counted
        ids = {f.id for f in facts} | {fact.id}
        if fact.date is None or not len(facts) < n <= MAX_COUNTED_LINK:
            return facts
        year = fact.date.start.year
        rows = await self._by_dates(year, year)
        own = next((c for c in rows if c.fact_id == fact.id), None)
        if own is None:
            return facts
        # The question's words the counting fact holds, numbers aside ("делегации", not "две").
        shared = [
            g
            for w, g in zip(q.terms.words, q.terms.groups, strict=True)
            if g in q.terms.specific and w not in NUMBER_WORDS and _mentions(own.terms, g)
        ]
        more = [
            c
            for c in rows
            if c.fact_id not in ids
            and c.start_year == year
            and any(_mentions(c.terms, g) for g in shared)
        ]
        if len(ids) + len(more) != n:
            return facts
        joined = {f.id: f for f in facts}
        joined.setdefault(fact.id, fact)
        for c in more:
            joined[c.fact_id] = self._fact(c)
        return sorted(joined.values(), key=lambda f: f.sort_key)

    async def _counted_elsewhere(
        self, q: Question, date: DateQuery | None
    ) -> tuple[Fact, int] | None:
        """A fact near the question that states the number of what it counts, found by the
        question's words but its kind's ("went", «барып қайтты»: the fact says «барды»)."""
        terms = q.terms.without(q.kind_words)
        for s in (await self._rank(terms if terms.specific else q.terms, date))[:MAX_FACT_HITS]:
            if s.score < CONFIDENCE_THRESHOLD:
                break
            fact = self._fact(s.cand)
            n = stated_number(fact, q)
            if n is not None:
                return fact, n
        return None

    async def _kind_facts(
        self, q: Question, date: DateQuery | None
    ) -> list[Fact] | Literal["period"] | None:
        """The facts of the event kinds a list question names ("visits", «сапарлар»,
        «направления»), in date order; None when it names none, or names a word the fact base
        does not know ("How many times did Putin visit China?": the kind alone is not the list);
        "period" when the kind has nothing in the asked period (its other events answer).

        The kind is the subject, so the whole kind is listed (from the index's event tags),
        narrowed only by topic words: names and the words of fact titles ("Xi's visits",
        "books about the Wusun"), not verbs such as "hosted". Then the date and the direction.
        """
        if not q.kinds:
            return None
        # "First"/"last" order the kind; they do not narrow it ("the first agreement" is
        # not the one whose text says "one of the first").
        other = q.terms.without(q.kind_words | q.target_words | self._order_words(q))
        specific = [g for g, gen in zip(other.groups, other.generic, strict=True) if not gen]
        unknown = [g for g in specific if not self.ranker.knows(g)]
        if unknown and self._names_unknown(q):
            # "How many times did Putin visit China?": a name the fact base does not know;
            # a verb it does not know («какие города принимали дни культуры?») is no subject.
            return None
        specific = [g for g in specific if g not in unknown]
        ids: list[str] = []
        for kind in sorted(q.kinds):
            ids += await self.index.ids_with_tag(f"{EVENT_TAG}{kind}", MAX_LIST)
        named = [self.ranker.correct(g) for g in specific if not g.isdisjoint(self.name_terms)]
        people = [(g, self._people_named(g)) for g in named]
        if "visit" in q.kinds and any(p for _, p in people):
            # "Nazarbayev's visits to China": a fact of another kind may record his visit
            # (the 1995 Joint Declaration, signed during it); the facts tagged with visits
            # that name him are his visits too.
            ids += [i for i in await self.index.ids_with_tag(VISITS_TAG, MAX_LIST) if i not in ids]

        def dated(c: Candidate) -> bool:
            return date is None or date_factor(date, c) >= DATE_MATCH

        cands = [c for c in await self.index.by_ids(ids) if dated(c)]
        if not cands and date is not None:
            return "period"  # none of the kind then: the period's own events answer
        # "Visits between 2013 and 2016, Xi and Nazarbayev": the visits of either.
        either = "visit" in q.kinds and sum(1 for _, p in people if p) >= 2
        if not either and any(not g.isdisjoint(self.topic_terms) for g in specific):
            ranked = await self._rank(other, date, candidates=LIST_CANDIDATES)
            listed = {c.rowid for c in cands}
            pool = [s for s in ranked if s.cand.rowid in listed]
            best = max((s.coverage for s in pool), default=0.0)
            kept = {s.cand.rowid for s in pool if s.coverage >= best * LIST_SHARE}
            narrowed = [c for c in cands if c.rowid in kept]  # in date order, as listed
            if narrowed and len(narrowed) < len(cands) * KIND_NARROWS:
                # A word most of the kind shares describes the kind ("the programme's
                # directions"); one that few share picks among it ("Xi's visits").
                cands = narrowed
        # A name the question gives is in every fact listed: "What did Russia sign with China
        # in 2006?" lists none of 2006's agreements.
        if either:
            cands = [c for c in cands if any(self._names_it(c, g, p) for g, p in people)]
        else:
            cands = [c for c in cands if all(self._names_it(c, g, p) for g, p in people)]
        facts = [self._fact(c) for c in cands[:MAX_LIST]]
        persons = {i for _, p in people for i in p}
        if "visit" in q.kinds and len(persons) == 1 and _direction(q) == (None, None):
            # "Xi's visit in 2015": his visit, not Nazarbayev's to Beijing, where he met Xi.
            country = self.names[next(iter(persons))].country
            facts = [f for f in facts if f.guest == country] or facts
        return self._in_direction(q, facts)

    async def _list_facts(
        self, q: Question, date: DateQuery | None, scored: list[Scored]
    ) -> list[Fact]:
        """The facts a list question without an event kind is about, in date order: the
        candidates whose coverage is close to the best one's, of the date and direction."""
        dated = [s for s in scored if date is None or date_factor(date, s.cand) >= DATE_MATCH]
        best = max((s.coverage for s in dated), default=0.0)
        keep = [s for s in dated if s.coverage >= max(LIST_MIN_COVERAGE, best * LIST_SHARE)]
        return self._in_direction(q, [self._fact(s.cand) for s in keep[:MAX_LIST]])

    def _names_asked(self, q: Question) -> list[tuple[frozenset[str], frozenset[str]]]:
        """The names the question gives, each with the keys of the names it may stand for:
        people, places and organisations of the fact base, and countries other than the two
        (a word list: "Russia", «Моңғолия»), which no fact may be about unless it names them."""
        out = []
        for w, g, gen in zip(q.terms.words, q.terms.groups, q.terms.generic, strict=True):
            if gen:
                continue
            if not g.isdisjoint(self.name_terms):
                out.append((self.ranker.correct(g), self._names_for(g)))
            elif self.lexicon.has("other_country", w):
                out.append((g, frozenset()))
        return out

    def _mentions_name(self, c: Candidate, group: frozenset[str], ids: frozenset[str]) -> bool:
        """Whether fact ``c`` names what the question word ``group`` names: in its words, or
        by one of the name keys (``ids``) among its people, places or organisations (an alias:
        «Елбасы» is Nazarbayev)."""
        if not ids:
            # A country of the word list: its own word ("Russia", not "the Russian abstract").
            return not group.isdisjoint(c.terms)
        if _mentions(c.terms, group):
            return True
        f = self._fact(c)
        return not ids.isdisjoint((*f.people, *f.places, *f.orgs))

    def _named_by(self, key: str, groups: Sequence[frozenset[str]]) -> bool:
        """Whether one of the question words ``groups`` names the name ``key``."""
        terms = self.name_terms_of.get(key, frozenset())
        return any(not g.isdisjoint(terms) for g in groups)

    def _says(self, f: Fact, key: str) -> bool:
        """Whether the fact's text has a word or phrase of the word list ``key`` (in any of its
        three languages). Remembered per fact (0.3 ms a fact; the index does not change)."""
        said = self._said.get((f.id, key))
        if said is None:
            said = False
            for lang in LANGS:
                ws = words(normalise(f.text.get(lang)))
                if self.lexicon.phrases_in(ws).get(key) or any(
                    self.lexicon.has(key, w) for w in ws
                ):
                    said = True
                    break
            if len(self._said) >= SAID_CACHE:
                self._said.clear()
            self._said[(f.id, key)] = said
        return said

    def _named_in_a_case(self, key: str, q: Question) -> bool:
        """Whether a question word is a person's one-word name in a case ending the stemmer
        does not read («перевёл Абая»: «Абай»)."""
        name = self.names.get(key)
        return (
            name is not None
            and name.kind == "person"
            and self._stem_begins_a_word(name, q, aliases=False, shortest=4)
        )

    @staticmethod
    def _stem_begins_a_word(name: Name, q: Question, *, aliases: bool, shortest: int) -> bool:
        """Whether a question word begins with the stem of one of the name's forms (of at
        least ``shortest`` letters; the form less its last letter, or whole under 4 letters):
        «Абая», «Китая», "Chinese", «Қытайдың», which the stemmer leaves apart from the name."""
        forms = [
            loose(normalise(x))
            for lang in LANGS
            for x in (name.get(lang), *(name.aliases.get(lang) if aliases else ()))
        ]
        stems = tuple(f[:-1] if len(f) >= 4 else f for f in forms if len(f) >= shortest)
        return bool(stems) and any(loose(w).startswith(stems) for w in q.terms.words)

    def _names_whole(self, key: str, q: Question) -> bool:
        """Whether the question names ``key`` as a whole, not by one word of an organisation's
        name: "who invited the youth delegation?" does not name the All-China Youth Federation
        (the answer), "what did the All-China Youth Federation do?" does. People and places are
        named by one word (a surname, a city), and "the minister of culture" names the ministry
        of culture (its generic words need not be asked)."""
        forms = self.org_words_of.get(key)
        if forms is None:
            return True
        groups = q.terms.groups
        return any(
            form and all(any(not w.isdisjoint(g) for g in groups) for w in form) for form in forms
        )

    def _names_for(self, group: frozenset[str], kinds: tuple[str, ...] = ()) -> frozenset[str]:
        """The name keys (of ``kinds``, or any) the question word ``group`` can stand for."""
        return frozenset(
            i
            for i, terms in self.name_terms_of.items()
            if (not kinds or self.names[i].kind in kinds) and not group.isdisjoint(terms)
        )

    def _people_named(self, group: frozenset[str]) -> frozenset[str]:
        """The people (name keys) the question word ``group`` can stand for."""
        return self._names_for(group, ("person",))

    def _names_it(self, c: Candidate, group: frozenset[str], people: frozenset[str]) -> bool:
        """Whether fact ``c`` is about the name the question word ``group`` stands for: when
        it names a person (``people``), that person is among the fact's people (Nazarbayev,
        not Nazarbayev University); any other name, a word of the fact's terms."""
        if people:
            return not people.isdisjoint(self._fact(c).people)
        return _mentions(c.terms, group)

    @staticmethod
    def _in_direction(q: Question, facts: list[Fact]) -> list[Fact]:
        """The facts in the asked direction of an exchange, in date order: those that state a
        side of it the asked way and no side the other way, if any (Nazarbayev's G20 trip
        states only its guest); else those that state no side the other way."""
        host, guest = _direction(q)
        facts = (
            [
                f
                for f in facts
                if _direction_ok(f, q)
                and ((host and f.host == host) or (guest and f.guest == guest))
            ]
            or [f for f in facts if _direction_ok(f, q)]
            or facts
        )
        facts.sort(key=lambda f: (f.sort_key, f.id))
        return facts

    async def _more(self, q: Question, lang: Lang, context: Context | None) -> Answer:
        """ "more": the next page of the last list, or the last fact in full."""
        if context is None or not context.fact_ids:
            return self._chat(q, lang, "help")
        done = context.intent == "more" and context.kind == "fact"
        paged = context.kind in ("year", "range", "list", "compare")
        if done or (paged and context.page + 1 >= context.pages and len(context.fact_ids) > 1):
            # The last page was shown already.
            return self._chat(q, lang, "more")
        if context.kind in ("year", "range") and len(context.fact_ids) == 1:
            facts = await self.facts_by_ids(context.fact_ids)
            hit = Hit(fact=facts[0], score=100.0)
            return Answer(
                question=q.text, lang=lang, kind="fact", intent="more", hits=[hit], detail=True
            )
        if context.kind in ("year", "range") and context.start is not None:
            assert context.end is not None
            date = DateQuery(context.start, context.end, "range")
            page = context.page + 1
            q2 = replace(q, date=date)
            answer = await self._date_answer(q2, lang, page=page)
            return answer.model_copy(update={"intent": "more"})
        facts = await self.facts_by_ids(context.fact_ids)
        if context.kind in ("list", "compare") and len(facts) > 1:
            return Answer(
                question=q.text,
                lang=lang,
                kind=context.kind,
                intent="more",
                hits=[Hit(fact=f, score=100.0) for f in facts],
                items=list_items(facts, context.target, lang, self.names),
                compare=list(context.years),
                page=context.page + 1,
                # The next page of a count says the same count ("the article mentions 12").
                count=context.count,
                count_stated=context.count_stated,
            )
        if not facts:
            return self._chat(q, lang, "help")
        return Answer(
            question=q.text,
            lang=lang,
            kind="fact",
            intent="more",
            hits=[Hit(fact=facts[0], score=100.0)],
            detail=True,
        )

    async def _none(
        self, q: Question, lang: Lang, near: Sequence[Candidate], missing: Missing | None = None
    ) -> Answer:
        """ "The article says nothing about this" (or, with ``missing``, the article touches
        the subject but does not give that detail), with questions about ``near`` facts."""
        cands = list(near) or await self.index.featured(3)
        facts = [self._fact(c) for c in cands[:3]]
        answer = Answer(
            question=q.text,
            lang=lang,
            kind="none",
            intent=q.intent,
            suggestions=suggestions(facts, lang),
            suggested=[f.id for f in facts],
            missing=missing,
        )
        if missing is not None and facts:
            # "The article mentions this, but does not say who": the fact it mentions is what
            # "where?" or "more" ask about next.
            hit = Hit(fact=facts[0], score=100.0)
            about = Answer(question=q.text, lang=lang, kind="fact", hits=[hit])
            context = context_of(q, about).model_copy(update={"intent": q.intent})
            answer = answer.model_copy(update={"context": context})
        return answer

    def _nearest_years(self, start: int, end: int) -> list[int]:
        before = [y for y in self.years if y < start]
        after = [y for y in self.years if y > end]
        return ([before[-1]] if before else []) + ([after[0]] if after else [])

    async def _first_or_last_of(self, q: Question, lang: Lang, ctx: Context) -> Answer | None:
        """ "And which one was first?", «а какое было последним?», «қайсысы бірінші?» after a
        list or a period: the earliest or latest of its facts. None: the question names
        something else."""
        if len(ctx.fact_ids) < 2:
            return None
        if q.terms.without(self._order_words(q) | q.kind_words).specific:
            return None  # "when did the first one come out?" after books: their kind's words
        cands = [c for c in await self.index.by_ids(ctx.fact_ids) if c.start_key is not None]
        if not cands:
            return None
        cands.sort(key=lambda c: c.start_key or 0, reverse=q.order == "last")
        hit = Hit(fact=self._fact(cands[0]), score=100.0)
        answer = Answer(question=q.text, lang=lang, kind="fact", hits=[hit])
        context = context_of(q, answer, ctx.words)
        # The others stay behind it: "and the last one?" may follow; "who signed it?" asks
        # about the first of them (the one shown) when the others hold no more of its words.
        rest = [i for i in ctx.fact_ids if i != hit.fact.id]
        context = context.model_copy(update={"fact_ids": [hit.fact.id, *rest]})
        return answer.model_copy(update={"context": context})

    async def _about_context(self, q: Question, lang: Lang, ctx: Context) -> Answer | None:
        """A question that points back ("who signed it?", «а что он там сказал?»): one of the
        last answer's facts if they hold all its words, else the last topic's words with its
        own ("who organised them?" after the culture days' cities). None: not about them."""
        if q.intent not in ("fact", "list", "count", "empty", "followup"):
            return None
        specific = [self.ranker.correct(g) for g in q.terms.specific]
        known = [g for g in specific if any(t in self.vocab for t in g)]
        words = list(dict.fromkeys([*ctx.words, *q.terms.words]))
        if ctx.kind == "fact" and ctx.fact_ids:
            cands = await self.index.by_ids(ctx.fact_ids[:MAX_FACT_HITS])
            held = [sum(_mentions(c.terms, g) for g in known) for c in cands]
            if cands and max(held) == len(known):
                detail = self._asked_detail(replace(q, intent="fact"))
                holding = [c for c, h in zip(cands, held, strict=True) if h == len(known)]
                # "Who translated it?" after Abai's works: Abai is named by the last question,
                # so he is not who is asked for.
                told_q = q
                if "ask_person" in q.cues:
                    norm = " ".join([*ctx.words, q.norm])
                    terms = self.index.analyzer.terms(norm, None, words, frozenset(), self.lexicon)
                    told_q = replace(q, norm=norm, terms=terms)
                # Of the last facts, the one that gives what is asked ("who organised them?"
                # after three culture days: the one that names organisers), else the first.
                telling = [
                    c for c in holding if detail and self._tells(self._fact(c), told_q, detail)
                ]
                best = (telling or holding)[0]
                alone = "anaphor" not in q.cues  # "where?"; not "who signed it?"
                if alone and detail is not None and not telling:
                    # "Where?" after a fact that names no place: the article does not say.
                    return await self._none(q, lang, [best], detail)
                if detail is not None and not telling and ctx.kinds and len(cands) > 1:
                    # None of the last facts says ("who organised them?" after three culture
                    # days): the last topic's facts further down may. "Who signed it?" after
                    # one fact is about that fact.
                    further = await self._on_last_topic(q, lang, ctx, words)
                    if further is not None and further.kind != "none":
                        return further
                return self._about_one(q, lang, self._fact(best), detail, words)
        on_topic = await self._on_last_topic(q, lang, ctx, words)
        if (
            "anaphor" in q.cues
            and len(ctx.fact_ids) == 1
            and q.date is None
            # A question with a subject of its own («онда Болашақ туралы айтшы»: «онда» is
            # also "then") is not about the last fact.
            and not any(
                not g.isdisjoint(self.topic_terms) or not g.isdisjoint(self.name_terms)
                for g in specific
            )
        ):
            # "What did he propose?" after Xi's 2013 visit: "he" is in the last fact; a fact
            # that shares none of its names (the 2002 conference, "at the proposal of the
            # embassy") is no answer about him. The last fact is (if the fact base still
            # has it: a context may outlive a /reload).
            last = next(iter(await self.facts_by_ids(ctx.fact_ids)), None)
            if last is not None and (on_topic is None or not self._shares_names(on_topic, last)):
                detail = self._asked_detail(replace(q, intent="fact"))
                if detail is not None and not self._tells(last, q, detail):
                    shown = await self.index.by_ids(ctx.fact_ids)
                    return await self._none(q, lang, shown, detail)
                return self._about_one(q, lang, last, detail, words)
        return None if on_topic is None else self._as_stated_count(q, on_topic)

    def _about_one(
        self, q: Question, lang: Lang, fact: Fact, detail: Missing | None, words: list[str]
    ) -> Answer:
        """A question about the last answer, answered by one of its facts: led by the detail
        asked ("Who: …"), or the number it states for a count; its context keeps the last
        topic's words."""
        answer = Answer(question=q.text, lang=lang, kind="fact", hits=[Hit(fact=fact, score=100.0)])
        answer = self._as_stated_count(q, self._with_told(answer, q, detail))
        return answer.model_copy(update={"context": context_of(q, answer, words)})

    @staticmethod
    def _shares_names(answer: Answer, last: Fact) -> bool:
        """Whether an answer's first fact is the last one, or names one of its people,
        places or organisations."""
        if not answer.hits:
            return False
        f = answer.hits[0].fact
        if f.id == last.id:
            return True
        mine = {*last.people, *last.places, *last.orgs}
        return not mine.isdisjoint((*f.people, *f.places, *f.orgs))

    def _as_stated_count(self, q: Question, answer: Answer) -> Answer:
        """A "how many" follow-up answered by one fact: the number that fact states, as a
        count ("how many directions does its cultural part have?" after the 2003 programme,
        which says "eight directions"). The answer as it is when it states none."""
        if q.intent != "count" or answer.kind != "fact" or len(answer.hits) != 1:
            return answer
        fact = answer.hits[0].fact
        n = stated_number(fact, q)
        if n is None:
            return answer
        return answer.model_copy(
            update={
                "kind": "list",
                "intent": "count",
                "items": list_items([fact], q.target, answer.lang, self.names),
                "count": n,
                "count_stated": True,
            }
        )

    async def _on_last_topic(
        self, q: Question, lang: Lang, ctx: Context, words: list[str]
    ) -> Answer | None:
        """The question with the last topic's words and kinds: "who organised them?" after the
        culture days' cities. None when there is no topic, or nothing answers."""
        if not ctx.words or not (q.terms.words or self._asked_detail(q)):
            return None  # "who organised them?" asks a detail of the last topic
        terms = self.index.analyzer.terms(q.norm, None, words, frozenset(), self.lexicon)
        kinds = q.kinds or frozenset(ctx.kinds)  # "who organised them?": the last kind
        answer = await self._fact_answer(replace(q, intent="fact", terms=terms, kinds=kinds), lang)
        if answer.kind == "none":
            return None
        return answer.model_copy(update={"context": context_of(q, answer, words)})

    def _in_another_direction(self, q: Question, ctx: Context) -> Question | None:
        """ "Which ones in China?", «а Китая в Казахстане?» after a list or count of one kind:
        the same question, in the direction this one names. None when it names anything else
        (a kind, a name, a subject of its own)."""
        if ctx.intent not in ("list", "count", "fact") or not ctx.kinds:
            return None
        if q.target is not None and q.target != ctx.target and "anaphor" not in q.cues:
            # "What is the capital of Kazakhstan?" after a count of students: places asked
            # of a country, not the last count the other way.
            return None
        frame = {"which_one", "question", "followup", "list", "target_places", "target_people"}
        own = [w for w, gen in zip(q.terms.words, q.terms.generic, strict=True) if not gen]
        if not all(self.lexicon.lists_of(w) & frame for w in own):
            return None
        intent: Intent = (
            "count" if ctx.intent == "count" else "fact" if ctx.intent == "fact" else "list"
        )
        again = self._again(q, ctx, ctx.words, intent, q.host, q.guest)
        if intent == "fact":
            # "When were the first Kazakh culture days in China?", «а китайские в Казахстане?»:
            # the first of them the other way.
            return replace(again, order=self.understand(" ".join(ctx.words)).order)
        return again

    def _with_other_name(self, q: Question, ctx: Context) -> Question | None:
        """ "And Nazarbayev?" after a list or count of one kind: the same question about
        another name (and the direction this one gives, if it gives one)."""
        if ctx.intent not in ("list", "count") or not ctx.kinds:
            return None
        specific = q.terms.specific
        if not specific or not all(not g.isdisjoint(self.name_terms) for g in specific):
            return None
        # The last question's frame (its kind and target words), this one's names.
        frame = KIND_LISTS.keys() | {"target_places", "target_people", "target_works"}
        kept = [w for w in ctx.words if self.lexicon.lists_of(w) & frame]
        words = list(dict.fromkeys([*kept, *q.terms.words]))
        turned = q.host is not None or q.guest is not None
        host = q.host
        if not turned:
            # «а Назарбаев — Китай?»: a country named alone is where the new one went.
            countries = {
                self.names[i].country
                for g in q.terms.groups
                for i in self._names_for(g, ("country",))
            } - {None}
            if len(countries) == 1:
                host, turned = countries.pop(), True
        intent: Intent = "count" if ctx.intent == "count" else "list"
        if turned:
            return self._again(q, ctx, words, intent, host, q.guest)
        return self._again(q, ctx, words, intent, ctx.host, ctx.guest)

    def _again(
        self,
        q: Question,
        ctx: Context,
        words: Sequence[str],
        intent: Intent,
        host: str | None,
        guest: str | None,
    ) -> Question:
        """The last list or count question's frame (its kinds, target and kind of count) over
        ``words``, as this question."""
        # Which of the words name the kind and the target, phrases included ("culture days").
        frame = self.understand(" ".join(words))
        return replace(
            q,
            intent=intent,
            terms=self.index.analyzer.terms(q.norm, None, list(words), frozenset(), self.lexicon),
            kinds=frozenset(ctx.kinds),
            kind_words=frame.kind_words,
            target_words=frame.target_words,
            target=ctx.target,
            host=host,
            guest=guest,
            cues=q.cues | ({"times"} if ctx.times else set()),
        )

    def _resolve_followup(self, q: Question, ctx: Context) -> Question:
        """ "and in 2005?", "а годом раньше?": the last question again, for another date."""
        date = q.date
        if date is None and q.relative is not None:
            base = ctx.year if ctx.year is not None else ctx.start
            if base is None:
                return replace(q, intent="empty")
            y = base + q.relative
            date = DateQuery(y, y, "year")
        if date is None:
            return replace(q, intent="empty")
        if ctx.kind in ("year", "range", "compare") or not ctx.words or "happened" in q.cues:
            # «А что было в 2014?» asks for all of that year, not the last topic in it.
            return replace(q, intent="date", date=date)
        # A topical question again, with the new date: "Chinese culture days in Almaty", then
        # "and in 2006?".
        terms = self.index.analyzer.terms(q.norm, date, ctx.words, frozenset(), self.lexicon)
        intent: Intent = "list" if ctx.kind == "list" else "fact"
        return replace(
            q,
            intent=intent,
            date=date,
            terms=terms,
            target=ctx.target,
            host=q.host or ctx.host,
            guest=q.guest or ctx.guest,
        )

    # -- facts ------------------------------------------------------------------------------

    def _fact(self, c: Candidate) -> Fact:
        return c.fact  # parsed once per row; the index keeps rows only if all of them fit

    def _hits(self, scored: Sequence[Scored]) -> list[Hit]:
        """Hits whose facts are decoded when read: a reply reads one page of a year's 120."""
        return [
            Hit.lazy(s.cand.fact_id, partial(self._fact, s.cand), round(s.score, 1)) for s in scored
        ]

    async def facts_by_ids(self, ids: Sequence[str]) -> list[Fact]:
        return [self._fact(c) for c in await self.index.by_ids(ids)]

    async def year_answer(self, year: int, lang: Lang) -> Answer:
        """The answer to "what happened in YEAR", as a button or /year would ask it."""
        q = self.understand(str(year))
        answer = await self._date_answer(replace(q, date=DateQuery(year, year, "year")), lang)
        return answer.model_copy(update={"context": context_of(q, answer)})

    async def featured(self, limit: int = 5) -> list[Fact]:
        return [self._fact(c) for c in await self.index.featured(limit)]


#: Kinds whose words name people or things, not events («неше студент?», "how many TV
#: channels?"): their facts are not what is counted, unless the question counts times.
UNCOUNTED_KINDS = frozenset({"education", "media"})
#: Words for "country" (by their first letters): a number before one counts countries.
_COUNTRY_WORDS = ("ел", "мемлекет", "countr", "state", "стран", "государств")
#: A sum of money right after a number ("20 million yuan", «20 миллион юань»): what "how
#: much money / help" asks for, whatever the question's own nouns.
_CURRENCY_RE = re.compile(
    r"\s*(?:(?:million|billion|thousand|миллион\w*|миллиард\w*|млн|млрд|тыс\w*|мың)\.?\s+)?"
    r"(?:yuan|dollars?|tenge|юан\w*|доллар\w*|теңге|тенге|рубл\w*|евро|euros?)"
)
#: Words that scale the number before them, by their first letters.
_SCALES = {
    "million": 1_000_000,
    "миллион": 1_000_000,
    "млн": 1_000_000,
    "billion": 1_000_000_000,
    "миллиард": 1_000_000_000,
    "млрд": 1_000_000_000,
    "thousand": 1_000,
    "тысяч": 1_000,
    "тыс": 1_000,
    "мың": 1_000,
}
#: A quoted title: «…», “…”, "…".
_QUOTED_RE = re.compile(r"«[^«»]*»|“[^“”]*”|\"[^\"]*\"")
_NUMBER_RE = re.compile(r"(?<![\w.,])(\d{1,3}(?:[ \u00a0]\d{3})+|\d+)(?![\w]|[.,]\d)")
#: A stated number counts what the question asks about when one of the next this many words
#: starts like one of the question's specific words (this many letters).
COUNTED_WITHIN = 6
COUNTED_WORD_WITHIN = 2
COUNTED_PREFIX = 5


#: An amount of money or a large quantity as the facts write it ("20 million yuan").
_AMOUNT_RE = re.compile(
    r"\d[\d\s.,]*\s*(?:million|billion|thousand|млн|миллион|млрд|миллиард|мың|тыс|"
    r"yuan|юан|dollar|доллар|\$|tenge|теңге|тенге)"
)


#: A number word, as a whole run of letters (what ``[^\W\d_]+`` would find, and only those).
_NUMBER_WORD_RE = re.compile(
    r"(?<![^\W\d_])(?:"
    + "|".join(sorted(map(re.escape, NUMBER_WORDS), key=len, reverse=True))
    + r")(?![^\W\d_])"
)


@lru_cache(maxsize=4096)
def _loose_text(text: str) -> str:
    """A fact text's loose form (its texts are few and asked again with every count)."""
    return loose(text)


def _has_any(text: str, parts: tuple[str, ...]) -> bool:
    return any(p in text for p in parts)


def stated_number(fact: Fact, q: Question) -> int | None:
    """The one number a fact states that is not a year or a day ("780 materials", "төрт
    телеарна"), in digits or in words, leaving out the numbers the question itself names (the
    "5" of the «5 years» collection). None when the fact states none, or several."""
    asked = {int(w) for w in words(q.norm) if w.isdigit()}
    # What is counted: the question's specific words ("materials", «телеарна»). A number
    # counts them only if one of them stands close to it ("780 materials", «вышло 780»; not
    # "the two heads of state" for "how many times did Nazarbayev go to China?").
    nouns = tuple(
        loose(w)[:COUNTED_PREFIX]
        for w, gen in zip(q.terms.words, q.terms.generic, strict=True)
        if not gen and not w.isdigit() and len(w) >= 3
    )

    money_asked = "ask_amount" in q.cues
    if not nouns and not money_asked:
        return None  # nothing to count, and no amount asked: no number counts it

    def counts_them(before: str, after: str, within: int = COUNTED_WITHIN) -> bool:
        near = words(before)[-within:] + words(after)[:within]
        return any(loose(w).startswith(nouns) for w in near)

    for lang in ("en", "ru", "kk"):
        found: set[int] = set()
        text = fact.text.get(lang).casefold()
        if not money_asked and not _has_any(_loose_text(text), nouns):
            # No word of the text (nor any part of one: ``loose`` goes letter by letter)
            # starts with a counted noun, so no number in it counts them.
            continue
        titles = [t.span() for t in _QUOTED_RE.finditer(text)]
        for m in _NUMBER_RE.finditer(text):
            if any(a <= m.start() < b for a, b in titles):
                continue  # «Қазақстан–Қытай: 5 жыл»: a title's number counts nothing
            n = int(m.group(1).replace(" ", "").replace("\u00a0", ""))
            after = text[m.end() : m.end() + 40]
            if 1000 <= n <= 2100 or after.lstrip().startswith(("th", "st", "nd", "rd", "-")):
                continue
            if any(is_month_word(w) for w in words(after)[:1]) or n in asked:
                continue
            money = money_asked and _CURRENCY_RE.match(after) is not None
            if money or counts_them(text[max(0, m.start() - 40) : m.start()], after):
                # "20 million yuan": the number is 20,000,000, not 20.
                scale = next((k for w, k in _SCALES.items() if after.lstrip().startswith(w)), 1)
                found.add(n * scale)
        for m in _NUMBER_WORD_RE.finditer(text):
            w = m.group(0)
            # A number word counts the noun right after it ("two delegations"), not a word
            # near it ("students of the two countries").
            after = text[m.end() : m.end() + 40]
            if (
                w in NUMBER_WORDS
                and NUMBER_WORDS[w] not in asked
                # «екі елдің студенттері», "students of the two countries": the number
                # counts the countries, not the students.
                and not any(loose(x).startswith(_COUNTRY_WORDS) for x in words(after)[:1])
                and counts_them("", after, COUNTED_WORD_WITHIN)
            ):
                found.add(NUMBER_WORDS[w])
        found.discard(1)  # "one" is mostly "one of", not a count
        if len(found) == 1:
            return found.pop()
    return None


def _direction_ok(f: Fact, q: Question, *, strict: bool = False) -> bool:
    """The fact's exchange goes the asked way (or, unless ``strict``, a side is not known)."""
    host, guest = _direction(q)
    if host and (f.host != host if strict else f.host and f.host != host):
        return False
    return not (guest and (f.guest != guest if strict else f.guest and f.guest != guest))


def _direction(q: Question) -> tuple[str | None, str | None]:
    """(host, guest) as asked; one side implies the other, since exchanges go between two."""
    host, guest = q.host, q.guest
    if host and guest and host == guest:
        return None, None
    other = {"KZ": "CN", "CN": "KZ"}
    return host or (other[guest] if guest else None), guest or (other[host] if host else None)


def _capitalised(word: str, text: str) -> bool:
    """Whether the normalised ``word`` is written with a capital letter in ``text``, as names
    are ("Putin"; not "CN" or "KZ", short all-capital abbreviations)."""
    for m in re.finditer(r"\w+", text):
        tok = m.group(0)
        if tok[:1].isupper() and normalise(tok) == word:
            return not (tok.isupper() and len(tok) <= 3)
    return False


#: Endings of common words, not names: a word the fact base does not know that ends so is
#: taken for an ordinary word ("everything", «запомнился», «интересного»), any other of at
#: least NAME_MIN_LEN letters for a name ("putin", «путин»), as people type names in lower case.
_COMMON_ENDINGS = (
    "thing",
    "ing",
    "ed",
    "ly",
    "tion",
    "ness",
    "ment",
    "able",
    "ful",
    "ous",
    "er",
    "est",
    "ся",
    "сь",
    "ть",
    "ил",
    "ла",
    "ли",
    "ло",
    "ого",
    "его",
    "ый",
    "ий",
    "ой",
    "ая",
    "ое",
    "ые",
    "ых",
    "ие",
    "ую",
    "ешь",
    "ет",
    "ют",
    "ат",
    "ят",
    "ну",
    "ды",
    "ді",
    "ты",
    "ті",
    "ған",
    "ген",
    "қан",
    "кен",
    "мын",
    "мін",
    "сың",
    "сің",
    "ып",
    "іп",
    "у",
)
NAME_MIN_LEN = 4


def _name_like(word: str) -> bool:
    return len(word) >= NAME_MIN_LEN and word.isalpha() and not word.endswith(_COMMON_ENDINGS)


def _is_number(group: frozenset[str]) -> bool:
    return all(t.isdigit() for t in group)


def _asked_scale(q: Question) -> int:
    """The scale a count question asks its number in (1 when it names none)."""
    for w in q.terms.words:
        lw = loose(w)
        for start, n in _SCALES.items():
            if lw.startswith(loose(start)):
                return n
    return 1


def _names_a_direction(q: Question) -> bool:
    """Whether the question says where something was held or whose it was ("in Kazakhstan",
    «у нас», "Chinese culture days"): a question of its own, not a detail of the last one."""
    return not DIRECTION_CUES.isdisjoint(q.cues)


def _month_differs(hit: Hit, date: DateQuery) -> bool:
    """Whether ``date`` names a month and the hit's fact is dated in another one."""
    d = hit.fact.date
    if date.month is None or d is None or d.start.month is None:
        return False
    return d.start.month != date.month


def _is_period(d: DateQuery) -> bool:
    """A range, decade or open-ended period: more than one year, not two compared."""
    return d.kind != "compare" and (d.open_ended or d.start != d.end)


def _keeps_topic(turned: Question, answer: Answer) -> Answer:
    """``answer`` to a question the last answer turned ("list them" after "how many
    directions…?"), with the context of the turned question: its topic words, so that the
    next follow-up ("where was it signed?") is still about that topic."""
    if answer.context is not None or answer.kind == "chat":
        return answer
    return answer.model_copy(update={"context": context_of(turned, answer)})


def _mentions(terms: Set[str], group: frozenset[str]) -> bool:
    """Whether a fact's ``terms`` hold the question word ``group``: one of its terms, or a
    stem cut as the focus test cuts them ("Бейжіңде" is in a fact that says "Бейжіңді")."""
    if not group.isdisjoint(terms):
        return True
    keys = tuple(t[: max(4, len(t) - 2)] for t in group if len(t) >= 5 and not t.isdigit())
    return bool(keys) and any(term.startswith(keys) for term in terms)


def _name_terms(
    analyzer: Analyzer, names: Mapping[str, Name], *, countries: bool = True
) -> frozenset[str]:
    """The terms of every person's, place's and organisation's name, in every language.

    Without ``countries``, and with the terms of the facts' titles (kept by the index): what a
    question can be about, as opposed to what it says about it."""
    out: set[str] = set()
    for n in names.values():
        if n.kind == "country" and not countries:
            continue
        for lang in LANGS:
            for form in [n.get(lang), *n.aliases.get(lang)]:
                for w in words(normalise(form)):
                    # A person's name may be two letters ("Xi", «Ху»); other short words of
                    # names are mostly particles ("of").
                    short = len(w) == 2 and n.kind == "person"
                    if (len(w) > 2 or short) and not w.isdigit():
                        out |= analyzer.alternatives(w)
    return frozenset(out)


__all__ = ["LANGS", "MAX_QUESTION_CHARS", "Engine"]
