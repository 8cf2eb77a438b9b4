"""Per-question verdicts over every question set of tests/data, each on an index of its letters and all the letters
of the sets before it (the way each blind set was first scored), and the comparison of two runs by group: the sets
read while writing rules, the sets never read (their changed questions are counted, never shown) and dev/topics.

    python benchmarks/verdicts.py build PREFIX              # PREFIX-seed, -dev, -topics, -blind, -blind2 … (resumes)
    python benchmarks/verdicts.py run PREFIX OUT [--jobs 2] [--sets blind5,blind7]
    python benchmarks/verdicts.py compare START END         # or one run: pooled figures only

A verdict row: ``{"q", "gold": answerable?, "rank": first hit in the hybrid top 10, "abst", "hit": answer@1, "first"}``.
A full run takes about 40 minutes on two cores; ``build`` about 12."""
from __future__ import annotations

import argparse
import json
import multiprocessing
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
NEVER_READ = frozenset({16, 20, 26, 34, 35, 36, 40, 41, 42, 43, 44, 45, 46, 47, 49, 50, 53, 55, 66})  # blind sets
# whose questions and misses no session has looked at (README, Quality); a set read later leaves this list


def blind_numbers() -> list[int]:
    """The numbers of tests/data/blind, blind2, blind3 … (1 for blind), ascending."""
    found = [int(m.group(1) or 1) for d in DATA.glob("blind*") if (m := re.fullmatch(r"blind(\d*)", d.name))]
    return sorted(found)


def _blind_name(n: int) -> str:
    """The folder, index and question-file name of blind set ``n`` (blind, blind2, …)."""
    return "blind" if n == 1 else f"blind{n}"


def chain() -> list[tuple[str, Path]]:
    """(index name, letters added to the one before) in order: seed, dev, topics, blind, blind2 …"""
    steps = [("seed", ROOT / "corpus" / "letters"), ("dev", DATA / "eval" / "dev_letters"),
             ("topics", DATA / "topics" / "letters")]
    return steps + [(_blind_name(n), DATA / _blind_name(n) / "letters") for n in blind_numbers()]


def question_sets() -> dict[str, tuple[str, list[Path]]]:
    """Set name -> (the index it is asked on, its question files)."""
    sets = {"dev": ("seed", [DATA / "eval" / "dev.jsonl"]),
            "devr": ("dev", [DATA / "eval" / "dev_real.jsonl", DATA / "heldout.jsonl", DATA / "unanswerable.jsonl"]),
            "topics": ("topics", [DATA / "topics" / "fit.jsonl", DATA / "topics" / "held.jsonl"])}
    for n in blind_numbers():
        name = _blind_name(n)
        sets[f"blind{n}"] = (name, [DATA / name / f"{name}.jsonl"])
    return sets


def group(name: str) -> str:
    """read, never (a blind set no one has read) or eval (dev, dev_real, heldout, unanswerable, topics)."""
    if not name.startswith("blind"):
        return "eval"
    return "never" if int(name[5:] or 1) in NEVER_READ else "read"


def build(prefix: str) -> None:
    from dafu.index.build import build_index

    before = None
    for name, letters in chain():
        target = Path(f"{prefix}-{name}")
        if before is not None and not target.exists():  # copied whole or not at all
            partial = target.with_name(target.name + ".copying")
            shutil.rmtree(partial, ignore_errors=True)
            shutil.copytree(before, partial)
            partial.rename(target)
        report = build_index([letters], index_dir=target, progress=sys.stderr.isatty())  # what a stopped build
        print(f"{target}: {report.summary()}", flush=True)  # left out is added; the rest is unchanged
        before = target


