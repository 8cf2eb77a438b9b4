"""Whether a sentence can answer a question at all, decided by the question's own words, with nothing fitted:
the letter's frame (header, opening, closing block, title lines) answers nothing; years, places and ordinals
the question names must be in the letter; a number question needs a figure of the measure asked, a time
question a date. ``can_answer`` keeps the sentences that pass, in their order."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..corpus.metadata import ORG_LINE
from ..corpus.normalize import normalize_for_index
from ..corpus.promises import CUES, NEXT_HEADING
from .fields import (ASKS_HOW_ANSWERED, ASKS_PROPOSALS_VIEW, ASKS_TITLE, asked_field, asks_frame, asks_letter,
                     asks_own_doc_number, codes_asked, existence_asked, gives_uncited_doc_number, holds_own_doc_number,
                     label_asked, label_value, letter_subject_asked, letter_year_asked, sittings)
from .bounds import bound_asked, bounds_other_end, per, per_thing_only
from .counted import counted_head, counted_run, figures_asked, said_by_stem, verb_counted
from .dating import YEAR, sentence_start, year_before, years_said
from .events import action_asked, events_asked
from .figures import (EARNINGS, FIGURE_WORDS, PLAN_PERIOD, SAID_BY, SPENDING_ASKED, asks_plan, expected_units, named_asked,
                      names_given, question_types, sum_kind)
from .members import members_named
from .divisions import LEVELS, another_division, division_stems, may_lie_in, places_above
from .names import (AREA_NOUNS, NOT_A_NAME, SCOPE_WORD, levels_written, may_speak_as, names_no_place, names_places,
                    names_another_place, names_province, places_named, qualified_by_another_place)
from .scope import CLAUSE_BREAK, figure_of_another_place
from .things import (another_kind, blank_bodies, counts_another, document_asked, institution_asked, kinds_said, lead_in,
                     names_document, names_institution, names_the_thing, phrases_said)
from .units import Unit
from .words import content_words, says, says_number

def can_answer(searcher, question: str, asked: "Asked", units: list[Unit]) -> list[Unit]:
    """The ranked sentences that can answer at all: inside the reply (not its frame, unless the question asks
    what only the frame says: 联系人, 文号) and saying what is asked (``says_what_is_asked``; ``asked`` is the
    question read once by ``Asked.of``). Each letter's normalised text comes from the searcher's cache."""
    lookup = asks_letter(question)
    frame_ok = lookup or asks_frame(question)
    proposal_view = bool(ASKS_PROPOSALS_VIEW.search(question))  # the page's copy of the proposal may answer
    of_a_letter = lookup or bool(ASKS_HOW_ANSWERED.search(question))  # its letter must say what it asks about
    letters: dict[str, tuple[dict, str, str]] = {}
    qnorm = normalize_for_index(question)
    year_asked = letter_year_asked(question) if lookup else None
    sitting = sittings(qnorm)  # 八届二次会议: not a letter on a proposal of 八届一次
    subject = letter_subject_asked(qnorm)
    exists = [w for w in content_words(existence_asked(qnorm)) if w not in _SAID_OF_ANY | _MANNER]  # what it asks is
    # there (有没有职级晋升通道), not how (有没有专门管)
    whether = [w for w in content_words(qnorm) if w not in _SAID_OF_ANY | _MANNER and not any(
        name in w for name, _ in asked.places)] if _ASKS_WHETHER.search(qnorm) or of_a_letter and not lookup else []
    # what a yes-or-no question is on, or one asking how a proposal was answered (…金鱼电商直播基地怎么答复)
    labels = {}  # a label the question names that a letter's frame writes (责任领导:): only its value answers there
    if asked.field is None:
        for letter_id in dict.fromkeys(unit.letter_id for unit in units):
            frame = [unit.norm for unit in units if unit.letter_id == letter_id and unit.features["frame"]]
            if (label := label_asked(qnorm, frame)) is not None:
                labels[letter_id] = replace(asked, field=label)
    things = _things(asked, asked.measures) if "number" in asked.types and figures_asked(qnorm) == 1 else ()
    if len(things) > 1:  # one figure asked: the word fewest passages say names its thing best (a word no passage
        idf = searcher.index.idf([*things, _UNSEEN])  # says, 中直 of 资金中直补到户, is jieba's cut, not the thing)
        seen = [w for w in things if idf[w] < idf[_UNSEEN]]
        asked = replace(asked, rarest=max(seen, key=idf.get) if len(seen) > 1 else "")
    subjects = [w for w in asked.measures if w not in _SAID_OF_ANY] or asked.measures  # what a letter asked is on
    phrases = [p for p in phrases_said(qnorm, subjects) if sum(w in p for w in subjects) == 2] if lookup else ()  # a
    # thing and its kind (新建博物馆), not a run of keywords (特色经济林产业面积), names the letter's subject
    about = [w for w in subjects if not any(part in w for part in _LETTER_PARTS)] if lookup else []  # what a letter
    # looked up is about, every word of it (not 复文编号 or 政协提案, which name the letter)
    kept = []
    for unit in units:
        if unit.letter_id in labels:
            if unit.features["frame"] and says_what_is_asked(unit, labels[unit.letter_id], *_letter(searcher, unit, letters)):
                unit.span = label_value(labels[unit.letter_id].field, unit.text) or unit.span  # not the row's first figure
                kept.append(unit)
            continue
        shown = frame_ok or proposal_view and unit.features["proposal"]
        if unit.features["frame"] and not shown or unit.features.get("title") and not (
                lookup or ASKS_TITLE.search(question) or asked.field is not None and asked.field.search(unit.norm)):
            continue  # the title restated answers nothing but 题目是什么 or a field it holds (哪次会议)
        if ORG_LINE.match(unit.norm) and asked.field is None and not {"org", "orgs"} & set(asked.types):
            continue  # a signature (元谋县住房和城乡建设局) says who, and nothing else
        letter, text, identity = _letter(searcher, unit, letters)
        if sitting and (said := sittings(text)) and not sitting & said:
            continue
        if of_a_letter and subjects and not any(says(w, text) for w in subjects):
            continue  # 垫江县打造野生动物园的提案怎么答复的: not 垫江's letter on libraries, which names no 动物园, nor
            # 开原市井盖管理是怎么答复的 开原's letter on dogs, which says 管理 but no 井盖
        if lookup and not all(says(w, text) for w in about):
            continue  # 临港大道泥城段人行天桥建议的答复: not 镇安's letter on 人行天桥, which names no 临港 or 泥城
        if subject and not says(subject, text):
            continue  # 长春市人大关于预制菜的建议答复: not a letter on 建筑垃圾
        if exists and not any(says(w, text) for w in exists):
            continue  # 庆阳市辅警有没有职级晋升通道: not a letter that never names one
        if sum(not says(w, text) for w in whether) >= 2:
            continue  # 曲靖要求开设舞蹈戏剧影视课程吗: not a letter that names none of them (one may be said otherwise:
            # 有补贴吗 by a letter's 补助), nor 许沛代表建议里台胞参加医保社保怎么答复的 one that names no 医保 or 社保
        if phrases and not any(says(phrase, text) for phrase in phrases):
            continue  # 清水县新建博物馆的建议答复: not a letter on 传统村落数字博物馆 that names 清水三家村
        if lookup and not all(name in text or asked.narrower.get(name, name) in text for name, _ in asked.places):
            continue  # 大连再生资源回收体系建议答复: not a letter that names no place (a page that lost it)
        if lookup and letter.get("region") and any(
                with_level and another_division(name, letter["region"], text) for name, with_level in asked.places):
            continue  # 宜良县对人参果产业发展提案的答复: not 石林县's letter, which names 宜良 in passing
        if year_asked and not _of_year(letter, year_asked):
            continue  # 上海2025年儿童友好提案答复: not a letter of 2023 that plans for 2025
        if says_what_is_asked(unit, asked, letter, text, identity):
            kept.append(unit)
    labelled = [unit for unit in kept if unit.letter_id in labels]
    named = named_asked(question)
    naming = [unit for unit in kept if unit.letter_id == kept[0].letter_id and names_given(unit.text, named)] \
        if named else []
    return labelled or naming or kept  # 发布机构是哪个处: the value of the label asked, where a letter's frame writes
    # it; 按照什么原则: the best letter's sentences that name one (按照“优化配置,规范有序,整洁美观”的原则), where it has
    # any, not one on the work done


_SAID_OF_ANY = frozenset("管理 建设 工作 发展 问题 情况 服务 提升 推进 加强 改造 治理 保护 建议 提案 答复".split())  # of any subject
_LETTER_PARTS = ("编号", "标题", "题目", "文号", "复文", "复函", "全文", "原文", "提案", "建议", "议案", "答复")
_ASKS_WHETHER = re.compile(r"吗[？?]?$")
_MANNER = frozenset("专门 专项 相关 有关 具体 统一".split())  # how a thing is done, words jieba tags as nouns
_UNSEEN = "\u0000"  # a token no passage holds: the IDF of a word never indexed


def _things(asked: "Asked", measures: tuple[str, ...]) -> tuple[str, ...]:
    """The measure words that name what a figure is of: not a figure word (资金), a target (产值目标: 力争…实现产值850亿元),
    a place (三明 of 福建给三明…) or the kind of sum asked."""
    places = division_stems(measures)
    return tuple(w for w in measures if w not in FIGURE_WORDS and w != "目标" and w not in places and w not in asked.sum_kind)


def _of_year(letter: dict, year: str) -> bool:
    """A letter may be the one of ``year``: it is dated that year or the next (a proposal of 2022 answered in 2023),
    its title names the year, or it has no date."""
    date = str(letter.get("date") or "")[:4]
    return not date or date in (year, str(int(year) + 1)) or year in str(letter.get("title") or "")


def _letter(searcher, unit: Unit, letters: dict) -> tuple[dict, str, str]:
    """A unit's letter, its normalised text and the names of its place (agency, region, the places above), read once."""
    if unit.letter_id not in letters:
        letter = searcher.by_id.get(unit.letter_id) or {}
        text = searcher.letter_text(unit.letter_id)
        letters[unit.letter_id] = letter, text, normalize_for_index(" ".join(
            (*(str(letter.get(k) or "") for k in ("agency", "region")), *places_above(letter.get("region"), text))))
    return letters[unit.letter_id]


