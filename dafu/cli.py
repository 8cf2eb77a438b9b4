"""The ``dafu`` command: index, search, ask, dupes, eval, letters and serve over the same search API as the web app."""
from __future__ import annotations

import argparse
import json
import sys

from .search.api import MODES, IndexMissing, ModelMismatch, Searcher
from .search.highlight import mark_terms


EXIT_OK, EXIT_NOTHING_INDEXED, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130


def main(argv: list[str] | None = None) -> int:
    """Exit codes: 0 done; 1 nothing could be indexed (every file refused, each with its reason) or no draft
    could be read; 2 an error (a path that does not exist, disk full, another build running, bad settings);
    130 interrupted. On 1, 2 and 130 the index is left as it was."""
    args = _parser().parse_args(argv)
    try:
        return args.run(args) or EXIT_OK
    except (IndexMissing, ModelMismatch, ValueError, OSError, RuntimeError) as err:
        print(f"dafu: {err}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("dafu: 已中断，索引未改变 / interrupted: the index is unchanged", file=sys.stderr)
        return EXIT_INTERRUPTED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dafu", description="答复函语义检索 / search Chinese government reply letters")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    def command(name: str, run, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--index-dir", help="index directory (default: DAFU_INDEX_DIR, else a per-user data dir)")
        p.set_defaults(run=run)
        return p

    p = command("index", _index, "build or update the index (bundled corpus when empty and no PATHS)")
    p.add_argument("paths", nargs="*", metavar="PATHS", help="letter files or folders")
    p.add_argument("--rebuild", action="store_true", help="start from an empty index")
    p.add_argument("--model", help="sentence-transformers model name or path (default: DAFU_MODEL, else bundled e5)")
    p.add_argument("--json", action="store_true", help="print the build report as JSON")
    p.add_argument("--backend", choices=("faiss", "milvus"), help="index engine (default: DAFU_BACKEND, else faiss)")

    p = command("migrate", _migrate, "copy the FAISS index of --index-dir to Milvus (DAFU_MILVUS_URI), "
                                     "reusing its vectors")

    p = command("search", _search, "ranked, cited passages for a query")
    p.add_argument("query", nargs="?", help="the question or keywords")
    p.add_argument("--batch", metavar="FILE", help="one query per line; prints one JSON object per line")
    _retrieval_options(p)
    p.add_argument("--json", action="store_true", help="JSON output (the CLI contract)")
    p.add_argument("--xlsx", metavar="FILE", help="also write the results to a spreadsheet (.xlsx; .csv by name)")

    p = command("ask", _ask, "an answer with numbered citations, or a plain 'no answer in the corpus'")
    p.add_argument("question")
    p.add_argument("--top-k", type=int, default=5, help="passages to answer from (default 5)")
    p.add_argument("--json", action="store_true", help="JSON output (the CLI contract)")

    p = command("eval", _eval, "hit@1, hit@5 and MRR@10 of a JSONL question set (answer@1 with --answers)")
    p.add_argument("file", help='JSONL: {"q": ..., "gold": [[letter id, span], ...]}')
    _retrieval_options(p)
    p.add_argument("--answers", action="store_true", help="score `dafu ask` answers instead of passages")
    p.add_argument("--json", action="store_true", help="print metrics as JSON")

    p = command("letters", _letters, "list the indexed letters and their metadata")
    p.add_argument("--json", action="store_true", help="a JSON array")
    p.add_argument("--csv", action="store_true", help="CSV with a header row")
    p.add_argument("--xlsx", metavar="FILE", help="write the list to a spreadsheet (.xlsx; .csv by name)")

    p = command("dupes", _dupes, "find earlier letters that a draft proposal repeats, or similar letter pairs")
    p.add_argument("drafts", nargs="*", metavar="DRAFT", help=".txt/.md files, folders, or CSV/JSONL with title,text")
    p.add_argument("--all", action="store_true", help="every similar pair of indexed letters, in clusters")
    p.add_argument("--threshold", type=float, help="lowest pair score for --all (default: the 高度相似 tier)")
    p.add_argument("--top-k", type=int, default=5, help="matches per draft (default 5)")
    output = p.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="JSON (one object per draft, or one for --all)")
    output.add_argument("--csv", action="store_true", help="CSV")
    output.add_argument("--html", metavar="REPORT.html", help="write a self-contained HTML report")
    output.add_argument("--xlsx", metavar="FILE", help="write the report to a spreadsheet (.xlsx; .csv by name)")

    p = command("promises", _promises, "承诺事项: what the letters promised, with the later letter's sentence on it")
    p.add_argument("--agency", help="承办单位 containing these words")
    p.add_argument("--region", help="地区 containing these words")
    p.add_argument("--year", help="year of the promising letter (four digits)")
    p.add_argument("--status", help="已有后续答复 | 到期未见后续 | 未到期 | 无明确期限")
    output = p.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="a JSON array of promise rows")
    output.add_argument("--csv", action="store_true", help="CSV with a header row")
    output.add_argument("--xlsx", metavar="FILE", help="write the rows to a spreadsheet (.xlsx; .csv by name)")

    p = command("serve", _serve, "serve the web app over the current index")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    return parser


