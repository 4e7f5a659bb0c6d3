"""What handlers remember between updates, in memory and bounded (least recently used first out).

- The question each answer answered, kept per asking user, so that a 👍/👎 stores the voter's
  own question and never another user's text, and /forget can drop all of a user's questions.
- When a group last got a "no answer" message (to stay quiet for a while after one).
- Each conversation's last answer context, per private chat and per user within a group (so one
  member's "and in 2005?" never continues another's question), for CONTEXT_SECONDS.

Sized for a lean process (measured with tracemalloc; ``tests/test_memory.py`` holds the
budgets): at their bounds the questions take about 2 MiB, the contexts 4.3 and the groups'
times 1.3. A context is kept as its compact JSON (about 450 bytes with its entry, against 1,700
for the model object; read back in about 4 µs), and contexts older than CONTEXT_SECONDS are
dropped as new ones come in, so the table holds only the conversations of the last
CONTEXT_SECONDS. Nothing expires the questions but their bound: 5,000 answers is at least 2.8
minutes of answers at Telegram's overall limit of 30 messages a second, and hours at ordinary
loads; a vote on an older answer is still stored, only without its question.
"""

from __future__ import annotations

import time
from collections import OrderedDict

from knowledge.compose import CONTEXT_SECONDS
from knowledge.models import Context

#: Answers whose question is remembered (for a later vote), over all users (about 430 bytes each).
REMEMBERED_QUESTIONS = 5_000
#: Longest remembered question, in characters.
REMEMBERED_CHARS = 500
#: Group chats whose last "no answer" time is kept.
REMEMBERED_CHATS = 10_000
#: Conversations (chat, user) whose last answer's context is kept (about 450 bytes each).
REMEMBERED_CONTEXTS = 10_000


class Memory:
    def __init__(
        self,
        questions: int = REMEMBERED_QUESTIONS,
        chats: int = REMEMBERED_CHATS,
        contexts: int = REMEMBERED_CONTEXTS,
    ) -> None:
        self._max_questions = questions
        self._max_chats = chats
        self._max_contexts = contexts
        # (chat id, user id) -> (when, the last answer's context as JSON), oldest first
        self._contexts: OrderedDict[tuple[int, int], tuple[float, bytes]] = OrderedDict()
        # (chat id, answer message id) -> (asking user id, question)
        self._questions: OrderedDict[tuple[int, int], tuple[int, str]] = OrderedDict()
        self._last_none: OrderedDict[int, float] = OrderedDict()

    def __len__(self) -> int:
        return len(self._questions) + len(self._last_none) + len(self._contexts)

    def remember(self, chat_id: int, message_id: int, user_id: int, question: str) -> None:
        """Remember the question that the answer ``message_id`` in ``chat_id`` answered."""
        key = (chat_id, message_id)
        self._questions[key] = (user_id, question[:REMEMBERED_CHARS])
        self._questions.move_to_end(key)
        while len(self._questions) > self._max_questions:
            self._questions.popitem(last=False)

    def recall(self, chat_id: int, message_id: int, user_id: int) -> str | None:
        """The question behind an answer, if ``user_id`` asked it (else ``None``)."""
        item = self._questions.get((chat_id, message_id))
        return item[1] if item is not None and item[0] == user_id else None

    def forget_user(self, user_id: int) -> int:
        """Drop every question the user asked, and their conversations; returns how many
        questions."""
        keys = [k for k, (uid, _) in self._questions.items() if uid == user_id]
        for k in keys:
            del self._questions[k]
        for c in [c for c in self._contexts if c[1] == user_id]:
            del self._contexts[c]
        return len(keys)

    def context(self, chat_id: int, user_id: int, now: float | None = None) -> Context | None:
        """The conversation's last answer context, while it is fresh."""
        now = time.monotonic() if now is None else now
        item = self._contexts.get((chat_id, user_id))
        if item is None:
            return None
        if now - item[0] > CONTEXT_SECONDS:
            del self._contexts[(chat_id, user_id)]
            return None
        return Context.model_validate_json(item[1])

    def keep_context(
        self, chat_id: int, user_id: int, ctx: Context | None, now: float | None = None
    ) -> None:
        """Keep (or, with None, drop) the conversation's last answer context."""
        key = (chat_id, user_id)
        if ctx is None:
            self._contexts.pop(key, None)
            return
        now = time.monotonic() if now is None else now
        self._contexts[key] = (now, ctx.model_dump_json(exclude_defaults=True).encode())
        self._contexts.move_to_end(key)
        contexts = self._contexts
        while contexts and (
            len(contexts) > self._max_contexts
            or now - next(iter(contexts.values()))[0] > CONTEXT_SECONDS
        ):
            contexts.popitem(last=False)

    def swap_last_none(self, chat_id: int, now: float) -> float | None:
        """Record a "no answer" in the chat at ``now``; return the previous one's time."""
        last = self._last_none.pop(chat_id, None)
        self._last_none[chat_id] = now
        while len(self._last_none) > self._max_chats:
            self._last_none.popitem(last=False)
        return last
