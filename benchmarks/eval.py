"""The evals: ``python -m benchmarks.eval [--set dev|test|test2|...|test6] [-v] [--json]``.

- ``dev`` (the default): ``tests/eval/*.yaml``, written by the people who wrote the facts and
  tuned the engine. Tune on this one.
- ``test``: ``tests/heldout/*.yaml``, written from the article alone by people who had not read
  the fact base or the dev set, before the engine was reworked. Never tune on it. Its misses were
  read after the engine work of the second session, so it is no longer quite unseen.
- ``test2``: ``tests/heldout2/*.yaml``, written the same way at the start of the third session,
  before that session's engine changes. Its misses were read after that session's engine work,
  so it is no longer quite unseen either.
- ``test3``: ``tests/heldout3/*.yaml``, written the same way at the start of the fourth session,
  before that session's engine changes. Its misses were read after that session's engine work.
- ``test4``: ``tests/heldout4/*.yaml``, written the same way at the start of the fifth session,
  before that session's engine changes. Its misses were read after that session's engine work.
- ``test5``: ``tests/heldout5/*.yaml``, written the same way at the start of the sixth session
  and scored on that session's starting engine. Its misses were read after that session's
  engine work.
- ``test6``: ``tests/heldout6/*.yaml``, written the same way at the start of the seventh session
  and scored on that session's starting engine. Its misses were read after that session's
  engine work, so the next session writes a new set first.

Prints accuracy per language and per kind, counted per turn (a conversation's turns are asked in
order, each with the context the previous answer left), and the share of conversations right
from start to end. See :mod:`benchmarks.scoring` for what "right" means for each kind.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from benchmarks.scoring import EvidenceMap, items_of, judge
from knowledge.engine import Engine
from knowledge.factbase import FactBase, load_facts

ROOT = Path(__file__).resolve().parent.parent
EVAL_FILE = ROOT / "tests" / "eval" / "questions.yaml"
SETS = {
    "dev": ROOT / "tests" / "eval",
    "test": ROOT / "tests" / "heldout",
    "test2": ROOT / "tests" / "heldout2",
    "test3": ROOT / "tests" / "heldout3",
    "test4": ROOT / "tests" / "heldout4",
    "test5": ROOT / "tests" / "heldout5",
    "test6": ROOT / "tests" / "heldout6",
}


@dataclass
class Result:
    total: int = 0
    right: int = 0
    by_lang: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    by_kind: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    lang_right: int = 0
    conversations: list[int] = field(default_factory=lambda: [0, 0])
    misses: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0

    def share(self, table: dict[str, list[int]], key: str) -> float:
        r, n = table[key]
        return r / n if n else 0.0


def load_set(path: Path) -> list[dict[str, Any]]:
    files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    items: list[dict[str, Any]] = []
    for f in files:
        items += yaml.safe_load(f.read_text(encoding="utf-8")) or []
    return items


async def _ask(engine: Engine, q: str, context: Any) -> Any:
    # The engine before the conversation work took no context: the held-out set's baseline was
    # measured on it, and this runner must still run there.
    if "context" in inspect.signature(engine.ask).parameters:
        return await engine.ask(q, context=context)
    return await engine.ask(q)


async def run_eval(base: FactBase | None = None, path: Path = SETS["dev"]) -> Result:
    base = base or load_facts()
    ev = EvidenceMap(base)
    res = Result()
    with tempfile.TemporaryDirectory() as tmp:
        engine = await Engine.open(Path(tmp) / "eval.sqlite3", base)
        try:
            for turns in items_of(load_set(path)):
                context = None
                all_ok = True
                for item in turns:
                    answer = await _ask(engine, str(item["q"]), context)
                    context = getattr(answer, "context", None)
                    ok, why = judge(item, answer, base, ev)
                    all_ok = all_ok and ok
                    res.total += 1
                    res.right += ok
                    res.lang_right += answer.lang == item["lang"]
                    for table, key in ((res.by_lang, item["lang"]), (res.by_kind, item["kind"])):
                        table[str(key)][0] += ok
                        table[str(key)][1] += 1
                    if not ok:
                        got = ",".join(f"{h.fact.id}:{h.score:.0f}" for h in answer.hits[:3])
                        conv = " (conversation)" if len(turns) > 1 else ""
                        res.misses.append(
                            f"[{item['lang']}/{item['kind']}]{conv} {item['q']!r} ->"
                            f" {answer.kind} {got} ({why})"
                        )
                if len(turns) > 1:
                    res.conversations[0] += all_ok
                    res.conversations[1] += 1
        finally:
            await engine.close()
    return res


def report(res: Result) -> str:
    lines = [f"overall: {res.right}/{res.total} = {res.accuracy:.1%}"]
    for name, table in (("language", res.by_lang), ("kind", res.by_kind)):
        for key in sorted(table):
            r, n = table[key]
            lines.append(f"  {name} {key:<10} {r}/{n} = {r / n:.1%}")
    r, n = res.by_kind["none"]
    lines.append(f"off-topic rejected: {r}/{n} = {(r / n if n else 0):.1%}")
    c, m = res.conversations
    if m:
        lines.append(f"conversations right from start to end: {c}/{m}")
    lines.append(f"reply language = question language: {res.lang_right}/{res.total}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--set", choices=sorted(SETS), default="dev", help="which eval (default dev)")
    ap.add_argument("-v", "--verbose", action="store_true", help="list the misses")
    ap.add_argument("--json", action="store_true", help="print figures as JSON")
    args = ap.parse_args()
    res = asyncio.run(run_eval(path=SETS[args.set]))
    if args.json:
        out = {
            "overall": res.accuracy,
            "by_lang": {k: res.share(res.by_lang, k) for k in res.by_lang},
            "by_kind": {k: res.share(res.by_kind, k) for k in res.by_kind},
            "conversations": res.conversations,
            "misses": res.misses,
        }
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return
    print(report(res))
    if args.verbose:
        print("\nmisses:")
        print("\n".join(res.misses) or "  none")


if __name__ == "__main__":
    main()
