"""Wall time of whole CLI commands, each a fresh process as a user runs it: ``dafu search``, ``dafu ask`` and
``dafu dupes DRAFT`` (plus ``dupes --all``), interleaved so that machine load hits them alike; median of N runs.

    python benchmarks/bench_cli.py [--runs 5] [--index-dir DIR]

The index (default: a temporary one of the bundled letters plus tests/data/eval/dev_letters) and the
converted model are built first and not timed. Commands run with ``python -m dafu`` of this interpreter, so
``PYTHONPATH`` can point it at another checkout for a before/after comparison.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DRAFT = """关于进一步扩大普惠性幼儿园覆盖面的提案

近年来我县学前教育快速发展，但普惠性幼儿园数量仍然不足，部分乡镇幼儿入园难、入园贵问题突出。建议：一、加大财政投入，
新建和改扩建一批公办幼儿园；二、落实普惠性民办幼儿园补助政策，提高生均公用经费标准；三、加强幼儿教师队伍建设，提高保教质量。
"""


def run(args: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "dafu", *args], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--index-dir", help="an existing index (default: build a temporary dev index)")
    opts = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dafu-bench-cli-"))
    env = dict(os.environ)
    index_dir = opts.index_dir or str(work / "index")
    env["DAFU_INDEX_DIR"] = index_dir
    if not opts.index_dir:
        subprocess.run([sys.executable, "-m", "dafu", "index"], env=env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run([sys.executable, "-m", "dafu", "index", str(ROOT / "tests/data/eval/dev_letters")],
                       env=env, check=True, stdout=subprocess.DEVNULL)
    draft = work / "draft.txt"
    draft.write_text(DRAFT, encoding="utf-8")
    commands = {
        "search": ["search", "湖里区有多少家养老机构"],
        "ask": ["ask", "医疗护理员培训补助标准是多少"],
        "dupes DRAFT": ["dupes", str(draft)],
        "dupes --all": ["dupes", "--all"],
    }
    for args in commands.values():  # warm: page cache, jieba's cache, the dupes background vector
        run(args, env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(opts.runs):
        for name, args in commands.items():
            times[name].append(run(args, env))
    base = statistics.median(times["search"])
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{opts.runs} runs each, interleaved; load average at the end {load:.1f} on {os.cpu_count()} cores")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"  dafu {name:<12} median {median:5.2f} s  (min {min(values):.2f}, max {max(values):.2f})"
              f"  {median / base:4.2f}x search")


if __name__ == "__main__":
    main()
