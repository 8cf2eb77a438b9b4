"""milvus-lite beside the embedded FAISS store on this machine: build time and query p50/p95 per mode.

    python benchmarks/bench_milvus.py --passages 10000 --out /tmp/milvus-10k
    python benchmarks/bench_milvus.py --passages 100000 --out /tmp/milvus-100k

The letters and their SYNTHETIC vectors are bench_scale.py's (generated from real sentences; nothing is
embedded). The FAISS index is built as bench_scale.py builds it, then ``dafu migrate`` copies it into
milvus-lite (``OUT/milvus.db``, in process): the Milvus build time is that migration (reading the store,
inserting, Milvus's own jieba analysis for BM25, flushing, building the indexes). Each index is then measured
in a fresh process by ``bench_scale.py --measure`` (query embedded by the real model, 60 queries per mode).
``--compare OUT`` then says how far milvus-lite's keyword and dense top 10 agree with the embedded store's on
an index of several segments (milvus-lite keeps BM25 statistics per segment).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def measured(out: Path, env: dict) -> dict:
    done = subprocess.run([sys.executable, str(HERE / "bench_scale.py"), "--measure", str(out)], check=True,
                          env={**os.environ, **env}, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def agreement(out: Path) -> dict:
    """Mean overlap of the two engines' top 10 (keyword, dense) and the largest keyword score difference among
    shared passages, over bench_scale.py's queries."""
    from bench_scale import QUERIES

    from dafu.corpus.normalize import normalize_for_index
    from dafu.index.backend import query_tokens
    from dafu.index.store import open_generation

    faiss, milvus = open_generation(out, "faiss"), open_generation(out, "milvus")
    encoder = faiss.encoder()
    overlap = {"keyword": [], "dense": []}
    drift = 0.0
    for query in QUERIES:
        text = normalize_for_index(query)
        ours, theirs = milvus.keyword_search(query_tokens(text), 10).top, faiss.keyword_search(query_tokens(text), 10).top
        overlap["keyword"].append(len({r for r, _ in ours} & {r for r, _ in theirs}) / 10)
        scores = dict(theirs)
        drift = max([drift] + [abs(s - scores[r]) / scores[r] for r, s in ours if r in scores])
        vector = encoder.encode_queries([text])[0]
        ours, theirs = milvus.dense_search(vector, 10), faiss.dense_search(vector, 10)
        overlap["dense"].append(len({r for r, _ in ours} & {r for r, _ in theirs}) / 10)
    return {f"{mode}_top10_overlap": round(sum(v) / len(v), 3) for mode, v in overlap.items()} | \
        {"keyword_score_max_relative_difference": round(drift, 4)}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--passages", type=int, default=10_000)
    p.add_argument("--out", type=Path)
    p.add_argument("--compare", type=Path, help="an OUT built before: top-10 agreement of the two engines")
    args = p.parse_args()
    sys.path.insert(0, str(HERE))
    if args.compare:
        os.environ.update({"DAFU_BACKEND": "milvus", "DAFU_MILVUS_URI": str(args.compare / "milvus.db")})
        print(json.dumps({"agreement": agreement(args.compare)}), flush=True)
        return
    from bench_scale import build

    faiss_build = build(args.passages, args.out)
    print(json.dumps({"faiss_build": faiss_build}, ensure_ascii=False), flush=True)
    print(json.dumps({"faiss": measured(args.out, {"DAFU_BACKEND": "faiss"})}, ensure_ascii=False), flush=True)
    milvus = {"DAFU_BACKEND": "milvus", "DAFU_MILVUS_URI": str(args.out / "milvus.db")}
    os.environ.update(milvus)
    from dafu.index.milvus_write import migrate

    t0 = time.perf_counter()
    migrate(args.out)
    elapsed = time.perf_counter() - t0
    size = sum(f.stat().st_size for f in (args.out / "milvus.db").rglob("*") if f.is_file())
    print(json.dumps({"milvus_build": {"migrate_s": round(elapsed, 1), "disk_mb": round(size / 2**20)}}), flush=True)
    from milvus_lite.server_manager import server_manager_instance

    server_manager_instance.release_all()  # one process per milvus-lite .db: let the measuring one open it
    print(json.dumps({"milvus": measured(args.out, milvus)}, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
