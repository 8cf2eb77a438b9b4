"""Fit the answer sentence weights and the abstention thresholds of search/answer.py, and print the figures.

    python benchmarks/calibrate_abstention.py [--seed-index DIR] [--dev-index DIR]

Without index directories it builds both (seeds; seeds + tests/data/eval/dev_letters) in a temporary folder.
Data: dev.jsonl (20 answerable, seed index), dev_real.jsonl (47 answerable, dev index) and
tests/data/unanswerable.jsonl (questions the letters cannot answer, asked of both indexes).
1. Sentence weights (W_KW, W_TYPE, W_RANK, W_BOILERPLATE; W_COS = 1): a grid, fitted on dev.jsonl by answer@1 without
   abstention, then checked on dev_real.jsonl (and the other way round).
2. Abstention: evidence = coverage + EVIDENCE_NOUNS * noun coverage + EVIDENCE_COS * (cosine - 0.9) of the best
   sentence, abstain below MIN_EVIDENCE.  A grid maximising mean(answer@1 over both answerable sets) +
   mean(abstention rate over the unanswerable questions), subject to >= 90 % abstention; among equals the
   setting with the widest band of equally good thresholds, and the middle of that band.  Also fitted on half of
   the unanswerable questions and checked on the other half.
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
EVAL = ROOT / "tests" / "data" / "eval"


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
    print("questions: " + ", ".join(f"{k} {len(v)}" for k, v in rows.items()))
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

    grid = list(itertools.product([0.1, 0.2, 0.4, 0.6, 1.0], [0.0, 0.1, 0.25, 0.4], [0.0, 0.05, 0.1, 0.2],
                                  [0.0, 0.05, 0.1, 0.2]))
    current = (A.W_KW, A.W_TYPE, A.W_RANK, A.W_BOILERPLATE)
    print("\n1. sentence weights (W_KW, W_TYPE, W_RANK, W_BOILERPLATE), answer@1 without abstention")
    for fit, check in (("dev", "dev_real"), ("dev_real", "dev")):
        best = max(grid, key=lambda w: answer_at_1(fit, w))
        print(f"  fitted on {fit}: {best} -> {fit} {answer_at_1(fit, best):.3f}, {check} {answer_at_1(check, best):.3f}")
    joint = max(grid, key=lambda w: answer_at_1("dev", w) + answer_at_1("dev_real", w))
    print(f"  fitted on both: {joint} -> dev {answer_at_1('dev', joint):.3f}, dev_real {answer_at_1('dev_real', joint):.3f}")
    print(f"  in use {current}: dev {answer_at_1('dev', current):.3f}, dev_real {answer_at_1('dev_real', current):.3f}")

    def outcome_t(row, setting):
        nouns, cos, threshold = setting
        if row and A.evidence(max(row["units"], key=lambda fu: _score(fu[0], current))[0], nouns, cos) < threshold:
            return False, True
        return outcome(row, current)

    def rates(setting, pick=None):
        unans = [outcome_t(r, setting)[1] for n in ("unans@seed", "unans@dev") for i, r in enumerate(rows[n])
                 if pick is None or i % 2 == pick]
        answered = {n: statistics.mean(outcome_t(r, setting)[0] for r in rows[n]) for n in ("dev", "dev_real")}
        return statistics.mean(unans), answered

    def fit(pick=None):
        best = None
        for nouns, cos in itertools.product([0.0, 0.5, 1.0], [0.0, 2.0, 4.0, 8.0]):
            scored = []
            for threshold in [round(0.02 * i, 2) for i in range(-25, 101)]:
                rate, answered = rates((nouns, cos, threshold), pick)
                scored.append(((rate >= 0.9, round(statistics.mean(answered.values()) + rate, 6)), threshold))
            top = max(key for key, _ in scored)
            band = [t for key, t in scored if key == top]
            candidate = (top, len(band), (nouns, cos, band[len(band) // 2]))
            if best is None or candidate[:2] > best[:2]:
                best = candidate
        return best[2]

    def show(label, setting, pick=None):
        rate, answered = rates(setting, pick)
        held = f" (held-out half {pick})" if pick is not None else ""
        print(f"  {label} {setting}: abstain on unanswerable{held} {rate:.3f}, answer@1 dev {answered['dev']:.3f}, "
              f"dev_real {answered['dev_real']:.3f}")

    print("\n2. abstention (EVIDENCE_NOUNS, EVIDENCE_COS, MIN_EVIDENCE) with the weights in use")
    for pick in (0, 1):
        show(f"fitted on unanswerable half {pick}:", fit(pick), 1 - pick)
    fitted = fit()
    show("fitted on all:", fitted)
    used = (A.EVIDENCE_NOUNS, A.EVIDENCE_COS, A.MIN_EVIDENCE)
    show("in use:", used)
    for name in rows:
        values = sorted(A.evidence(max(r["units"], key=lambda fu: _score(fu[0], current))[0]) for r in rows[name] if r)
        print(f"    {name:11s} abstained {statistics.mean(outcome_t(r, used)[1] for r in rows[name]):.3f}; "
              f"evidence lowest {', '.join(f'{v:.2f}' for v in values[:3])} … highest "
              f"{', '.join(f'{v:.2f}' for v in values[-3:])}")

    print("\nbest-sentence features per set: min / median / max")
    for name in rows:
        best = [max(r["units"], key=lambda fu: _score(fu[0], current))[0] for r in rows[name] if r]
        for key in ("cos", "coverage", "noun_cov"):
            values = [b[key] for b in best]
            print(f"  {name:11s} {key:8s} {min(values):.3f} / {statistics.median(values):.3f} / {max(values):.3f}")
    return 0


def _score(f: dict, w) -> float:
    from dafu.search.answer import score

    return score(f, w)


if __name__ == "__main__":
    sys.exit(main())
