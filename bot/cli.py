"""The ``dostyq`` command (``python -m bot``): run, ask, chat, check, facts, log, stats, gaps."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from handlers.render import render
from knowledge.engine import Engine
from knowledge.factbase import FactBase, FactBaseError, load_configured
from knowledge.models import Answer, Lang

from .settings import Settings
from .store import index_db


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="dostyq",
        description="Dostyq: answers about Kazakhstan-China cultural relations, from one article.",
    )
    p.add_argument("--db", type=Path, help="SQLite file (default: $DOSTYQ_DB or the data dir)")
    p.add_argument("--facts", type=Path, help="folder of fact files (default: the packaged ones)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("run", help="run the Telegram bot (needs TELEGRAM_BOT_TOKEN)")

    ask = sub.add_parser("ask", help="answer one question, or one per line of stdin with '-'")
    ask.add_argument("--lang", choices=["kk", "ru", "en"], help="language of the answer")
    ask.add_argument("--json", action="store_true", help="one JSON object per answer")
    ask.add_argument("question", nargs="+", help="the question, or '-' to read stdin")

    chat = sub.add_parser("chat", help="talk to Dostyq in the terminal")
    chat.add_argument("--lang", choices=["kk", "ru", "en"], help="language of the answers")

    sub.add_parser("check", help="validate the fact base and print counts")

    log = sub.add_parser("log", help="what was asked (for the operator); --unanswered for misses")
    log.add_argument("--unanswered", action="store_true", help="only questions with no answer")
    log.add_argument("--limit", type=int, default=50, help="how many, newest first")

    for name, what in (
        ("stats", "questions per day, share answered, languages, top facts, votes (read-only)"),
        ("gaps", "the most frequent unanswered or low-confidence questions (read-only)"),
    ):
        report = sub.add_parser(name, help=what)
        report.add_argument("--lang", choices=["kk", "ru", "en"], default="en")

    facts = sub.add_parser("facts", help="list the facts")
    facts.add_argument("--json", action="store_true", help="the whole fact base as a JSON array")

    tl = sub.add_parser("timeline", help="draw the timeline picture (PNG)")
    tl.add_argument("--lang", choices=["kk", "ru", "en"], default="en", help="its language")
    tl.add_argument("-o", "--output", type=Path, default=Path("timeline.png"), help="PNG file")
    tl.add_argument("topic", nargs="*", help="only this kind of event or topic, e.g. 'film'")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = Settings()
    if args.db:
        settings.db = args.db
    if args.facts:
        settings.facts_dir = args.facts
    try:
        if args.command == "run":
            from .app import run

            return run(settings)
        base = load_base(settings)
        if args.command == "check":
            return _check(base)
        if args.command == "facts":
            return _facts(base, as_json=args.json)
        if args.command == "ask":
            return asyncio.run(_ask(settings, base, args.question, args.lang, args.json))
        if args.command == "chat":
            return asyncio.run(_chat(settings, base, args.lang))
        if args.command == "log":
            return asyncio.run(_log(settings, args.unanswered, args.limit))
        if args.command == "timeline":
            return _timeline(base, args.lang, args.output, " ".join(args.topic))
        if args.command in ("stats", "gaps"):
            return asyncio.run(_report(settings, base, args.command, args.lang))
    except FactBaseError as e:
        print(f"dostyq: fact base error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 2


def load_base(settings: Settings) -> FactBase:
    return load_configured(settings.facts_dir)  # /reload reads the files the same way


def _check(base: FactBase) -> int:
    counts = base.counts()
    print(f"ok: {len(base.facts)} facts in {len(base.files)} files, hash {base.content_hash[:12]}")
    for name in ("year", "tag", "lang", "event", "date"):
        items = sorted(counts[name].items(), key=lambda kv: (kv[0] == "undated", kv[0]))
        print(f"by {name}: " + ", ".join(f"{k} {v}" for k, v in items))
    return 0


def _facts(base: FactBase, *, as_json: bool) -> int:
    if as_json:
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


async def _ask(
    settings: Settings, base: FactBase, words: list[str], lang: Lang | None, as_json: bool
) -> int:
    engine = await Engine.open(index_db(settings.db), base)
    try:
        if words == ["-"]:
            for line in sys.stdin:
                question = line.rstrip("\n")
                await _print_answer(engine, base, question, lang, as_json, sys.stdout, batch=True)
                sys.stdout.flush()
        else:
            await _print_answer(engine, base, " ".join(words), lang, as_json, sys.stdout)
    finally:
        await engine.close()
    return 0


async def _print_answer(
    engine: Engine,
    base: FactBase,
    question: str,
    lang: Lang | None,
    as_json: bool,
    out: TextIO,
    *,
    batch: bool = False,
    fallback: Lang = "en",
) -> None:
    answer = await engine.ask(question, lang=lang, fallback_lang=fallback)
    if as_json:
        text = render(answer, base.sources)
        print(json.dumps(answer_json(answer, text), ensure_ascii=False), file=out)
    else:
        text = render(answer, base.sources, html_mode=False)
        print(text.replace("\n", " / ") if batch else text, file=out)


async def _log(settings: Settings, unanswered: bool, limit: int) -> int:
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


async def _report(settings: Settings, base: FactBase, which: str, lang: Lang) -> int:
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


async def _chat(settings: Settings, base: FactBase, lang: Lang | None) -> int:
    engine = await Engine.open(index_db(settings.db), base)
    print("Dostyq — ask about Kazakhstan-China cultural relations (kk / ru / en).")
    print("Empty line or Ctrl-D to quit.\n")
    try:
        while True:
            try:
                question = await asyncio.to_thread(input, "you> ")
            except EOFError:
                print()
                break
            if not question.strip():
                break
            await _print_answer(engine, base, question, lang, False, sys.stdout)
            print()
    finally:
        await engine.close()
    return 0


def _timeline(base: FactBase, lang: Lang, output: Path, topic: str) -> int:
    from handlers.pictures import build, footer_line
    from handlers.timeline_filters import filter_names, select

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
