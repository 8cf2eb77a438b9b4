"""The text toolkit shared by chunking, answers, conflicts and the LLM check (corpus/text.py)."""
from __future__ import annotations

import pytest

from dafu.corpus.metadata import extract_metadata
from dafu.corpus.text import blank_pinyin, clauses, parse_number, sentences, strip_pinyin, valid_date
from dafu.search.figures import dates, figures


@pytest.mark.parametrize("text,value", [("两千五", 2500), ("一万二千", 12000), ("二〇二四", 2024), ("1,200.5", 1200.5),
                                        ("1.5万", 15000), ("三点五", 3.5), ("十二", 12), ("九", 9)])
def test_numerals(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "人", "两千五人", "abc"])
def test_not_a_numeral(text):
    assert parse_number(text) is None


@pytest.mark.parametrize("text,figure,value,unit", [
    ("全年培训一万二千人次", "一万二千人次", 12000, "人次"),
    ("共有一万二千人参加", "一万二千人", 12000, "人"),
    ("投入两千五百万元", "两千五百万元", 25_000_000, "元"),
    ("投入1.5万元", "1.5万元", 15000, "元"),
])
def test_figures_read_whole_chinese_numerals(text, figure, value, unit):
    (found,) = figures(text)
    assert (found.text, found.value, found.unit) == (figure, value, unit)


def test_dates_are_calendar_dates():
    assert valid_date(2024, 2, 29) and not valid_date(2023, 2, 29) and not valid_date(2024, 2, 31)
    assert dates("计划于2024年2月31日完成") == []
    assert dates("计划于2024年2月28日完成") == [(3, 13)]


def test_letter_date_never_impossible():
    body = "张委员：\n你提出的建议收悉，现答复如下：\n我局将加快建设。\n\n某某市民政局\n2024年2月31日"
    assert extract_metadata(body).date == "2024-02"


def test_sentences_and_clauses_keep_offsets():
    text = "  一是加快建设。二是“完善制度！”\n三是加强督导；\n最后一行"
    spans = sentences(text)
    assert [text[s:e] for s, e in spans] == ["一是加快建设。", "二是“完善制度！”", "三是加强督导；", "最后一行"]
    text = "截至2024年底，全市共建成：社区食堂12个、助餐点30个"
    assert [text[s:e] for s, e in clauses(text)] == ["截至2024年底，", "全市共建成：", "社区食堂12个、助餐点30个"]
    assert [text[s:e] for s, e in clauses(text, items=True)][-2:] == ["社区食堂12个、", "助餐点30个"]


def test_pinyin_annotations():
    text = "計(jì)劃總投資2700萬(wàn)元（第20252060号）(A)"
    assert strip_pinyin(text) == "計劃總投資2700萬元（第20252060号）(A)"
    blanked = blank_pinyin(text)
    assert len(blanked) == len(text) and blanked.startswith("計    劃")
