"""Calibrate the duplicate-finder tiers: score distributions of same-topic, different-topic and paraphrase
pairs on the seed + dev letters, and the thresholds they support.

Topics: the seed letters are one cluster (elderly care, 养老/医养结合); the dev letters' clusters A-D are
read from ``tests/data/eval/dev_letters.md``. Paraphrases: hand-written drafts restating, in other words,
the proposal an indexed letter answers (``dupes_drafts.py``); unrelated drafts treat topics no letter does.

Rules (printed with the figures), on scores rounded to 0.01:
  疑似重复 = the cut that best separates paraphrase -> its own letter from paraphrase -> other same-topic
             letters and same-topic letter pairs (max TPR - FPR), rounded down
  相关     = the higher of: the 95th percentile of different-topic scores (letter pairs, drafts vs
             other-topic letters), the cut that best separates same-topic from different-topic pairs
  高度相似 = the higher of: midway between 相关 and 疑似重复, just above every different-topic letter pair
             (also the default ``dupes --all`` threshold: pairs and cluster edges)

Same ask (``--asks INDEX_DIR``, an index of the seeds, dev letters, topics letters and pairs letters): the
labelled pairs of ``dupes_labels.py`` split BY AREA; a grid over (score floor, title floor, strong score, weak
title floor) keeps the settings with no false 疑似重复 and the most same-ask pairs on FIT, takes the median of
each constant over them, and prints precision / recall per split for that rule and for the old one.

Usage: python benchmarks/calibrate_dupes.py [--index-dir DIR] [--asks INDEX_DIR]   (an index of the seeds plus dev_letters;
without it one is built in a temporary directory)
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dupes_drafts import BUS_DRAFT, PARAPHRASES, UNRELATED  # noqa: E402

from dafu.search.api import Searcher  # noqa: E402
from dafu.search.dupes import TIERS, score_drafts  # noqa: E402
from dafu.search.dupes_all import pairs_in_space  # noqa: E402
from dafu.search.similarity import letter_space  # noqa: E402

SHARED = Path(__file__).resolve().parents[1] / "tests" / "data" / "eval"


def topics(ids: list[str]) -> dict[str, str]:
    """Letter id -> topic cluster (seeds: E; dev letters: A-D from dev_letters.md)."""
    table = (SHARED / "dev_letters.md").read_text(encoding="utf-8")
    dev = {m.group(1): m.group(2) for m in re.finditer(r"^\| (dev-\d+)\.txt \|(?:[^|]*\|){4} ([A-D])\b", table, re.M)}
    return {lid: dev.get(lid, "E" if not lid.startswith("dev-") else "?") for lid in ids}


def summary(name: str, values) -> str:
    v = np.asarray(values, float)
    if not len(v):
        return f"{name:34s} (none)"
    q = np.percentile(v, [0, 5, 25, 50, 75, 95, 100])
    return (f"{name:34s} n={len(v):4d}  min {q[0]:.3f}  p5 {q[1]:.3f}  p25 {q[2]:.3f}  median {q[3]:.3f}  "
            f"p75 {q[4]:.3f}  p95 {q[5]:.3f}  max {q[6]:.3f}")


def best_cut(positives, negatives) -> float:
    """The threshold maximising TPR - FPR (ties: the higher cut)."""
    pos, neg = np.asarray(positives, float), np.asarray(negatives, float)
    best, best_j = 1.0, -1.0
    for cut in np.unique(np.r_[pos, neg]):
        j = (pos >= cut).mean() - (neg >= cut).mean()
        if j >= best_j:
            best, best_j = float(cut), j
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index-dir")
    parser.add_argument("--asks", help="index of seeds + dev + topics + pairs letters: fit the same-ask rule")
    args = parser.parse_args()
    if args.asks:
        calibrate_asks(Searcher.open(args.asks))
        return
    if args.index_dir:
        searcher = Searcher.open(args.index_dir)
    else:
        from dafu.index.build import build_index

        directory = Path(tempfile.mkdtemp(prefix="dafu-calibrate-"))
        build_index(index_dir=directory)
        build_index([SHARED / "dev_letters"], index_dir=directory)
        searcher = Searcher.open(directory)
    space = letter_space(searcher)
    topic = topics(space.ids)
    n = len(space.ids)
    print(f"index: {n} letters, {len(space.chunk_text)} passages; topics "
          + ", ".join(f"{t}={sum(1 for v in topic.values() if v == t)}" for t in sorted(set(topic.values()))))

    report = pairs_in_space(space, threshold=-1.0, k=n, near_copies=False)
    same = [p["score"] for p in report["pairs"] if topic[p["a"]] == topic[p["b"]]]
    diff = [p["score"] for p in report["pairs"] if topic[p["a"]] != topic[p["b"]]]

    drafts = [{"name": f"para-{t}", "title": title, "text": text} for t, title, text in PARAPHRASES]
    others = [{"name": f"unrelated-{i}", "title": title, "text": text} for i, (title, text) in enumerate(UNRELATED)]
    bus = {"name": "bus", "title": BUS_DRAFT[0], "text": BUS_DRAFT[1]}
    scored = score_drafts(searcher, drafts + others + [bus], candidates=n)
    own, para_same, para_diff, unrelated_top = [], [], [], []
    print("\nparaphrase drafts (own letter: rank and score; best other letter):")
    for (target, title, _), rows in zip(PARAPHRASES, scored):
        ranked = sorted(((space.ids[p], s) for p, s, *_ in rows), key=lambda t: -t[1])
        mine = next((lid, s) for lid, s in ranked if lid.startswith(target))
        rank = [lid for lid, _ in ranked].index(mine[0]) + 1
        best_other = next((lid, s) for lid, s in ranked if lid != mine[0])
        own.append(mine[1])
        for lid, s in ranked:
            if lid != mine[0]:
                (para_same if topic[lid] == topic[mine[0]] else para_diff).append(s)
        print(f"  {target:8s} rank {rank}  {mine[1]:.3f}   best other {best_other[0][:12]} {best_other[1]:.3f}  《{title}》")
    print("unrelated drafts (best letter):")
    for (title, _), rows in zip(UNRELATED, scored[len(drafts):len(drafts) + len(others)]):
        lid, s = max(((space.ids[p], s) for p, s, *_ in rows), key=lambda t: t[1])
        unrelated_top.append(s)
        print(f"  {s:.3f} {lid[:12]}  《{title}》")
    bus_rows = sorted(((space.ids[p], s) for p, s, *_ in scored[-1]), key=lambda t: -t[1])
    print("bus-route draft, top letters: " + ", ".join(f"{lid[:12]} ({topic[lid]}) {s:.3f}" for lid, s in bus_rows[:5]))
    unrelated_all = [s for rows in scored[len(drafts):len(drafts) + len(others)] for _, s, *_ in rows]

    print("\nscore distributions:")
    print(summary("same-topic letter pairs", same))
    print(summary("different-topic letter pairs", diff))
    print(summary("paraphrase -> its own letter", own))
    print(summary("paraphrase -> other same-topic", para_same))
    print(summary("paraphrase -> other-topic letters", para_diff))
    print(summary("unrelated draft -> any letter", unrelated_all))

    different = diff + para_diff + unrelated_all
    duplicate = float(np.floor(best_cut(own, same + para_same) * 100) / 100)
    related = float(np.ceil(max(np.percentile(different, 95), best_cut(same + para_same, different)) * 100) / 100)
    high = float(np.ceil(max((related + duplicate) / 2, max(diff) + 1e-9) * 100) / 100)
    print("\nchosen thresholds (rules in this file's docstring):")
    print(f"  疑似重复 >= {duplicate:.2f}   paraphrase->own above: {np.mean(np.asarray(own) >= duplicate):.0%}, "
          f"same-topic pairs above: {np.mean(np.asarray(same + para_same) >= duplicate):.0%}")
    print(f"  高度相似 >= {high:.2f}   same-topic above: {np.mean(np.asarray(same + para_same) >= high):.0%}, "
          f"different-topic above: {np.mean(np.asarray(different) >= high):.0%}")
    print(f"  相关     >= {related:.2f}   different-topic above: {np.mean(np.asarray(different) >= related):.0%}, "
          f"same-topic above: {np.mean(np.asarray(same + para_same) >= related):.0%}")
    print("  in use (search/dupes.py TIERS): " + ", ".join(f"{name} >= {t:.2f}" for name, t in TIERS))
    print("\nclusters of dupes --all on this index at each tier floor (topic letters per cluster):")
    for name, floor in TIERS:
        found = pairs_in_space(space, threshold=floor, near_copies=False)["clusters"]
        print(f"  {name} {floor:.2f}: " + " | ".join("".join(sorted(topic[x] for x in c)) for c in found))


def calibrate_asks(searcher) -> None:
    from dupes_labels import area_of, draft_labels, drafts, letter_pairs, split_of

    from dafu.search import dupes as D

    space = letter_space(searcher)
    ids = space.ids
    profiles = D.ask_profiles(searcher, space)
    scored = {frozenset((p["a"], p["b"])): p for p in
              pairs_in_space(space, threshold=-1.0, k=len(ids), profiles=profiles)["pairs"]}
    rows = []   # (label, split, score, ask, conflict, near)
    for p in letter_pairs(ids):
        q = scored.get(frozenset((p["a"], p["b"])))
        if q:
            rows.append((p["label"], p["split"], q["score"], q["ask_score"], q["place_conflict"], q["near_copy"]))
    found = drafts()
    for draft, result in zip(found, D.score_drafts(searcher, [{"name": str(i), **d} for i, d in enumerate(found)],
                                                   candidates=len(ids))):
        labels = draft_labels(draft, ids)
        split = split_of(area_of(next(i for i in ids if i.startswith(draft["target"]))))
        mine = D.ask_profile(draft["title"], draft["text"])
        for position, score, near, *_ in result:
            if ids[position] in labels:
                ask, conflict = D.ask_agreement(mine, profiles[position])
                rows.append((labels[ids[position]], split, score, ask, conflict, near))

    def counts(split, rule):
        tp = sum(1 for r in rows if r[1] == split and r[0] in ("same", "copy") and rule(r))
        fp = sum(1 for r in rows if r[1] == split and r[0] not in ("same", "copy") and rule(r))
        fn = sum(1 for r in rows if r[1] == split and r[0] in ("same", "copy") and not rule(r))
        return tp, fp, fn

    grid = []
    for s_floor in np.arange(0.58, 0.755, 0.01):
        for t_floor in np.arange(0.10, 0.605, 0.05):
            for strong in np.arange(0.70, 0.865, 0.02):
                for weak in (0.0, 0.1, 0.15, 0.2):
                    def rule(r, s_floor=s_floor, t_floor=t_floor, strong=strong, weak=weak):
                        return r[5] or (not r[4] and r[2] >= s_floor and r[3] >= (weak if r[2] >= strong else t_floor))
                    tp, fp, _ = counts("fit", rule)
                    grid.append((fp > 0, -tp, fp, round(float(s_floor), 2), round(float(t_floor), 2),
                                 round(float(strong), 2), weak))
    grid.sort()
    ties = [g for g in grid if g[:3] == grid[0][:3]]
    median = [float(np.median([g[i] for g in ties])) for i in (3, 4, 5, 6)]
    print(f"FIT: {len(ties)} settings with {grid[0][2]} false 疑似重复 and {-grid[0][1]} same-ask pairs found; "
          f"median: score >= {median[0]:.2f}, title >= {median[1]:.3f}, strong >= {median[2]:.2f}, weak title >= {median[3]:.3f}")
    print(f"in use: score >= {D.SAME_ASK_SCORE}, title >= {D.SAME_ASK_TITLE}, strong >= {D.SAME_ASK_STRONG}, "
          f"weak title >= {D.SAME_ASK_TITLE_WEAK}")
    for name, rule in (("now", lambda r: D.same_ask(r[2], r[3], r[4], r[5])), ("before", lambda r: r[5] or r[2] >= TIERS[0][1])):
        for split in ("fit", "held"):
            tp, fp, fn = counts(split, rule)
            n_area = sum(1 for r in rows if r[1] == split and r[0] == "area")
            n_unrel = sum(1 for r in rows if r[1] == split and r[0] == "unrelated")
            print(f"  {name:6s} {split:4s} 疑似重复 precision {tp / max(tp + fp, 1):.3f} ({tp}/{tp + fp})  recall "
                  f"{tp / max(tp + fn, 1):.3f} ({tp}/{tp + fn})   pairs: same {tp + fn}, area {n_area}, unrelated {n_unrel}")


if __name__ == "__main__":
    main()
