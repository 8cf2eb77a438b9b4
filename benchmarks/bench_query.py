"""Query latency per retrieval mode: median and p95 milliseconds over the dev questions (>= 20 runs each).

Usage: python benchmarks/bench_query.py [--index-dir DIR] [--questions FILE]
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from dafu.search.api import MODES, Searcher
from dafu.search.evaluate import load_questions

DEFAULT_QUESTIONS = Path(__file__).resolve().parents[1] / "tests" / "data" / "eval" / "dev.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index-dir")
    parser.add_argument("--questions", default=str(DEFAULT_QUESTIONS))
    parser.add_argument("--min-runs", type=int, default=20)
    args = parser.parse_args()
    searcher = Searcher.open(args.index_dir, build_if_missing=True)
    queries = [q["q"] for q in load_questions(args.questions)]
    while len(queries) < args.min_runs:
        queries += queries
    searcher.load_query_model()  # as dafu serve does, outside the timing
    print(f"index: {searcher.manifest['chunk_count']} chunks, model {searcher.manifest['model']['model']}")
    for mode in MODES:
        times = []
        for query in queries:
            started = time.perf_counter()
            searcher.search(query, top_k=10, mode=mode)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        print(f"{mode:8s} median {statistics.median(times):6.1f} ms  p95 {times[int(0.95 * (len(times) - 1))]:6.1f} ms"
              f"  ({len(times)} queries)")


if __name__ == "__main__":
    main()