def _retrieval_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--top-k", type=int, default=10, help="passages per query (default 10)")
    p.add_argument("--mode", choices=MODES, default="hybrid", help="hybrid (default), dense or keyword")


def _open(args) -> Searcher:
    return Searcher.open(args.index_dir, build_if_missing=True, progress=sys.stderr.isatty())


def _index(args) -> int:
    from .index.build import build_index

    report = _interruptible(build_index, args.paths, args.index_dir, model=args.model, rebuild=args.rebuild,
                            progress=sys.stderr.isatty(), backend=args.backend)
    print(json.dumps(report.to_dict(), ensure_ascii=False) if args.json else report.summary())
    return EXIT_NOTHING_INDEXED if report.failed else EXIT_OK


def _migrate(args) -> int:
    from .index.milvus_write import migrate

    print(_interruptible(migrate, args.index_dir, progress=True))
    return EXIT_OK


def _interruptible(run, *args, **kwargs):
    """``run(...)`` with SIGTERM raising KeyboardInterrupt: `kill` cleans up like Ctrl-C, leaving no
    half-written generation behind."""
    import signal
    import threading

    catch = hasattr(signal, "SIGTERM") and threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupted) if catch else None
    try:
        return run(*args, **kwargs)
    finally:
        if catch:
            signal.signal(signal.SIGTERM, previous)


def _interrupted(signum, frame):
    raise KeyboardInterrupt


def _search(args) -> int:
    if (args.query is None) == (args.batch is None):
        raise ValueError("give a QUERY or --batch FILE / 请给出查询或 --batch 文件")
    searcher = _open(args)
    if args.batch:
        with open(args.batch, encoding="utf-8") as handle:
            queries = [line.strip() for line in handle if line.strip()]
    else:
        queries = [args.query]
    found = []
    for query in queries:
        results = searcher.search(query, top_k=args.top_k, mode=args.mode)
        found.append((query, results))
        if args.xlsx and not (args.json or args.batch):
            continue
        if args.json or args.batch:
            print(json.dumps({"query": query, "results": results}, ensure_ascii=False), flush=True)
        else:
            print(format_results(query, results))
    if args.xlsx:
        from .search.export import search_sheet, write

        write(args.xlsx, [search_sheet(found)])
        print(f"已写入 {args.xlsx}（{sum(len(r) for _, r in found)} 条段落）/ written", file=sys.stderr)
    return 0


def format_results(query: str, results: list[dict]) -> str:
    """Readable Chinese output: rank, citation line, passage with the query's words marked."""
    if not results:
        return f"没有找到与“{query}”相关的段落。"
    bold = ("\033[1;33m", "\033[0m") if sys.stdout.isatty() else ("【", "】")
    blocks = []
    for r in results:
        c = r["citation"]
        cite = " · ".join(v for v in (f"《{c['title']}》" if c["title"] else None, c["doc_number"], c["agency"],
                                      c["date"], r["section"] or None) if v)
        blocks.append(f"[{r['rank']}] {cite or r['letter_id']}  ({r['letter_id']}, {r['score']:.3f})\n"
                      f"    {mark_terms(r['text'], query, *bold)}" + "".join(f"\n    {n}" for n in sources_notes([r])))
    return "\n\n".join(blocks)


def sources_notes(results: list[dict], numbered: bool = False) -> list[str]:
    """A line per result whose letter was also found in other files (copies recognised at index time)."""
    return [f"{f'[{n}] ' if numbered else ''}同一封信的其他来源 / also in: {'、'.join(r['other_sources'])}"
            for n, r in enumerate(results, 1) if r.get("other_sources")]


def _ask(args) -> int:
    from .search.answer import answer_question, format_answer

    answer = answer_question(_open(args), args.question, top_k=args.top_k)
    if args.json:
        print(json.dumps(answer, ensure_ascii=False))
    else:
        print("\n".join([format_answer(answer)] + [f"  {n}" for n in sources_notes(answer["passages"], True)]))
    return 0


def _eval(args) -> int:
    from .search.evaluate import evaluate_retrieval, load_questions

    questions = load_questions(args.file)
    if args.answers:
        from .search.answer import evaluate_answers

        metrics = evaluate_answers(_open(args), questions)
    else:
        metrics = evaluate_retrieval(_open(args), questions, top_k=args.top_k, mode=args.mode)
    if args.json:
        print(json.dumps(metrics, ensure_ascii=False))
    elif args.answers:
        line = f"answer@1={metrics['answer@1']:.3f}  n={metrics['n']}  false_abstention={metrics['false_abstention']:.3f}"
        if metrics["unanswerable"]:
            line += f"  abstention={metrics['abstention']:.3f}  unanswerable={metrics['unanswerable']}"
        print(line)
    else:
        print(f"mode={metrics['mode']}  hit@1={metrics['hit@1']:.3f}  hit@5={metrics['hit@5']:.3f}  "
              f"MRR@10={metrics['mrr@10']:.3f}  n={metrics['n']}")
    return 0


