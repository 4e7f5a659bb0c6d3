"""A fake Telegram Bot API for offline tests: an aiohttp server on 127.0.0.1 that answers like
Telegram and checks every call against the committed Bot API spec (tests/botapi_spec.json).
"""

from .html import parse_html, utf16_len
from .server import DEFAULT_TOKEN, Call, FakeBotAPI, Violation
from .spec import Problem, UploadedFile, load_spec
from .state import BOT_FIRST_NAME, BOT_ID, BOT_SENDER, BOT_USER, BOT_USERNAME
from .validate import Validator, default_validator

__all__ = [
    "BOT_FIRST_NAME",
    "BOT_ID",
    "BOT_SENDER",
    "BOT_USER",
    "BOT_USERNAME",
    "DEFAULT_TOKEN",
    "Call",
    "FakeBotAPI",
    "Problem",
    "UploadedFile",
    "Validator",
    "Violation",
    "default_validator",
    "load_spec",
    "parse_html",
    "utf16_len",
]
