"""Inventory: every command, interface string and tag exists in kk, ru and en."""

from __future__ import annotations

from handlers import build_handlers
from handlers.i18n import (
    ADMIN_COMMANDS,
    COMMANDS,
    EXAMPLES,
    GROUP_COMMANDS,
    KIND_NAMES,
    OPS_UI,
    TAG_NAMES,
    UI,
    T,
)
from knowledge.models import EVENT_KINDS, LANGS, TAGS


def test_every_command_has_a_description_in_each_language() -> None:
    for table in (COMMANDS, ADMIN_COMMANDS):
        names = [tuple(c for c, _ in table[lang]) for lang in LANGS]
        assert names[0] == names[1] == names[2]
        for lang in LANGS:
            for command, description in table[lang]:
                assert command.isascii() and command.islower() and 1 <= len(command) <= 32
                assert 1 <= len(description) <= 256
    assert set(GROUP_COMMANDS) <= {c for c, _ in COMMANDS["en"]}
    assert not {c for c, _ in COMMANDS["en"]} & {c for c, _ in ADMIN_COMMANDS["en"]}


def test_every_registered_command_is_described() -> None:
    from telegram.ext import CommandHandler

    handled = {c for h in build_handlers() if isinstance(h, CommandHandler) for c in h.commands}
    described = {c for c, _ in COMMANDS["en"]} | {c for c, _ in ADMIN_COMMANDS["en"]}
    assert handled == described


def test_every_string_in_three_languages() -> None:
    for table in (UI, T, TAG_NAMES, KIND_NAMES, OPS_UI):
        for key, texts in table.items():
            assert set(texts) == set(LANGS), key
            assert all(texts[lang].strip() for lang in LANGS), key
    assert set(TAG_NAMES) == set(TAGS)
    assert set(KIND_NAMES) == set(EVENT_KINDS)
    assert all(len(EXAMPLES[lang]) == 3 for lang in LANGS)