def letter_text(letter: dict) -> str:
    """What a letter says, normalised: its title, agency, region, date, session and body, and the city and province
    its region lies in (the years, places and codes a question names are looked for in it)."""
    text = normalize_for_index(" ".join(str(letter.get(k) or "")
                                        for k in ("title", "agency", "region", "date", "session", "body")))
    return " ".join((text, *places_above(letter.get("region"), text)))


_ORIGINAL_PLAN = re.compile(r"原定|原计划|原拟|原本(?:定|计划|打算)")  # 原定什么时候办: the plan before a change
_PLANNED = re.compile(rf"{_ORIGINAL_PLAN.pattern}|定于|计划于|拟于")  # 原计划2020年2月22日举办
_ASKING = re.compile(r"时候|地方|时间|位置|哪|数量|个数|总数|总量|人数|户数|标准")  # the words that ask (哪些地方,
# 什么时候, 建成 数量, 罚款标准): not what is asked about
_HOW_MUCH = re.compile(r"多[大长高宽深远重久少]")  # 多大面积 asks the 面积, not a 大面积
_ORDINAL = re.compile(r"第[零〇一二两三四五六七八九十百\d]+[批期届次轮]|(?<![第\d一二三四五六七八九十])[一二三四五六七八九]期(?=工程|项目|改扩建|建设|扩建|占地|用地|规划|面积|投资)")
_RATE = re.compile(r"每\s*([\u4e00-\u9fff])")  # 每亩多少元: per 亩
_NEXT_STEPS = re.compile(r"下一步|下步|下阶段|今后|接下来")  # not 打算/准备: 打算怎么管 is answered by the measures taken
_ACHIEVED = re.compile(r"实际|已经|已完成|完成了|建成了|改完了?|发放了")
_DONE = re.compile(r"([\u4e00-\u9fff]{1,2})了(?:多少|几)")  # 整治了多少级杆路
_PERFECTIVE = re.compile(r"(?<![为除])了(?!解)")  # 明确了…远期发展目标及6大工作任务: done (远期 plans nothing)
_REPORTED = re.compile(r"已|完成了|实际(?:完成|达到|建成|新建|改造|投入|支出|拨付|发放|到位)|累计|建成了|到位")  # a sentence reporting what was done, not only what is planned
_DATE_ASKED = re.compile(r"哪天|哪一天|哪日|几号|几月几日|哪年|哪一年|什么日期|日期")
_RATIO = re.compile(r"([\u4e00-\u9fff]{2})率")  # 近视率, 毛入园率 (毛入…率), 森林覆盖率
_NATIONAL = re.compile("全国|我国|国内|全球")
_WHICH_DIVISION = re.compile(r"哪[个些一几]?(?:个)?([省州市县区乡镇村])(?![委级政长财场民容域])")  # 哪个县, 哪些乡镇; not 哪个区域
_LEVELS_ANSWERING = {"省": "省区市", "州": "州市", "市": "市州县区", "县": "县市区旗", "区": "区县市", "乡": "乡镇街",
                     "镇": "镇乡街", "村": "村社组"}  # the levels that answer one asked (哪个县: 腾冲市, 云县)
