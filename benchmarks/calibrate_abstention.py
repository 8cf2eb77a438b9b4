"""Fit the abstention floor MIN_EVIDENCE of search/answer.py on the fit topics; report it on the held-back ones.

    python benchmarks/calibrate_abstention.py [--index DIR]

The index holds the seeds, tests/data/eval/dev_letters and tests/data/topics/letters (built in a temporary
folder when no directory is given). Questions: tests/data/topics/fit.jsonl and held.jsonl (answerable ones
with gold spans, unanswerable ones without). For each question the sentences that can answer at all
(``can_answer``: the rules on year, place, ordinal, measure, date and the letter's frame) are computed once;
then every MIN_EVIDENCE on a grid is scored on fit.jsonl by the share of all its questions handled right
(answered with the gold span, or abstained when there is none), and the middle of the widest band of equally
good values is reported with its held.jsonl figures.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index")
    args = ap.parse_args()

    from dafu.corpus.normalize import normalize_for_match
    from dafu.index.build import build_index
    from dafu.search import answer as A
    from dafu.search.api import Searcher
    from dafu.search.asked import Asked, can_answer
    from dafu.search.evaluate import load_questions

    index = args.index or Path(tempfile.mkdtemp(prefix="dafu-calibrate-")) / "topics"
    if not args.index:
        build_index([ROOT / "corpus" / "letters", DATA / "eval" / "dev_letters", DATA / "topics" / "letters"],
                    index_dir=index, progress=True)
    searcher = Searcher.open(index)
    rows = {}
    for name in ("fit", "held"):
        rows[name] = []
        for number, q in enumerate(load_questions(DATA / "topics" / f"{name}.jsonl"), 1):
            units = A.rank_units(searcher, q["q"], searcher.search(q["q"], top_k=5))
            units = can_answer(searcher, q["q"], Asked.of(q["q"], searcher.known_places), units)
            joined = normalize_for_match("".join(u.text for u in A.select(units))) if units else ""
            rows[name].append({"answerable": bool(q["gold"]),
                               "evidence": A.evidence(units[0].features) if units else None,
                               "hit": any(normalize_for_match(span) in joined for _, span in q["gold"])})
            if number % 25 == 0:
                print(f"  {name}: {number} questions", file=sys.stderr)

    def rates(name: str, floor: float) -> dict:
        answers = [r for r in rows[name] if r["answerable"]]
        others = [r for r in rows[name] if not r["answerable"]]
        abstains = [r["evidence"] is None or r["evidence"] < floor for r in rows[name]]
        by_row = dict(zip(map(id, rows[name]), abstains))
        return {"answer@1": statistics.mean(r["hit"] and not by_row[id(r)] for r in answers),
                "false_abstention": statistics.mean(by_row[id(r)] for r in answers),
                "abstention": statistics.mean(by_row[id(r)] for r in others)}

    def handled(name: str, floor: float) -> float:
        """The share of all questions handled right: answered with the gold span, or abstained without one."""
        r, answerable = rates(name, floor), sum(row["answerable"] for row in rows[name])
        return (r["answer@1"] * answerable + r["abstention"] * (len(rows[name]) - answerable)) / len(rows[name])

    grid = [round(0.05 * i, 2) for i in range(0, 41)]
    scores = {floor: round(handled("fit", floor), 6) for floor in grid}
    print("fit, share handled right by MIN_EVIDENCE: " + ", ".join(f"{f:.2f} {v:.3f}" for f, v in scores.items()))
    top = max(scores.values())
    band = [floor for floor in grid if scores[floor] == top]
    widest, run = [], []
    for floor in grid:
        run = run + [floor] if scores[floor] == top else []
        widest = run if len(run) > len(widest) else widest
    fitted = widest[len(widest) // 2]
    print(f"best on fit: {top:.3f} for MIN_EVIDENCE in {band}; widest band {widest[0]}-{widest[-1]}, middle {fitted}")
    for floor in sorted({fitted, A.MIN_EVIDENCE, 0.0, 1.26}):
        figures = "; ".join(f"{name} " + ", ".join(f"{k} {v:.3f}" for k, v in rates(name, floor).items())
                            for name in rows)
        print(f"  MIN_EVIDENCE {floor:.2f}{' (in use)' if floor == A.MIN_EVIDENCE else ''}: {figures}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
