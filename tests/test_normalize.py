"""Normalisation for indexing and matching, on real mirror-copy text."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from opencc import OpenCC

from dafu.corpus.normalize import normalize_for_index, normalize_for_match, to_simplified
from dafu.corpus.text import strip_pinyin
from conftest import EVAL

ROOT = Path(__file__).resolve().parent.parent
SHARED = EVAL
LETTERS = sorted((ROOT / "corpus" / "letters").glob("*.txt")) + sorted((SHARED / "dev_letters").glob("dev-*.txt"))


def test_mirror_copy_pinyin_and_script():
    assert normalize_for_index("計(jì)劃總投資2700萬(wàn)元") == "计划总投资2700万元"
    assert normalize_for_index("岳縣衛(wèi)健字〔2024〕3號") == "岳县卫健字〔2024〕3号"
    assert normalize_for_index("收悉,F(xiàn)答復") == "收悉,f答复"


@pytest.mark.parametrize("text", ["(第20252060号)", "（五缘院区）", "(A)类", "办法(试行)", "护理院(2023版)", "设备(app)"])
def test_real_parentheticals_survive(text):
    assert strip_pinyin(text) == text


def test_departments_are_named_one_way():
    """工信部门 finds 工业和信息化部门 and 住房城乡建设厅 finds 住房和城乡建设厅; a body by its short name stays as typed."""
    assert normalize_for_index("工信部门负责什么") == normalize_for_index("工业和信息化部门负责什么")
    assert normalize_for_index("湖南省住房城乡建设厅") == normalize_for_index("湖南省住房和城乡建设厅")
    assert normalize_for_index("住建系统") == normalize_for_index("住房和城乡建设系统")
    assert normalize_for_index("临沧市住建局") == "临沧市住建局"


def test_index_form_folds_width_and_case():
    assert normalize_for_index("ＡＢＣ１２３，（第２０号）") == "abc123,(第20号)"
    assert normalize_for_index("（第 20252060 号）") == "(第 20252060 号)"


def test_match_form_drops_whitespace_and_quotes():
    assert normalize_for_match("拟定为“华容县 第二幼儿园”, 计划") == "拟定为华容县第二幼儿园,计划"
    assert normalize_for_match("鄉(xiāng)鎮(zhèn) 「公交」") == "乡镇公交"


def test_t2s_equals_opencc_on_real_and_converted_letters():
    cc, s2t = OpenCC("t2s"), OpenCC("s2t")
    texts = [p.read_text(encoding="utf-8") for p in LETTERS]
    texts += [s2t.convert(t) for t in texts[:5]] + ["一目瞭然，答覆，乾隆年間，乾淨，藉口"]
    for text in texts:
        assert to_simplified(text) == cc.convert(text)
        assert len(to_simplified(text)) == len(text)


def test_gold_spans_match_their_letters_after_normalisation():
    for line in (SHARED / "dev_real.jsonl").read_text(encoding="utf-8").splitlines():
        for letter_id, span in json.loads(line)["gold"]:
            letter = (SHARED / "dev_letters" / f"{letter_id}.txt").read_text(encoding="utf-8")
            assert normalize_for_match(span) in normalize_for_match(letter)


def test_a_gold_span_copied_from_a_header_table_matches_the_cleaned_text():
    """成文日期 | 2025-08-22 of a page's header table: cleaning drops the bars, the comparison does too."""
    from dafu.corpus.parse import parse_letter
    from conftest import data_path

    path = data_path("blind54", "letters", "b54-bm-01.txt")
    body = parse_letter(path.read_text(encoding="utf-8"), "b54-bm-01", str(path)).body
    assert "成文日期 | 2025-08-22" in path.read_text(encoding="utf-8") and "|" not in body
    assert normalize_for_match("成文日期 | 2025-08-22") in normalize_for_match(body)
    assert normalize_for_match("成文日期｜2025-08-22") == normalize_for_match("成文日期 2025-08-22")
