"""Time /overview and /promises (and their APIs, a bar's letter list, the letters download) on a 10,000-letter index.

    python benchmarks/bench_overview.py [--letters 10000] [--index-dir DIR] [--runs 20]

The index is built by ``bench_scale.build`` (the storage benchmark's generator): letters made of real sentences
of the bundled and development letters with random titles, 30 agencies in 6 places, 答复类别 A/B/C and dates
2015–2025, 5 passages each, and SYNTHETIC passage vectors (unit vectors around topic centres; embedding
50,000 real passages would take ~50 minutes on 2 cores). Everything after the vectors is the real code path:
the embedded store (SQLite, memory-mapped vectors), ``Searcher``, the Flask app and its templates.

Reported: the first /overview of a fresh app (it reads the letters' metadata once; the ask clusters start in a
background thread and the page says they are being computed), how long the clusters took
(``search.dupes_all.all_pairs``, the same as ``dafu dupes --all``), the first /promises of the fresh app (whether it
listed promises or said 承诺事项正在整理) and how long until every promise had its status, then per address the
first request (counts of a new filter are computed, then cached per index generation) and the median and p95 of
N more.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def timed(client, url: str, method: str = "get") -> tuple[float, int, int]:
    started = time.perf_counter()
    response = getattr(client, method)(url)
    return (time.perf_counter() - started) * 1000, response.status_code, len(response.data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=10_000)
    parser.add_argument("--index-dir", help="an index built before by this script (default: build one)")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("DAFU_CACHE_DIR", "/tmp/dafu-cache")

    index_dir = Path(args.index_dir or tempfile.mkdtemp(prefix="dafu-bench-overview-"))
    if not (index_dir / "CURRENT").exists():
        from bench_scale import build

        from dafu.index.sqlwrite import NewGeneration

        store, spent = NewGeneration._store_promises, []

        def timed_store(self, db, fresh_ids):  # how much of the build is extracting and linking promises
            started = time.perf_counter()
            store(self, db, fresh_ids)
            spent.append(time.perf_counter() - started)

        NewGeneration._store_promises = timed_store
        print(f"building a SYNTHETIC-vector index of {args.letters:,} letters in {index_dir} …", flush=True)
        report = build(args.letters * 5, index_dir, promises=True)
        NewGeneration._store_promises = store
        print(f"  built in {report['build_s']} s ({report['passages']:,} passages), of which promises "
              f"(extracted and linked at index time) {sum(spent):.1f} s")

    from dafu.search import overview as archive
    from dafu.search.api import Searcher
    from dafu.web import create_app

    t0 = time.perf_counter()
    searcher = Searcher.open(index_dir)
    print(f"index opened in {time.perf_counter() - t0:.2f} s: {searcher.index.letter_count():,} letters, "
          f"{searcher.index.chunk_count():,} passages")
    t0 = time.perf_counter()
    client = create_app(searcher=searcher).test_client()
    print(f"app created in {time.perf_counter() - t0:.2f} s (it reads the promises listing before serving)")

    first = timed(client, "/overview")
    state = archive.ask_clusters(searcher)
    print(f"/overview, first request of a fresh app: {first[0]:7.1f} ms (status {first[1]}, {first[2]:,} bytes; "
          f"clusters {state['status']})")
    t0 = time.perf_counter()
    state = archive.ask_clusters(searcher, wait=True)
    waited = time.perf_counter() - t0
    print(f"ask clusters (all_pairs, background thread): {state['seconds']} s in all "
          f"(waited {waited:.1f} s more after the first page); {len(state['clusters']):,} clusters, status {state['status']}")

    t0 = time.perf_counter()
    fresh = create_app(searcher=Searcher.open(index_dir)).test_client()  # a server starting on the index
    print(f"a server starting: opening the index and reading the promises listing {time.perf_counter() - t0:.2f} s")
    first = timed(fresh, "/promises")
    listed = "承诺事项正在整理" not in fresh.get("/promises").get_data(as_text=True)
    print(f"/promises, first request of that server: {first[0]:7.1f} ms (status {first[1]}, {first[2]:,} bytes; "
          f"{'promises listed' if listed else 'said 承诺事项正在整理'})")
    first = timed(fresh, "/api/promises?limit=100")
    print(f"/api/promises?limit=100, first request: {first[0]:7.1f} ms (status {first[1]})")
    from dafu.search import promises as promised

    print(f"{len(promised.all_promises(searcher, details=False)):,} promises")

    year = searcher.letters()[0]["date"][:4]
    urls = {"/overview": "/overview", "/overview?agency=教育局": "/overview?agency=%E6%95%99%E8%82%B2%E5%B1%80",
            "/api/overview": "/api/overview", f"/?year={year} (a bar's letter list)": f"/?year={year}",
            "/promises": "/promises", "/promises?status=到期未见后续": "/promises?status=%E5%88%B0%E6%9C%9F%E6%9C%AA%E8%A7%81%E5%90%8E%E7%BB%AD",
            "/api/promises?limit=100": "/api/promises?limit=100",
            "/export/letters.csv": "/export/letters.csv", "/export/letters.xlsx": "/export/letters.xlsx"}
    for name, url in urls.items():
        runs = args.runs if "export" not in name else max(3, args.runs // 5)
        first_ms = timed(client, url)[0]
        times, status, size = [], 0, 0
        for _ in range(runs):
            ms, status, size = timed(client, url)
            times.append(ms)
        times.sort()
        print(f"{name:38s} first {first_ms:7.1f} ms, then median {statistics.median(times):7.1f} ms  "
              f"p95 {times[int(0.95 * (len(times) - 1))]:7.1f} ms  ({runs} runs, status {status}, {size:,} bytes)")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average at the end {load:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
