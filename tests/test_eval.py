"""The dev eval must not regress below its recorded level (tests/eval/baseline.json).

The held-out test set (tests/heldout) is scored by ``python -m benchmarks.eval --set test`` and
reported, never used as a floor here: a floor would invite tuning on it.
"""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.eval import SETS, load_set, run_eval
from benchmarks.scoring import EvidenceMap, items_of
from knowledge.factbase import FactBase

BASELINE = json.loads((Path(__file__).parent / "eval" / "baseline.json").read_text())
KINDS = ("fact", "year", "range", "period", "list", "count", "greeting", "thanks", "help")
KINDS += ("more", "none")


def test_eval_files_are_well_formed(base: FactBase) -> None:
    ids = {f.id for f in base.facts}
    ev = EvidenceMap(base)
    for name, path in SETS.items():
        turns = [t for conv in items_of(load_set(path)) for t in conv]
        assert len(turns) >= 300, name
        for lang in ("kk", "ru", "en"):
            assert sum(t["lang"] == lang for t in turns) >= 90, (name, lang)
        assert sum(t["kind"] == "none" for t in turns) >= 40, name
        for t in turns:
            assert t["kind"] in KINDS, t["q"]
            assert set(t.get("expect") or []) <= ids, t["q"]
            for e in t.get("evidence") or []:
                assert ev.facts(e), (name, t["q"], e)


async def test_dev_eval_does_not_regress(base: FactBase) -> None:
    res = await run_eval(base, SETS["dev"])
    assert res.accuracy >= BASELINE["overall"], "\n".join(res.misses)
    for lang, floor in BASELINE["by_lang"].items():
        assert res.share(res.by_lang, lang) >= floor, (lang, res.misses)
    assert res.share(res.by_kind, "none") >= BASELINE["off_topic_rejected"], res.misses
