"""Fit hybrid fusion's dense weight, answer-type prior and best-sentence weight on one question set and check
them on the others (``auto``: the per-query dense weight that needs no fitting, the default).

Each query is embedded once; the sweep re-fuses the same scores. Usage (--check may be repeated):
  python benchmarks/fit_fusion.py --fit DEV_INDEX_DIR tests/data/eval/dev_real.jsonl \
      --check SEED_INDEX_DIR tests/data/eval/dev.jsonl --check DEV_INDEX_DIR tests/data/heldout.jsonl
  python benchmarks/fit_fusion.py --fit TOPICS_INDEX_DIR tests/data/topics/fit.jsonl \
      --check TOPICS_INDEX_DIR tests/data/topics/held.jsonl
"""
from __future__ import annotations

import argparse
from functools import lru_cache

import numpy as np

from dafu.search.api import Searcher
from dafu.search.evaluate import first_hit_rank, load_questions, retrieval_metrics
from dafu.search.retrieve import Fusion

SENTENCE = Fusion().sentence_weight
# (dense weight, answer-type prior, best-sentence weight): the dense x prior grid at the default sentence weight,
# then the sentence weight swept at the default dense weight and prior.
WEIGHTS = ([(None, t, SENTENCE) for t in (0.0, 1.0, 2.0, 3.0)]
           + [(round(w, 2), t, SENTENCE) for t in (0.0, 0.5, 1.0, 1.5, 2.0, 3.0) for w in np.arange(0.3, 0.91, 0.1)]
           + [(None, 2.0, s) for s in (0.0, 1.0, 2.0, 2.5, 3.5, 4.0, 5.0)])


def sweep(index_dir: str, questions_file: str) -> dict[float, dict]:
    searcher = Searcher.open(index_dir)
    retriever = searcher._retriever
    encoder = retriever.encoder
    cached = lru_cache(maxsize=None)(lambda text: encoder.encode_queries([text]))
    retriever.encoder = type("Cached", (), {"encode_queries": lambda self, texts, **_: cached(texts[0])})()
    questions = [q for q in load_questions(questions_file) if q["gold"]]
    out = {}
    for weight in WEIGHTS:
        retriever.fusion = Fusion(dense_weight=weight[0], answer_type_weight=weight[1], sentence_weight=weight[2])
        ranks = [first_hit_rank(searcher.search(q["q"]), q["gold"]) for q in questions]
        out[weight] = retrieval_metrics(ranks)
    return out


def _neighbourhood(scores: dict, weight: tuple[float, float]) -> float:
    """Mean fit MRR of a setting's grid neighbours: among equally good settings, prefer a plateau."""
    near = [w for w in scores if (w[0] is None) == (weight[0] is None)
            and (w[0] is None or abs(w[0] - weight[0]) <= 0.11) and abs(w[1] - weight[1]) <= 0.6
            and abs(w[2] - weight[2]) <= 0.6]
    return sum(scores[w]["mrr@10"] for w in near) / len(near)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fit", nargs=2, metavar=("INDEX_DIR", "JSONL"), required=True)
    parser.add_argument("--check", nargs=2, metavar=("INDEX_DIR", "JSONL"), required=True, action="append")
    args = parser.parse_args()
    fit, checks = sweep(*args.fit), [sweep(*c) for c in args.check]
    print("dense type sent  fit hit@1 hit@5 mrr   | check sets: hit@1 hit@5 mrr")
    for w in WEIGHTS:
        dense = "auto" if w[0] is None else f"{w[0]:.2f}"
        print(f"{dense:>5} {w[1]:4.2f} {w[2]:4.2f}  " + " | ".join(
            f"{r[w]['hit@1']:.3f} {r[w]['hit@5']:.3f} {r[w]['mrr@10']:.3f}" for r in [fit, *checks]))
    best = max(WEIGHTS, key=lambda w: (round(fit[w]["mrr@10"], 3), _neighbourhood(fit, w)))
    print(f"best on fit set: dense_weight={best[0]} answer_type_weight={best[1]} sentence_weight={best[2]}")
    for check in checks:
        print(f"  on a check set: {check[best]}")


if __name__ == "__main__":
    main()
