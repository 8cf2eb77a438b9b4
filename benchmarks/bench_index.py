"""Index build speed on the bundled seed corpus: chunks embedded per second (fresh temp index, warm model).

Usage: python benchmarks/bench_index.py [--runs 3] [--paths PATH ...]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time

from dafu.index.build import build_index
from dafu.index.encoder import load_encoder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--paths", nargs="*", default=[])
    args = parser.parse_args()
    encoder = load_encoder()
    encoder.encode_passages(["预热 warm-up"])  # convert/load the model outside the timing
    rates, seconds = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            report = build_index(args.paths, index_dir=tmp, encoder=encoder, rebuild=True)
            elapsed = time.perf_counter() - started
        seconds.append(elapsed)
        rates.append(report.embedded / elapsed)
    print(f"letters={report.letters} chunks={report.chunks} model={encoder.name}")
    print(f"build seconds (median of {args.runs}): {statistics.median(seconds):.2f}")
    print(f"chunks embedded per second (median): {statistics.median(rates):.1f}")


if __name__ == "__main__":
    main()
