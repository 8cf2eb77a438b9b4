#!/usr/bin/env python3
"""Check the topics development set, or a blind set (tests/data/blind, tests/data/blind2): every gold span occurs in its letter (whitespace
removed, as tests/data/eval/check_dev_real.py does), every letter has a question and a source row, every
question's topic belongs to the split file it is in, and no two letters are the same text. Standard library only.
Usage: python3 tests/data/topics/check.py [tests/data/blind | tests/data/blind2 | … | tests/data/blind28]"""
import json
import re
import sys
from pathlib import Path

HERE = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else Path(__file__).resolve().parent
# The fixed split by topic: constants are fitted on FIT topics and reported on HELD topics; the blind set's
# topics (tests/data/blind … tests/data/blind7) are in neither and are scored after the rules are written.
FIT = {"js", "sr", "yb", "cj", "fh", "rq", "xw", "xf", "gy", "dd"}
HELD = {"ys", "ly", "jz", "tx", "bz", "tsg", "wg", "gjj", "wy", "cw", "gl"}
BLIND = {"qz", "ws", "gs", "nl", "nm", "xc", "dc", "dm"}
BLIND2 = {"lj", "zy", "gj", "ww", "ty", "jj", "yz", "xl"}
BLIND3 = {"gr", "fz", "tw", "xx", "zd", "zs", "dw"}
BLIND4 = {"dz", "jd", "sd", "ns", "cd", "fn", "cz", "ym"}
BLIND5 = {"sj", "lt", "xq", "kd", "yh", "yc", "gf"}
BLIND6 = {"jg", "fl", "tf", "rc", "nj"}
BLIND7 = {"yu", "pp", "ks", "zc"}
BLIND8 = {"hs", "da", "pk", "nr"}
BLIND9 = {"cy", "tj", "sw", "jl"}
BLIND10 = {"bn", "ct", "mf", "my"}
BLIND11 = {"lu", "yg", "zh", "hl"}
BLIND12 = {"ht", "sx", "yo", "cs"}
BLIND13 = {"sz", "nb", "wr", "tg"}
BLIND14 = {"zz", "hy", "ci", "zb"}
BLIND15 = {"sy", "jx", "zq", "ll"}
BLIND16 = {"ye", "gw", "gg", "sc"}
BLIND17 = {"tr", "sq", "ds", "fd", "yj"}
BLIND18 = {"lc", "fy", "lx", "mx"}
BLIND19 = {"bx", "wc", "dy", "ld", "pf"}
BLIND20 = {"gb", "sk", "mz", "qw", "gm"}
BLIND21 = {"tl", "gv", "th", "yy", "sg"}
BLIND22 = {"jr", "ae", "zj", "st", "pt"}
BLIND23 = {"cb", "hb", "hj", "xj", "gx", "ta"}
BLIND24 = {"pj", "vd", "hg", "gz", "fe", "fm"}
BLIND25 = {"sv", "pl", "vg", "hh", "jt", "fm"}
BLIND26 = {"xv", "kq", "wf", "gp", "ol"}
BLIND27 = {"bw", "zm", "ms", "wl", "lz", "gh"}
BLIND28 = {"yd", "sh", "jw", "lf", "gc", "cp"}
BLIND29 = {"dl", "sd", "dz", "jy", "xx", "ds"}
BLIND30 = {"xl", "ks", "sn", "jj", "hb", "gs"}
BLIND31 = {"uf", "et", "fj"}
BLIND32 = {"te", "kp", "hz"}
BLIND33 = {"ek", "hw", "yx", "az"}
BLIND34 = {"lq", "kc", "ne", "gd"}
BLIND35 = {"hm", "xa", "wn", "yp", "rd", "df"}
BLIND36 = {"dk", "qn", "xb", "gt", "rf", "fs"}
BLIND37 = {"kj", "ac", "zo", "qg", "zl", "ai", "pc", "wq"}
BLIND38 = {"yf", "nn", "dx", "jc", "bj", "rs", "mh", "rb"}
BLIND39 = {"hn", "xt", "ps", "xu", "cn", "wp", "wu", "ji"}
BLIND40 = {"qk", "nk", "pv", "sb", "fk", "xs", "fv", "bl"}
BLIND41 = {"ip", "dq", "de", "zg", "ev", "sa"}
BLIND42 = {"qx", "zf", "cq", "yw", "rn", "rm"}
BLIND43 = {"fp", "mb", "kt", "go", "rg", "lw"}
BLIND44 = {"zx", "hx", "ec", "sp"}
BLIND45 = {"hu", "zn"}
BLIND46 = {"kl", "yt", "tz", "cl"}
BLIND47 = {"qy", "cg", "wm"}
BLIND48 = {"jv", "jh", "bu", "jn"}
BLIND49 = {"jp"}
BLIND50 = {"sf", "yv"}
BLIND51 = {"vj", "tq", "yq", "lb"}
BLIND52 = {"ky", "pu", "mr", "wx"}
BLIND53 = {"xh", "li", "mn", "fb"}
BLIND54 = {"mg", "mp", "wz", "bm", "wk"}
BLIND55 = {"gk", "hq", "fa", "gq", "bb"}
BLIND56 = {"fx", "za", "ba", "bg", "xr"}
BLIND57 = {"cx", "dg", "zp", "fu", "tb", "yn"}
BLIND58 = {"mu", "cc", "ya", "ft"}
BLIND59 = {"se", "xz", "kw", "xg"}
BLIND60 = {"ov", "gn", "wi", "ss"}
BLIND61 = {"sl", "jf", "kg", "eu", "pe", "bs", "fr"}
BLIND62 = {"wa", "rx", "qp", "ut"}
BLIND63 = {"cv", "tm", "lr", "bk", "gu"}
BLIND64 = {"wb", "bp", "ju", "mw"}
BLIND65 = {"ah", "xk", "ce", "xi"}
BLIND66 = {"kn", "xe", "zu"}
SPLITS = {"fit.jsonl": FIT, "held.jsonl": HELD, "blind.jsonl": BLIND, "blind2.jsonl": BLIND2, "blind3.jsonl": BLIND3,
          "blind4.jsonl": BLIND4, "blind5.jsonl": BLIND5, "blind6.jsonl": BLIND6, "blind7.jsonl": BLIND7,
          "blind8.jsonl": BLIND8, "blind9.jsonl": BLIND9,
          "blind10.jsonl": BLIND10, "blind11.jsonl": BLIND11, "blind12.jsonl": BLIND12, "blind13.jsonl": BLIND13, "blind14.jsonl": BLIND14,
          "blind15.jsonl": BLIND15, "blind16.jsonl": BLIND16,
          "blind17.jsonl": BLIND17, "blind18.jsonl": BLIND18,
          "blind19.jsonl": BLIND19, "blind20.jsonl": BLIND20,
          "blind21.jsonl": BLIND21, "blind22.jsonl": BLIND22,
          "blind23.jsonl": BLIND23, "blind24.jsonl": BLIND24,
          "blind25.jsonl": BLIND25, "blind26.jsonl": BLIND26,
          "blind27.jsonl": BLIND27, "blind28.jsonl": BLIND28,
          "blind29.jsonl": BLIND29, "blind30.jsonl": BLIND30,
          "blind31.jsonl": BLIND31, "blind32.jsonl": BLIND32,
          "blind33.jsonl": BLIND33, "blind34.jsonl": BLIND34,
          "blind35.jsonl": BLIND35, "blind36.jsonl": BLIND36,
          "blind37.jsonl": BLIND37, "blind38.jsonl": BLIND38, "blind39.jsonl": BLIND39, "blind40.jsonl": BLIND40,
          "blind41.jsonl": BLIND41, "blind42.jsonl": BLIND42,
          "blind43.jsonl": BLIND43,
          "blind44.jsonl": BLIND44,
          "blind45.jsonl": BLIND45,
          "blind46.jsonl": BLIND46,
          "blind47.jsonl": BLIND47,
          "blind48.jsonl": BLIND48,
          "blind49.jsonl": BLIND49,
          "blind50.jsonl": BLIND50,
          "blind51.jsonl": BLIND51,
          "blind52.jsonl": BLIND52, "blind53.jsonl": BLIND53, "blind54.jsonl": BLIND54, "blind55.jsonl": BLIND55,
          "blind56.jsonl": BLIND56, "blind57.jsonl": BLIND57,
          "blind58.jsonl": BLIND58, "blind59.jsonl": BLIND59,
          "blind60.jsonl": BLIND60, "blind61.jsonl": BLIND61,
          "blind62.jsonl": BLIND62, "blind63.jsonl": BLIND63, "blind64.jsonl": BLIND64, "blind65.jsonl": BLIND65, "blind66.jsonl": BLIND66}