def _letters(args) -> int:
    rows = _open(args).letters()
    if args.xlsx:
        from .search.export import letters_sheet, write

        write(args.xlsx, [letters_sheet(rows)])
        print(f"已写入 {args.xlsx}（{len(rows)} 封来信）/ written", file=sys.stderr)
    elif args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    elif args.csv:
        import csv

        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["id"])
        writer.writeheader()
        writer.writerows({**r, "other_sources": "; ".join(r["other_sources"])} for r in rows)
    else:
        for r in rows:
            also = f"（另见 {len(r['other_sources'])} 个来源 / {len(r['other_sources'])} other sources）" \
                if r["other_sources"] else None
            print(" · ".join(str(v) for v in (r["id"], r["title"], r["doc_number"], r["agency"], r["date"], also) if v))
    return 0


def _dupes(args) -> int:
    from .search import dupes_io
    from .search.dupes import find_duplicates
    from .search.dupes_all import all_pairs

    if args.all == bool(args.drafts):
        raise ValueError("give DRAFT files or --all / 请给出草稿文件或 --all")
    searcher = _open(args)
    errors = []
    if args.all:
        print(f"正在比较 {len(searcher.by_id)} 封来信… / comparing {len(searcher.by_id)} letters…", file=sys.stderr,
              flush=True)
        report = all_pairs(searcher, args.threshold)
    else:
        drafts, errors = dupes_io.read_drafts(args.drafts)
        for error in errors:
            print(f"dafu: {error.draft}: {error.error}", file=sys.stderr)
        report = find_duplicates(searcher, drafts, k=args.top_k)
    if args.xlsx:
        from .search import export

        if args.all:
            sheets = export.pairs_sheets(report, searcher.by_id)
        else:
            sheets = export.dupes_sheets(report, searcher.by_id, passage_of=lambda lid, text: _passage_of(searcher, lid, text))
        export.write(args.xlsx, sheets)
        print(f"报告已写入 {args.xlsx}")
    elif args.html:
        with open(args.html, "w", encoding="utf-8") as handle:
            handle.write(dupes_io.to_html(report, errors))
        print(f"报告已写入 {args.html}")
    elif args.json:
        sys.stdout.write(json.dumps(report, ensure_ascii=False) + "\n" if args.all else dupes_io.to_json_lines(report))
    elif args.csv:
        sys.stdout.write(dupes_io.to_csv(report, errors))
    else:
        print(dupes_io.format_table(report, errors))
    return 1 if errors and not report else 0


def _passage_of(searcher, letter_id: str, text: str | None):
    """(passage number, section) of the letter's passage with this text, for spreadsheet links."""
    letter = searcher.letter(letter_id) or {}
    found = next((c for c in letter.get("chunks") or [] if c.get("text") == text), None)
    return (found.get("ordinal"), found.get("section")) if found else None


def _promises(args) -> int:
    from .search.promises import FIELDS, STATUSES, promise_rows

    if args.status and args.status not in STATUSES:
        raise ValueError(f"--status must be one of {', '.join(STATUSES)} / 状态应为 {'、'.join(STATUSES)} 之一")
    if args.year and not (len(args.year) == 4 and args.year.isdigit()):
        raise ValueError("--year must be four digits / 年份应为四位数字")
    filters = {"agency": args.agency, "region": args.region, "year": args.year, "status": args.status}
    searcher = _open(args)
    rows = promise_rows(searcher, filters)
    if args.xlsx:
        from .search.export import promises_sheet, write

        write(args.xlsx, [promises_sheet(rows, searcher.by_id)])
        print(f"已写入 {args.xlsx}（{len(rows)} 条承诺）/ written", file=sys.stderr)
    elif args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    elif args.csv:
        import csv

        writer = csv.DictWriter(sys.stdout, fieldnames=list(FIELDS), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    else:
        print(format_promises(rows))
    return 0


def format_promises(rows: list[dict]) -> str:
    """Readable Chinese output: status, deadline, the promise, its letter, and the later sentence if any."""
    if not rows:
        return "没有符合条件的承诺事项。"
    blocks = []
    for r in rows:
        head = " · ".join(v for v in (r["status"], f"期限 {r['deadline']}" if r["deadline"] else None,
                                      f"数字 {r['figure']}" if r["figure"] else None) if v)
        cite = " · ".join(v for v in (r["letter_id"], r["doc_number"], r["agency"], r["date"]) if v)
        block = f"[{head}] {r['text']}\n    {cite}  (字符 {r['start']}-{r['end']})"
        if r.get("later_text"):
            block += (f"\n    后来的答复 {r['later_date']} · {r['later_letter_id']}：{r['later_text']}"
                      f"（是否办到请对照原文判断）")
        blocks.append(block)
    return "\n\n".join(blocks) + f"\n\n共 {len(rows)} 条承诺。"


def _serve(args) -> int:
    from .web.serve import serve

    serve(args.index_dir, host=args.host, port=args.port)
    return 0
