"""Labelled letter pairs for the duplicate finder, and the fit / held-back split (by area, never by pair).

Labels:
  same       two replies to the same concrete ask (the same proposal, or the same member's / another member's
             proposal asking the same thing of the same place); real letters: tests/data/pairs (group column)
  copy       the same letter published twice (mirror site, other portal): must be caught as ``near_copy``
  area       the same policy area, a different ask (another place, another road, another measure)
  unrelated  different areas
Drafts: ``tests/data/pairs/drafts.jsonl`` holds member drafts WRITTEN HERE (not real letters), each restating
the ask one real letter answers: draft -> its letter is "same"; draft -> other letters of that letter's area
is "area"; draft -> letters of other areas is "unrelated".

Where the labels come from:
  - tests/data/pairs/pairs.jsonl (hand labels, with reasons)
  - corpus/letters (the five bundled letters: elderly care in five places / levels of Fujian, all "area")
  - tests/data/eval/dev_letters.md clusters A-D (several places per topic: "area" within, "unrelated" across)
  - tests/data/topics/letters t-<topic>-NN (one topic code per file name, different places: same rule)
  - copies: letters stored in two sets (COPIES below)
Pairs across two sets are only labelled when listed (copies) or when their areas are unrelated by AREA_OF.

Split by area: HELD areas are never used to fit a constant; FIT areas are. The topics split follows
tests/data/topics/fit.jsonl / held.jsonl (topic codes); dev clusters A, C and the seeds are FIT, dev B and D
HELD. The pairs set's split is READ from tests/data/pairs/pairs.jsonl (its ``split`` field; every letter, and so
every area of that set, lives in one split): 应急救援, 学校建设 and 机场建设 are FIT, the rest (roads, buses,
railways, health, ...) HELD. A pair of two sets is HELD when either letter is.

Copies: a letter stored in two sets. When both files are indexed the pair is labelled ``copy``; when the two
files hold the same letter the indexer keeps only the first one it reads (the other is listed as its source,
``index/copies.py``), so the labels of the other id apply to its indexed twin (p-044 = t-xw-02, p-047 = t-xw-03,
p-029 = dev-013, ...).

Run: ``python benchmarks/dupes_labels.py [--index-dir DIR]`` prints precision and recall of every tier on
FIT and HELD (letter pairs and drafts); without an index (or with an empty one) it builds the archive index
(bundled + dev + topics + pairs letters) in DIR or a temporary directory, as tests/conftest.py does.
"""
from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"

# area of each letter group -> broad area (letters of two sets in one broad area are not labelled, except copies)
FIT_AREAS = {"seed", "dev-A", "dev-C", "t-cj", "t-fh", "t-js", "t-rq", "t-sr", "t-xf", "t-xw", "t-yb"}
COPIES = [("dev-011", "p-026"), ("dev-012", "p-027"), ("dev-013", "p-029"),
          ("t-xw-02", "p-044"), ("t-xw-03", "p-047")]
BROAD = {  # area -> broad policy area, to know which cross-set pairs are plainly unrelated
    "seed": "养老", "dev-A": "学前", "dev-B": "交通", "dev-C": "环境", "dev-D": "卫生",
    "t-yb": "卫生", "t-js": "体育", "t-sr": "市容", "t-ys": "水", "t-ly": "旅游", "t-gjj": "公积金",
    "t-jz": "救助", "t-cj": "残疾", "t-fh": "林业", "t-tx": "通信", "t-wg": "治理", "t-bz": "殡葬",
    "t-rq": "燃气", "t-xf": "消费", "t-tsg": "文化", "t-xw": "教育", "t-dd": "市容",
    "p-交通道路": "交通", "p-农村公路": "交通", "p-公交": "交通", "p-卫生健康": "卫生", "p-城市管理": "市容",
    "p-生态环境": "环境", "p-旅游": "旅游", "p-农村物流/道路": "交通", "p-卫生健康(近视防控)": "卫生",
    "p-生态环境(塑料)": "环境", "p-应急救援": "应急", "p-学校建设": "教育", "p-机场建设": "交通",
    "p-铁路建设": "交通", "p-医疗保障": "卫生",
}


def dev_clusters() -> dict[str, str]:
    table = (DATA / "eval" / "dev_letters.md").read_text(encoding="utf-8")
    return {m.group(1): m.group(2) for m in re.finditer(r"^\| (dev-\d+)\.txt \|(?:[^|]*\|){4} ([A-D])\b", table, re.M)}


