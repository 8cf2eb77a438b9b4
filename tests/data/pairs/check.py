#!/usr/bin/env python3
"""Check the labelled pair set: letters exist, no repeated pair, valid labels and splits,
every letter used, no two letter files identical after removing whitespace, `same` groups
consistent, and no letter in both the fit and the held split.
Standard library only. Exit status 1 on any error."""
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = {"same", "area", "unrelated"}
SPLITS = {"fit", "held"}


class Groups:
    """Union-find over letters joined by `same` pairs."""

    def __init__(self):
        self.parent = {}

    def find(self, x):
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b):
        self.parent[self.find(a)] = self.find(b)


def main() -> int:
    errors = []
    letters = {p.stem: p for p in sorted((HERE / "letters").glob("p-*.txt"))}
    seen = set()
    counts = Counter()
    used = set()
    recs = []
    for n, line in enumerate((HERE / "pairs.jsonl").read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            errors.append(f"line {n}: bad JSON ({e})")
            continue
        a, b, label, split = rec.get("a"), rec.get("b"), rec.get("label"), rec.get("split")
        for key in ("a", "b", "label", "why", "area", "split"):
            if key not in rec:
                errors.append(f"line {n}: missing {key}")
        if label not in LABELS:
            errors.append(f"line {n}: bad label {label!r}")
        if split not in SPLITS:
            errors.append(f"line {n}: bad split {split!r}")
        if label == "same" and not rec.get("group"):
            errors.append(f"line {n}: same pair without a group")
        if label != "same" and "group" in rec:
            errors.append(f"line {n}: group on a {label} pair")
        for x in (a, b):
            if x not in letters:
                errors.append(f"line {n}: no letter file for {x!r}")
        if a == b:
            errors.append(f"line {n}: pair of a letter with itself ({a})")
        key = frozenset((a, b))
        if key in seen:
            errors.append(f"line {n}: repeated pair {a} {b}")
        seen.add(key)
        counts[(label, split)] += 1
        used.update((a, b))
        recs.append((n, rec))

    # same groups: connected components of the same pairs must carry one group name each,
    # a group name must not span two components, and no area/unrelated pair may join two
    # letters of one component (that would contradict transitivity)
    uf = Groups()
    for n, rec in recs:
        if rec.get("label") == "same":
            uf.union(rec["a"], rec["b"])
    names = defaultdict(set)
    comps_of_name = defaultdict(set)
    for n, rec in recs:
        if rec.get("label") == "same" and rec.get("group"):
            root = uf.find(rec["a"])
            names[root].add(rec["group"])
            comps_of_name[rec["group"]].add(root)
    for root, ns in names.items():
        if len(ns) > 1:
            errors.append(f"same pairs joined through {root} carry several groups: {sorted(ns)}")
    for name, roots in comps_of_name.items():
        if len(roots) > 1:
            errors.append(f"group {name!r} names {len(roots)} unconnected sets of letters")
    for n, rec in recs:
        if rec.get("label") in ("area", "unrelated") and rec.get("a") in uf.parent and rec.get("b") in uf.parent:
            if uf.find(rec["a"]) == uf.find(rec["b"]):
                errors.append(f"line {n}: {rec['a']} {rec['b']} labelled {rec['label']} but joined by same pairs")
    # groups should be complete: every two letters of one group labelled (as same)
    members = defaultdict(set)
    for x in list(uf.parent):
        members[uf.find(x)].add(x)
    for root, ms in members.items():
        for x in ms:
            for y in ms:
                if x < y and frozenset((x, y)) not in seen:
                    errors.append(f"letters {x} and {y} are in one same group but their pair is not labelled")

    # splits: a letter lives in one split only
    split_of = defaultdict(set)
    for n, rec in recs:
        for x in (rec.get("a"), rec.get("b")):
            split_of[x].add(rec.get("split"))
    for x, ss in sorted(split_of.items(), key=lambda kv: str(kv[0])):
        if len(ss) > 1:
            errors.append(f"letter {x} is in pairs of several splits: {sorted(map(str, ss))}")

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

    total = sum(counts.values())
    by_label = Counter()
    for (label, split), c in counts.items():
        by_label[label] += c
    split_letters = Counter(next(iter(ss)) for ss in split_of.values() if len(ss) == 1)
    print(f"letters: {len(letters)}  pairs: {total}  " +
          "  ".join(f"{k}: {by_label.get(k, 0)}" for k in sorted(LABELS)))
    for s in sorted(SPLITS):
        print(f"  {s}: letters {split_letters.get(s, 0)}  " +
              "  ".join(f"{k}: {counts.get((k, s), 0)}" for k in sorted(LABELS)))
    groups = sorted(comps_of_name)
    print(f"  same groups: {len(groups)}")
    for e in errors:
        print("ERROR:", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
