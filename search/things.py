"""What a question asks about, and whether a sentence names it: the kinds its measure words name (轮作休耕
技术培训班), their runs (社区矫正信息管理系统), and a sentence's own words, heading and lead-in, without the titles and
the bodies' names (市发展改革委) that name nothing asked."""
from __future__ import annotations

import re

from ..corpus.normalize import normalize_for_index
from ..corpus.places import SCOPE
from ..corpus.promises import ENUM
from .fields import QUESTION_WORD
from .counted import CLASSIFIERS
from .names import SCOPE_WORD
from .units import Unit
from .words import posseg, says, words_of

_LEAD_IN = 80  # characters before a sentence that may name what it goes on about (about one sentence)
_ITEM_TITLE = 40  # the longest item opening that is a title (一是全面摸排“一宗一策”制定处置方案。), not a statement
_SENTENCE_END = re.compile(r"(?<=[。；;！!？?])")


def lead_in(unit: Unit, letter: dict) -> str:
    """What comes right before the sentence in its letter (about one sentence), normalised."""
    return normalize_for_index(letter.get("body", "")[max(0, unit.start - _LEAD_IN):unit.start])


def item_title(unit: Unit, letter: dict) -> str:
    """The short title of the inline item the sentence goes on about in its paragraph (三是大力选拔配备“五方面人员”。
    for 今年换届从乡镇事业编制人员、…中选拔39名…), normalised; '' when the sentence opens an item itself or the item
    it is in opens with no short title."""
    if ENUM.match(unit.sentence):
        return ""
    body = letter.get("body", "")
    before = body[body.rfind("\n", 0, unit.start) + 1:unit.start]
    opening = next((s for s in reversed(_SENTENCE_END.split(before)) if ENUM.match(s)), "")
    return normalize_for_index(opening) if _short_item(opening) else ""


def is_title(unit: Unit) -> bool:
    """The sentence is an item's short title or a heading (二、浙江路中瑞领航城小区频繁停水原因; 三是及时兑现地方教龄津贴。):
    what it is about, the sentence after it says."""
    return _short_item(unit.sentence)


def _short_item(text: str) -> bool:
    """``text`` opens an item (一是, （二）, 3、) and is short enough to be its title."""
    return bool(ENUM.match(text)) and len(text.strip()) <= _ITEM_TITLE


def _untitled(text: str) -> str:
    """``text`` with its titles blanked: a 《…》 names a document, not what it is about."""
    return re.sub(r"《[^《》]*》", "《》", text)


_AGENCY = re.compile(r"(?<=[省市州县区旗])[\u4e00-\u9fff]{2,10}?(?=委员会|局|厅|委(?!员))")  # 发展改革 of 市发展改革委


def blank_bodies(text: str) -> str:
    """``text`` with the words inside a body's name blanked (市发展改革委 -> 市□□□□委)."""
    return _AGENCY.sub(lambda m: "□" * len(m.group()), text)


_GAP = re.compile(r"(?:(?!有|是|的)[\u4e00-\u9fff]){0,2}")  # what may stand between a modifier and its head (休耕)
_WIDE = re.compile(f"全国|国家|{SCOPE_WORD.pattern}")  # a scope, not a kind
_LETTER_WORDS = frozenset("代表 委员 建议 提案 议案 答复".split())


