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
HELD; the pairs set's 公交 goes with dev B (it shares letters with it), 卫生健康 with dev D, roads are HELD.
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
COPIES = [("dev-011", "p-026"), ("dev-012", "p-027"), ("dev-013", "p-029")]
BROAD = {  # area -> broad policy area, to know which cross-set pairs are plainly unrelated
    "seed": "养老", "dev-A": "学前", "dev-B": "交通", "dev-C": "环境", "dev-D": "卫生",
    "t-yb": "卫生", "t-js": "体育", "t-sr": "市容", "t-ys": "水", "t-ly": "旅游", "t-gjj": "公积金",
    "t-jz": "救助", "t-cj": "残疾", "t-fh": "林业", "t-tx": "通信", "t-wg": "治理", "t-bz": "殡葬",
    "t-rq": "燃气", "t-xf": "消费", "t-tsg": "文化", "t-xw": "教育", "t-dd": "市容",
    "p-交通道路": "交通", "p-农村公路": "交通", "p-公交": "交通", "p-卫生健康": "卫生", "p-城市管理": "市容",
    "p-生态环境": "环境", "p-旅游": "旅游", "p-农村物流/道路": "交通", "p-卫生健康(近视防控)": "卫生",
    "p-生态环境(塑料)": "环境",
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


def split_of(area: str) -> str:
    return "fit" if area in FIT_AREAS else "held"


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
    """Labelled pairs among ``ids``: ``{"a", "b", "label", "area", "split"}`` (``area`` of a; split "held"
    when either side is in a held area)."""
    p_areas, dev = pairs_areas(), dev_clusters()
    area = {lid: area_of(lid, p_areas, dev) for lid in ids}
    prefix = {lid: lid.split("_")[0] if re.match(r"^00\d_", lid) else lid for lid in ids}
    by_short = {prefix[lid]: lid for lid in ids}
    labels: dict[frozenset, str] = {}
    for a, b in itertools.combinations(sorted(i for i in ids if area[i]), 2):
        sa, sb = area[a], area[b]
        same_set = sa.split("-")[0] == sb.split("-")[0] and (sa[0] != "p")
        if same_set:
            labels[frozenset((a, b))] = "area" if sa == sb else "unrelated"
        elif BROAD.get(sa) and BROAD.get(sb) and BROAD[sa] != BROAD[sb]:
            labels[frozenset((a, b))] = "unrelated"
    for line in (DATA / "pairs" / "pairs.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            if rec["a"] in by_short and rec["b"] in by_short:
                labels[frozenset((by_short[rec["a"]], by_short[rec["b"]]))] = rec["label"]
    for a, b in COPIES:
        if a in by_short and b in by_short:
            labels[frozenset((by_short[a], by_short[b]))] = "copy"
    out = []
    for key, label in labels.items():
        a, b = sorted(key)
        split = "held" if "held" in (split_of(area[a]), split_of(area[b])) else "fit"
        out.append({"a": a, "b": b, "label": label, "area": area[a], "split": split})
    return sorted(out, key=lambda p: (p["a"], p["b"]))


def draft_labels(draft: dict, ids: list[str]) -> dict[str, str]:
    """letter id -> label of (draft, letter) for a draft with a ``target`` letter."""
    p_areas, dev = pairs_areas(), dev_clusters()
    target = next(i for i in ids if i.startswith(draft["target"]))
    mine = area_of(target, p_areas, dev)
    out = {}
    for lid in ids:
        other = area_of(lid, p_areas, dev)
        if other is None:
            continue
        if lid == target or frozenset((target, lid)) in {frozenset(c) for c in COPIES}:
            out[lid] = "same"
        elif other == mine:
            out[lid] = "area"
        elif BROAD.get(other) != BROAD.get(mine):
            out[lid] = "unrelated"
    # the explicitly labelled "same" partners of the target are the same ask too
    for rec in map(json.loads, filter(str.strip, (DATA / "pairs" / "pairs.jsonl").read_text(encoding="utf-8").splitlines())):
        if rec["label"] == "same" and target in (rec["a"], rec["b"]):
            out[rec["b"] if rec["a"] == target else rec["a"]] = "same"
    return out
