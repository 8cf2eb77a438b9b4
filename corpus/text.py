"""One text toolkit for every layer: sentences and clauses, mirror-copy pinyin annotations, Chinese numerals
(cn2an) and calendar-checked dates. Chunking, answers, conflicts and the LLM check all split and read text here."""
from __future__ import annotations

import datetime
import re

import cn2an
import regex

ITEM_ENDS = "；;"  # a list item's end: it ends a sentence for splitting, but the list goes on
FULL_STOPS = "。！？!?"  # what ends a sentence with all its items
SENTENCE_ENDS = FULL_STOPS + ITEM_ENDS
SENTENCE_CLOSERS = "”’」』）)\"'"
# A sentence: up to its end marks (with any closing quotes or brackets after them), or up to a line break.
SENTENCE = regex.compile(rf"[^{SENTENCE_ENDS}\n]*(?:[{SENTENCE_ENDS}]+[{SENTENCE_CLOSERS}]*|(?=\n)|$)")
CLAUSE_MARKS = "，,：:"


def _clause_pattern(marks: str) -> regex.Pattern:
    """A clause: up to and with its run of delimiters (``marks``)."""
    return regex.compile(rf"[^{marks}]*(?:[{marks}]+|$)")


CLAUSE = _clause_pattern(CLAUSE_MARKS)
# Enumeration commas (、) cut too: the finest pieces, for sentences too long for one passage.
CLAUSE_OR_ITEM = _clause_pattern(CLAUSE_MARKS + "、")

TONE_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_SYLLABLE = r"(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?[aeiouvü]{1,3}(?:ng|n|r)?"
# Pinyin in () right after a CJK character (or after the latin debris of a mis-encoded one, ``F(xiàn)``):
# with a tone mark anything pinyin-like, without one only a well-formed syllable after a Han character.
PINYIN_ANNOTATION = regex.compile(
    rf"(?:(?<=[\p{{Han}}A-Za-z])[(（](?=[a-zü{TONE_VOWELS}]*[{TONE_VOWELS}])[a-zü{TONE_VOWELS}]{{1,6}}[)）]"
    rf"|(?<=\p{{Han}})[(（]{_SYLLABLE}[)）])"
)

CN_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万亿"
_ARABIC = re.compile(r"\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?")

# A figure: a number with its count unit (longest first, so 人次 wins over 人 and 平方米 over 米), never an
# ordinal (第5次) nor the tail of a longer number. Answers, conflicts and promises read figures with it, in folded
# text (latin units in lower case: 240L, 10kV; km² and m² as km2, m2).
UNITS = sorted("""平方公里 平方米 万平方米 立方米 公里 千米 米 亩 公顷 万元 亿元 千元 元 万人次 人次 万人 万名 人 名 位 户
家 个 所 班 张 床 辆 台 座 条 对 份 次 册 吨 套 间 项 处 批 支 只 头 件 本 部门 部 场 期 轮 岗 颗 棵 km ㎡ 盏 幢 栋 级 根 杆 株 宗
例 层 节 段 块 眼 艘 架 篇 种 类 款 枚 组 课时 学时 周岁 个百分点 公斤 千克 斤 厘米 毫米 平方千米 km2 m2 ㎢ 升 毫升 l 千瓦时 千瓦
兆瓦 千伏 kw kv mw a级 % ％ ‰ 岁 倍 分钟 小时 工作日 天 周 年 个月 月 日
棒 群 箱 羽 尾 匹 袋 盒 瓶 桶 口 顶 粒 窝 折 笔 卷""".split(), key=len, reverse=True)
# Units that name one measure in other script (23880km answers 多少公里).
SAME_UNITS = tuple(frozenset(group.split()) for group in (
    "公里 千米 km", "平方米 m2 ㎡", "平方公里 平方千米 km2 ㎢", "千瓦 kw", "千伏 kv", "兆瓦 mw", "升 l", "公斤 千克", "% ％"))
