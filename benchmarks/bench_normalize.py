"""Time dafu's traditional-to-simplified folding (``normalize_for_index``) against OpenCC t2s.

    python benchmarks/bench_normalize.py [--repeat 3]

The text is the bundled letters and the development letters of tests/data, joined and repeated three times;
tests/test_normalize.py checks that both give the same characters. Prints the best of N runs of each.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from opencc import OpenCC

from dafu.corpus.normalize import normalize_for_index

ROOT = Path(__file__).resolve().parent.parent


def best_seconds(convert, text: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        convert(text)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    letters = sorted((ROOT / "corpus" / "letters").glob("*.txt")) + sorted((ROOT / "tests" / "data").rglob("*.txt"))
    text = "".join(p.read_text(encoding="utf-8") for p in letters) * 3
    normalize_for_index(text)  # tables built
    dafu = best_seconds(normalize_for_index, text, args.repeat)
    opencc = best_seconds(OpenCC("t2s").convert, text, args.repeat)
    print(json.dumps({"characters": len(text), "dafu_s": round(dafu, 4), "opencc_s": round(opencc, 4),
                      "speedup": round(opencc / dafu, 1)}))


if __name__ == "__main__":
    main()