WS = re.compile(r"\s+")

letters = {p.stem: WS.sub("", p.read_text(encoding="utf-8")) for p in sorted((HERE / "letters").glob("*.txt"))}
sources = set(re.findall(r"^\|\s*((?:t|b\d*)-[a-z]+-\d+)\s*\|", "".join(p.read_text(encoding="utf-8")
                                                                for p in HERE.glob("sources*.md")), re.M))
failures, asked = [], set()
counts = {}
for name, topics in SPLITS.items():
    if not (HERE / name).exists():
        continue
    for number, line in enumerate((HERE / name).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        where = f"{name}:{number}"
        if row.get("topic") not in topics:
            failures.append(f"{where}: topic {row.get('topic')!r} is not in this split")
        if not row["gold"] and row.get("kind") != "unanswerable":
            failures.append(f"{where}: no gold and not marked unanswerable")
        for letter_id, span in row["gold"]:
            asked.add(letter_id)
            if letter_id not in letters:
                failures.append(f"{where}: no letter {letter_id}")
            elif WS.sub("", span) not in letters[letter_id]:
                failures.append(f"{where}: span not in {letter_id}: {span!r}")
        key = (name, "unanswerable" if not row["gold"] else "answerable")
        counts[key] = counts.get(key, 0) + 1
failures += [f"letter {lid} has no question" for lid in sorted(set(letters) - asked)]
failures += [f"letter {lid} has no source row" for lid in sorted(set(letters) - sources)]
seen = {}
for lid, text in letters.items():
    if text in seen:
        failures.append(f"letters {seen[text]} and {lid} are the same text")
    seen.setdefault(text, lid)
print("\n".join(failures))
print(f"letters: {len(letters)}  " + "  ".join(f"{n} {k}: {v}" for (n, k), v in sorted(counts.items()))
      + f"  failures: {len(failures)}")
sys.exit(1 if failures else 0)
