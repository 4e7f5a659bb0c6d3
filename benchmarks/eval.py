"""The public eval: ``python -m benchmarks.eval [-v] [--json]``.

Scores the engine on ``tests/eval/questions.yaml`` and prints accuracy per language and per kind,
and the off-topic rejection rate. A ``fact`` question is right when the top fact is one of its
``expect`` ids; a ``year``/``range`` question when the answer lists exactly its ``expect`` ids;
a ``none`` question when nothing is matched.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from knowledge.engine import Engine
from knowledge.factbase import FactBase, load_facts
from knowledge.models import Answer

EVAL_FILE = Path(__file__).resolve().parent.parent / "tests" / "eval" / "questions.yaml"


@dataclass
class Result:
    total: int = 0
    right: int = 0
    by_lang: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    by_kind: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    lang_right: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0

    def share(self, table: dict[str, list[int]], key: str) -> float:
        r, n = table[key]
        return r / n if n else 0.0


def is_right(item: dict[str, object], answer: Answer) -> bool:
    kind = str(item["kind"])
    expect = [str(x) for x in item.get("expect") or []]  # type: ignore[attr-defined]
    ids = [f.id for f in answer.facts]
    if kind == "fact":
        return answer.kind == "fact" and bool(ids) and ids[0] in expect
    if kind in ("year", "range"):
        return answer.kind in ("year", "range") and sorted(ids) == sorted(expect)
    return answer.kind == "none"


async def run_eval(base: FactBase | None = None, path: Path = EVAL_FILE) -> Result:
    base = base or load_facts()
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    res = Result()
    with tempfile.TemporaryDirectory() as tmp:
        engine = await Engine.open(Path(tmp) / "eval.sqlite3", base)
        try:
            for item in items:
                answer = await engine.ask(str(item["q"]))
                ok = is_right(item, answer)
                res.total += 1
                res.right += ok
                res.lang_right += answer.lang == item["lang"]
                for table, key in ((res.by_lang, item["lang"]), (res.by_kind, item["kind"])):
                    table[str(key)][0] += ok
                    table[str(key)][1] += 1
                if not ok:
                    got = ",".join(f"{h.fact.id}:{h.score:.0f}" for h in answer.hits[:3])
                    res.misses.append(
                        f"[{item['lang']}/{item['kind']}] {item['q']!r} -> {answer.kind} {got}"
                        f" (want {item.get('expect')})"
                    )
        finally:
            await engine.close()
    return res


def report(res: Result) -> str:
    lines = [f"overall: {res.right}/{res.total} = {res.accuracy:.1%}"]
    for name, table in (("language", res.by_lang), ("kind", res.by_kind)):
        for key in sorted(table):
            r, n = table[key]
            lines.append(f"  {name} {key:<6} {r}/{n} = {r / n:.1%}")
    r, n = res.by_kind["none"]
    lines.append(f"off-topic rejected: {r}/{n} = {(r / n if n else 0):.1%}")
    lines.append(f"reply language = question language: {res.lang_right}/{res.total}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-v", "--verbose", action="store_true", help="list the misses")
    ap.add_argument("--json", action="store_true", help="print figures as JSON")
    args = ap.parse_args()
    res = asyncio.run(run_eval())
    if args.json:
        out = {
            "overall": res.accuracy,
            "by_lang": {k: res.share(res.by_lang, k) for k in res.by_lang},
            "by_kind": {k: res.share(res.by_kind, k) for k in res.by_kind},
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
