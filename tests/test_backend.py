"""The index seam: the embedded store behind ``IndexBackend`` answers like the reference it replaced."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from dafu.index import sqlstore, sqlwrite
from dafu.index.backend import Filter, OldIndexFormat
from dafu.index.keyword import KeywordIndex, Terms, tokenize
from dafu.index.store import current_generation, load_generation

ROOT = Path(__file__).resolve().parent.parent


def test_search_and_web_import_only_the_seam_from_index():
    for layer in ("search", "web"):
        for path in (ROOT / layer).glob("*.py"):
            for name in re.findall(r"from \.\.index(\.\w+)? import", path.read_text(encoding="utf-8")):
                assert name == ".backend", f"{path.name} imports dafu.index{name}"


def test_bm25_scores_are_those_of_bm25s(seed_index):
    bm25s = pytest.importorskip("bm25s")
    data = load_generation(seed_index)
    from dafu.index.build import index_text

    texts = [index_text(data.letter(c.letter_id), c) for c in data.chunks(range(data.chunk_count()))]
    reference = bm25s.BM25()
    reference.index([tokenize(t) or [""] for t in texts], show_progress=False)
    for query in ("医疗护理员培训补助标准", "养老机构 床位", "湖里区 居家 养老 服务", "不存在的词语"):
        tokens = [t for t in tokenize(query) if t in reference.vocab_dict]
        expected = reference.get_scores(tokens) if tokens else np.zeros(data.chunk_count())
        hits = data.keyword_search(tokenize(query), 10)
        got = hits.scores_of(np.arange(data.chunk_count()))
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
        assert [r for r, _ in hits.top] == [int(r) for r in np.argsort(-expected, kind="stable")[:len(hits.top)]]


def test_terms_rebuild_the_same_matrix_after_take_and_concat():
    rng = np.random.default_rng(1)
    docs = [list(rng.integers(0, 50, rng.integers(0, 30))) for _ in range(40)]
    terms = Terms.from_token_ids(docs)
    again = Terms.concat([terms.take(np.arange(0, 15)), terms.take(np.arange(15, 40))])
    for a, b in zip(KeywordIndex.build(terms, 50).__dict__.values(), KeywordIndex.build(again, 50).__dict__.values()):
        np.testing.assert_array_equal(a, b)


def test_filters_are_sql_over_metadata(seed_index):
    data = load_generation(seed_index)
    letters = data.letters()
    agency = next(r["agency"] for r in letters if r.get("agency"))
    year = next(r["date"][:4] for r in letters if r.get("date"))
    for where in (Filter(agency=agency[:3]), Filter(year=year), Filter(category="A"), Filter(region="福"),
                  Filter(letter_ids=frozenset([letters[0]["id"], "nope"])), Filter(agency="没有这个单位"),
                  Filter.from_dict({"agency": agency, "year": year})):
        ok = {r["id"] for r in letters if where.matches(r)}
        expected = [row for lid in data.letter_ids() if lid in ok for row in data.rows_of_letter(lid)]
        assert data.filter_rows(where).tolist() == sorted(expected)
        for row, _ in data.dense_search(data.vectors([0])[0], 5, where):
            assert data.chunk(row).letter_id in ok
    facets = data.facets()
    assert agency in facets["agency"] and year in facets["year"]
    assert Filter.from_dict({"agency": " ", "other": "x"}) is None


def test_dense_search_is_exact_below_the_threshold_and_recalls_above(seed_index, tmp_path, monkeypatch):
    data = load_generation(seed_index)
    q = data.vectors([3])[0]
    brute = np.argsort(-(np.asarray(data.vectors()) @ q), kind="stable")[:10]
    assert [r for r, _ in data.dense_search(q, 10)] == brute.tolist()
    # the approximate path, on clustered synthetic vectors
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(50, 32))
    vectors = centres[rng.integers(0, 50, 20000)] + 0.5 * rng.normal(size=(20000, 32))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    index = sqlwrite.approximate_index(vectors)
    monkeypatch.setattr(sqlstore, "BLOCK", 4096)
    found = 0
    for i in range(50):
        exact = set(np.argsort(-(vectors @ vectors[i]))[:10].tolist())
        import faiss

        _, ids = index.search(vectors[i:i + 1], 40, params=faiss.SearchParametersIVF(nprobe=sqlstore.NPROBE))
        top = sqlstore._exact_top(vectors, vectors[i], 10, np.unique(ids[0][ids[0] >= 0]))
        found += len(exact & {r for r, _ in top})
    assert found / 500 >= 0.98


def test_an_index_of_the_old_format_asks_for_a_rebuild(seed_index, tmp_path):
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index, index_dir)
    manifest = current_generation(index_dir) / "manifest.json"
    old = json.loads(manifest.read_text(encoding="utf-8"))
    old.pop("format")
    manifest.write_text(json.dumps(old), encoding="utf-8")
    with pytest.raises(OldIndexFormat, match="--rebuild"):
        load_generation(index_dir)
    from dafu.index.build import build_index

    report = build_index(index_dir=index_dir, rebuild=True)
    assert report.letters == 5 and load_generation(index_dir).chunk_count() == report.chunks


def test_bodies_are_read_on_demand(seed_searcher):
    lid = seed_searcher.index.letter_ids()[0]
    assert lid in seed_searcher.by_id and "nope" not in seed_searcher.by_id
    assert seed_searcher.by_id[lid]["body"] == seed_searcher.letter(lid)["body"]
    assert len(seed_searcher.by_id) == 5 and list(seed_searcher.by_id)[0] == lid


def test_an_appended_generation_scores_like_a_fresh_build(seed_index, tmp_path):
    from dafu.index.build import build_index

    from conftest import DEV_LETTERS, SEEDS

    grown = tmp_path / "grown"
    shutil.copytree(seed_index, grown)
    build_index([DEV_LETTERS / "dev-001.txt"], index_dir=grown)  # every letter kept: the file is copied
    fresh = tmp_path / "fresh"
    build_index([SEEDS, DEV_LETTERS / "dev-001.txt"], index_dir=fresh)
    a, b = load_generation(grown), load_generation(fresh)
    assert a.chunk_count() == b.chunk_count() and sorted(a.letter_ids()) == sorted(b.letter_ids())
    text = {r: a.chunk(r).text for r in range(a.chunk_count())}
    row_in_b = {b.chunk(r).text: r for r in range(b.chunk_count())}
    for query in ("华容县第二幼儿园", "医疗护理员培训补助标准", "幼儿园 养老"):
        sa = a.keyword_search(tokenize(query), 5).scores_of(np.arange(a.chunk_count()))
        sb = b.keyword_search(tokenize(query), 5).scores_of(np.arange(b.chunk_count()))
        np.testing.assert_allclose(sa, [sb[row_in_b[text[r]]] for r in range(a.chunk_count())], rtol=1e-5)
        assert a.idf(tokenize(query)) == pytest.approx(b.idf(tokenize(query)))
    assert a.letter("dev-001")["body"] == b.letter("dev-001")["body"]


def test_a_build_written_in_small_batches_is_the_one_written_at_once(seed_index, tmp_path, monkeypatch):
    from dafu.index.build import index_text

    data = load_generation(seed_index)
    fresh = [(data.letter(i), data.chunks(data.rows_of_letter(i))) for i in data.letter_ids()]
    tokens = [tokenize(index_text(row, c)) for row, chunks in fresh for c in chunks]
    written = []
    for batch in (sqlwrite.BATCH, 7):
        monkeypatch.setattr(sqlwrite, "BATCH", batch)
        out = tmp_path / str(batch)
        out.mkdir()
        sqlwrite.NewGeneration({**data.manifest}, None, [], fresh, data.vectors(), tokens).write_to(out)
        written.append(out)
    for name in ("vectors", "terms_ids", "terms_tfs", "terms_offsets", "bm25_indptr", "bm25_docs", "bm25_scores"):
        a, b = (np.load(d / f"{name}.npy") for d in written)
        assert a.dtype == b.dtype and np.array_equal(a, b), name
    np.testing.assert_array_equal(np.load(written[0] / "vectors.npy"), data.vectors())
    import sqlite3

    for table in ("letters", "chunks", "vocab"):
        a, b = (sqlite3.connect(d / "store.sqlite").execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
                for d in written)
        assert a == b, table