def kinds_said(qnorm: str, measures: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The measure words the question says right before another (轮作休耕 before 技术培训班, 家庭养老 before 床位):
    the first names the kind of the second it asks about. A verb's noun (督导 of 督导村庄), a name (元谋 of 元谋城乡公交)
    and what names the letter (杨屹伟代表 项目库建议) name no kind."""
    pairs, at = [], 0
    no_kind = {w for w, flag in posseg(qnorm) if flag.startswith(("v", "ns", "nr"))} | _LETTER_WORDS
    for modifier, head in zip(measures, measures[1:]):
        i = qnorm.find(modifier, at)
        j = qnorm.find(head, i + len(modifier)) if i >= 0 else -1
        if i >= 0 and j >= 0 and _GAP.fullmatch(qnorm[i + len(modifier):j]) and not QUESTION_WORD.search(qnorm[i:j]) \
                and not _WIDE.search(modifier) and modifier not in no_kind:
            pairs.append((modifier, head))
        at = max(at, i) if i >= 0 else at
    return tuple(pairs)


def phrases_said(qnorm: str, measures: tuple[str, ...]) -> tuple[str, ...]:
    """The runs of two or more of the question's measure words it says one right after another (社区 矫正 信息 管理系统
    -> 社区矫正信息管理系统)."""
    runs, at = [], 0
    for word in measures:
        i = qnorm.find(word, at)
        if i < 0:
            continue
        if runs and runs[-1][1] == i:
            runs[-1] = (runs[-1][0], i + len(word), runs[-1][2] + 1)
        else:
            runs.append((i, i + len(word), 1))
        at = i + len(word)
    return tuple(qnorm[start:end] for start, end, count in runs if count >= 2)


_KIND_FLAGS = ("n", "vn", "j", "l", "b")  # the word before a head that can name a kind of it (生猪, 医疗, 二级)


_TOTALS = frozenset("总 累计 合计 共计 全部 整体".split())  # 总投资 is the whole of what is asked, no other kind


def another_kind(unit: Unit, kinds: tuple[tuple[str, str], ...], letter: dict, sum_kind: tuple[str, ...] = ()) -> bool:
    """The sentence counts another kind of the thing asked: wherever it says the head word (or, for a kind of sum
    asked, any word of that kind: 补助 for 奖励), another noun stands right before it in place of the question's
    modifier (生猪存栏 for 牛羊存栏, 医疗床位 for 家庭养老床位, 食用菌补助 for 民宿奖励; not 通报村庄 for 督导村庄, a verb, nor
    总投资, a total; not 套轮作食用菌 for 套种食用菌, a character of the modifier shows the same kind), and nowhere near
    it names the modifier."""
    near = normalize_for_index(unit.sentence) + normalize_for_index(unit.section) + lead_in(unit, letter)
    before, at = {}, 0  # where each word of the sentence ends -> the word
    for word, flag in posseg(unit.norm):
        at += len(word)
        before[at] = word, flag
    for modifier, head in kinds:
        if says(modifier, near):
            continue
        heads = sum_kind if head in sum_kind else (head,)
        spots = [m.start() for m in re.finditer("|".join(map(re.escape, heads)), unit.norm)]
        if spots and all(before.get(k, ("", "x"))[1].startswith(_KIND_FLAGS) and before[k][0] not in _TOTALS
                         and not set(unit.norm[max(0, k - 4):k]) & set(modifier) for k in spots):
            return True
    return False


def names_the_thing(unit: Unit, measures: tuple[str, ...], letter: dict, whole_words: bool = False,
                     titles: bool = True, up_to_figure: bool = False) -> bool:
    """The sentence names something the question asks about: in its own words, as a word of the whole sentence
    when a long one was cut at commas (its figure apart from what it counts), in its heading, or in what comes
    right before it in ``letter`` (not inside a title there or in the whole sentence unless ``titles``: the kind of
    sum 补贴 is not named by 《…购车补贴享不停…方案》) (as a whole word with ``whole_words``: 综合 is not said by 住院综合楼;
    with ``up_to_figure`` only before the piece's end: 用地面积约15.5亩 measures no 建筑面积 the next piece gives).
    Requiring half of the question's words instead cost held answers (0.910 -> 0.882) for two more abstentions
    on fit. A body's name (市发展改革委) names the body, not the 改革 asked."""
    untitled = blank_bodies if titles else (lambda text: blank_bodies(_untitled(text)))
    sentence = unit.sentence
    if up_to_figure and (at := sentence.find(unit.text)) >= 0:
        sentence = sentence[:at + len(unit.text)]
    sentence = untitled(sentence)
    words, heading, own = words_of(sentence), normalize_for_index(unit.section), blank_bodies(unit.norm)
    if any(says(w, own) or w in words and says(w, sentence) or w in heading for w in measures):
        return True
    before = untitled(lead_in(unit, letter))
    lead_words = words_of(before) if whole_words else frozenset()
    return any(w in lead_words if whole_words else says(w, before) for w in measures)


_CLASSIFIERS = CLASSIFIERS + "人"  # a figure's classifier (10个, 4655个, 1人所)
_COUNT = re.compile(rf"\d+(?:\.\d+)?[余多]?[{_CLASSIFIERS}]?")
_CLAUSE_END = re.compile(r"[，,；;。：:]")


def counts_another(unit: Unit, thing: tuple[str, ...], head: str) -> bool:
    """The figure of the sentence counts another thing than ``thing``, the words a count asks after its classifier
    (``head``: the last noun the question says after it, 客货邮合作线路 -> 线路): right after its classifier stand
    nouns that share no character with them, its clause does not name a head, and no other figure of the sentence
    counts it (10个县(区) for 多少个应急避难场所; not 10家成员医院 for 多少家医院, nor 选取10个基础条件好…的物流园区, nor
    读者活动200场次, nor 15个示范基地, a verb first, nor 587处应急避难场所…221处镇街级 for 多少处应急避难场所)."""
    if not unit.span or not thing or unit.text[unit.span[1] - 1] not in _CLASSIFIERS:
        return False
    heads, text = {thing[-1], head} - {""}, unit.text
    clause = _CLAUSE_END.split(text[:unit.span[0]])[-1] + _CLAUSE_END.split(text[unit.span[1]:], maxsplit=1)[0]
    if any(says(h, clause) or any(says(h, text[m.end():m.end() + len(h) + 3]) for m in _COUNT.finditer(text))
           for h in heads):
        return False  # 8县(区)均已发现, 合作…等5条线路 (its span the 4家 before)
    figure = text[unit.span[0]:unit.span[1]]
    at, nouns = 0, ""
    for word, flag in posseg(figure + text[unit.span[1]:unit.span[1] + 10]):
        at += len(word)
        if at > len(figure):
            if not flag.startswith(("n", "b") if nouns else "n"):
                break
            nouns += word
    return bool(nouns) and not set(nouns) & set("".join(thing) + head)


_INSTITUTION_ASKED = re.compile(r"(?:哪家|哪个|哪所|什么)(医院|学校|银行)|(医院|学校|银行)(?:是|为)?(?:哪家|哪个|哪所)")


def institution_asked(qnorm: str) -> str:
    """The kind of institution a which-question asks (定点医院是哪家 -> 医院): its answer names one of that kind."""
    m = _INSTITUTION_ASKED.search(qnorm)
    return (m.group(1) or m.group(2)) if m else ""


_SCHOOLS = "学校|中学|小学|学院|大学|[一二三四五六七八九十\\d][中小]"  # 临沂市第三十五中


def names_institution(text: str, kind: str) -> bool:
    """``text`` names an institution of ``kind`` by its own name (淄川区人民医院, 第三十五中), not the kind in a list
    (学校、医院)."""
    return re.search(rf"[\u4e00-\u9fff]{{2}}(?:{_SCHOOLS if kind == '学校' else kind})", text) is not None


_DOCUMENT = re.compile(r"((?:(?!的)[\u4e00-\u9fff“”\"]){2,30}?)(条例|规划|办法|方案|规定|细则|纲要|决定)")


def document_asked(qnorm: str, names: list[str]) -> tuple[str, str]:
    """A regulation or plan a time question names by its place or as national (云南省传统村落保护条例 -> (传统村落保护,
    条例); not 其他市县的应急避难场所专项规划, a kind of plan): its kind and its own words, the place, scope and level
    before them left out."""
    m = _DOCUMENT.search(qnorm)
    if not m or QUESTION_WORD.search(m.group(1)):
        return ()  # 什么时候纳入评价方案: no name
    phrase = re.sub(r"[“”\"]", "", m.group(1))
    place = next((name for name in sorted(names, key=len, reverse=True) if phrase.startswith(name)), None)
    if place is None and not phrase.startswith(("全国", "国家")):
        return ()
    core = re.sub(rf"^(?:{SCOPE}?[国省市州县区旗]|全国|国家)+", "", phrase[len(place or ""):])
    return (core, m.group(2)) if len(core) >= 2 else ()


def names_document(unit: Unit, document: tuple[str, str], letter: dict, text: str) -> bool:
    """The sentence, or what comes right before it, names the document: its kind and its own words (in order, or
    every character of four or more inside one 《》 of that kind: 树种结构调整方案 is 《…调整优化森林树种结构实施方案》),
    or its kind alone (该《办法》, 《意见》) where the letter (``text``) names it in full."""
    core, kind = document
    near = lead_in(unit, letter) + unit.norm
    return kind in near and (says(core, near) or _reordered_in(core, kind, near)
                             or bool(re.search(f"该《?{kind}|《{kind}》", near)) and says(core, text))


def _reordered_in(core: str, kind: str, near: str) -> bool:
    """Every character of ``core`` (four or more) is inside one 《》 of ``near`` naming the ``kind``."""
    return len(core) >= 4 and any(kind in title and all(ch in title for ch in core) for title in _TITLE.findall(near))


_TITLE = re.compile(r"《([^《》]{2,80})》")
