"""Per-user flood control, tried before every other handler (group -1).

Past ``DOSTYQ_FLOOD_PER_MINUTE`` questions in a sliding minute, the bot says once, in the
user's language, to slow down, and then drops the excess quietly (no reply, no engine call, no
log entry) until an earlier question leaves the window. Only accepted questions count, so a
user who keeps typing is back as soon as the minute of their last accepted question is over.
Admins (``DOSTYQ_ADMIN_IDS``) are not limited. The counts live in the handler's own bounded
table (memory, per process: replicas count separately), not in PTB's user_data, which would
keep an entry for every user ever seen.
"""

from __future__ import annotations

import html
import time
from collections import OrderedDict, deque
from enum import Enum
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, MessageHandler, filters

from .context import Ctx
from .i18n import ops_ui
from .messages import MENTIONS_BOT
from .replies import send_html, ui_lang

#: The sliding window the limit counts in, seconds.
WINDOW_SECONDS = 60.0
#: Users tracked at most (the least recently asking out first); users idle for a window are
#: forgotten as soon as a new user comes.
MAX_USERS = 10_000


class Verdict(Enum):
    OK = "ok"
    WARN = "warn"  # the first question over the limit: say "slow down" once
    DROP = "drop"  # the rest: silence


class FloodState:
    """One user's accepted questions in the window, and whether they were told to slow down."""

    __slots__ = ("times", "warned")

    def __init__(self) -> None:
        self.times: deque[float] = deque()
        self.warned = False

    def check(self, limit: int, now: float, window: float = WINDOW_SECONDS) -> Verdict:
        """Count a question at ``now``; ``limit`` <= 0 means no limit."""
        if limit <= 0:
            return Verdict.OK
        while self.times and self.times[0] <= now - window:
            self.times.popleft()
        if len(self.times) < limit:
            self.times.append(now)
            self.warned = False
            return Verdict.OK
        if self.warned:
            return Verdict.DROP
        self.warned = True
        return Verdict.WARN


class FloodGate:
    """Per-user :class:`FloodState`, bounded to :data:`MAX_USERS` (least recently asking out)."""

    def __init__(self, max_users: int = MAX_USERS) -> None:
        self.max_users = max_users
        self.users: OrderedDict[int, FloodState] = OrderedDict()

    def state(self, user_id: int, now: float) -> FloodState:
        state = self.users.get(user_id)
        if state is not None:
            self.users.move_to_end(user_id)
            return state
        # The table is in order of last question: a user at its front who has asked nothing
        # for a window is the same as a new one, so is dropped. It holds only the users of the
        # last window (at 50 questions a second from new users, 3,000; about 900 bytes each).
        users = self.users
        while users:
            first = next(iter(users.values()))
            if first.times and first.times[-1] > now - WINDOW_SECONDS:
                break
            users.popitem(last=False)
        while len(users) >= self.max_users:
            users.popitem(last=False)
        state = users[user_id] = FloodState()
        return state

    async def __call__(self, update: Update, context: Ctx) -> None:
        """Let a question through, or warn once and stop it, or stop it quietly."""
        user, message = update.effective_user, update.effective_message
        settings = context.bot_data.settings
        if user is None or message is None or settings is None or user.id in settings.admin_ids:
            return
        now = time.monotonic()
        verdict = self.state(user.id, now).check(settings.flood_per_minute, now)
        if verdict is Verdict.OK:
            return
        if verdict is Verdict.WARN:
            lang = await ui_lang(update, context)
            quote = message.chat.type != ChatType.PRIVATE
            await send_html(message, html.escape(ops_ui("slow_down", lang)), None, quote=quote)
        raise ApplicationHandlerStop


#: What counts as a question: any text or command in a private chat; in groups, commands and
#: messages that mention or reply to the bot (the only group messages it answers).
QUESTIONS = (filters.ChatType.PRIVATE & (filters.TEXT | filters.COMMAND)) | (
    filters.ChatType.GROUPS & (filters.COMMAND | MENTIONS_BOT)
)


def flood_handler() -> MessageHandler[Any, Any]:
    """A gate of its own (one per Application), for ``group=-1``, before the answering handlers."""
    return MessageHandler(QUESTIONS, FloodGate())
