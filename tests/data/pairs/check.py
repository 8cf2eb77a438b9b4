#!/usr/bin/env python3
"""Check the labelled pair set: letters exist, no repeated pair, valid labels,
every letter used, no two letter files identical after removing whitespace.
Standard library only. Exit status 1 on any error."""
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = {"same", "area", "unrelated"}


def main() -> int:
    errors = []
    letters = {p.stem: p for p in sorted((HERE / "letters").glob("p-*.txt"))}
    seen = set()
    counts = Counter()
    used = set()
    for n, line in enumerate((HERE / "pairs.jsonl").read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            errors.append(f"line {n}: bad JSON ({e})")
            continue
        a, b, label = rec.get("a"), rec.get("b"), rec.get("label")
        for key in ("a", "b", "label", "why", "area"):
            if key not in rec:
                errors.append(f"line {n}: missing {key}")
        if label not in LABELS:
            errors.append(f"line {n}: bad label {label!r}")
        for x in (a, b):
            if x not in letters:
                errors.append(f"line {n}: no letter file for {x!r}")
        if a == b:
            errors.append(f"line {n}: pair of a letter with itself ({a})")
        key = frozenset((a, b))
        if key in seen:
            errors.append(f"line {n}: repeated pair {a} {b}")
        seen.add(key)
        counts[label] += 1
        used.update((a, b))
    for lid in sorted(set(letters) - used):
        errors.append(f"letter {lid} is in no pair")
    texts = {}
    for lid, path in letters.items():
        norm = re.sub(r"\s+", "", path.read_text(encoding="utf-8"))
        if not norm:
            errors.append(f"letter {lid} is empty")
        if norm in texts:
            errors.append(f"letters {texts[norm]} and {lid} are identical after removing whitespace")
        texts.setdefault(norm, lid)
    src = (HERE / "sources.md").read_text(encoding="utf-8")
    for lid in letters:
        if f"| {lid} |" not in src:
            errors.append(f"letter {lid} missing from sources.md")
    print(f"letters: {len(letters)}  pairs: {sum(counts.values())}  " +
          "  ".join(f"{k}: {counts.get(k, 0)}" for k in sorted(LABELS)))
    for e in errors:
        print("ERROR:", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
