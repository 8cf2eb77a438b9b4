"""Index build of the same real letters by dafu and by two peer stacks, side by side: wall time, tokens embedded,
hit@1 / hit@5 / MRR@10 on the question sets of those letters.

Stacks, each built in a fresh process (imports count as they do for a user), runs alternated (dafu, peer, peer,
dafu, …) so the machine's load hits all of them alike:

* ``dafu``: ``python -m dafu index LETTERS --index-dir FRESH_TMP`` (parse, chunk, embed, BM25, SQLite, promises).
* ``lc``: a LangChain-style stack written plainly, without langchain: each file read as plain text, split by a
  port of LangChain's ``RecursiveCharacterTextSplitter`` (separators ``\\n\\n``, ``\\n``, `` ``, ``""``;
  500 characters, 50 of overlap), embedded by the same e5 model (dafu's converted copy) through
  sentence-transformers with ``passage: `` / ``query: `` prefixes (batch 32, normalised), FAISS ``IndexFlatIP``,
  jieba (``jieba.lcut``) + bm25s keyword index, saved to disk; queries go through an ensemble retriever as
  LangChain's ``EnsembleRetriever`` does it (weighted reciprocal rank fusion, c 60, weights 0.5 / 0.5, 10 from
  each side).
* ``txtai``: txtai (only with ``--txtai-python``, a separate venv holding txtai: it is not a dafu dependency)
  ``Embeddings`` with ``hybrid=True`` (BM25 scoring with a terms index, normalised, txtai's default 0.5 / 0.5
  convex mix) and ``content=True`` over the same chunks and model, with the e5 prefixes as txtai
  ``instructions``; txtai's tokenizers split on whitespace, so its BM25 is given jieba's tokens.

A hit is judged as ``dafu eval`` judges it: the gold span (normalised) inside the returned passage of a letter
whose id the gold id prefixes; a peer's passage is its chunk, its letter id the file name without extension
(dafu's ids for these files). Tokens embedded: each stack's embedded texts (prefix included) in the model's
tokenizer, truncated at its 512.

Usage::

    DAFU_CACHE_DIR=/tmp/dafu-cache python benchmarks/bench_peers.py --runs 3 \\
        [--txtai-python /tmp/peers-venv/bin/python] [--letters DIR ...] [--questions FILE.jsonl ...]

Default letters: the bundled seed letters, tests/data/eval/dev_letters and the letters of the held-back topics
(tests/data/topics/held.jsonl's topics; 95 letters); default questions: dev.jsonl, dev_real.jsonl,
heldout.jsonl and topics/held.jsonl.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHUNK_SIZE, CHUNK_OVERLAP = 500, 50
TOP_K = 10
DEFAULT_QUESTIONS = ["tests/data/eval/dev.jsonl", "tests/data/eval/dev_real.jsonl", "tests/data/heldout.jsonl",
                     "tests/data/topics/held.jsonl"]


def default_letters() -> list[Path]:
    held_topics = {json.loads(line).get("topic") for line in
                   (ROOT / "tests/data/topics/held.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()}
    topics = sorted(p for p in (ROOT / "tests/data/topics/letters").glob("*.txt")
                    if p.stem.split("-")[1] in held_topics)
    return (sorted((ROOT / "corpus/letters").glob("*.txt")) + sorted((ROOT / "tests/data/eval/dev_letters").glob("*.txt"))
            + topics)


# --- the LangChain-style splitter (a port of RecursiveCharacterTextSplitter, keep_separator=True) --------------

def _split_keep(text: str, separator: str) -> list[str]:
    if not separator:
        return list(text)
    parts = re.split(f"({re.escape(separator)})", text)
    splits = [parts[i] + parts[i + 1] for i in range(1, len(parts) - 1, 2)]  # the separator starts the next piece
    if len(parts) % 2 == 0:
        splits += parts[-1:]
    return [s for s in [parts[0]] + splits if s]


def _merge(splits: list[str], size: int, overlap: int) -> list[str]:
    docs, current, total = [], [], 0
    for piece in splits:
        n = len(piece)
        if total + n > size and current:
            doc = "".join(current).strip()
            if doc:
                docs.append(doc)
            while total > overlap or (total + n > size and total > 0):
                total -= len(current[0])
                current.pop(0)
        current.append(piece)
        total += n
    doc = "".join(current).strip()
    if doc:
        docs.append(doc)
    return docs


def recursive_split(text: str, separators=("\n\n", "\n", " ", ""), size=CHUNK_SIZE, overlap=CHUNK_OVERLAP) -> list[str]:
    separator, rest = separators[-1], []
    for i, sep in enumerate(separators):
        if sep == "" or sep in text:
            separator, rest = sep, list(separators[i + 1:])
            break
    out, good = [], []
    for piece in _split_keep(text, separator):
        if len(piece) < size:
            good.append(piece)
            continue
        if good:
            out.extend(_merge(good, size, overlap))
            good = []
        out.extend(recursive_split(piece, rest, size, overlap) if rest else [piece])
    if good:
        out.extend(_merge(good, size, overlap))
    return out


def read_plain(path: Path) -> str:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "replace")


def peer_chunks(letters: list[Path]) -> list[tuple[str, str]]:
    """(letter id, chunk text) of every letter, as a plain LangChain pipeline makes them."""
    return [(p.stem, c) for p in letters for c in recursive_split(read_plain(p))]


def jieba_tokens(text: str) -> list[str]:
    import jieba

    return [t for t in jieba.lcut(text.lower()) if re.search(r"[^\W_]", t)]


def model_path() -> str:
    if os.environ.get("BENCH_PEERS_MODEL"):  # set for the children: txtai's venv need not import dafu
        return os.environ["BENCH_PEERS_MODEL"]
    from dafu.index.e5convert import ensure_e5_model
    from dafu.index.paths import cache_dir

    return str(ensure_e5_model(cache_dir()))


# --- child processes: one build, or the queries of a built index ------------------------------------------------

def child_lc_build(out: Path, letters: list[Path], model: str) -> None:
    import faiss
    import numpy as np
    import bm25s
    from sentence_transformers import SentenceTransformer

    chunks = peer_chunks(letters)
    st = SentenceTransformer(model, device="cpu")
    vectors = st.encode(["passage: " + c for _, c in chunks], batch_size=32, normalize_embeddings=True,
                        convert_to_numpy=True).astype(np.float32)
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    out.mkdir(parents=True, exist_ok=True)
    faiss.write_index(index, str(out / "index.faiss"))
    retriever = bm25s.BM25()
    retriever.index([jieba_tokens(c) for _, c in chunks], show_progress=False)
    retriever.save(str(out / "bm25"))
    (out / "docs.json").write_text(json.dumps(chunks, ensure_ascii=False), encoding="utf-8")


def child_lc_query(out: Path, questions: list[str], model: str) -> list[list[tuple[str, str]]]:
    import faiss
    import numpy as np
    import bm25s
    from sentence_transformers import SentenceTransformer

    chunks = [tuple(c) for c in json.loads((out / "docs.json").read_text(encoding="utf-8"))]
    index = faiss.read_index(str(out / "index.faiss"))
    retriever = bm25s.BM25.load(str(out / "bm25"))
    st = SentenceTransformer(model, device="cpu")
    qv = st.encode(["query: " + q for q in questions], batch_size=32, normalize_embeddings=True).astype(np.float32)
    _, dense = index.search(qv, TOP_K)
    results = []
    for q, dense_rows in zip(questions, dense):
        tokens = jieba_tokens(q) or ["<none>"]
        scores = retriever.get_scores(tokens)
        keyword_rows = [int(i) for i in np.argsort(-scores)[:TOP_K] if scores[i] > 0]
        fused: dict[int, float] = {}
        for rows in ([int(r) for r in dense_rows if r >= 0], keyword_rows):  # EnsembleRetriever: weighted RRF
            for rank, row in enumerate(rows, 1):
                fused[row] = fused.get(row, 0.0) + 0.5 / (rank + 60)
        results.append([chunks[r] for r, _ in sorted(fused.items(), key=lambda kv: -kv[1])[:TOP_K]])
    return results


def _txtai_embeddings(model: str):
    import txtai.scoring.tfidf as tfidf
    from txtai import Embeddings

    tfidf.TFIDF.loadtokenizer = lambda self: jieba_tokens  # txtai's tokenizers split on whitespace
    return Embeddings(path=model, method="sentence-transformers", content=True, hybrid=True,
                      instructions={"query": "query: ", "data": "passage: "},
                      scoring={"method": "bm25", "terms": True, "normalize": True})


def child_txtai_build(out: Path, letters: list[Path], model: str) -> None:
    chunks = peer_chunks(letters)
    embeddings = _txtai_embeddings(model)
    embeddings.index([{"id": f"{i}", "text": c, "letter": lid} for i, (lid, c) in enumerate(chunks)])
    embeddings.save(str(out))


def child_txtai_query(out: Path, questions: list[str], model: str) -> list[list[tuple[str, str]]]:
    embeddings = _txtai_embeddings(model)
    embeddings.load(str(out))
    return [[(r["letter"], r["text"]) for r in embeddings.search(
        "select id, text, letter, score from txtai where similar(:q) limit 10", parameters={"q": q})]
        for q in questions]


# --- the parent -------------------------------------------------------------------------------------------------

def load_questions(files: list[str]) -> dict[str, list[dict]]:
    from dafu.search.evaluate import load_questions as load

    return {f: [q for q in load(ROOT / f) if q["gold"]] for f in files}


def metrics(results: list[list[tuple[str, str]]], questions: list[dict]) -> dict:
    from dafu.search.evaluate import is_hit, retrieval_metrics

    ranks = [next((i for i, (lid, text) in enumerate(res, 1) if is_hit(lid, text, q["gold"])), None)
             for res, q in zip(results, questions)]
    return retrieval_metrics(ranks)


def dafu_metrics(index_dir: Path, sets: dict[str, list[dict]]) -> dict:
    out = {}
    for name in sets:
        run = subprocess.run([sys.executable, "-m", "dafu", "eval", str(ROOT / name), "--json", "--index-dir",
                              str(index_dir)], capture_output=True, text=True, cwd=ROOT, check=True)
        got = json.loads(run.stdout)
        out[name] = {k: got[k] for k in ("hit@1", "hit@5", "mrr@10", "n")}
    return out


def count_tokens(model: str, texts: list[str]) -> int:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model)
    return sum(len(ids) for ids in tokenizer(texts, truncation=True, max_length=512)["input_ids"])


def dafu_texts(letters: list[Path]) -> list[str]:
    from dafu.corpus.chunk import chunk_sections
    from dafu.corpus.collect import read_letter
    from dafu.index.build import index_text

    out = []
    for path in letters:
        letter = read_letter(path, path.stem)
        out.extend(index_text(letter.to_dict(), c) for c in chunk_sections(letter))
    return out


def load_average() -> float:
    return os.getloadavg()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--letters", nargs="*", help="letter files or folders (default: see above)")
    parser.add_argument("--questions", nargs="*", default=DEFAULT_QUESTIONS)
    parser.add_argument("--txtai-python", help="a python whose venv holds txtai (and this venv's packages)")
    parser.add_argument("--stacks", nargs="*", default=["dafu", "lc", "txtai"])
    parser.add_argument("--child", nargs=3, metavar=("STACK", "MODE", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--json-out", help="write every figure to this file too")
    args = parser.parse_args()
    letters = [Path(p) for p in args.letters] if args.letters else default_letters()
    letters = [f for p in letters for f in (sorted(p.rglob("*.txt")) if p.is_dir() else [p])]
    model = model_path()
    if args.child:
        stack, mode, out = args.child
        if mode == "build":
            {"lc": child_lc_build, "txtai": child_txtai_build}[stack](Path(out), letters, model)
        else:
            questions = json.loads(sys.stdin.read())
            results = {"lc": child_lc_query, "txtai": child_txtai_query}[stack](Path(out), questions, model)
            print(json.dumps(results, ensure_ascii=False))
        return
    stacks = [s for s in args.stacks if s != "txtai" or args.txtai_python]
    if "txtai" in args.stacks and not args.txtai_python:
        print("txtai skipped: no --txtai-python", file=sys.stderr)
    python = {"dafu": sys.executable, "lc": sys.executable, "txtai": args.txtai_python}
    env = {**os.environ, "TOKENIZERS_PARALLELISM": "false", "BENCH_PEERS_MODEL": model}
    work = Path(tempfile.mkdtemp(prefix="bench-peers-"))
    times: dict[str, list[tuple[float, float, float]]] = {s: [] for s in stacks}
    last: dict[str, Path] = {}
    for run in range(args.runs):
        order = stacks if run % 2 == 0 else stacks[::-1]  # alternate who goes first
        for stack in order:
            out = work / f"{stack}-{run}"
            if stack == "dafu":
                cmd = [python[stack], "-m", "dafu", "index", *map(str, letters), "--index-dir", str(out)]
            else:
                cmd = [python[stack], __file__, "--child", stack, "build", str(out), "--letters", *map(str, letters)]
            load_before = load_average()
            started = time.perf_counter()
            subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True)
            seconds = time.perf_counter() - started
            times[stack].append((seconds, load_before, load_average()))
            print(json.dumps({"run": run, "stack": stack, "seconds": round(seconds, 2),
                              "load": [round(load_before, 2), round(load_average(), 2)]}), flush=True)
            if stack in last:
                subprocess.run(["rm", "-rf", str(last[stack])], check=False)
            last[stack] = out
    sets = load_questions(args.questions)
    texts = {"dafu": ["passage: " + t for t in dafu_texts(letters)],
             "lc": ["passage: " + c for _, c in peer_chunks(letters)]}
    texts["txtai"] = texts["lc"]
    summary = {"letters": len(letters), "questions": {k: len(v) for k, v in sets.items()}, "stacks": {}}
    for stack in stacks:
        if stack == "dafu":
            quality = dafu_metrics(last[stack], sets)
        else:
            quality = {}
            for name, questions in sets.items():
                run = subprocess.run([python[stack], __file__, "--child", stack, "query", str(last[stack]), "--letters",
                                      *map(str, letters)], input=json.dumps([q["q"] for q in questions]),
                                     capture_output=True, text=True, cwd=ROOT, env=env, check=True)
                quality[name] = metrics([[tuple(r) for r in res] for res in json.loads(run.stdout.splitlines()[-1])],
                                        questions)
        seconds = [t[0] for t in times[stack]]
        summary["stacks"][stack] = {
            "seconds": [round(s, 1) for s in seconds], "median_s": round(statistics.median(seconds), 1),
            "load": [[round(t[1], 1), round(t[2], 1)] for t in times[stack]],
            "passages": len(texts[stack]), "tokens": count_tokens(model, texts[stack]),
            "quality": {k: {m: round(v, 3) if isinstance(v, float) else v for m, v in q.items()}
                        for k, q in quality.items()}}
    all_q = sum(len(v) for v in sets.values())
    for stack, s in summary["stacks"].items():
        s["hit@1_all"] = round(sum(s["quality"][k]["hit@1"] * len(sets[k]) for k in sets) / all_q, 3)
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    subprocess.run(["rm", "-rf", str(work)], check=False)


if __name__ == "__main__":
    main()