def pairs_areas() -> dict[str, str]:
    """p-NNN -> its area column in tests/data/pairs/sources.md."""
    out = {}
    for line in (DATA / "pairs" / "sources.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells and re.fullmatch(r"p-\d{3}", cells[0]) and len(cells) >= 8:
            out[cells[0]] = cells[6]
    return out


def area_of(letter_id: str, p_areas: dict | None = None, dev: dict | None = None) -> str | None:
    """The labelled area of an indexed letter id (None: not a labelled letter)."""
    if re.match(r"^00\d_", letter_id):
        return "seed"
    if letter_id.startswith("dev-"):
        cluster = (dev if dev is not None else dev_clusters()).get(letter_id)
        return f"dev-{cluster}" if cluster else None
    m = re.match(r"^t-([a-z]+)-\d+$", letter_id)
    if m:
        return f"t-{m.group(1)}"
    if letter_id.startswith("p-"):
        area = (p_areas if p_areas is not None else pairs_areas()).get(letter_id)
        return f"p-{area}" if area else None
    return None


def pair_records() -> list[dict]:
    """The hand-labelled pairs of tests/data/pairs/pairs.jsonl."""
    text = (DATA / "pairs" / "pairs.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def pairs_splits() -> dict[str, str]:
    """Letter id and ``p-<area>`` -> the split recorded in pairs.jsonl (check.py keeps each letter, and this
    function each area, in one split)."""
    p_areas = pairs_areas()
    out: dict[str, str] = {}
    for rec in pair_records():
        for x in (rec["a"], rec["b"]):
            for key in (x, f"p-{p_areas.get(x)}"):
                if out.setdefault(key, rec["split"]) != rec["split"]:
                    raise ValueError(f"{key} is in pairs of both splits (run tests/data/pairs/check.py)")
    return out


def split_of(area: str | None, splits: dict | None = None) -> str:
    """FIT or HELD for an area: the pairs set's areas (``p-...``) as pairs.jsonl records them, the others by
    FIT_AREAS."""
    if area and area.startswith("p-"):
        return (splits if splits is not None else pairs_splits()).get(area, "held")
    return "fit" if area in FIT_AREAS else "held"


def twins() -> dict[str, str]:
    """Both directions of COPIES."""
    return {**{a: b for a, b in COPIES}, **{b: a for a, b in COPIES}}


def drafts() -> list[dict]:
    """The drafts written here (``{"target", "title", "text", ...}``) plus the calibration paraphrases."""
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from dupes_drafts import PARAPHRASES

    out = [json.loads(line) for line in (DATA / "pairs" / "drafts.jsonl").read_text(encoding="utf-8").splitlines()
           if line.strip()]
    out += [{"target": t, "title": title, "text": text} for t, title, text in PARAPHRASES]
    return out


def letter_pairs(ids: list[str]) -> list[dict]:
    """Labelled pairs among ``ids``: ``{"a", "b", "label", "area", "split"}`` (``area`` of a). Pairs of
    pairs.jsonl keep the split it records; the other pairs are "held" when either side is in a held area.
    An id of pairs.jsonl that is not indexed stands for its indexed twin (COPIES)."""
    p_areas, dev, splits = pairs_areas(), dev_clusters(), pairs_splits()
    area = {lid: area_of(lid, p_areas, dev) for lid in ids}
    prefix = {lid: lid.split("_")[0] if re.match(r"^00\d_", lid) else lid for lid in ids}
    by_short = {prefix[lid]: lid for lid in ids}
    twin = twins()

    def indexed(x: str) -> str | None:
        return by_short.get(x) or by_short.get(twin.get(x, ""))

    labels: dict[frozenset, tuple[str, str]] = {}   # pair -> (label, split)
    for a, b in itertools.combinations(sorted(i for i in ids if area[i]), 2):
        sa, sb = area[a], area[b]
        split = "held" if "held" in (split_of(sa, splits), split_of(sb, splits)) else "fit"
        same_set = sa.split("-")[0] == sb.split("-")[0] and (sa[0] != "p")
        if same_set:
            labels[frozenset((a, b))] = ("area" if sa == sb else "unrelated", split)
        elif BROAD.get(sa) and BROAD.get(sb) and BROAD[sa] != BROAD[sb]:
            labels[frozenset((a, b))] = ("unrelated", split)
    for rec in pair_records():
        a, b = indexed(rec["a"]), indexed(rec["b"])
        if a and b and a != b:
            labels[frozenset((a, b))] = (rec["label"], rec["split"])
    for a, b in COPIES:
        if a in by_short and b in by_short:
            split = "held" if "held" in (split_of(area[by_short[a]], splits), split_of(area[by_short[b]], splits)) \
                else "fit"
            labels[frozenset((by_short[a], by_short[b]))] = ("copy", split)
    out = []
    for key, (label, split) in labels.items():
        a, b = sorted(key)
        out.append({"a": a, "b": b, "label": label, "area": area[a], "split": split})
    return sorted(out, key=lambda p: (p["a"], p["b"]))


def draft_target(draft: dict, ids: list[str]) -> str:
    """The indexed letter a draft restates (its twin when the target file was skipped as a duplicate)."""
    twin = twins().get(draft["target"], "\0")
    return next(i for i in ids if i.startswith(draft["target"]) or i == twin)


def draft_labels(draft: dict, ids: list[str]) -> dict[str, str]:
    """letter id -> label of (draft, letter) for a draft with a ``target`` letter."""
    p_areas, dev = pairs_areas(), dev_clusters()
    target = draft_target(draft, ids)
    mine = area_of(target, p_areas, dev)
    twin = twins()
    copies = {frozenset(c) for c in COPIES}
    out = {}
    for lid in ids:
        other = area_of(lid, p_areas, dev)
        if other is None:
            continue
        if lid == target or frozenset((target, lid)) in copies:
            out[lid] = "same"
        elif other == mine:
            out[lid] = "area"
        elif BROAD.get(other) != BROAD.get(mine):
            out[lid] = "unrelated"
    # the explicitly labelled "same" partners of the target are the same ask too
    names = {target, twin.get(target)}
    for rec in pair_records():
        if rec["label"] == "same" and (rec["a"] in names or rec["b"] in names):
            partner = rec["b"] if rec["a"] in names else rec["a"]
            partner = partner if partner in ids else twin.get(partner)
            if partner in ids:
                out[partner] = "same"
    return out


def draft_split(draft: dict, ids: list[str]) -> str:
    return split_of(area_of(draft_target(draft, ids)))


# ---------------------------------------------------------------- run: tier precision / recall

SAME = ("same", "copy")


def tier_rows(searcher) -> list[dict]:
    """Every labelled letter pair and draft pair with its tier: ``{"kind", "label", "split", "tier", "score",
    "ask", "conflict", "near"}`` (tier None below 相关)."""
    from dafu.search import dupes as D
    from dafu.search.dupes_all import pairs_in_space
    from dafu.search.similarity import letter_space

    space = letter_space(searcher)
    ids = space.ids
    profiles = D.ask_profiles(searcher, space)
    scored = {frozenset((p["a"], p["b"])): p for p in
              pairs_in_space(space, threshold=-1.0, k=len(ids), profiles=profiles)["pairs"]}
    rows = []
    for p in letter_pairs(ids):
        q = scored.get(frozenset((p["a"], p["b"])))
        if q:
            rows.append({"kind": "letters", "label": p["label"], "split": p["split"], "pair": (p["a"], p["b"]),
                         "score": q["score"], "ask": q["ask_score"], "conflict": q["place_conflict"],
                         "near": q["near_copy"],
                         "tier": D.tier_for(q["score"], q["ask_score"], q["place_conflict"], q["near_copy"])})
    found = drafts()
    results = D.score_drafts(searcher, [{"name": str(i), **d} for i, d in enumerate(found)], candidates=len(ids))
    for draft, result in zip(found, results):
        labels = draft_labels(draft, ids)
        split = draft_split(draft, ids)
        mine = D.ask_profile(draft["title"], draft["text"])
        for position, score, near, *_ in result:
            lid = ids[position]
            if lid in labels:
                ask, conflict = D.ask_agreement(mine, profiles[position])
                rows.append({"kind": "drafts", "label": labels[lid], "split": split, "pair": (draft["target"], lid),
                             "score": score, "ask": ask, "conflict": conflict, "near": near,
                             "tier": D.tier_for(score, ask, conflict, near)})
    return rows


def tier_table(rows: list[dict]) -> list[dict]:
    """Per split and tier floor (疑似重复; 高度相似 or above; 相关 or above): precision and recall against the
    same ask (same/copy), and against the same policy area (same/copy/area)."""
    from dafu.search.dupes import TIERS

    names = [name for name, _ in TIERS]
    out = []
    for split in ("fit", "held"):
        mine = [r for r in rows if r["split"] == split]
        for depth, name in enumerate(names):
            flagged = [r for r in mine if r["tier"] in names[:depth + 1]]
            entry = {"split": split, "tier": name if depth == 0 else f"{name}+", "flagged": len(flagged)}
            for target, positive in (("same_ask", SAME), ("same_area", SAME + ("area",))):
                tp = sum(1 for r in flagged if r["label"] in positive)
                pos = sum(1 for r in mine if r["label"] in positive)
                entry[target] = {"precision": tp / len(flagged) if flagged else None, "recall": tp / pos if pos else None,
                                 "tp": tp, "flagged": len(flagged), "positives": pos}
            out.append(entry)
    return out


def _build_archive(directory: Path) -> None:
    from dafu.index.build import build_index

    build_index(index_dir=directory)
    build_index([DATA / "eval" / "dev_letters"], index_dir=directory)
    build_index([DATA / "topics" / "letters", DATA / "pairs" / "letters"], index_dir=directory)


def main(argv=None) -> None:
    import argparse
    import collections
    import tempfile

    parser = argparse.ArgumentParser(description="precision and recall of the dupes tiers on the labelled pairs")
    parser.add_argument("--index-dir", help="an archive index (built here when missing or empty)")
    parser.add_argument("--json", action="store_true", help="print the table as JSON")
    args = parser.parse_args(argv)
    directory = Path(args.index_dir) if args.index_dir else Path(tempfile.mkdtemp(prefix="dafu-dupes-labels-"))
    from dafu.search.api import Searcher

    try:
        searcher = Searcher.open(directory)
        if not searcher.by_id:
            raise FileNotFoundError(directory)
    except Exception:  # noqa: BLE001 - no usable index there yet: build the archive
        _build_archive(directory)
        searcher = Searcher.open(directory)
    rows = tier_rows(searcher)
    table = tier_table(rows)
    if args.json:
        print(json.dumps(table, ensure_ascii=False, indent=1))
        return
    print(f"index {directory}: {len(searcher.by_id)} letters")
    for split in ("fit", "held"):
        for kind in ("letters", "drafts"):
            c = collections.Counter(r["label"] for r in rows if r["split"] == split and r["kind"] == kind)
            print(f"  {split:4s} {kind:7s} pairs: " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())))
    print("\ntier (flagged at or above)  split  precision/recall vs same ask      precision/recall vs same area")
    for e in table:
        a, b = e["same_ask"], e["same_area"]
        fmt = lambda m: (f"{m['precision']:.3f}" if m["precision"] is not None else "  -  ") + \
            f" ({m['tp']}/{m['flagged']}) / " + (f"{m['recall']:.3f}" if m["recall"] is not None else "-") + \
            f" ({m['tp']}/{m['positives']})"
        print(f"  {e['tier']:12s} {e['split']:5s}  {fmt(a):34s} {fmt(b)}")
    print("\nlabel x tier (letter pairs and drafts):")
    for split in ("fit", "held"):
        c = collections.Counter((r["label"], r["tier"]) for r in rows if r["split"] == split)
        for label in ("same", "copy", "area", "unrelated"):
            cells = ", ".join(f"{t or 'none'} {c[(label, t)]}" for t in ("疑似重复", "高度相似", "相关", None))
            print(f"  {split:4s} {label:9s} {cells}")
    misses = [r for r in rows if r["label"] in SAME and r["tier"] != "疑似重复"]
    wrong = [r for r in rows if r["label"] not in SAME and r["tier"] == "疑似重复"]
    for title, items in (("same ask not 疑似重复", misses), ("疑似重复 not the same ask", wrong)):
        print(f"\n{title}: {len(items)}")
        for r in sorted(items, key=lambda r: (r["split"], -r["score"])):
            print(f"  {r['split']:4s} {r['kind']:7s} {r['label']:9s} {r['pair'][0]:>10s} {r['pair'][1]:10s} "
                  f"score {r['score']:.3f} ask {r['ask']:.2f} conflict {r['conflict']} near {r['near']} -> {r['tier']}")


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
