"""What handlers remember between updates, in memory and bounded (least recently used first out).

- The question each answer answered, kept per asking user, so that a 👍/👎 stores the voter's
  own question and never another user's text, and /forget can drop all of a user's questions.
- When a group last got a "no answer" message (to stay quiet for a while after one).
"""

from __future__ import annotations

from collections import OrderedDict

#: Answers whose question is remembered (for a later vote), over all users.
REMEMBERED_QUESTIONS = 20_000
#: Longest remembered question, in characters.
REMEMBERED_CHARS = 500
#: Group chats whose last "no answer" time is kept.
REMEMBERED_CHATS = 10_000


class Memory:
    def __init__(
        self, questions: int = REMEMBERED_QUESTIONS, chats: int = REMEMBERED_CHATS
    ) -> None:
        self._max_questions = questions
        self._max_chats = chats
        # (chat id, answer message id) -> (asking user id, question)
        self._questions: OrderedDict[tuple[int, int], tuple[int, str]] = OrderedDict()
        self._last_none: OrderedDict[int, float] = OrderedDict()

    def __len__(self) -> int:
        return len(self._questions) + len(self._last_none)

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
        """Drop every question the user asked; returns how many."""
        keys = [k for k, (uid, _) in self._questions.items() if uid == user_id]
        for k in keys:
            del self._questions[k]
        return len(keys)

    def swap_last_none(self, chat_id: int, now: float) -> float | None:
        """Record a "no answer" in the chat at ``now``; return the previous one's time."""
        last = self._last_none.pop(chat_id, None)
        self._last_none[chat_id] = now
        while len(self._last_none) > self._max_chats:
            self._last_none.popitem(last=False)
        return last
