"""Fit hybrid fusion's dense weight on one question set and check it on the other.

Each query is embedded once; the sweep re-fuses the same scores. Usage:
  python benchmarks/fit_fusion.py --fit SEED_INDEX_DIR ../shared/eval/dev.jsonl \
                                  --check DEV_INDEX_DIR ../shared/eval/dev_real.jsonl
"""
from __future__ import annotations

import argparse
from functools import lru_cache

import numpy as np

from dafu.search.api import Searcher
from dafu.search.evaluate import first_hit_rank, load_questions, retrieval_metrics
from dafu.search.retrieve import Fusion

WEIGHTS = [(round(w, 2), t) for t in (0.0, 0.25, 0.5, 0.75, 1.0) for w in np.arange(0.3, 0.91, 0.1)]


def sweep(index_dir: str, questions_file: str) -> dict[float, dict]:
    searcher = Searcher.open(index_dir)
    retriever = searcher._retriever
    encoder = retriever.encoder
    cached = lru_cache(maxsize=None)(lambda text: encoder.encode_queries([text]))
    retriever.encoder = type("Cached", (), {"encode_queries": lambda self, texts: cached(texts[0])})()
    questions = load_questions(questions_file)
    out = {}
    for weight in WEIGHTS:
        retriever.fusion = Fusion(dense_weight=weight[0], answer_type_weight=weight[1])
        ranks = [first_hit_rank(searcher.search(q["q"]), q["gold"]) for q in questions]
        out[weight] = retrieval_metrics(ranks)
    return out


def _neighbourhood(scores: dict, weight: tuple[float, float]) -> float:
    """Mean fit MRR of a setting's grid neighbours: among equally good settings, prefer a plateau."""
    near = [w for w in scores if abs(w[0] - weight[0]) <= 0.11 and abs(w[1] - weight[1]) <= 0.26]
    return sum(scores[w]["mrr@10"] for w in near) / len(near)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fit", nargs=2, metavar=("INDEX_DIR", "JSONL"), required=True)
    parser.add_argument("--check", nargs=2, metavar=("INDEX_DIR", "JSONL"), required=True)
    args = parser.parse_args()
    fit, check = sweep(*args.fit), sweep(*args.check)
    print("dense type  fit hit@1 hit@5 mrr   | check hit@1 hit@5 mrr")
    for w in WEIGHTS:
        a, b = fit[w], check[w]
        print(f"{w[0]:5.2f} {w[1]:4.2f}  {a['hit@1']:.3f} {a['hit@5']:.3f} {a['mrr@10']:.3f} | "
              f"{b['hit@1']:.3f} {b['hit@5']:.3f} {b['mrr@10']:.3f}")
    best = max(WEIGHTS, key=lambda w: (round(fit[w]["mrr@10"], 3), _neighbourhood(fit, w)))
    print(f"best on fit set: dense_weight={best[0]} answer_type_weight={best[1]}; on check set: {check[best]}")


if __name__ == "__main__":
    main()
