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


@pytest.mark.parametrize("text,with_time,found", [
    ("三年共计安装12000盏路灯", False, [("12000盏", "盏")]),
    ("南园小区有6幢楼没有安装管道燃气", False, [("6幢", "幢")]),
    ("落实乡、村、组、户四级网格", False, [("四级", "级")]),
    ("计划通过线缆入地等方式，三年内逐步消除", True, [("三年", "年")]),
    ("市第七届人民代表大会第5次会议第23号建议", False, []),  # ordinals are no quantities
    ("主要为240L及660L垃圾桶", False, [("240L", "l"), ("660L", "l")]),  # latin units, read in folded text
    ("每个村卫生室都能提供6种以上的中医适宜技术", False, [("6种", "种")]),
    ("新建10kV线路3.5公里，光伏装机5.2兆瓦", False, [("10kV", "kv"), ("3.5公里", "公里"), ("5.2兆瓦", "兆瓦")]),
    ("探索一种新的模式，提高了3个百分点", False, [("3个百分点", "个百分点")]),  # 一种 is a word
    ("全国桑园面积1200多万亩,蚕茧产量62万多吨", False, [("1200多万亩", "亩"), ("62万多吨", "吨")]),  # 多 on either side of 万
    ("设计产能150万棒,全县中蜂3万群", False, [("150万棒", "棒"), ("3万群", "群")]),
    ("区五届人大三次会议第123号建议", False, []),  # 三次会议 names a meeting
    ("查处违规燃放案件25起,与公安一起研究,2019年起实施", False, [("25起", "起")]),  # incidents; not 一起 or 年起
])
def test_figures_of_more_units_and_no_ordinals(text, with_time, found):
    assert [(f.text, f.unit) for f in figures(text, with_time=with_time)] == found


def test_dates_are_calendar_dates():
    assert valid_date(2024, 2, 29) and not valid_date(2023, 2, 29) and not valid_date(2024, 2, 31)
    assert dates("计划于2024年2月31日完成") == []
    assert dates("计划于2024年2月28日完成") == [(3, 13)]


def test_a_year_glued_to_its_month_is_a_date_not_a_duration():
    """Stored pages lose characters: 于20235月份 is 2023年5月 (a time answer, its year 2023), not 20235 months."""
    text = "于20235月份在城区设置便民商亭58个"
    assert dates(text) == [(1, 8)]
    assert [f.text for f in figures(text, with_time=True)] == ["58个"]
    assert dates("截至202313月") == [] and [f.text for f in figures("用了20235个月", with_time=True)] == ["20235个月"]


def test_a_year_that_lost_its_nian_opens_a_clause():
    """,2023岑巩水稻制种面积达3.81万亩 (a page lost 年) names 2023; 2023个 and 2000余人 are counts."""
    from dafu.corpus.text import GLUED_YEAR

    assert [m["year"] for m in GLUED_YEAR.finditer("划分区域,2023岑巩水稻制种面积达3.81万亩")] == ["2023"]
    assert not GLUED_YEAR.search("共建成,2023个村") and not GLUED_YEAR.search("覆盖,2000余人")


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


@pytest.mark.parametrize("question,places", [
    ("牟定县安乐乡一共有多少名护林员?", [("牟定", True), ("安乐", True)]),
    ("唐山2024年农村饮水工程维修养护资金下达了多少?", [("唐山", False)]),
    ("凤县红花铺镇白家店村尹家庄修平板钢桥的建议交通局怎么答复的?", [("凤县", True), ("铺镇", True)]),
    ("庐山今年哪几个老小区在配套天然气管道,能惠及多少户?", [("庐山", False)]),
    ("新郑各乡镇的公益性公墓计划什么时候全部建完?", [("新郑", False)]),
    ("成安 体育惠民工程 今年更新几个村的体育设施", []),
    ("石林2017年贫困村卫生室重建修缮申请了多少县财政资金?", []),
    ("郑州二七区水善汇停车场改出入口要向哪里申请施工许可?", [("郑州", False), ("二七区", True)]),
    ("南京市住宅小区电动自行车充电桩建设进展如何", [("南京", True)]),
    ("潞城区2023年新建了多少个电动自行车充电车棚?", [("潞城", True)]),
])
def test_places_a_question_names(question, places):
    """Places with their level anywhere, without it only where the question begins with its place; never a
    scope (各乡镇), a kind of village (贫困村) or of area (住宅小区), a count (几个村) or a word jieba's
    dictionary happens to tag as a place (惠及); 郑州's 州 is part of its name, not its level; a town jieba
    does not know (红花铺镇) by its last character and 镇."""
    from dafu.corpus.normalize import normalize_for_index
    from dafu.search.names import places_named

    assert places_named(normalize_for_index(question)) == places