_NOT_A_DIVISION = "全各本我该每\\s"  # 各县市, 全县: a scope, no place named


@dataclass(frozen=True)
class Asked:
    """What a question names and wants, read once from its own words: years, places, ordinals (第二批), its
    types, the measure words of a number question, whether it asks a rate (每吨), the units it names."""

    years: tuple[str, ...]
    codes: tuple[str, ...]  # numbers that name something (12356热线, 105路): the letter must say them
    places: tuple[tuple[str, bool], ...]
    narrower: dict[str, str]  # a place named right before another (郑州 in 郑州二七区) -> that narrower place
    levels: dict[str, str]  # a place asked -> the level written after it (岳阳 of 岳阳县 -> 县)
    ordinals: tuple[str, ...]
    types: tuple[str, ...]
    measures: tuple[str, ...]
    rate: tuple[str, ...]  # what a figure asked is per (每亩多少元: 亩)
    named_units: frozenset[str]
    plan: bool = False  # asks what is planned (明年还要建几个): a figure the letter commits to
    achieved: bool = False  # asks what was achieved (实际达到多少, 已经建了几个): a target or plan does not give it
    done: str = ""  # the verb of a count asked as done (整治了多少 -> 整治): a clause planning it does not give it
    field: object = None  # a frame field asked by name (文号, 办理人): the pattern of its value
    sum_kind: tuple[str, ...] = ()  # the kind of sum asked (罚款标准, 租金多少): the words that name it
    spending: bool = False  # asks a sum spent (投入多少资金): earnings (收入, 产值) do not answer it
    members: tuple[str, ...] = ()  # the members the question names (杨天成 提案): the letter names them
    document: tuple[str, str] = ()  # a document a time question names (重庆土地管理条例 -> (土地管理, 条例))
    nationwide: bool = False  # asks of 全国: a figure of 全县 or 我市 does not answer it
    next_steps: bool = False  # asks only what comes next (下一步怎么做): a sentence that commits, or under 下一步
    action: str | None = None  # what an org question asks the body does (由谁提供担保 -> 提供): the sentence says it
    events: re.Pattern | None = None  # what a time question dates (什么时候开工 -> 开工|动工…): the sentence says it
    scopes: tuple[str, ...] = ()  # the scopes the question says (全省 of 郑州…全省排第几)
    own_doc_number: bool = False  # asks the reply's own 文号 (答复红火蚁提案的文号), not a document's it names
    kinds: tuple[tuple[str, str], ...] = ()  # (modifier, head) measure words said together (轮作休耕技术: 轮作, 技术)
    phrases: tuple[str, ...] = ()  # runs of two or more measure words said together (社区矫正信息管理系统)
    counted: str = ""  # the thing a count names after its classifier (多少个综合试验站 -> 试验站)
    verb: str = ""  # the verb a count is asked of (最终认定了几家 -> 认定): a figure it counts answers first
    periods: tuple[str, ...] = ()  # the periods of five-year plans it names (十四五期间)
    planned: bool = False  # asks when something was first planned (原定什么时候): the sentence says a plan
    date: bool = False  # asks a day or a year (哪天, 哪一年, 什么日期): a date says it, not a span of time or 近期
    ratio: str = ""  # the words of a ratio asked (近视率 -> 近视): a figure of another ratio (开设率) is no answer
    division: str = ""  # the levels a which-place question asks (哪个县 -> 县市区旗): the sentence names one
    rarest: str = ""  # the rarest of the things a figure is asked of (花卉 of 资金建设花卉产业园), set by ``can_answer``
    institution: str = ""  # the kind of institution a which-question asks (定点医院是哪家 -> 医院)
    counted_run: tuple[str, ...] = ()  # the words of the thing a count names (几个应急避难场所 -> 应急 避难 场所)
    bodies: tuple[str, ...] = ()  # measure words said inside a body's name (民族宗教 of 市民族宗教委): a body names them
    bound: str | None = None  # the end of a measure asked (最宽 -> max): a bound at the other end (不少于) is no answer
    whole_sum: bool = False  # asks a sum spent, per nothing (需要多少资金): a sum per thing (元/公里) is no answer

    @property
    def narrowest(self) -> list[str]:
        """The places asked, each as the narrowest one named with it (郑州二七区 -> 二七区)."""
        return [self.narrower.get(name, name) for name, _ in self.places]

    @classmethod
    def of(cls, question: str, known: frozenset[str] = frozenset(), members: frozenset[str] = frozenset()) -> "Asked":
        """``known``: the places of the archive's letters (``archive_places``), read as places wherever named;
        ``members``: the names of the members its letters answer (``archive_members``)."""
        qnorm = normalize_for_index(question)
        places = tuple(places_named(qnorm, known))
        named = members_named(qnorm, members)
        names = [name for name, _ in places] + list(named)
        measures = tuple(w for w in content_words(_HOW_MUCH.sub("，", qnorm)) if not NOT_A_NAME.match(w)
                         and not any(p in w or w in p for p in names) and not _ASKING.search(w) and w not in AREA_NOUNS)
        narrower = {a: b for a, b in zip(names, names[1:])
                    if re.search(f"{a}[{LEVELS}]?{b}", qnorm) and may_lie_in(b, a)}  # not 凉山 of 米易县凉山自迁农民
        years = tuple(YEAR.findall(qnorm))
        codes = codes_asked(qnorm)
        types, plan = question_types(question), asks_plan(question)
        unnamed = blank_bodies(qnorm)  # the question with the words inside a body's name blanked
        levels = levels_written(places, qnorm)
        return cls(years=years, codes=codes, places=places, narrower=narrower, levels=levels, ordinals=tuple(_ORDINAL.findall(qnorm)),
                   types=types, measures=measures, rate=tuple(dict.fromkeys(_RATE.findall(qnorm))),
                   named_units=expected_units(question) - {"个"},  # 几个 / 多少个 count anything: 名, 处, 所 …
                   plan=plan, achieved=bool(_ACHIEVED.search(qnorm)) and not plan,
                   done=m.group(1) if not plan and (m := _DONE.search(qnorm)) else "",
                   field=asked_field(qnorm), sum_kind=sum_kind(qnorm) if "number" in types else (),
                   spending="number" in types and bool(SPENDING_ASKED.search(qnorm)), members=named,
                   document=document_asked(qnorm, names) if "time" in types else (), nationwide=bool(re.search("全国(?!性|政协|人大|人民代表大会|委员会)", qnorm)),
                   events=events_asked(qnorm) if "time" in types else None,
                   own_doc_number=asks_own_doc_number(qnorm), scopes=tuple(m.group() for m in SCOPE_WORD.finditer(qnorm)),
                   action=action_asked(qnorm) if {"org", "orgs"} & set(types) else None,
                   kinds=kinds_said(qnorm, measures) if "number" in types else (), phrases=phrases_said(qnorm, measures),
                   next_steps=types == ("plan",) and bool(_NEXT_STEPS.search(qnorm)),
                   ratio=m.group(1) if "number" in types and (m := _RATIO.search(qnorm)) else "",
                   division=_LEVELS_ANSWERING[m.group(1)] if (m := _WHICH_DIVISION.search(qnorm)) else "",
                   counted=counted_head(qnorm, names) if "number" in types else "",
                   counted_run=counted_run(qnorm, names) if "number" in types else (),
                   institution=institution_asked(qnorm),
                   verb=verb_counted(qnorm) if "number" in types else "",
                   bodies=tuple(w for w in measures if w not in unnamed),
                   date=types == ("time",) and bool(_DATE_ASKED.search(qnorm)), periods=tuple(PLAN_PERIOD.findall(qnorm)),
                   planned="time" in types and bool(_ORIGINAL_PLAN.search(qnorm)),
                   bound=bound_asked(qnorm) if "number" in types else None,
                   whole_sum="number" in types and bool(SPENDING_ASKED.search(qnorm)) and not _RATE.search(qnorm)
                   and "标准" not in qnorm)


