"""The public eval must not regress below its recorded level (tests/eval/baseline.json)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from benchmarks.eval import EVAL_FILE, run_eval
from knowledge.factbase import FactBase

BASELINE = json.loads((Path(__file__).parent / "eval" / "baseline.json").read_text())


def test_eval_file_is_well_formed(base: FactBase) -> None:
    items = yaml.safe_load(EVAL_FILE.read_text(encoding="utf-8"))
    ids = {f.id for f in base.facts}
    assert len(items) >= 240
    for lang in ("kk", "ru", "en"):
        assert sum(i["lang"] == lang for i in items) >= 70
    assert sum(i["kind"] == "none" for i in items) >= 30
    for item in items:
        assert item["kind"] in ("fact", "year", "range", "none")
        assert set(item.get("expect") or []) <= ids, item["q"]
        if item["kind"] == "fact":
            assert item["expect"], item["q"]


async def test_eval_does_not_regress(base: FactBase) -> None:
    res = await run_eval(base)
    assert res.accuracy >= BASELINE["overall"], "\n".join(res.misses)
    for lang, floor in BASELINE["by_lang"].items():
        assert res.share(res.by_lang, lang) >= floor, (lang, res.misses)
    assert res.share(res.by_kind, "none") >= BASELINE["off_topic_rejected"], res.misses
