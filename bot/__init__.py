"""Dostyq's composition root: settings, application wiring and the command line."""

import os

# python-telegram-bot 22 warns on every RetryAfter unless durations are timedeltas; opt in.
os.environ.setdefault("PTB_TIMEDELTA", "1")