UNIT = "|".join(re.escape(u) for u in UNITS)  # any one of them, as a pattern
TIME_UNITS = frozenset("年 个月 月 日 工作日 天 周 小时 分钟".split())
NUMBER = r"(?:(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?|[一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*)"
# A year and its month run together where a page lost 年 (于20235月份, 20253月): 2023年5月, not 20235 months.
GLUED_YEAR_MONTH = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})(?P<month>1[0-2]|0?[1-9])\s*月")
# A year opening a clause where a page lost its 年 (,2023岑巩水稻制种面积达3.81万亩), not a count (2023个, 2000余人).
GLUED_YEAR = re.compile(rf"(?:^|(?<=[，,；;：:、\s]))(?P<year>(?:19|20)\d{{2}})(?=[\u4e00-\u9fff])"
                        rf"(?!余|多|[万亿千百]|{UNIT})")
# A number with its magnitude (2.8万, 30余), never an ordinal (第5次) nor the tail of a longer number.
AMOUNT = rf"(?<![第\d.])(?<!\d,)(?P<num>{NUMBER})\s*(?:余|多)?\s*(?P<mag>[万亿千百])?\s*(?:余|多)?"
# An amount before what it counts, with no unit of its own (约有2.8万退役军人, 30余公共场所).
BARE_COUNT = rf"(?P<amount>{AMOUNT})\s*(?:名|个|位|家|所|处)?"
FIGURE = re.compile(rf"{AMOUNT}\s*"
                    rf"(?P<unit>{UNIT}|(?<=[\d余多两三四五六七八九十])起"
                    r"|(?<=\d)(?<![时:：]\d)(?<![时:：]\d\d)分(?![钟之秒局队厂区店社部院行所中]))")  # 25起 (not 一起); 20分 points (not 十分,
# 3分钟 nor 15时18分)


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text[start:end]``, surrounding whitespace trimmed, empty ones dropped."""
    spans = []
    for m in SENTENCE.finditer(text, start, len(text) if end is None else end):
        spans.extend(_trimmed(text, *m.span()))
    return spans


def clauses(text: str, start: int = 0, end: int | None = None, items: bool = False) -> list[tuple[int, int]]:
    """``(start, end)`` of each clause (comma or colon delimited, delimiter kept) of ``text[start:end]``;
    with ``items`` enumeration commas (、) cut too."""
    spans = []
    for m in (CLAUSE_OR_ITEM if items else CLAUSE).finditer(text, start, len(text) if end is None else end):
        spans.extend(_trimmed(text, *m.span()))
    return spans


def _trimmed(text: str, start: int, end: int) -> list[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return [(start, end)] if start < end else []


def strip_pinyin(text: str) -> str:
    """Remove mirror-copy pinyin annotations: ``計(jì)劃`` -> ``計劃``; ``(第20252060号)``, ``(A)`` stay."""
    return PINYIN_ANNOTATION.sub("", text)


def blank_pinyin(text: str) -> str:
    """Pinyin annotations replaced by spaces of the same length, so spans found in the result fit ``text``."""
    return PINYIN_ANNOTATION.sub(lambda m: " " * len(m.group(0)), text)


def parse_number(text: str) -> float | None:
    """The value of an Arabic (``1,200.5``, ``1.5万``) or Chinese (``两千五`` = 2500, ``一万二千`` = 12000,
    ``二〇二四`` = 2024) numeral, read by cn2an; None when ``text`` is not one number."""
    text = text.strip()
    if not text:
        return None
    if _ARABIC.fullmatch(text):
        return float(text.replace(",", ""))
    try:
        value = cn2an.cn2an(text.replace(",", ""), "smart")
    except (ValueError, KeyError, TypeError, IndexError):
        return None
    return float(value)


def valid_date(year: int, month: int | None = None, day: int | None = None) -> bool:
    """A real calendar date (``2024-02-31`` is not), as far as it is given."""
    try:
        datetime.date(year, month or 1, day or 1)
    except (ValueError, TypeError):
        return False
    return True