def _run_set(job: tuple[str, str, str, list[str]]) -> str:
    from dafu.search.answer import answer_hit, answer_question
    from dafu.search.api import Searcher
    from dafu.search.evaluate import first_hit_rank, load_questions

    name, index, out, files = job
    searcher = Searcher.open(index)
    with open(out, "w", encoding="utf-8") as handle:
        for path in files:
            for q in load_questions(path):
                rank = first_hit_rank(searcher.search(q["q"], top_k=10), q["gold"]) if q["gold"] else None
                answer = answer_question(searcher, q["q"], top_k=5)
                first = answer["answer"][0]["text"] if answer["answer"] else ""
                row = {"q": q["q"], "gold": bool(q["gold"]), "rank": rank, "abst": answer["abstained"],
                       "hit": answer_hit(answer, q["gold"]) if q["gold"] else None, "first": first[:160]}
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return name


def run(prefix: str, out: str, jobs: int, only: list[str]) -> None:
    Path(out).mkdir(parents=True, exist_ok=True)
    work = [(name, f"{prefix}-{index}", f"{out}/{name}.jsonl", [str(f) for f in files])
            for name, (index, files) in question_sets().items() if not only or name in only]
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        for done, name in enumerate(pool.imap_unordered(_run_set, work), 1):
            print(f"{done}/{len(work)} {name}", flush=True)


def load(directory: str) -> dict[tuple[str, int], dict]:
    return {(f.stem, i): json.loads(line) for f in Path(directory).glob("*.jsonl")
            for i, line in enumerate(f.read_text(encoding="utf-8").splitlines())}


def figures(rows: list[dict]) -> str:
    """Answerable + unanswerable questions, hit@1, answer@1, false abstention and unanswerable that abstain."""
    answerable, unanswerable = [r for r in rows if r["gold"]], [r for r in rows if not r["gold"]]
    n, m = max(1, len(answerable)), max(1, len(unanswerable))
    return (f"{len(answerable)} + {len(unanswerable)}: hit@1 {sum(r['rank'] == 1 for r in answerable) / n:.3f}, "
            f"answer@1 {sum(bool(r['hit']) for r in answerable) / n:.3f}, "
            f"false abstention {100 * sum(r['abst'] for r in answerable) / n:.1f} %, "
            f"unanswerable that abstain {sum(r['abst'] for r in unanswerable) / m:.3f}")


def compare(start: dict, end: dict | None) -> list[str]:
    """Pooled figures per group (start -> end), then each changed question of a read set; a never-read set's
    changed questions are only counted."""
    lines = []
    for name in ("eval", "read", "never"):
        rows = [r for k, r in start.items() if group(k[0]) == name]
        if rows:
            after = figures([r for k, r in end.items() if group(k[0]) == name]) if end else ""
            lines.append(f"{name}: {figures(rows)}" + (f"\n   -> {after}" if end else ""))
    if not end:
        return lines
    hidden = 0
    for key in sorted(set(start) & set(end)):
        a, b = start[key], end[key]
        if (a["rank"] == 1, a["hit"], a["abst"], a["first"]) == (b["rank"] == 1, b["hit"], b["abst"], b["first"]):
            continue
        if group(key[0]) == "never":
            hidden += 1
            continue
        lines.append(f"  {key[0]} {b['q']} | rank {a['rank']} -> {b['rank']} | answer {a['hit']} -> {b['hit']} | "
                     f"abstains {a['abst']} -> {b['abst']}\n      {a['first'][:70]}\n   -> {b['first'][:70]}")
    lines.append(f"never-read questions changed: {hidden}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("build").add_argument("prefix")
    p = sub.add_parser("run")
    p.add_argument("prefix")
    p.add_argument("out")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--sets", default="", help="comma-separated set names (dev, devr, topics, blind1, blind2 …)")
    p = sub.add_parser("compare")
    p.add_argument("start")
    p.add_argument("end", nargs="?")
    args = parser.parse_args()
    if args.command == "build":
        build(args.prefix)
    elif args.command == "run":
        run(args.prefix, args.out, args.jobs, [s for s in args.sets.split(",") if s])
    else:
        print("\n".join(compare(load(args.start), load(args.end) if args.end else None)))


if __name__ == "__main__":
    main()