def says_what_is_asked(unit: Unit, asked: Asked, letter: dict, text: str, identity: str = "") -> bool:
    """Whether a sentence can answer at all, from the question's own words, with nothing fitted: its letter
    (``text``, normalised) names every year, place and ordinal (第二批) the question names (a question about
    2024 or about 剑阁县 is not answered by a letter of 2021 or of another county, nor 唐山 by a letter from
    elsewhere that never names it; a place named right before a narrower one, 郑州 of 郑州二七区, is met by
    the narrower one); a sentence that dates itself gives the year asked; a frame field asked by name (文号,
    办理人, 电话, 哪一类, 哪天答复的) is given by a sentence holding one (a 文号, the label, a number, a category,
    a date); a number question gets a figure (in the unit it names: 多少钱, 几条) in a sentence naming something it
    counts (收入 for 综合收入是多少; as a word of the whole sentence when a long one was cut into pieces), a time
    question a date or time; a where or when question a sentence naming the thing asked, itself or right before
    (收容所建在哪里 is not answered by a notice on rabies); a rate (每吨, 每人每月) a figure per the same thing (每亩 by 元/亩, not by 每年…亿元)."""
    if any(year not in text for year in asked.years) or not all(map(says_number(text), asked.codes)) \
            or any(name not in text for name in asked.members):
        return False  # 杨天成 提案…: not answered by a letter to 段治明委员
    periods = years_said(unit, letter.get("body", ""), PLAN_PERIOD.findall) if asked.periods else []
    if periods and not set(periods) & set(asked.periods):
        return False  # 十四五期间安排了多少 is not answered by “十三五”期间，中央共安排补助资金约307亿元
    if asked.planned and not _PLANNED.search(unit.norm):
        return False  # 原定什么时候办: 原计划2020年2月22日举办, not 2020年初…策划了
    said = years_said(unit, letter.get("body", "")) if asked.years and asked.field is None else []  # a frame field's
    # year names its letter (2020年第104号建议的回复哪天发布: 时间:2021-02-07)
    if said and not set(said) & set(asked.years):
        return False  # 2023年达标率 is not given by a sentence under (一)2024年全市声环境基本情况
    if asked.years and not said and "number" in asked.types and not year_before(unit, letter, asked.years):
        return False  # 宁夏2025年新建了多少个: not an undated count in a paragraph that names no year
    if not (names_places(asked.places, letter, text, asked.narrower, asked.levels) or names_no_place(letter, text)):
        return False
    if not letter.get("region") and any(name not in text and not may_speak_as(name, asked.levels.get(name), text)
                                        for name in asked.narrowest):
        return False  # a letter naming no place that speaks as 全州, 我州 is no 上海's
    for ordinal in asked.ordinals:  # 第二批: in the letter, and in a sentence that counts batches (第一次: 首次 too)
        forms = (ordinal, "首" + ordinal[-1]) if ordinal[1:-1] in ("一", "1") else (ordinal,)
        if not any(form in text for form in forms) or (not any(form in unit.norm for form in forms) and any(
                other[-1] == ordinal[-1] for other in _ORDINAL.findall(unit.norm))):
            return False
    if asked.own_doc_number:  # the reply's 文号, not one it cites
        return holds_own_doc_number(unit.norm, letter["doc_number"]) if letter.get("doc_number") \
            else gives_uncited_doc_number(unit.norm)
    if asked.field is not None:  # 哪个文号, 办理人: the sentence gives it
        return bool(asked.field.search(unit.norm))
    if asked.types in (("number",), ("time",)) and unit.features["type"] <= 0:
        return False
    if asked.date and unit.features["type"] < 1.0:
        return False  # 座谈会哪天开 is not dated by 筹备举行小董起义80周年座谈会 (a span of years)
    if asked.institution and not names_institution(unit.norm, asked.institution):
        return False  # 结核病定点医院是哪家 is not answered by 及时对学校、医院报告的涉疫师生开展筛查
    if any(qtype in asked.types and not SAID_BY[qtype][0].search(unit.norm) for qtype in ("rank", "company", "outcome")):
        return False  # 排第几 needs a rank (居全国第三, 之首), 中标单位 a company, 获批了吗 how the request stands
    if asked.bound and bounds_other_end(unit.norm, asked.bound, asked.named_units):
        return False  # 设计宽度最宽到多少米 is not 路面有效宽度不少于3.5米
    if asked.whole_sum and per_thing_only(unit.norm, asked.named_units):
        return False  # 道路硬化需要多少资金 is not 补偿标准仅为30000元/公里
    measures = tuple(w for w in asked.measures if w not in identity and (w != asked.verb or asked.named_units))  # 旺苍
    # of 旺苍县 names the letter's place; the verb of a count (设置了多少个) names no thing, a sum's (总投资) may
    if "number" in asked.types and measures and not names_the_thing(unit, measures, letter, whole_words=True) \
            and not any(w in asked.bodies and w in unit.norm for w in measures):
        return False  # 家庭养老床位 is not counted by 内设100张医疗床位 (nor 综合收入 by 住院综合楼…2800万元); a body
        # asked (省科技厅…投入了多少钱) is named by its name (省科技厅积极配合…先后投入1500多万元)
    things = _things(asked, measures)  # what the 资金, 面积 or 奖励 is of
    title = normalize_for_index(letter.get("title") or "")
    if "number" in asked.types and things != measures and things and not (
            names_the_thing(unit, things, letter, whole_words=True) or any(w in title for w in things)):
        return False  # 中药材基地的资金 is not 碳中和试点…安排资金200万 (秦安县博物馆's 总投资 is, in its letter)
    if "number" in asked.types and things != measures and len(things) > 1 and asked.rarest in things \
            and not (names_the_thing(unit, (asked.rarest,), letter) or asked.rarest in title
                     or asked.rarest in asked.bodies and asked.rarest in unit.norm):
        return False  # 广东…多少资金建设花卉产业园 is not 安排碣石渔港2000万元建设…资金 (建设 is said of anything)
    if asked.counted and not names_the_thing(unit, (asked.counted,), letter, up_to_figure=True) \
            and not said_by_stem(asked.counted, unit.norm):
        return False  # 多少个综合试验站 is not counted by 食用菌专业合作社452个
    if counts_another(unit, asked.counted_run, asked.counted):
        return False  # 多少个应急避难场所 is not counted by 10个县(区)完成了专项规划编制
    if "number" in asked.types and another_kind(unit, tuple(k for k in asked.kinds if k[0] not in identity), letter,
                                                 asked.sum_kind):
        return False  # 轮作休耕技术培训班 is not counted by 化肥减量技术培训班559期, nor 牛羊存栏 by 生猪存栏, nor 民宿奖励 by 食用菌补助
    if asked.sum_kind and not names_the_thing(unit, asked.sum_kind, letter, titles=False):
        return False  # 督导员补贴 is not given by a sentence on 集中点, nor 罚款标准 by 垃圾桶460个
    if {"place", "time"} & set(asked.types) and measures and not names_the_thing(unit, measures, letter):
        return False  # where the 收容所 is: said of it, in its sentence or the one before (…器材。重点安装在…)
    if asked.action and asked.action not in unit.norm and asked.action not in lead_in(unit, letter)[-20:]:
        return False  # 由谁提供担保 is not answered by the member's salutation
    if asked.events and not asked.events.search(unit.norm):
        return False  # 什么时候开工 is not dated by 2023年3月…已完成…招标工作
    if asked.events and unit.span and (when := unit.text[unit.span[0]:unit.span[1]]).startswith("待") \
            and asked.events.search(when) and any(w in when for w in asked.measures):
        return False  # 地铁1号线什么时候开通 is not dated by 待地铁1号线…开通…后, the condition of something else
    if asked.document and (not names_document(unit, asked.document, letter, text) or unit.features["type"] < 0.9):
        return False  # 重庆土地管理条例什么时候施行 is not dated by 《重庆市生活垃圾管理条例》正式实施, nor by 下一步
    if asked.nationwide and (SCOPE_WORD.search(unit.norm) or letter.get("region") and "number" in asked.types) \
            and not re.search("全国|国内|我国", unit.norm):
        return False  # 全国现在有多少群蜜蜂 is not answered by 全县…中蜂养殖总规模已达到3万群 (本市…在国内最高 is), nor
        # 全国能繁母猪存栏 by a county letter's 2016年生猪存栏19.72万头
    figure_clause = CLAUSE_BREAK.split(unit.text[:unit.span[0]])[-1] if unit.span else ""  # what the figure is of
    if "number" in asked.types and asked.places and not asked.nationwide and "rank" not in asked.types \
            and _NATIONAL.search(normalize_for_index(figure_clause.rsplit("、", 1)[-1])) \
            and not SCOPE_WORD.search(unit.norm) \
            and not any(p in normalize_for_index(unit.text[:unit.span[0]]) for p in asked.narrowest):
        return False  # 吉林省现有预制菜企业多少家 is not answered by 全国新注册企业1.25万家 (全国…1亿亩以上,我省任务277万亩 may be)
    if asked.spending and EARNINGS.search(figure_clause):
        return False  # 杨陵研学基地投入多少资金 is not answered by 旅游综合收入19.7亿元
    if "number" in asked.types and unit.span and figure_of_another_place(unit, letter, text, asked.narrowest, asked.scopes,
                                                                          asked.levels):
        return False  # 仁寿县冷链库容 is not 全市冷链静态库容量约18万吨 in a letter of 眉山市
    if {"number", "time"} & set(asked.types) and qualified_by_another_place(
            unit.norm, asked.narrowest + division_stems(asked.measures), asked.phrases):
        return False  # 广东省社区矫正信息管理系统哪年建成 is not dated by 2010年建成了广州市社区矫正信息管理系统
    if "number" in asked.types and unit.span and names_another_place(
            normalize_for_index(unit.text[:unit.span[0]]), asked.narrowest):
        return False  # 武山县的编制 is not 张家川县还成立了动物检疫工作站…核定事业编制8名
    if asked.plan and not _commits(unit, letter) and (
            {"number", "time"} & set(asked.types) or asked.next_steps and not NEXT_HEADING.search(unit.section or "")):
        return False  # 明年还要建几个, 下一步怎么做: not answered by what was built (目前…设有帐篷区)
    if asked.achieved and "number" in asked.types and CUES.search(normalize_for_index(unit.sentence)) \
            and not _REPORTED.search(unit.sentence):
        return False  # 2020年森林覆盖率实际达到多少 is not given by 力争2020年全省森林覆盖率达到60%
    if asked.done and "number" in asked.types and unit.span and _plans_its_figure(unit, figure_clause, asked.done):
        return False  # 整治了多少级杆路 is not given by …已经向省公司申请立项,争取秋季再整修更换杆路300级
    if "number" in asked.types and not all(per(what).search(unit.norm) for what in asked.rate):
        return False  # 休牧补助每亩多少元 is not given by 每年安排补奖资金187.6亿元, nor 每人 by 4万元/户
    if asked.division and not re.search(rf"[^{asked.division}{_NOT_A_DIVISION}][{asked.division}]", unit.norm) \
            and not (asked.division[0] == "省" and names_province(unit.norm)):  # 哪些省份: 重庆、福建、广西…等地
        return False  # 产业园建在哪个县 is not answered by …明确了各县市…大力推动
    if asked.ratio and not re.search(rf"{asked.ratio}[\u4e00-\u9fff]{{0,3}}率", normalize_for_index(unit.sentence)):
        return False  # 近视率是多少 is not given by 健康教育课开设率达到100%
    if asked.types == ("number",) and asked.named_units:
        return unit.features["type"] >= 1.0
    return True


