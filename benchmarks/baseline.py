"""Dostyq beside tantivy over the same facts: ``python -m benchmarks.baseline [--write]``.

tantivy (PyPI ``tantivy``, the ``bench`` extra, never a runtime dependency) indexes the packaged
fact base as Dostyq does: one document per fact, a ``head`` field (titles, aliases and names, in
kk/ru/en) boosted x2 and a ``body`` field (the three texts), its default tokenizer (Unicode
words, lower case), in RAM. Each question of the dev eval is parsed leniently
(``parse_query_lenient``, OR of the words over both fields) and searched for its top hit.

* **Speed**: every dev eval question is asked ``--rounds`` times (after one warm-up pass):
  ``await engine.ask(q)`` for Dostyq (the index in memory), query parsing plus
  ``searcher.search(query, 1)`` for tantivy. Both timed with ``perf_counter_ns``, one sample
  each; the figure is the ratio of the medians.
* **Accuracy** on the dev eval's single-turn ``fact`` questions (the top answer must be one of
  ``expect``): tantivy's top hit, against Dostyq's answer judged by the eval's own rules.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Sequence
from typing import Any

from benchmarks.eval import SETS, load_set
from benchmarks.latency import section_header, summary_ms, write_section
from benchmarks.scoring import EvidenceMap, items_of, judge
from bot.services import settle
from knowledge.engine import Engine
from knowledge.factbase import FactBase, load_facts
from knowledge.index import name_forms
from knowledge.models import LANGS


def tantivy_index(base: FactBase) -> Any:
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    sb.add_text_field("head")
    sb.add_text_field("body")
    index = tantivy.Index(sb.build())
    writer = index.writer(heap_size=15_000_000, num_threads=1)
    for f in base.facts:
        head = [f.title.get(lang) for lang in LANGS]
        head += [a for lang in LANGS for a in f.aliases.get(lang)]
        head += name_forms(f, base.names)
        body = [f.text.get(lang) for lang in LANGS]
        writer.add_document(tantivy.Document(id=f.id, head=" ".join(head), body=" ".join(body)))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index


def tantivy_top(index: Any, searcher: Any, q: str) -> str | None:
    query, _ = index.parse_query_lenient(q, ["head", "body"], field_boosts={"head": 2.0})
    hits = searcher.search(query, 1).hits
    return str(searcher.doc(hits[0][1])["id"][0]) if hits else None


def _want(item: dict[str, Any], ev: EvidenceMap) -> set[str]:
    """The facts a right top answer may be (as :func:`benchmarks.scoring.judge` reads them)."""
    want = {str(x) for x in item.get("expect") or []}
    for e in item.get("evidence") or []:
        want |= ev.facts(str(e))
    return want


async def run(rounds: int) -> dict[str, Any]:
    base = load_facts()
    ev = EvidenceMap(base)
    items = [turns[0] for turns in items_of(load_set(SETS["dev"])) if len(turns) == 1]
    questions = [str(it["q"]) for it in items]
    engine = await Engine.open(":memory:", base)
    settle()  # as the bot does once the engine is open
    t0 = time.perf_counter()
    index = tantivy_index(base)
    build_tv = time.perf_counter() - t0
    searcher = index.searcher()
    try:
        facts = [it for it in items if it["kind"] == "fact"]
        ours = 0
        for it in facts:
            ours += judge(it, await engine.ask(str(it["q"])), base, ev)[0]
        theirs = sum(tantivy_top(index, searcher, str(it["q"])) in _want(it, ev) for it in facts)
        for q in questions:  # warm-up
            await engine.ask(q)
            tantivy_top(index, searcher, q)
        d_ns: list[int] = []
        t_ns: list[int] = []
        for _ in range(rounds):
            for q in questions:
                t = time.perf_counter_ns()
                await engine.ask(q)
                d_ns.append(time.perf_counter_ns() - t)
                t = time.perf_counter_ns()
                tantivy_top(index, searcher, q)
                t_ns.append(time.perf_counter_ns() - t)
    finally:
        await engine.close()
    return {
        "facts": len(base.facts),
        "questions": len(questions),
        "fact_questions": len(facts),
        "dostyq": summary_ms(d_ns),
        "tantivy": summary_ms(t_ns),
        "tantivy_build_s": build_tv,
        "dostyq_right": ours,
        "tantivy_right": theirs,
    }


def report(r: dict[str, Any], rounds: int) -> list[str]:
    d, t = r["dostyq"], r["tantivy"]
    n = r["fact_questions"]
    return [
        f"Fact base: {r['facts']} facts. {r['questions']} single-turn dev eval questions x"
        f" {rounds} rounds, one sample each, after a warm-up pass; both indexes in memory.",
        "",
        "| in process, ms | samples | p50 | p90 | p99 |",
        "|---|---:|---:|---:|---:|",
        f"| Dostyq `engine.ask` (whole answer) | {d['count']} | {d['p50']:.3f} | {d['p90']:.3f}"
        f" | {d['p99']:.3f} |",
        f"| tantivy parse + top-1 search | {t['count']} | {t['p50']:.3f} | {t['p90']:.3f}"
        f" | {t['p99']:.3f} |",
        "",
        f"Dostyq's p50 is **{d['p50'] / t['p50']:.1f}x** tantivy's top-1 search.",
        "",
        f"Top-1 accuracy on the {n} single-turn `fact` questions of the dev eval: Dostyq"
        f" {r['dostyq_right']}/{n} = {r['dostyq_right'] / n:.1%}, tantivy"
        f" {r['tantivy_right']}/{n} = {r['tantivy_right'] / n:.1%}.",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.baseline", description=__doc__)
    p.add_argument("--rounds", type=int, default=3, help="passes over the questions (default 3)")
    p.add_argument("--write", action="store_true", help="write the section of RESULTS.md")
    args = p.parse_args(argv)
    try:
        import tantivy  # noqa: F401
    except ImportError:
        print("tantivy is not installed: pip install -e '.[bench]'", file=sys.stderr)
        return 2
    lines = report(asyncio.run(run(args.rounds)), args.rounds)
    print("\n".join(lines))
    if args.write:
        head = section_header("Baseline: tantivy", "benchmarks.baseline")
        write_section("baseline", "\n".join([*head, *lines]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
