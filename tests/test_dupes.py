"""Duplicate-proposal finder on the real seed and dev indexes: letter similarity, drafts, near copies,
all-pairs clusters, draft readers and reports."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest

from dafu.search.dupes import TIERS, find_duplicates, tier_of
from dafu.search.dupes_all import all_pairs, letter_pair_score, pairs_in_space
from dafu.search.dupes_io import format_table, read_drafts, to_csv, to_html, to_json_lines
from dafu.search.similarity import LetterSpace, letter_space, similar_letters

SEEDS = Path(__file__).resolve().parents[1] / "corpus" / "letters"
TIER_NAMES = {name for name, _ in TIERS}

PARAPHRASE_004 = {
    "name": "drafts/yiyang.txt",
    "title": "关于进一步推进医养结合、发展我省养老事业的建议",
    "text": "随着全省老年人口特别是失能、半失能老人不断增多，老年人既要养老又要看病的需求十分迫切。"
            "目前医养结合机构数量偏少、床位不够，养老院和医院之间协作不畅，老人就医往返奔波。"
            "建议省卫生健康部门牵头制定推进医养结合的政策文件，支持养老机构按规定设立医务室、护理站等医疗卫生机构，"
            "推动养老机构与周边医院签订合作协议、开通就医绿色通道，并将养老机构内设医疗机构纳入医联体，"
            "为老年人提供连续的健康服务。",
}
BUS = {
    "name": "drafts/bus.txt",
    "title": "关于优化城区公交线路的建议",
    "text": "城区部分新建小区没有公交线路经过，居民出行十分不便，部分线路绕行严重、发车间隔过长。"
            "建议交通运输部门重新调整公交线网，增开连接新建小区和工业园区的公交线路，增设站点和候车亭，缩短高峰时段发车间隔。",
}


def seed_id(searcher, prefix: str) -> str:
    return next(lid for lid in searcher.by_id if lid.startswith(prefix))


def near_copy_draft() -> dict:
    """Three paragraphs of seed 002 with a few characters changed."""
    source = next(SEEDS.glob("002_*.txt")).read_text(encoding="utf-8")
    paragraphs = [p for p in source.split("\n\n") if len(p) > 100][1:4]
    text = "\n\n".join(paragraphs).replace("老年人", "老人", 3).replace("省卫健委", "我委", 1).replace("2023", "2024", 2)
    return {"name": "drafts/copy.txt", "title": "关于社区医养服务的提案", "text": text}


@pytest.fixture(scope="module")
def seed_results(seed_searcher):
    return find_duplicates(seed_searcher, [PARAPHRASE_004, BUS, near_copy_draft()], k=5)


def test_related_seed_letters_score_above_unrelated_pairs(dev_searcher):
    s = dev_searcher
    yiyang = letter_pair_score(s, seed_id(s, "001_"), seed_id(s, "004_"))     # both 医养结合
    health = letter_pair_score(s, seed_id(s, "002_"), seed_id(s, "004_"))     # both 省卫健委
    unrelated = [letter_pair_score(s, seed_id(s, p), d) for p in ("001_", "002_", "004_")
                 for d in ("dev-012", "dev-027", "dev-008", "dev-019")]          # buses, waste, kindergartens
    assert min(yiyang, health) > max(unrelated) + 0.1, (yiyang, health, unrelated)
    assert tier_of(yiyang) is not None and tier_of(max(unrelated)) in (None, "相关")


def test_similar_letters(dev_searcher):
    s = dev_searcher
    near = similar_letters(s, seed_id(s, "004_"), k=4)                         # the other elderly-care seeds
    assert len(near) == 4 and not any(r["letter_id"].startswith("dev-") for r in near), near
    assert set(near[0]) == {"letter_id", "score", "title", "agency", "date"}
    waste = [r["letter_id"] for r in similar_letters(s, "dev-031", k=3)]            # 垃圾分类 (cluster C)
    assert all(lid in {f"dev-{n:03d}" for n in range(21, 34)} for lid in waste), waste
    assert similar_letters(s, "no-such-letter") == []


def test_paraphrased_draft_is_suspected_duplicate_of_its_letter(seed_searcher, seed_results):
    result = seed_results[0]
    assert result["draft"] == "drafts/yiyang.txt"
    top = result["matches"][0]
    assert top["letter_id"].startswith("004_")
    # calibration: paraphrases score 0.61-0.79 against their own letter, other same-topic letters <= 0.61
    assert top["tier"] == "疑似重复" and not top["near_copy"]
    assert top["passages"] and {"draft_text", "letter_text", "score"} <= set(top["passages"][0])
    assert all(m["score"] <= top["score"] for m in result["matches"])


def test_unrelated_draft_is_not_a_duplicate(seed_results):
    assert not any(m["tier"] == "疑似重复" for m in seed_results[1]["matches"])


def test_near_verbatim_copy_is_flagged(seed_results):
    copy = seed_results[2]["matches"]
    assert copy[0]["letter_id"].startswith("002_") and copy[0]["near_copy"] is True
    assert not seed_results[0]["matches"][0]["near_copy"]
    assert "文本近似复制" in format_table(seed_results) and "文本近似复制" in to_html(seed_results)


def test_json_contract(seed_results):
    for line in to_json_lines(seed_results).splitlines():
        obj = json.loads(line)
        assert isinstance(obj["draft"], str)
        for m in obj["matches"]:
            assert isinstance(m["letter_id"], str) and isinstance(m["score"], float)
            assert m["tier"] in TIER_NAMES and isinstance(m["near_copy"], bool)
            for p in m["passages"]:
                assert isinstance(p["draft_text"], str) and isinstance(p["letter_text"], str)


def test_all_pairs_pairs_the_topics_but_clusters_only_one_ask(dev_searcher):
    """Letters of one topic from different places are paired (高度相似/相关) but are different asks: no
    cluster joins them (clusters no longer chain a whole policy area)."""
    report = all_pairs(dev_searcher)
    assert report["pairs"] == sorted(report["pairs"], key=lambda p: -p["score"])
    assert all(p["tier"] in TIER_NAMES and isinstance(p["near_copy"], bool) for p in report["pairs"])
    assert all(isinstance(p["ask_score"], float) and isinstance(p["same_ask"], bool) for p in report["pairs"])
    waste = {f"dev-{n:03d}" for n in (27, 30, 31, 32, 33)}                  # 垃圾分类 letters, five cities
    waste_pairs = [p for p in report["pairs"] if {p["a"], p["b"]} <= waste]
    assert len(waste_pairs) >= 4 and not [p for p in waste_pairs if p["tier"] == "疑似重复"], waste_pairs
    assert all(len(c) <= 15 for c in report["clusters"])
    assert not [c for c in report["clusters"] if len(waste & set(c)) > 1]
    assert [d["letters"] for d in report["cluster_details"]] == report["clusters"]
    sizes = [len(c) for c in report["clusters"]]
    assert sizes == sorted(sizes, reverse=True)
    rows = list(csv.DictReader(io.StringIO(to_csv(report))))
    assert len(rows) == len(report["pairs"]) and "聚成" in format_table(report)


def test_all_pairs_flags_near_copies(dev_searcher):
    """A copy of dev-031 with a few characters changed, added to the dev letters' space."""
    space = letter_space(dev_searcher)
    rows = space.chunk_rows[space.position["dev-031"]]
    texts = [t.replace("垃圾", "拉圾", 1) for t in space.passage_texts(space.position["dev-031"])]
    vectors = np.vstack([space.chunk_vectors, space.chunk_vectors[rows]])
    new_rows = np.arange(len(space.chunk_vectors), len(vectors))
    grown = LetterSpace(space.ids + ["copy-031"], space.chunk_rows + [new_rows], vectors,
                        space.chunk_text + texts, space.background)
    report = pairs_in_space(grown)
    pair = next(p for p in report["pairs"] if {p["a"], p["b"]} == {"dev-031", "copy-031"})
    assert pair["near_copy"] and pair["tier"] == "疑似重复"
    assert not any(p["near_copy"] for p in report["pairs"] if "copy-031" not in (p["a"], p["b"]))


