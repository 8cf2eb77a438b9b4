"""The embedded store at scale: build, load, memory and query time over SYNTHETIC passages.

    python benchmarks/bench_scale.py --passages 100000 --out /tmp/seam-100k      # build, then measure
    python benchmarks/bench_scale.py --measure /tmp/seam-100k                    # measure an existing one

Letters are generated from real sentences of the bundled and development letters (random titles, agencies,
places and dates; 5 passages each); vectors are SYNTHETIC: unit vectors around 2,000 topic centres (real e5
vectors cluster the same way; uniform random vectors would be a worst case no real index sees). Embedding is
excluded (it is measured on real letters by bench_index.py). The build runs what ``dafu index`` runs after
embedding: tokenising (jieba-rs, worker processes), token ids, BM25 postings, SQLite, vectors, the approximate
dense index at ``APPROX_MIN`` passages and more; letters, vectors and tokens are made batch by batch as they are
written, so the build holds one batch of them at a time. Promises are not made unless ``--promises`` (making
them is measured by bench_overview.py). Measuring loads the index in a fresh process and reports
load time, RSS, query p50/p95 per mode (the query embedded by the real model; hybrid also on its first pass
over pages not yet in the page cache) and, for an approximate
index, recall@10 against exact search on 200 queries.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ["医疗护理员培训补助标准是多少", "养老机构扶持资金拨付给了几家机构", "老年人居家医疗服务怎么开展",
           "泉州养老服务热线的呼入量", "社区助老员培训了多少人", "幼儿园学位不足怎么解决", "公交线路什么时候开通",
           "垃圾分类设施建设", "家庭医生签约服务覆盖率", "农村公路提质改造资金"]


def rss_mb() -> float:
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def sentences() -> list[str]:
    out = []
    for folder in (ROOT / "corpus" / "letters", ROOT / "tests" / "data" / "eval" / "dev_letters",
                   ROOT / "tests" / "data" / "topics" / "letters"):
        for path in sorted(folder.glob("*.txt")):
            text = path.read_text(encoding="utf-8", errors="ignore")
            out += [s for s in re.split(r"(?<=[。；！？])", re.sub(r"\s+", "", text)) if 12 <= len(s) <= 160]
    return out


PER_LETTER = 5
AGENCIES = [f"{p}{k}" for p in ("福建省", "泉州市", "厦门市湖里区", "岳阳县", "重庆市渝北区", "连云港市赣榆区")
            for k in ("卫生健康委员会", "民政局", "教育局", "交通运输局", "住房和城乡建设局")]


def generate(first: int, count: int, pool: list[str], seed: int = 0):
    """Letters ``first`` .. ``first + count - 1`` (each the same whatever the batch it is made in)."""
    from dafu.corpus.models import Chunk

    fresh = []
    for i in range(first, first + count):
        rng = random.Random(seed * 1_000_003 + i)
        body_parts, chunks, pos = [], [], 0
        for j in range(PER_LETTER):
            text = ""
            while len(text) < 220:
                text += rng.choice(pool)
            chunks.append(Chunk(f"g{i:07d}", j, f"{'一二三四五'[j]}、工作情况", text, pos, pos + len(text)))
            body_parts.append(text)
            pos += len(text)
        agency = rng.choice(AGENCIES)
        row = {"id": f"g{i:07d}", "title": f"关于{rng.choice(pool)[:14]}的建议", "doc_number": None,
               "category": rng.choice("ABC"), "session": None, "proposal_number": str(20240000 + i),
               "addressee": None, "agency": agency, "date": f"{rng.randint(2015, 2025)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
               "region": agency[:3], "warnings": [], "source": f"/synthetic/g{i:07d}.txt", "body": "".join(body_parts),
               "content_hash": f"{i:064x}", "chunks": PER_LETTER}
        fresh.append((row, chunks))
    return fresh


def synthetic_vectors(first: int, n: int, dim: int, seed: int = 0) -> np.ndarray:
    """Vectors of passages ``first`` .. ``first + n - 1``: unit vectors around 2,000 topic centres."""
    centres = np.random.default_rng(seed).normal(size=(2000, dim)).astype(np.float32)
    rng = np.random.default_rng([seed, first])
    v = centres[rng.integers(0, len(centres), n)] + 0.8 * rng.normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def generated_generation(n_passages: int, dim: int, pool, promises: bool):
    """A ``NewGeneration`` of generated letters made batch by batch as it is written: the letters, their
    tokens and vectors of one batch are all the build holds of them at a time. Without ``promises`` their
    promises are left to be computed on the fly (``bench_overview.py`` measures making them)."""
    from dafu.index.build import index_text
    from dafu.index.encoder import E5Encoder
    from dafu.index.keyword import tokenize_many
    from dafu.index.sqlwrite import BATCH, NewGeneration

    sentences_pool = sentences()
    letters = n_passages // PER_LETTER
    spent = {"generate_s": 0.0, "tokenise_s": 0.0}

    class Generated(NewGeneration):
        def fresh_passages(self) -> int:
            return letters * PER_LETTER

        def batches(self):
            for first in range(0, letters, BATCH // PER_LETTER):
                t0 = time.perf_counter()
                fresh = generate(first, min(BATCH // PER_LETTER, letters - first), sentences_pool)
                vectors = synthetic_vectors(first * PER_LETTER, len(fresh) * PER_LETTER, dim)
                t1 = time.perf_counter()
                tokens = tokenize_many([index_text(row, c) for row, chunks in fresh for c in chunks], pool)
                spent["generate_s"] += t1 - t0
                spent["tokenise_s"] += time.perf_counter() - t1
                yield fresh, vectors, tokens

        def _store_promises(self, db, fresh_ids):
            if promises:
                super()._store_promises(db, fresh_ids)

        def write_to(self, directory, save=np.save):
            super().write_to(directory, save)
            if not promises:
                self.manifest["promise_rules"] = None

    manifest = {"dafu_version": "bench", "model": E5Encoder().identity(), "dim": dim, "synthetic": True}
    return Generated(manifest, None, [], [], np.zeros((0, dim), np.float32), []), spent


def build(n_passages: int, out: Path, promises: bool = False) -> dict:
    """Build, then the time of the build without generating the letters and vectors (what ``dafu index`` does
    after embedding), its CPU seconds (this process and the tokeniser workers) and peak RSS."""
    from dafu.index.keyword import tokenizer_pool
    from dafu.index.store import build_lock, write_generation

    cpu = _cpu_s()
    with tokenizer_pool() as pool:  # started first: workers forked from a small process
        data, spent = generated_generation(n_passages, 384, pool, promises)
        t0 = time.perf_counter()
        with build_lock(out):
            write_generation(out, data)
        t_build = time.perf_counter() - t0 - spent["generate_s"]
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return {"passages": data.manifest["chunk_count"], "build_s": round(t_build, 1),
            "tokenise_s": round(spent["tokenise_s"], 1),
            "write_s (sqlite, bm25, vectors, ann)": round(t_build - spent["tokenise_s"], 1),
            "cpu_s (build and generator)": round(_cpu_s() - cpu, 1), "generate_s": round(spent["generate_s"], 1),
            "promises": promises, "peak_rss_mb": round(peak_mb()), "peak_rss_tokeniser_worker_mb": round(children),
            "disk_mb": round(size / 2**20), "load_average": os.getloadavg()[0]}


def _cpu_s() -> float:
    return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                 resource.getrusage(resource.RUSAGE_CHILDREN)))


def measure(index_dir: Path, runs: int = 60) -> dict:
    from dafu.index.sqlstore import _exact_top
    from dafu.search.api import Searcher

    base = rss_mb()
    t0 = time.perf_counter()
    searcher = Searcher.open(index_dir)
    t_load = time.perf_counter() - t0
    rss_loaded = rss_mb()
    index = searcher.index
    out = {"passages": index.chunk_count(), "load_s": round(t_load, 2), "rss_after_load_mb": round(rss_loaded),
           "rss_load_delta_mb": round(rss_loaded - base), "approximate": getattr(index, "_dense", None) is not None}
    searcher.load_query_model()  # as dafu serve starts: questions in ONNX Runtime where its graph is exported
    # hybrid runs twice: first on pages never read since the index was written or the machine started (the
    # first queries after a cold start), then, after dense and keyword, on other query strings (embedded anew)
    for mode, suffix in (("hybrid_first_pass", ""), ("dense", ""), ("keyword", ""), ("hybrid", "的情况")):
        times = []
        for i in range(runs):
            query = QUERIES[i % len(QUERIES)] + ("" if i < len(QUERIES) else str(i)) + suffix
            t0 = time.perf_counter()
            searcher.search(query, top_k=10, mode=mode.removesuffix("_first_pass"))
            times.append(time.perf_counter() - t0)
        times.sort()
        out[f"{mode}_p50_ms"] = round(1000 * statistics.median(times), 1)
        out[f"{mode}_p95_ms"] = round(1000 * times[int(0.95 * (len(times) - 1))], 1)
    agency = index.facets()["agency"][0]
    times = []
    for i in range(runs):
        t0 = time.perf_counter()
        searcher.search(QUERIES[i % len(QUERIES)], top_k=10, filters={"agency": agency})
        times.append(time.perf_counter() - t0)
    times.sort()
    out["hybrid_agency_filter_p95_ms"] = round(1000 * times[int(0.95 * (len(times) - 1))], 1)
    if getattr(index, "_dense", None) is not None:  # the embedded store's approximate index
        rng = np.random.default_rng(7)
        vectors = index.vectors()
        hits = 0
        for row in rng.choice(index.chunk_count(), 200, replace=False):
            q = np.asarray(vectors[row]) + 0.3 * rng.normal(size=vectors.shape[1]).astype(np.float32)
            q = (q / np.linalg.norm(q)).astype(np.float32)
            exact = {r for r, _ in _exact_top(vectors, q, 10, None)}
            hits += len(exact & {r for r, _ in index.dense_search(q, 10)})
        out["recall_at_10"] = round(hits / 2000, 4)
        t0 = time.perf_counter()
        for row in rng.choice(index.chunk_count(), 50, replace=False):
            index.dense_search(np.asarray(vectors[row]), 100)
        out["ann_search_ms"] = round(1000 * (time.perf_counter() - t0) / 50, 1)
    out["rss_after_queries_mb"] = round(rss_mb())
    out["load_average"] = os.getloadavg()[0]
    return out


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--passages", type=int, default=100_000)
    p.add_argument("--out", type=Path)
    p.add_argument("--measure", type=Path)
    p.add_argument("--promises", action="store_true", help="make the letters' promises at build time, as dafu "
                   "index does (an index to add letters to; without it the first update makes them all)")
    args = p.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure), ensure_ascii=False), flush=True)
        return
    print(json.dumps(build(args.passages, args.out, args.promises), ensure_ascii=False), flush=True)
    subprocess.run([sys.executable, __file__, "--measure", str(args.out)], check=True, env=dict(os.environ))


if __name__ == "__main__":
    main()