def _plans_its_figure(unit: Unit, figure_clause: str, done: str) -> bool:
    """The clause of the sentence's figure (``figure_clause``: its words before the figure) plans it, with a cue
    other than the verb asked as ``done`` (争取了多少个项目 is given by 争取…项目21个) and no word of a report."""
    clause = figure_clause + CLAUSE_BREAK.split(unit.text[unit.span[0]:], maxsplit=1)[0]
    cue = CUES.search(normalize_for_index(clause))
    return bool(cue) and cue.group() not in done and not _REPORTED.search(clause) and not _PERFECTIVE.search(clause)


_DECIDED = re.compile(r"决定(?:在|于|从)[^，。；]{1,20}?(?:实施|建设|开展|启动|开工)")  # 县政府决定在“十三五”期间实施


def _commits(unit: Unit, letter: dict) -> bool:
    """The sentence commits (将, 下一步…) or tells a decision to act within a period (决定在“十三五”期间实施), itself
    or as an item after ； of a sentence that does (下一步，…将…建设；督促指导地方财政保障…工作经费)."""
    body, sentence = letter.get("body", ""), normalize_for_index(unit.sentence)
    return bool(CUES.search(sentence) or _DECIDED.search(sentence)
                or CUES.search(normalize_for_index(body[sentence_start(body, unit.start):unit.start])))