# ---------------------------------------------------------------- readers and reports

def test_csv_rows_with_problems_are_named_and_the_rest_read(tmp_path):
    good = "关于加强社区养老服务的建议"
    raw = ("title,text\n"
           f"{good},建议在社区建设养老服务站。\n"
           "只有标题\n"
           "空正文,\n").encode("utf-8") + "坏编码,".encode("utf-8") + b"\xff\xfe\xb0\xa1\n" + \
          f"{good}二,增加老年助餐点。\n".encode("utf-8")
    path = tmp_path / "drafts.csv"
    path.write_bytes(raw)
    drafts, errors = read_drafts([path])
    assert [d["name"] for d in drafts] == [f"{path}:2", f"{path}:6"]
    assert drafts[0]["title"] == good and drafts[0]["text"] == "建议在社区建设养老服务站。"
    named = {e.draft: e.error for e in errors}
    assert set(named) == {f"{path}:3", f"{path}:4", f"{path}:5"}
    assert "text" in named[f"{path}:3"] and "空" in named[f"{path}:4"] and "UTF-8" in named[f"{path}:5"]


def test_jsonl_rows_with_problems_are_named_and_the_rest_read(tmp_path):
    lines = [json.dumps({"title": "甲", "text": "建议增加公交班次。"}, ensure_ascii=False).encode(),
             json.dumps({"text": "没有标题列"}, ensure_ascii=False).encode(),
             json.dumps({"title": "空", "text": "  "}, ensure_ascii=False).encode(),
             b'{"title": "\xb0\xa1", "text": "x"}',
             b"not json",
             json.dumps({"title": "乙", "text": "建议建设停车场。"}, ensure_ascii=False).encode()]
    path = tmp_path / "drafts.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    drafts, errors = read_drafts([path])
    assert [d["name"] for d in drafts] == [f"{path}:1", f"{path}:6"]
    assert [e.draft for e in errors] == [f"{path}:{n}" for n in (2, 3, 4, 5)]
    assert "title" in errors[0].error and "UTF-8" in errors[2].error and "JSON" in errors[3].error


