"""Time ``dafu dupes --all`` (``pairs_in_space``) on a generated corpus of 10,000 letters.

SYNTHETIC DATA: embedding 100,000 real passages would take ~100 minutes on 2 cores, so the chunk vectors
are generated (384-dim, 10 chunks per letter, letters grouped in topics, all sharing a strong "genre"
direction like real e5 vectors of reply letters) and the texts are built from sentences of the seed and
dev letters, with a few hundred planted near-verbatim copies. Everything after the vectors (letter
vectors, background centring, FAISS k-NN, pair scoring, shingles, MinHash LSH, clustering) is the real
code path.

Usage: python benchmarks/bench_dupes_all.py [--letters 10000] [--chunks 10] [--threshold T] [--k 10]
"""
from __future__ import annotations

import argparse
import re
import resource
import time
import tracemalloc
from pathlib import Path

import numpy as np

from dafu.corpus.formats import extract_text
from dafu.search.dupes import ask_profile, copy_index
from dafu.search.dupes_all import DEFAULT_PAIR_THRESHOLD, pairs_in_space
from dafu.search.similarity import LetterSpace

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT / "corpus" / "letters", ROOT / "tests" / "data" / "eval" / "dev_letters"]


def sentences() -> list[str]:
    found = []
    for folder in SOURCES:
        for path in sorted(folder.glob("*.txt")):
            text = re.sub(r"\s+", "", extract_text(path))
            found += [s for s in re.split(r"(?<=[。；！？])", text) if len(s) >= 12]
    return found


def generate(letters: int, chunks: int, topics: int, dim: int, rng: np.random.Generator):
    """Chunk vectors, chunk texts and the planted near-copy pairs."""
    genre = rng.standard_normal(dim).astype(np.float32)
    genre /= np.linalg.norm(genre)
    centres = rng.standard_normal((topics, dim)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    topic = rng.integers(0, topics, letters)
    own = rng.standard_normal((letters, dim)).astype(np.float32) / np.sqrt(dim)
    vectors = np.empty((letters * chunks, dim), np.float32)
    for start in range(0, letters, 1000):  # in blocks, to keep the temporaries small
        stop = min(start + 1000, letters)
        base = 3.0 * genre + 0.9 * centres[topic[start:stop]] + 0.7 * own[start:stop]
        block = np.repeat(base, chunks, axis=0)
        block += 0.6 * rng.standard_normal(block.shape).astype(np.float32) / np.sqrt(dim)
        vectors[start * chunks:stop * chunks] = block
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    pool = sentences()
    texts = ["".join(rng.choice(pool, 3)) for _ in range(letters * chunks)]
    planted = []
    chosen = rng.choice(letters, 600, replace=False)
    for a, b in zip(chosen[:300].tolist(), chosen[300:].tolist()):
        for c in range(chunks):  # b becomes a near copy of a: one character in forty changed
            chars = list(texts[a * chunks + c])
            for i in range(0, len(chars), 40):
                chars[i] = "某"
            texts[b * chunks + c] = "".join(chars)
            jitter = vectors[a * chunks + c] + 0.05 * rng.standard_normal(dim).astype(np.float32) / np.sqrt(dim)
            vectors[b * chunks + c] = jitter / np.linalg.norm(jitter)
        planted.append((min(a, b), max(a, b)))
    return vectors, texts, genre, planted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--letters", type=int, default=10_000)
    parser.add_argument("--chunks", type=int, default=10)
    parser.add_argument("--topics", type=int, default=400)
    parser.add_argument("--threshold", type=float, default=DEFAULT_PAIR_THRESHOLD)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also report tracemalloc's peak (slows the Python-heavy parts ~2x)")
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    t0 = time.perf_counter()
    vectors, texts, genre, planted = generate(args.letters, args.chunks, args.topics, 384, rng)
    print(f"SYNTHETIC corpus: {args.letters:,} letters x {args.chunks} chunks = {len(vectors):,} generated chunk "
          f"vectors (384-dim, {args.topics} topics) and texts from real letter sentences, "
          f"{len(planted)} planted near copies; generated in {time.perf_counter() - t0:.1f} s")
    ids = [f"syn-{i:05d}" for i in range(args.letters)]
    rows = [np.arange(i * args.chunks, (i + 1) * args.chunks) for i in range(args.letters)]
    # the background would be the mean embedding of generic letters; here the genre direction's share
    background = (vectors @ genre).mean() * genre

    if args.tracemalloc:
        tracemalloc.start()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    space = LetterSpace(ids, rows, vectors, texts, background)
    t_space = time.perf_counter() - t0
    t0 = time.perf_counter()
    copy_index(space)
    t_copies = time.perf_counter() - t0
    t0 = time.perf_counter()   # ask profiles (title bigrams, places): titles made from each letter's first sentence
    profiles = [ask_profile("关于" + texts[r[0]][:24] + "的建议", texts[r[0]], None) for r in rows]
    t_profiles = time.perf_counter() - t0
    t0 = time.perf_counter()
    report = pairs_in_space(space, threshold=args.threshold, k=args.k, profiles=profiles)
    t_pairs = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] if args.tracemalloc else None
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    found = {(min(ids.index(p["a"]), ids.index(p["b"])), max(ids.index(p["a"]), ids.index(p["b"])))
             for p in report["pairs"] if p["near_copy"]} if len(report["pairs"]) < 200_000 else set()
    print(f"letter vectors (centred weighted means):   {t_space:6.2f} s")
    print(f"shingles + MinHash LSH index:               {t_copies:6.2f} s")
    print(f"ask profiles (titles, places):              {t_profiles:6.2f} s")
    print(f"k-NN (FAISS, k={args.k}) + scoring + clusters: {t_pairs:6.2f} s")
    print(f"total all_pairs:                            {t_space + t_copies + t_profiles + t_pairs:6.2f} s")
    print(f"pairs >= {args.threshold}: {len(report['pairs']):,}; clusters: {len(report['clusters']):,} "
          f"(largest {len(report['clusters'][0]) if report['clusters'] else 0}); near copies flagged "
          f"{sum(p['near_copy'] for p in report['pairs']):,}, planted ones found {len(found & set(planted))}/{len(planted)}")
    print(f"memory: process peak RSS {rss_before / 1024:,.0f} MiB before (generated inputs; chunk vectors "
          f"{vectors.nbytes / 2**20:,.0f} MiB) -> {rss_after / 1024:,.0f} MiB after all_pairs"
          + (f"; tracemalloc peak during all_pairs {peak / 2**20:,.0f} MiB" if peak is not None else ""))


if __name__ == "__main__":
    main()
