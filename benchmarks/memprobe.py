"""The bot under a memory probe, for the soak's diagnosis: ``python -m benchmarks.memprobe run``.

Runs ``bot.cli.main`` exactly as ``python -m bot`` does, with two additions the product never
sees (they live here, in the benchmarks):

- ``tracemalloc`` is started first (``MEMPROBE_FRAMES`` frames per trace, default 1) when
  ``MEMPROBE_TRACE=1``; without it only the sizes below are written (no tracing overhead).
- On SIGUSR1 it writes, into ``MEMPROBE_DIR``, ``snap-N.pickle`` (the tracemalloc snapshot,
  when tracing) and ``sizes-N.json``: RSS, glibc's ``mallinfo2`` (heap in use against free) and
  the resident size by kind of mapping (``/proc/self/smaps``). With ``MEMPROBE_TRIM=1`` it then
  calls glibc's ``malloc_trim(0)`` (a measurement of what the heap's free space costs).
- On SIGUSR2, the same plus a walk of every reachable object (it allocates tens of MiB for a
  moment, so the benchmark sends it only at the end): the number of objects by type, the length
  of every dict/list/set/deque held as an attribute of any object with at least
  ``MEMPROBE_MIN_LEN`` entries, and every ``functools.lru_cache``'s fill.

``python -m benchmarks.memprobe compare DIR A B`` prints the top growers between two snapshots.
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import functools
import gc
import json
import os
import signal
import sys
import time
import tracemalloc
import types
from pathlib import Path
from typing import Any


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
            "uordblks", "fordblks", "keepcost",
        )
    ]  # fmt: skip


def mallinfo() -> dict[str, float]:
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = _MallInfo2
        m = libc.mallinfo2()
    except (OSError, AttributeError):
        return {}
    mib = 1024 * 1024
    return {
        "heap_sbrk_mib": m.arena / mib,  # main arena's size (non-mmapped)
        "mmapped_mib": m.hblkhd / mib,
        "in_use_mib": m.uordblks / mib,
        "free_in_heap_mib": m.fordblks / mib,
        "top_releasable_mib": m.keepcost / mib,
    }


def smaps() -> dict[str, float]:
    """Resident MiB by kind of mapping: the brk heap (the main thread's malloc), thread malloc
    arenas (anonymous, 64 MiB aligned: SQLite allocates in the aiosqlite thread), the other
    anonymous maps (CPython's object arenas, big mallocs) and files."""
    out = {"heap": 0.0, "thread_arenas": 0.0, "anon_other": 0.0, "files": 0.0}
    kind = "files"
    for line in Path("/proc/self/smaps").read_text().splitlines():
        head = line.split()
        if "-" in head[0] and len(head) >= 5 and not head[0].endswith(":"):
            start = int(head[0].split("-")[0], 16)
            name = head[5] if len(head) > 5 else ""
            if name == "[heap]":
                kind = "heap"
            elif not name:
                kind = "thread_arenas" if start % (64 << 20) == 0 else "anon_other"
            else:
                kind = "files"
        elif head[0] == "Rss:":
            out[kind] += int(head[1]) / 1024
    return out


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _reachable(frame: Any) -> list[Any]:
    """Every object reachable from the modules, the tracked objects, the running loop and its
    tasks, and the interrupted frames. ``gc.get_objects()`` alone misses what the bot froze
    (``gc.freeze()`` after start-up moves it to the permanent generation)."""
    import asyncio

    roots: list[Any] = [list(sys.modules.values()), gc.get_objects(), frame]
    with contextlib.suppress(RuntimeError):
        loop = asyncio.get_running_loop()
        roots += [loop, list(asyncio.all_tasks(loop))]
    seen: set[int] = set()
    out: list[Any] = []
    stack = roots
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        out.append(obj)
        stack.extend(gc.get_referents(obj))
    return out


def sizes(min_len: int, frame: Any = None) -> dict[str, Any]:
    by_type: collections.Counter[str] = collections.Counter()
    containers: list[tuple[int, str]] = []
    caches: list[tuple[int, str]] = []
    objs = _reachable(frame)
    for obj in objs:
        t = type(obj)
        by_type[f"{t.__module__}.{t.__qualname__}"] += 1
        if isinstance(obj, functools._lru_cache_wrapper):
            info = obj.cache_info()
            name = f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', '?')}"
            caches.append((info.currsize, f"{name} max={info.maxsize}"))
            continue
        if isinstance(obj, type | types.ModuleType | types.FunctionType):
            continue
        try:
            attrs = getattr(obj, "__dict__", None)
            attrs = dict(attrs) if isinstance(attrs, dict) else {}
            for klass in t.__mro__:  # PTB's classes keep their state in __slots__
                slots = klass.__dict__.get("__slots__", ())
                for name in (slots,) if isinstance(slots, str) else slots:
                    if name not in attrs and hasattr(obj, name):
                        attrs[name] = getattr(obj, name)
        except Exception:  # a probe: an object that refuses is skipped
            continue
        for name, value in attrs.items():
            if isinstance(value, dict | list | set | frozenset | collections.deque):
                n = len(value)
                if n >= min_len:
                    containers.append((n, f"{t.__module__}.{t.__qualname__}.{name}"))
    del objs
    return {
        "objects": sum(by_type.values()),
        "top_types": by_type.most_common(40),
        "containers": sorted(containers, reverse=True)[:80],
        "lru_caches": sorted(caches, reverse=True)[:30],
    }


def _install(out: Path) -> None:
    count = [0]
    min_len = int(os.environ.get("MEMPROBE_MIN_LEN", "200"))

    def dump(signum: int, frame: Any) -> None:
        count[0] += 1
        n = count[0]
        data: dict[str, Any] = {
            "time": time.time(),
            "rss_mib": rss_mib(),
            "malloc": mallinfo(),
            "smaps": smaps(),
        }
        if os.environ.get("MEMPROBE_TRIM") == "1":  # a measurement: what glibc could give back
            ctypes.CDLL("libc.so.6").malloc_trim(0)
            data["rss_after_trim_mib"] = rss_mib()
        if tracemalloc.is_tracing():
            data["traced_mib"] = tracemalloc.get_traced_memory()[0] / 2**20
            tracemalloc.take_snapshot().dump(str(out / f"snap-{n}.pickle"))
        if signum == signal.SIGUSR2:
            try:
                data.update(sizes(min_len, frame))
            except Exception as e:  # never into the bot's own code
                data["error"] = repr(e)
        (out / f"sizes-{n}.json").write_text(json.dumps(data, indent=1))

    signal.signal(signal.SIGUSR1, dump)
    signal.signal(signal.SIGUSR2, dump)


def compare(directory: Path, a: int, b: int, top: int = 30, key: str = "lineno") -> None:
    s1 = tracemalloc.Snapshot.load(str(directory / f"snap-{a}.pickle"))
    s2 = tracemalloc.Snapshot.load(str(directory / f"snap-{b}.pickle"))
    flt = [tracemalloc.Filter(False, tracemalloc.__file__)]
    s1, s2 = s1.filter_traces(flt), s2.filter_traces(flt)
    total1 = sum(st.size for st in s1.statistics("filename"))
    total2 = sum(st.size for st in s2.statistics("filename"))
    print(f"traced: {total1 / 2**20:.2f} MiB -> {total2 / 2**20:.2f} MiB")
    for st in s2.compare_to(s1, key)[:top]:
        print(
            f"{st.size_diff / 1024:+9.1f} KiB  {st.count_diff:+8d} blocks  "
            f"(now {st.size / 1024:8.1f} KiB)  {st.traceback.format()[-1].strip()}"
        )
        if key == "traceback":
            for line in st.traceback.format()[:-1]:
                print("        " + line.strip())


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "compare":
        key = os.environ.get("MEMPROBE_KEY", "lineno")
        compare(Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), key=key)
        return 0
    out = Path(os.environ.get("MEMPROBE_DIR", "."))
    out.mkdir(parents=True, exist_ok=True)
    if os.environ.get("MEMPROBE_TRACE") == "1":
        tracemalloc.start(int(os.environ.get("MEMPROBE_FRAMES", "1")))
    _install(out)
    from bot.cli import main as bot_main

    return bot_main(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
