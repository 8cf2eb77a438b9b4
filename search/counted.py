"""What a count counts or a figure measures, named by the question (多少个综合试验站 -> 试验站, 多少退役军人 -> 退役军人,
注册资本多少 -> 注册资本): the word a sentence answering it must say."""
from __future__ import annotations

import functools
import re

from ..corpus.text import UNIT
from .fields import QUESTION_WORD
from .figures import MEASURES, asks_keyword_figure, expected_units, units_opening
from .words import NOUN_FLAGS, posseg

_ASKS_COUNT = re.compile("(多少|几)")  # the words a count is asked with
_COUNTED_BARE = re.compile(rf"(?:多少|几)(?!\s*(?:{UNIT}|[万亿千百起]))([\u4e00-\u9fff]{{2,8}})")


@functools.lru_cache(maxsize=4096)
def counted_things(question: str) -> tuple[str, ...]:
    """What a count names with no unit between (多少退役军人 -> 退役军人, 多少公共场所和学校 -> 公共场所): up to its
    first noun, or on to the head of a thing's name (多少乡镇卫生院 -> 乡镇卫生院) (read once per question: answers, the
    thing counted and retrieval all ask)."""
    m = _COUNTED_BARE.search(question)
    if not m or expected_units(question) & MEASURES:  # 多少水土保持补助资金: a sum, in its unit
        return ()
    words = posseg(m.group(1))
    ends = [i for i, (_, flag) in enumerate(words[:2]) if flag.startswith(NOUN_FLAGS)]  # 退役/军人
    if not ends:
        return ()
    end = ends[0]
    while end + 1 < len(words):  # a compound goes on to a thing's head: 乡镇/卫生院, 花卉/消费/券 (not 青少年/参赛)
        step = 2 if words[end + 1][1] == "vn" and end + 2 < len(words) else 1
        if not (words[end + step][1].startswith(NOUN_FLAGS) and words[end + step][0][-1] in _THING_HEADS):
            break
        end += step
    thing = "".join(word for word, _ in words[:end + 1])
    return (thing,) if len(thing) >= 2 else ()


_THING_HEADS = "券证卡院站所馆园场室点校"  # what ends the name of a thing counted (消费券, 卫生院, 服务站)
CLASSIFIERS = "个名家所座处条期位项批户辆台张套间支块片种类场"  # what a count is asked in (多少个, 几家)
_COUNT_OF = re.compile(rf"(?:多少|几)[{CLASSIFIERS}]([\u4e00-\u9fff]{{2,16}})")


def _words_after_count(qnorm: str, names: list[str]) -> list[tuple[str, str]]:
    """The words (with jieba's flags) of the thing a count names right after its classifier (多少期轮作休耕技术培训班 ->
    轮作 休耕 技术 培训班), up to a particle or question word; none when a place or member is named there."""
    m = _COUNT_OF.search(qnorm)
    if not m or any(name in m.group(1) for name in names):
        return []
    words = []
    for word, flag in posseg(m.group(1).rsplit("的", 1)[-1]):  # 多少处供电不足的点: the 点
        if QUESTION_WORD.search(word) or word[-1] in "了过" or word in ("有", "是", "在", "被", "都", "还", "呢", "吗"):
            break
        words.append((word, flag))
    return words


def _counted_after(qnorm: str, names: list[str]) -> str:
    """The head of the thing a count names right after its classifier (多少个综合试验站 -> 试验站, 几个防溺水应急屋 ->
    应急屋): the last noun before a particle or question word, with the word before it when it is one character."""
    words = [(word, flag.startswith(NOUN_FLAGS)) for word, flag in _words_after_count(qnorm, names)]
    last = max((i for i, (_, noun) in enumerate(words) if noun), default=None)
    if last is None:
        return ""
    head = words[last][0] if len(words[last][0]) >= 2 or last == 0 else words[last - 1][0] + words[last][0]
    if last > 0 and words[last - 1][0] in ("副", "非") and not head.startswith(words[last - 1][0]):
        head = words[last - 1][0] + head  # 副/主任医师: a 副主任医师 (says() tells it from a 主任医师)
    return head if len(head) >= 2 else ""


def _counted_bare(qnorm: str, names: list[str]) -> str:
    """The last word of what a count names with no unit (多少农村居民 -> 居民), as ``_counted_after``'s head."""
    thing = next(iter(counted_things(qnorm)), "")
    if not thing or any(name in thing for name in names):
        return ""
    words = posseg(thing)
    head = words[-1][0] if len(words[-1][0]) >= 2 or len(words) < 2 else words[-2][0] + words[-1][0]  # 消费券
    return head[-2:] if len(head) >= 4 else head if len(head) >= 2 else thing  # 农村居民: 居民


