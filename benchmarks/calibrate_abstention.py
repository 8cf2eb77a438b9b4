"""Fit the answer sentence weights and the abstention thresholds of search/answer.py, and print the figures.

    python benchmarks/calibrate_abstention.py [--seed-index DIR] [--dev-index DIR]

Without index directories it builds both (seeds; seeds + ../shared/eval/dev_letters) in a temporary folder.
Data: dev.jsonl (20 answerable, seed index), dev_real.jsonl (47 answerable, dev index) and
tests/data/unanswerable.jsonl (questions the letters cannot answer, asked of both indexes).
1. Sentence weights (W_KW, W_TYPE, W_RANK; W_COS = 1): a grid, fitted on dev.jsonl by answer@1 without
   abstention, then checked on dev_real.jsonl (and the other way round).
2. Thresholds (MIN_COSINE, MIN_COVERAGE) on the best sentence: a grid maximising
   mean(answer@1 over both answerable sets) + mean(abstention rate over the unanswerable questions),
   subject to >= 90 % abstention; also fitted on half of the unanswerable questions and checked on the other.
"""
from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed-index")
    ap.add_argument("--dev-index")
    args = ap.parse_args()

    from dafu.corpus.normalize import normalize_for_match
    from dafu.index.build import build_index
    from dafu.search import answer as A
    from dafu.search.api import Searcher
    from dafu.search.evaluate import load_questions

    tmp = Path(tempfile.mkdtemp(prefix="dafu-calibrate-"))
    seed_dir = args.seed_index or tmp / "seed"
    dev_dir = args.dev_index or tmp / "dev"
    if not args.seed_index:
        build_index(index_dir=seed_dir)
    if not args.dev_index:
        build_index(index_dir=dev_dir)
        build_index([EVAL / "dev_letters"], index_dir=dev_dir)
    seed, dev = Searcher.open(seed_dir), Searcher.open(dev_dir)
    unanswerable = load_questions(ROOT / "tests" / "data" / "unanswerable.jsonl")
    sets = {"dev": (seed, load_questions(EVAL / "dev.jsonl")),
            "dev_real": (dev, load_questions(EVAL / "dev_real.jsonl")),
            "unans@seed": (seed, unanswerable), "unans@dev": (dev, unanswerable)}

    # Features of every candidate sentence, computed once (the embedding is the slow part).
    rows, seconds = {}, []
    for name, (searcher, questions) in sets.items():
        rows[name] = []
        for q in questions:
            started = time.perf_counter()
            passages = searcher.search(q["q"], top_k=5)
            units = A.rank_units(searcher, q["q"], passages)
            seconds.append(time.perf_counter() - started)
            gold = [normalize_for_match(span) for _, span in q["gold"]]
            rows[name].append({"units": [(u.features, normalize_for_match(u.text)) for u in units], "gold": gold}
                              if units else None)
    print(f"questions: " + ", ".join(f"{k} {len(v)}" for k, v in rows.items()))
    print(f"latency of retrieval + sentence scoring (first pass, cold caches): mean {statistics.mean(seconds):.3f} s, "
          f"max {max(seconds):.3f} s")

    def outcome(row, w, thresholds=None):
        """(answered correctly, abstained) for one question under weights w and thresholds."""
        if not row:
            return False, True
        scored = sorted(row["units"], key=lambda fu: -_score(fu[0], w))
        best = scored[0][0]
        if thresholds and (best["cos"] < thresholds[0] or best["coverage"] < thresholds[1]):
            return False, True
        top = _score(best, w)
        joined = "".join(text for f, text in scored[:3] if _score(f, w) >= top - A.EXTRA_MARGIN)
        return any(g in joined for g in row["gold"]), False

    def answer_at_1(name, w, thresholds=None):
        return statistics.mean(outcome(r, w, thresholds)[0] for r in rows[name])

    grid = list(itertools.product([0.2, 0.4, 0.6, 0.8, 1.0], [0.0, 0.1, 0.25, 0.4], [0.0, 0.05, 0.1, 0.2]))
    current = (A.W_KW, A.W_TYPE, A.W_RANK)
    print("\n1. sentence weights (W_KW, W_TYPE, W_RANK), answer@1 without abstention")
    for fit, check in (("dev", "dev_real"), ("dev_real", "dev")):
        best = max(grid, key=lambda w: answer_at_1(fit, w))
        print(f"  fitted on {fit}: {best} -> {fit} {answer_at_1(fit, best):.3f}, {check} {answer_at_1(check, best):.3f}")
    joint = max(grid, key=lambda w: answer_at_1("dev", w) + answer_at_1("dev_real", w))
    print(f"  fitted on both: {joint} -> dev {answer_at_1('dev', joint):.3f}, dev_real {answer_at_1('dev_real', joint):.3f}")
    print(f"  in use {current}: dev {answer_at_1('dev', current):.3f}, dev_real {answer_at_1('dev_real', current):.3f}")

    cos_grid = [round(0.76 + 0.005 * i, 3) for i in range(17)]
    cov_grid = [round(0.05 * i, 2) for i in range(17)]

    def abstain_rate(names, thresholds, pick=None):
        values = [outcome(r, current, thresholds)[1] for n in names for i, r in enumerate(rows[n])
                  if pick is None or i % 2 == pick]
        return statistics.mean(values)

    def objective(thresholds, pick=None):
        rate = abstain_rate(["unans@seed", "unans@dev"], thresholds, pick)
        good = (answer_at_1("dev", current, thresholds) + answer_at_1("dev_real", current, thresholds)) / 2
        return (rate >= 0.9, good + rate)

    print("\n2. abstention thresholds (MIN_COSINE, MIN_COVERAGE) with the weights in use")
    for pick in (0, 1):
        t = max(itertools.product(cos_grid, cov_grid), key=lambda t: objective(t, pick))
        print(f"  fitted on unanswerable half {pick}: {t} -> held-out half abstains "
              f"{abstain_rate(['unans@seed', 'unans@dev'], t, 1 - pick):.3f}, dev {answer_at_1('dev', current, t):.3f}, "
              f"dev_real {answer_at_1('dev_real', current, t):.3f}")
    t = max(itertools.product(cos_grid, cov_grid), key=objective)
    print(f"  fitted on all: {t}")
    used = (A.MIN_COSINE, A.MIN_COVERAGE)
    for label, th in (("fitted", t), ("in use", used)):
        print(f"  {label} {th}: dev answer@1 {answer_at_1('dev', current, th):.3f}, "
              f"dev_real {answer_at_1('dev_real', current, th):.3f}, abstain on unanswerable: "
              f"seed index {abstain_rate(['unans@seed'], th):.3f}, dev index {abstain_rate(['unans@dev'], th):.3f}; "
              f"answerable abstained: dev {abstain_rate(['dev'], th):.3f}, dev_real {abstain_rate(['dev_real'], th):.3f}")

    print("\nbest-sentence features (cos, coverage) per set: min / median / max")
    for name in rows:
        best = [max(r["units"], key=lambda fu: _score(fu[0], current))[0] for r in rows[name] if r]
        for key in ("cos", "coverage"):
            values = [b[key] for b in best]
            print(f"  {name:11s} {key:8s} {min(values):.3f} / {statistics.median(values):.3f} / {max(values):.3f}")
    return 0


def _score(f: dict, w) -> float:
    return f["cos"] + w[0] * f["kw"] + w[1] * f["type"] + w[2] * f["rank"]


if __name__ == "__main__":
    sys.exit(main())
