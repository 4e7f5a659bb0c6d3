"""The ``dostyq`` command (also ``python -m bot``): run, ask, chat, check, facts, log.

Adding a command: write ``def _name(args, settings) -> int`` and register it in
:func:`_parser` with ``_command(sub, "name", _name, help=...)``. Global options (``--db``,
``--facts``) work before or after the command name.

Exit codes: 0 done; 1 no answer (``ask QUESTION``) or a fact base error; 2 a usage or
configuration error (one line on stderr); 130 interrupted; 141 the reader closed the pipe.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TextIO

from handlers.render import render
from knowledge.engine import Engine
from knowledge.factbase import FactBase, FactBaseError
from knowledge.models import Answer, Lang

from .services import load_base, settle
from .settings import ConfigError, Settings, load_settings
from .store import index_db

Command = Callable[[argparse.Namespace, Settings], int]

NOT_LOGGED = "Questions asked here are not logged (the log holds Telegram questions only)."
_LINE_BREAKS = str.maketrans({"\r": " ", "\x85": " ", "\u2028": " ", "\u2029": " "})
"""Characters other than \\n that str.splitlines() breaks on and JSON leaves as they are."""


def _version() -> str:
    try:
        return version("dostyq")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


def _global_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    # SUPPRESS: a subcommand's parser must not reset what was given before the command name.
    default = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--db", type=Path, default=default, help="SQLite file (default: $DOSTYQ_DB)"
    )
    parser.add_argument(
        "--facts", type=Path, default=default, help="folder of fact files (default: packaged)"
    )


def _command(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    func: Command,
    **kwargs: str,
) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, **kwargs)  # type: ignore[arg-type]
    _global_options(parser, top=False)
    parser.set_defaults(func=func)
    return parser


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="dostyq",
        description="Dostyq: answers about Kazakhstan-China cultural relations, from one article.",
        epilog="Exit codes: 0 ok, 1 no answer or fact base error, 2 usage or configuration error.",
    )
    p.add_argument("--version", action="version", version=f"dostyq {_version()}")
    _global_options(p, top=True)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = _command(sub, "run", _run, help="run the Telegram bot (needs TELEGRAM_BOT_TOKEN)")
    run.add_argument(
        "--webhook",
        action="store_true",
        help="serve a webhook (DOSTYQ_WEBHOOK_URL/_SECRET/_LISTEN/_PORT) instead of polling",
    )

    ask = _command(
        sub,
        "ask",
        _ask,
        help="answer one question, or one per line of stdin with '-'",
        description="Answer a question. Exits 1 when the article has no answer to it (and when"
        " the question is empty); with '-', reads one question a line, prints one line per"
        f" question, and exits 0. {NOT_LOGGED}",
    )
    ask.add_argument("--lang", choices=["kk", "ru", "en"], help="language of the answer")
    ask.add_argument("--json", action="store_true", help="one JSON object per answer")
    ask.add_argument("question", nargs="+", help="the question, or '-' to read stdin")

    chat = _command(
        sub, "chat", _chat, help="talk to Dostyq in the terminal", description=NOT_LOGGED
    )
    chat.add_argument("--lang", choices=["kk", "ru", "en"], help="language of the answers")

    _command(sub, "check", _check, help="validate the fact base and print counts")

    log = _command(
        sub, "log", _log, help="what was asked (for the operator); --unanswered for misses"
    )
    log.add_argument("--unanswered", action="store_true", help="only questions with no answer")
    log.add_argument("--limit", type=int, default=50, help="how many, newest first")

    for name, what in (
        ("stats", "questions per day, share answered, languages, top facts, votes (read-only)"),
        ("gaps", "the most frequent unanswered or low-confidence questions (read-only)"),
    ):
        report = _command(sub, name, _report, help=what)
        report.add_argument("--lang", choices=["kk", "ru", "en"], default="en")

    facts = _command(sub, "facts", _facts, help="list the facts")
    facts.add_argument("--json", action="store_true", help="the whole fact base as a JSON array")

    tl = _command(sub, "timeline", _timeline, help="draw the timeline picture (PNG)")
    tl.add_argument("--lang", choices=["kk", "ru", "en"], default="en", help="its language")
    tl.add_argument("-o", "--output", type=Path, default=Path("timeline.png"), help="PNG file")
    tl.add_argument("topic", nargs="*", help="only this kind of event or topic, e.g. 'film'")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    # Output that cannot be encoded (a surrogate from argv) becomes U+FFFD, never a traceback.
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        if args.db:
            settings.db = args.db
        if args.facts:
            settings.facts_dir = args.facts
        func: Command = args.func
        return func(args, settings)
    except ConfigError as e:
        print(f"dostyq: {e}", file=sys.stderr)
        return 2
    except FactBaseError as e:
        print(f"dostyq: fact base error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`dostyq facts | head`): stop quietly, as other tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


def _run(args: argparse.Namespace, settings: Settings) -> int:
    from .app import run

    return run(settings, webhook=True if args.webhook else None)


def _check(args: argparse.Namespace, settings: Settings) -> int:
    base = load_base(settings)
    counts = base.counts()
    print(f"ok: {len(base.facts)} facts in {len(base.files)} files, hash {base.content_hash[:12]}")
    for name in ("year", "tag", "lang", "event", "date"):
        items = sorted(counts[name].items(), key=lambda kv: (kv[0] == "undated", kv[0]))
        print(f"by {name}: " + ", ".join(f"{k} {v}" for k, v in items))
    return 0


def _facts(args: argparse.Namespace, settings: Settings) -> int:
    base = load_base(settings)
    if args.json:
        data = [f.model_dump(mode="json") for f in base.facts]
        for item, fact in zip(data, base.facts, strict=True):
            item["date"] = fact.date.iso() if fact.date else None
            item["date_inferred"] = fact.date_inferred
        json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    for f in base.facts:
        date = f.date.iso() if f.date else "undated"
        print(f"{f.id:<40} {date:<22} {f.title.en}")
    return 0


def answer_json(answer: Answer, text: str) -> dict[str, object]:
    return {
        "question": answer.question,
        "lang": answer.lang,
        "kind": answer.kind,
        "text": text,
        "facts": [
            {"id": h.fact.id, "date": h.fact.date.iso() if h.fact.date else None, "score": h.score}
            for h in answer.hits
        ],
        "sources": answer.sources,
    }


def clean_line(line: str) -> str:
    """One question from one input line: no line ending, no other line breaks, trimmed."""
    return line.rstrip("\r\n").translate(_LINE_BREAKS).strip()


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    base = load_base(settings)
    return asyncio.run(_ask_async(settings, base, args.question, args.lang, args.json))


async def _ask_async(
    settings: Settings, base: FactBase, words: list[str], lang: Lang | None, as_json: bool
) -> int:
    engine = await Engine.open(index_db(settings.db), base)
    settle()
    fallback: Lang = settings.default_lang
    try:
        if words == ["-"]:
            for line in _stdin_lines():
                await _print_answer(
                    engine, base, clean_line(line), lang, as_json, sys.stdout, fallback, batch=True
                )
                sys.stdout.flush()
            return 0
        question = clean_line(" ".join(words))
        if not question:
            print("dostyq ask: the question is empty", file=sys.stderr)
            return 1
        answer = await _print_answer(engine, base, question, lang, as_json, sys.stdout, fallback)
        return 1 if answer.kind == "none" else 0
    finally:
        await engine.close()


def _stdin_lines() -> TextIO:
    """stdin split on \\n only, with bytes that are not UTF-8 read as U+FFFD."""
    stdin = sys.stdin
    if isinstance(stdin, io.TextIOWrapper):
        stdin.reconfigure(encoding="utf-8", errors="replace", newline="\n")
    return stdin


async def _print_answer(
    engine: Engine,
    base: FactBase,
    question: str,
    lang: Lang | None,
    as_json: bool,
    out: TextIO,
    fallback: Lang,
    *,
    batch: bool = False,
) -> Answer:
    answer = await engine.ask(question, lang=lang, fallback_lang=fallback)
    if as_json:
        text = render(answer, base.sources)
        line = json.dumps(answer_json(answer, text), ensure_ascii=False)
        # JSON leaves U+0085/U+2028/U+2029 as they are; escape them so one answer is one line.
        line = line.replace("\x85", "\\u0085").replace("\u2028", "\\u2028")
        print(line.replace("\u2029", "\\u2029"), file=out)
    else:
        text = render(answer, base.sources, html_mode=False)
        print(text.replace("\n", " / ").translate(_LINE_BREAKS) if batch else text, file=out)
    return answer


def _report(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_report_async(settings, load_base(settings), args.command, args.lang))


async def _report_async(settings: Settings, base: FactBase, which: str, lang: Lang) -> int:
    """``dostyq stats`` / ``dostyq gaps``: what /stats and /gaps show, from the store opened
    read-only (nothing migrated, purged or created; SQLite or PostgreSQL)."""
    from handlers import insight

    from .store import Store

    try:
        store = await Store.open(settings.db, readonly=True)
    except Exception as e:
        print(f"dostyq {which}: cannot open {settings.db}: {e}", file=sys.stderr)
        return 1
    try:
        if which == "stats":
            titles = {f.id: f.title.get(lang) for f in base.facts}
            stats = await insight.read_stats(store.backend)
            print(insight.render_stats(stats, lang, titles.get))
        else:
            print(insight.render_gaps(await insight.read_gaps(store.backend), lang))
    except insight.InsightError as e:
        print(f"dostyq {which}: {e}", file=sys.stderr)
        return 1
    finally:
        await store.close()
    return 0


def _log(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_log_async(settings, args.unanswered, args.limit))


async def _log_async(settings: Settings, unanswered: bool, limit: int) -> int:
    from datetime import UTC, datetime

    from .store import Store

    store = await Store.open(settings.db, readonly=True)  # a reading command never writes
    try:
        entries = await store.recent(unanswered=unanswered, limit=limit)
    finally:
        await store.close()
    for e in entries:
        when = datetime.fromtimestamp(e.created, UTC).strftime("%Y-%m-%d %H:%M")
        score = f"{e.score:5.1f}" if e.score is not None else "    -"
        fact = e.fact_id or "-"
        print(f"{when}  {e.lang}  {e.chat_type:<10} {e.kind:<5} {score}  {fact:<32} {e.question}")
    if not entries:
        print("no questions logged" + (" without an answer" if unanswered else ""))
    return 0


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    base = load_base(settings)
    return asyncio.run(_chat_async(settings, base, args.lang))


async def _chat_async(settings: Settings, base: FactBase, lang: Lang | None) -> int:
    from .chat import chat

    engine = await Engine.open(index_db(settings.db), base)
    settle()
    banner = (
        "Dostyq — ask about Kazakhstan-China cultural relations (kk / ru / en).\n"
        f"{NOT_LOGGED} /help for commands; Ctrl-D or /quit to end.\n"
    )
    try:
        return await chat(engine, base, lang, settings.default_lang, banner)
    finally:
        await engine.close()


def _timeline(args: argparse.Namespace, settings: Settings) -> int:
    from handlers.pictures import build, footer_line
    from handlers.timeline_filters import filter_names, select

    base = load_base(settings)
    lang: Lang = args.lang
    output: Path = args.output
    topic = " ".join(args.topic)
    selection = select(topic, base.facts)
    if selection is None:
        names = ", ".join(filter_names(base.facts, "en"))
        print(f"dostyq timeline: no kind or topic {topic!r}; try one of: {names}", file=sys.stderr)
        return 2
    footer = footer_line(base.sources.article.title.get(lang), lang)
    pic = build(base.facts, lang, selection, base.content_hash, footer)
    try:
        output.write_bytes(pic.png)
    except OSError as e:
        print(f"dostyq timeline: cannot write {output}: {e.strerror}", file=sys.stderr)
        return 1
    print(f"{output}: {pic.count} events, {len(pic.png)} bytes")
    return 0