# What stands between a measured thing and 多少 (注册资本是多少, 基站现在累计有多少座), and measures that any thing has
# (面积, 规模, 资金, 人数…: what they measure is named elsewhere in the question, or is a kind of sum, ``sum_kind``).
_BEFORE_COUNT = re.compile(r"(?:现在|目前|当前|已经|已|累计|一共|总共|共计|共|大约|大概|约)*(?:是|有|为|达到|达|计)?$")
_ANY_MEASURE = frozenset("数量 总数 数 总量 规模 总规模 面积 总面积 长度 总长 里程 总里程 人数 户数 比例 占比 比重 金额 资金 经费 费用 "
                         "投资 总投资 投入 标准 价格 情况 水平 时间 年限 多久 目标 任务 指标 全国".split())


def _measured_before(qnorm: str, names: list[str]) -> str:
    """The attribute a number question measures, named right before 多少 (国家融资担保基金注册资本多少亿元 -> 注册资本,
    蚕桑产值多少 -> 产值): a noun of two characters or more that is no place or member asked and no measure any thing has.
    Not before a count (档案资料多少卷, 心理老师有几名: the thing counted, which a letter may call otherwise, 教师21名)."""
    before, _, after = _ASKS_COUNT.split(qnorm, maxsplit=1)
    if units_opening(after) - MEASURES:
        return ""
    before = _BEFORE_COUNT.sub("", before)
    words = posseg(before[-12:]) if before else []
    if not words:
        return ""
    word, flag = words[-1]
    word = word[1:] if len(word) > 2 and word[0] in "年总全" else word  # 年产值, 总产值: the 产值
    if not flag.startswith(NOUN_FLAGS) or len(word) < 2 or word in _ANY_MEASURE or any(n in word for n in names):
        return ""
    return word


def said_by_stem(counted: str, text: str) -> bool:
    """An amount asked as X量 (出水量, 用水量) is said by X right before its figure (日出水2500吨)."""
    return len(counted) >= 3 and counted.endswith("量") \
        and bool(re.search(re.escape(counted[:-1]) + r"[约近达为]?\d", text))


def figures_asked(qnorm: str) -> int:
    """How many figures a question asks (多少, 几): 总投资多少？覆盖几个乡镇 asks two."""
    return len(_ASKS_COUNT.findall(qnorm))


def counted_head(qnorm: str, names: list[str]) -> str:
    """What a count counts or a figure measures, as a word its answer must say: after its classifier
    (``_counted_after``), with none (``_counted_bare``) or right before 多少 (``_measured_before``); empty when the
    question names a place there or asks no single count (总投资多少？覆盖几个乡镇)."""
    asks = figures_asked(qnorm)
    if asks == 0 and asks_keyword_figure(qnorm) and not re.search("多[大长高远宽深重久]", qnorm):
        return _measured_before(qnorm + "多少", names)  # 霍山 公共卫生应急作业中心 建筑面积: the 建筑面积
    if asks != 1:
        return ""
    return _counted_after(qnorm, names) or _counted_bare(qnorm, names) or _measured_before(qnorm, names)


def counted_run(qnorm: str, names: list[str]) -> tuple[str, ...]:
    """The words of the thing a single count asks after its classifier: its nouns up to the first verb or particle
    after one, with the verbs before them (多少个村落列入…名录 -> 村落, 几个应急避难场所 -> 应急 避难 场所), not what
    the question goes on to say of it."""
    if figures_asked(qnorm) != 1:
        return ()
    run, noun = [], False
    for word, flag in _words_after_count(qnorm, names):
        if flag.startswith(("n", "b", "j")):
            noun = True
        elif noun or not flag.startswith("v"):
            break
        run.append(word)
    return tuple(run) if noun and len("".join(run)) >= 2 else ()


_GENERIC_VERBS = frozenset("共有 一共 总共 累计 达到 拥有 现有 还有 需要 提供".split())


def verb_counted(qnorm: str) -> str:
    """The verb a single count is asked of, right before it (最终认定了几家 -> 认定, 新建了多少个 -> 新建): a sentence
    whose figure that verb counts answers it first (认定…等10家, not 17家申报单位申报). Empty for 有多少, 共有几个."""
    if figures_asked(qnorm) != 1:
        return ""
    words = posseg(_ASKS_COUNT.split(qnorm, maxsplit=1)[0].rstrip("了过"))
    word, flag = words[-1] if words else ("", "")
    return word if flag.startswith("v") and len(word) >= 2 and word not in _GENERIC_VERBS else ""
