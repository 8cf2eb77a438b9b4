"""Search through its public interfaces: the Searcher API, the CLI and its JSON contract, eval."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from dafu.cli import main

from conftest import DEV_JSONL, DEV_REAL_JSONL, ROOT

HELDOUT_JSONL = ROOT / "tests" / "data" / "heldout.jsonl"

CITATION_KEYS = {"title", "doc_number", "agency", "date"}


def check_result_contract(result: dict, rank: int) -> None:
    assert {"rank", "score", "letter_id", "text", "section", "citation"} <= set(result)
    assert result["rank"] == rank and isinstance(result["score"], float)
    assert isinstance(result["text"], str) and result["text"]
    assert isinstance(result["section"], str)
    assert set(result["citation"]) == CITATION_KEYS


def test_first_use_builds_index_and_prints_cited_passages(tmp_path):
    out = subprocess.run([sys.executable, "-m", "dafu", "search", "湖里区有多少家养老机构", "--index-dir",
                          str(tmp_path / "fresh"), "--top-k", "3"], capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr
    first = out.stdout.split("\n\n")[0]
    assert first.startswith("[1] ") and "厦湖民函〔2025〕8号" in first and "厦门市湖里区民政局" in first
    assert "【湖里区】" in first or "【湖里】" in first


@pytest.mark.parametrize("mode", ["hybrid", "dense", "keyword"])
def test_each_mode_finds_the_answering_passage(seed_searcher, mode):
    results = seed_searcher.search("医疗护理员培训补助标准是多少", top_k=5, mode=mode)
    assert [r["rank"] for r in results] == list(range(1, len(results) + 1))
    for rank, r in enumerate(results, 1):
        check_result_contract(r, rank)
    assert any(r["citation"]["doc_number"] == "闽卫督函〔2024〕25号" for r in results[:3])
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)


def test_passage_text_is_the_letters_own_text(seed_searcher):
    for r in seed_searcher.search("家庭病床", top_k=10):
        letter = seed_searcher.letter(r["letter_id"])
        assert letter["body"][r["start"]:r["end"]] == r["text"]


def test_filters_narrow_results(seed_searcher):
    results = seed_searcher.search("养老服务", top_k=20, filters={"agency": "湖里区"})
    assert results and all("湖里区" in seed_searcher.by_id[r["letter_id"]]["agency"] for r in results)
    year = seed_searcher.search("养老服务", top_k=20, filters={"year": "2024"})
    assert year and all(r["citation"]["date"].startswith("2024") for r in year)
    assert seed_searcher.search("养老服务", filters={"year": "1999"}) == []


def test_a_region_typed_in_simplified_script_finds_letters_whose_pages_write_it_in_traditional(dev_searcher):
    """dev-002's page writes 嶽陽縣 and dev-038's 岳陽縣: both are read as 岳阳县, the 地区 a member types."""
    results = dev_searcher.search("幼儿园 卫生院 建议", top_k=20, filters={"region": "岳阳县"})
    assert {r["letter_id"] for r in results} == {"dev-002", "dev-038"}
    assert {dev_searcher.by_id[i]["region"] for i in ("dev-002", "dev-038")} == {"岳阳县"}


def test_unknown_mode_is_an_error(seed_searcher):
    with pytest.raises(ValueError, match="mode"):
        seed_searcher.search("养老", mode="fuzzy")


def test_cli_json_contract_and_batch(seed_index, tmp_path, capsys):
    assert main(["search", "泉州医养结合机构有多少家", "--json", "--index-dir", str(seed_index)]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["query"] == "泉州医养结合机构有多少家" and len(payload["results"]) == 10
    for rank, r in enumerate(payload["results"], 1):
        check_result_contract(r, rank)
    batch = tmp_path / "queries.txt"
    batch.write_text("晋安区新增了多少平方米养老设施\n\n平安通服务报送了多少份长者档案\n", encoding="utf-8")
    assert main(["search", "--batch", str(batch), "--json", "--top-k", "2", "--index-dir", str(seed_index)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["query"] for line in lines] == ["晋安区新增了多少平方米养老设施", "平安通服务报送了多少份长者档案"]
    assert all(len(line["results"]) == 2 for line in lines)


def test_cli_letters_lists_metadata(seed_index, capsys):
    assert main(["letters", "--json", "--index-dir", str(seed_index)]) == 0
    letters = {row["id"]: row for row in json.loads(capsys.readouterr().out)}
    row = letters["004_751f5609c51b72e9"]
    assert row["doc_number"] == "闽卫督函〔2024〕25号" and row["category"] == "B" and row["chunks"] > 0
    assert {"id", "title", "doc_number", "category", "session", "proposal_number", "addressee", "agency",
            "date", "source", "chunks"} <= set(row)


def test_eval_on_dev_set_meets_targets(seed_index, capsys):
    assert main(["eval", str(DEV_JSONL), "--json", "--index-dir", str(seed_index)]) == 0
    metrics = json.loads(capsys.readouterr().out)
    assert metrics["n"] == 20
    assert metrics["hit@1"] >= 0.85 and metrics["hit@5"] >= 0.95


def test_eval_on_real_letters_beats_naive_baselines(dev_searcher):
    from dafu.search.evaluate import evaluate_retrieval, load_questions

    metrics = evaluate_retrieval(dev_searcher, load_questions(DEV_REAL_JSONL))
    assert metrics["n"] == 47
    assert metrics["hit@1"] > 0.81 and metrics["hit@5"] >= 0.94


def test_eval_on_project_heldout_questions(dev_searcher):
    """40 questions written apart from the dev sets (other facts, indirect place names, traditional script)."""
    from dafu.search.evaluate import evaluate_retrieval, load_questions

    metrics = evaluate_retrieval(dev_searcher, load_questions(HELDOUT_JSONL))
    assert metrics["n"] == 40
    assert metrics["hit@1"] >= 0.85 and metrics["hit@5"] >= 0.95


def test_bad_eval_file_is_a_clear_error(seed_index, tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"q": "养老"}\nnot json\n', encoding="utf-8")
    assert main(["eval", str(bad), "--index-dir", str(seed_index)]) == 2
    assert "bad.jsonl:2" in capsys.readouterr().err
