"""What handlers remember between updates, in memory and bounded (least recently used first out).

- The question each answer answered, kept per asking user, so that a 👍/👎 stores the voter's
  own question and never another user's text, and /forget can drop all of a user's questions.
- When a group last got a "no answer" message (to stay quiet for a while after one).
- Each conversation's last answer context, per private chat and per user within a group (so one
  member's "and in 2005?" never continues another's question), for CONTEXT_SECONDS.
"""

from __future__ import annotations

import time
from collections import OrderedDict

from knowledge.compose import CONTEXT_SECONDS
from knowledge.models import Context

#: Answers whose question is remembered (for a later vote), over all users.
REMEMBERED_QUESTIONS = 20_000
#: Longest remembered question, in characters.
REMEMBERED_CHARS = 500
#: Group chats whose last "no answer" time is kept.
REMEMBERED_CHATS = 10_000
#: Conversations (chat, user) whose last answer's context is kept.
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
        # (chat id, user id) -> (when, the last answer's context)
        self._contexts: OrderedDict[tuple[int, int], tuple[float, Context]] = OrderedDict()
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
        return item[1]

    def keep_context(
        self, chat_id: int, user_id: int, ctx: Context | None, now: float | None = None
    ) -> None:
        """Keep (or, with None, drop) the conversation's last answer context."""
        key = (chat_id, user_id)
        if ctx is None:
            self._contexts.pop(key, None)
            return
        self._contexts[key] = (time.monotonic() if now is None else now, ctx)
        self._contexts.move_to_end(key)
        while len(self._contexts) > self._max_contexts:
            self._contexts.popitem(last=False)

    def swap_last_none(self, chat_id: int, now: float) -> float | None:
        """Record a "no answer" in the chat at ``now``; return the previous one's time."""
        last = self._last_none.pop(chat_id, None)
        self._last_none[chat_id] = now
        while len(self._last_none) > self._max_chats:
            self._last_none.popitem(last=False)
        return last
