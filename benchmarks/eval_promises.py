"""Precision and recall of promise extraction (corpus/promises.py) against tests/data/promises/labels.jsonl,
per split and for the two parts of ``PARTS``: FIT (letters the rules were written on, or held back in an earlier
round and looked at since) and HELD (letters not looked at while writing rules; report only).
A predicted sentence counts when its span overlaps a labelled one.

    python benchmarks/eval_promises.py [--split fit|heldout|heldout2|…|heldout70|FIT|HELD|all] [--show]"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from dafu.corpus.parse import parse_letter
from dafu.corpus.promises import extract_promises

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
LABELS = DATA / "promises" / "labels.jsonl"
PARTS = {"FIT": ("fit", "heldout", "heldout2", "heldout3", "heldout4", "heldout6", "heldout7", "heldout8",
                 "heldout9", "heldout10", "heldout11", "heldout12", "heldout13", "heldout14", "heldout15",
                 "heldout16", "heldout18", "heldout19", "heldout21", "heldout22", "heldout23", "heldout24",
                 "heldout26", "heldout27", "heldout29", "heldout30", "heldout31", "heldout35", "heldout37",
                 "heldout38", "heldout39", "heldout40", "heldout41", "heldout42", "heldout43", "heldout44",
                 "heldout45", "heldout46", "heldout47", "heldout48", "heldout49", "heldout50", "heldout51",
                 "heldout52", "heldout53", "heldout54", "heldout55", "heldout56", "heldout57", "heldout58",
                 "heldout59", "heldout60", "heldout61"),
         "HELD": ("heldout5", "heldout17", "heldout20", "heldout25", "heldout28", "heldout32", "heldout33",
                  "heldout34", "heldout36", "heldout62", "heldout63", "heldout64", "heldout65", "heldout66", "heldout67", "heldout68", "heldout69", "heldout70")}


def load_labels(path: Path = LABELS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def score(rows: list[dict], show: bool = False) -> dict:
    tp = fp = fn = 0
    for row in rows:
        path = DATA / row["file"]
        letter = parse_letter(path.read_text(encoding="utf-8"), row["letter_id"], str(path))
        gold = [(p["start"], p["end"]) for p in row["promises"]]
        for p in row["promises"]:
            assert letter.body[p["start"]:p["end"]] == p["text"], (row["letter_id"], p["text"])
        got = [(p.start, p.end) for p in extract_promises(letter.body, letter.date)]
        hit = [g for g in got if any(g[0] < e and s < g[1] for s, e in gold)]
        found = [g for g in gold if any(g[0] < e and s < g[1] for s, e in got)]
        tp += len(hit)
        fp += len(got) - len(hit)
        fn += len(gold) - len(found)
        if show:
            for s, e in got:
                if (s, e) not in hit:
                    print(f"FP {row['letter_id']}: {letter.body[s:e]}")
            for s, e in gold:
                if (s, e) not in found:
                    print(f"FN {row['letter_id']}: {letter.body[s:e]}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = (tp / (tp + fn)) if tp + fn else 1.0
    return {"letters": len(rows), "labelled": sum(len(r["promises"]) for r in rows), "predicted": tp + fp,
            "precision": round(precision, 3), "recall": round(recall, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    splits = PARTS["FIT"] + PARTS["HELD"]
    parser.add_argument("--split", choices=(*splits, *PARTS, "all"), default="all")
    parser.add_argument("--show", action="store_true", help="print false positives and misses")
    args = parser.parse_args()
    rows = load_labels()
    for name in (*splits, *PARTS) if args.split == "all" else (args.split,):
        part = [r for r in rows if r["split"] in PARTS.get(name, (name,))]
        print(name, json.dumps(score(part, args.show), ensure_ascii=False))


if __name__ == "__main__":
    main()
