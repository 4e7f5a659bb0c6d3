"""Fuzzing from update to rendered message: ``python -m benchmarks.fuzz_updates [--n 100000]``.

Generated updates go through the real Application (every handler, the engine, the renderer,
keyboards) with an in-memory Bot API that checks every call against the Bot API spec extract
(tests/botapi_spec.json) and Telegram's limits (tests/fakebotapi/limits.py): valid HTML with
only allowed tags, text within 4,096 UTF-16 units, callback data within 64 bytes, inline results
within their limits. Inputs: any Unicode (lone surrogates, controls, RTL, emoji, combining
marks), huge and empty texts, malformed entities, FTS5 syntax, commands with odd arguments,
forged callback data, inline queries, edited messages and group mentions.

Fails (exit 1) on any exception reaching the error handler, any spec or limit violation, or a
call that is not answered. tests/test_fuzz.py runs a small share of the same generator in CI.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("PTB_TIMEDELTA", "1")

FTS = [
    '"',
    '""',
    "*",
    "NEAR(",
    "NEAR(a b, 2)",
    "AND",
    "OR",
    "NOT",
    "^",
    ":",
    "col:x",
    "(",
    ")",
    "{a b}",
    "-",
    "+",
    "'",
    "\\",
    "%",
    "_",
    ";",
    "--",
    "/*",
    "*/",
    "MATCH",
    "\x00",
]
WORDS = [
    "Абай",
    "Abai",
    "Қытай",
    "Китай",
    "China",
    "1992",
    "2004",
    "жылы",
    "году",
    "culture",
    "Шанхай",
    "Urumqi",
    "Үрімжі",
    "дипломатиялық",
    "Confucius",
    "Конфуций",
    "ұлттық",
    "150",
    "Xi",
    "Назарбаев",
    "opera",
    "mədəniyyət",
    "@dostyq_test_bot",
    "😀",
    "🇰🇿",
    "مرحبا",
    "שלום",
    "中国",
    "哈萨克斯坦",
    "e\u0301",
    "\u200b",
    "\u202e",
    "\ufeff",
    "\U0010ffff",
]
COMMANDS = [
    "/start",
    "/help",
    "/ask",
    "/year",
    "/topics",
    "/sources",
    "/lang",
    "/about",
    "/forget",
    "/nope",
    "/year@dostyq_test_bot",
    "/start f_",
    "/start f_diplomatic-relations-1992",
]
CALLBACKS = [
    "1|year|2004|0|en",
    "1|more|1992|0|kk",
    "1|src|abai-150-in-china-1995|ru",
    "1|tr|x|en",
    "1|vote|diplomatic-relations-1992|+",
    "1|topic|culture-days|0|en",
    "1|setlang|kk",
    "1|ex|2|ru",
    "garbage",
    "",
    "1|year|9999|999|en",
    "2|src|x|en",
]


def random_text(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.05:
        return ""
    if kind < 0.08:
        return rng.choice(WORDS) * rng.randint(500, 5000)  # huge
    if kind < 0.2:
        # Any code point, lone surrogates included.
        return "".join(chr(rng.randint(0, 0x10FFFF)) for _ in range(rng.randint(1, 60)))
    if kind < 0.35:
        return " ".join(rng.choice(FTS + WORDS) for _ in range(rng.randint(1, 12)))
    if kind < 0.45:
        arg = rng.choice(["", str(rng.randint(-99999, 99999)), rng.choice(WORDS), "２００４", "0"])
        return f"{rng.choice(COMMANDS)} {arg}"
    parts = [
        rng.choice(WORDS + FTS + [str(rng.randint(0, 3000))]) for _ in range(rng.randint(1, 15))
    ]
    return " ".join(parts)


def generate(rng: random.Random, n: int) -> Iterator[dict[str, Any]]:
    from tests import factories as F

    for i in range(n):
        user = 900_000_000 + rng.randint(0, 5000)
        text = random_text(rng)
        r = rng.random()
        lang = rng.choice(["en", "ru", "kk", None, "de", "zh-hans"])
        if r < 0.55:
            update = F.make_message_update(text or " ", user_id=user, language_code=lang)
            if rng.random() < 0.1:
                # Malformed entities: offsets and lengths past the text, odd types.
                update["message"]["entities"] = [
                    {
                        "type": rng.choice(["bot_command", "mention", "bold", "url"]),
                        "offset": rng.randint(-5, 5000),
                        "length": rng.randint(0, 5000),
                    }
                ]
            if not text:
                update["message"]["text"] = ""
        elif r < 0.65:
            update = F.make_message_update(
                f"@dostyq_test_bot {text}",
                user_id=user,
                chat_type="supergroup",
                chat_id=-1001_000_000_000 - rng.randint(0, 50),
                language_code=lang,
            )
        elif r < 0.75:
            update = F.make_edited_message_update(text or ".", user_id=user, language_code=lang)
        elif r < 0.87:
            data = rng.choice(CALLBACKS) if rng.random() < 0.7 else text[:64]
            message = F.make_message("x", user_id=user, from_bot=True)
            update = F.make_callback_query_update(data, message=message, user_id=user)
        else:
            update = F.make_inline_query_update(text[:256], user_id=user)
        update["update_id"] = i + 1
        yield update


class Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(self.format(record)[:2000])


async def fuzz(n: int, seed: int, db: Path) -> dict[str, Any]:
    from telegram import Update

    from bot.app import build_application
    from bot.delivery import clean_strings
    from bot.settings import Settings
    from tests.test_handlers import RecordingRequest

    errors = Errors()
    logging.getLogger().addHandler(errors)
    logging.getLogger().setLevel(logging.WARNING)
    request = RecordingRequest()
    settings = Settings(
        _env_file=None,
        TELEGRAM_BOT_TOKEN="7000001:AAFakeTokenForOfflineTestsOnly-dostyq",
        TELEGRAM_API_URL="http://offline.invalid/bot",
        DOSTYQ_DB=str(db),
        rate_limit=False,
    )
    app = build_application(settings, request=request)
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    rng = random.Random(seed)
    t0 = time.perf_counter()
    count = 0
    try:
        for data in generate(rng, n):
            try:
                # What the bot's edges (getUpdates, the webhook) do to every update first.
                update = Update.de_json(clean_strings(data), app.bot)
            except Exception as e:  # the generator's bug, not the bot's
                errors.records.append(f"de_json: {e!r}")
                continue
            await app.process_update(update)
            count += 1
            if len(request.calls) > 10_000:
                request.calls.clear()
    finally:
        assert app.post_shutdown is not None
        await app.post_shutdown(app)
        await app.shutdown()
        logging.getLogger().removeHandler(errors)
    return {
        "inputs": count,
        "seconds": time.perf_counter() - t0,
        "errors": errors.records,
        "problems": request.problems,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.fuzz_updates", description=__doc__)
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        r = asyncio.run(fuzz(args.n, args.seed, Path(tmp) / "fuzz.sqlite3"))
    print(
        f"fuzz: {r['inputs']:,} inputs (seed {args.seed}) in {r['seconds']:.1f} s "
        f"({r['seconds'] / max(r['inputs'], 1) * 1000:.2f} ms each); "
        f"errors {len(r['errors'])}, Bot API spec/limit violations {len(r['problems'])}"
    )
    for line in (r["errors"] + r["problems"])[:20]:
        print("  " + line.replace("\n", "\n  "))
    return 0 if not r["errors"] and not r["problems"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