def test_text_files_directories_and_bad_encodings(tmp_path):
    folder = tmp_path / "drafts"
    folder.mkdir()
    (folder / "a.txt").write_text("关于推进垃圾分类的建议\n\n建议在小区设置分类投放点。\n", encoding="utf-8")
    (folder / "b.md").write_bytes("# 关于幼儿园建设的提案\n\n建议新建公办幼儿园。\n".encode("gb18030"))
    (folder / "bad.txt").write_bytes(bytes(range(0x80, 0x100)) * 3)
    drafts, errors = read_drafts([folder, tmp_path / "missing.txt"])
    assert {Path(d["name"]).name: d["title"] for d in drafts} == {"a.txt": "关于推进垃圾分类的建议",
                                                                  "b.md": "关于幼儿园建设的提案"}
    assert {Path(e.draft).name for e in errors} == {"bad.txt", "missing.txt"}


def test_html_report_escapes_and_is_self_contained(seed_results):
    hostile = [{"draft": "<script>alert(1)</script>", "title": "<b>x</b>", "matches": [
        {**seed_results[0]["matches"][0], "passages": [{"draft_text": "<img src=x onerror=1>",
                                                        "letter_text": "a & b", "score": 0.9}]}]}]
    page = to_html(hostile)
    assert "<script>alert" not in page and "&lt;script&gt;" in page and "<img" not in page
    assert "a &amp; b" in page and "http" not in page and page.startswith("<!DOCTYPE html>")


def test_cli_dupes_json_csv_html_and_all(seed_index, tmp_path, capsys):
    from dafu.cli import main

    drafts = tmp_path / "drafts.jsonl"
    drafts.write_text(json.dumps(PARAPHRASE_004, ensure_ascii=False) + "\n" + '{"title": "缺正文"}\n',
                      encoding="utf-8")
    assert main(["dupes", str(drafts), "--json", "--index-dir", str(seed_index)]) == 0
    captured = capsys.readouterr()
    assert f"{drafts}:2" in captured.err
    lines = [json.loads(line) for line in captured.out.splitlines()]
    assert len(lines) == 1 and lines[0]["draft"] == f"{drafts}:1"
    assert lines[0]["matches"][0]["letter_id"].startswith("004_")

    report = tmp_path / "report.html"
    assert main(["dupes", str(drafts), "--html", str(report), "--index-dir", str(seed_index)]) == 0
    assert "004_" in report.read_text(encoding="utf-8")
    assert str(report) in capsys.readouterr().out

    assert main(["dupes", "--all", "--json", "--index-dir", str(seed_index)]) == 0
    pairs = json.loads(capsys.readouterr().out)
    assert pairs["pairs"] and set(pairs) >= {"pairs", "clusters"}
    scores = [p["score"] for p in pairs["pairs"]]
    assert scores == sorted(scores, reverse=True)
    assert main(["dupes", "--index-dir", str(seed_index)]) == 2  # neither drafts nor --all
