"""Promises (承诺事项): the sentences of a reply letter in which the replying side commits to future action
(将/计划/拟/力争/下一步/年底前…), with what is promised, any deadline and any figure (``corpus/deadlines.py``), cited
by offsets in the clean body. Pure text rules over ``corpus/text.py``; fitted on the FIT part of
``tests/data/promises/labels.jsonl`` and scored on its HELD part (``benchmarks/eval_promises.py``)."""
from __future__ import annotations

import datetime
import re
from dataclasses import asdict, dataclass, field

from .chunk import heading_level
from .deadlines import Deadline, date_after, find_deadline, find_figures, letter_day, names_day_before, scan_form
from .normalize import to_simplified
from .not_promises import (CLOSING, COURTESY, RECITED, THEIR_WORDS, STATUTE, THEIR_ASK, ADVICE, SUPPORT_ONLY,
                           THEIR_POINT, DONE, SOFT, SIGNATURE, FRAME, EFFECT, JUDGEMENT, ESTIMATE, CONDITION)
from .text import sentences, strip_pinyin

# --- what marks a commitment --------------------------------------------------------------------------------
# 将 is future only after a subject or a time word (我局将, 下一步将, 届时将), or before an adverb or verb that
# cannot follow the object-marking 将 (将于, 将积极, 将会同); ``将生均公用经费列入预算`` is no promise.
_SUBJECT = r"(?:我们|我局|我委|我厅|我部|我办|我院|我司|我市|我县|我区|我镇|我乡|本局|本单位|局|委|厅|办|部门|政府|公司|支队|大队|中心|街道|乡镇|各县|今后|以后|下一步|下步|届时|随后|同时|后|时|也|还|均|都|并|亦|年|期间|月底|年底)"
_ADVERB_NEXT = (r"于|会|在|紧紧|进一步|继续|持续|积极|加快|全力|尽快|尽早|认真|适时|优先|逐步|主动|重点|着力|努力|力争|争取|及时|"
                r"大力|不断|切实|严格|统筹|把|分步|分批|陆续|每年|定期|同步|一并|立即|马上")  # never 将's object
_WILL_NEXT = (rf"(?:{_ADVERB_NEXT}|加大|加强|结合|按照|根据|依据|会同|联合|组织|协调|规划(?=新建|能容纳|将)|综合|借此|考虑|推进|推动|"
              r"启动|开展|实施|做好|坚持|围绕|以|对|与|向|为|从|按|实现|升至|达到|建成|开通|完成|纳入|列入|对接|研究|督促|指导|"
              r"配合|落实|跟进|安排|申报|投入|新建|改造|开工|开放|对外开放|对公众开放|提升|完善|全面|视|配备|给予|筹措|谋划|规划|考察|借鉴)")
CUES = re.compile(
    rf"{_SUBJECT}将(?!来)|(?<!即)将(?={_WILL_NEXT})"
    r"|(?<![列入按原有])计划(?=[“\"]?[于在将到用分对实新建开招投启完把从逐再一二三四五六七八九十\d增修改推申购采配]|通过|针对|安排|举办|组织|落实)(?<!行动计划)"
    r"|(?<![模虚比草入原请])拟(?![\u4e00-\u9fff]{1,3}的[^，,。；;：:\s])(?=定于|[于在将新建对把从按申开增改订纳报实重研]|(?![定稿供])\w(?![^，。；]{0,5}的))|准备(?=进行|实施|开工|启动|建设|新建)|规划(?=新建|能容纳|将)|(?<!努)力争|正(?:在)?计划|筹划(?=推行|实施|建设|开展|新建)|(?<!可)(?<!可积极)争取(?!资金|各级|中央|上级|项目|下达|到|[，,。；])"
    r"|(?<!为)下一步(?!的)|(?<![为在])下步(?!的)|下阶段|(?<!为)今后|接下来|未来(?=将|我|[一二三四五六七八九十两几\d]+年|[，,])"
    r"|预计|即将(?![^，,。；]{0,8}的)|年底前|月底前|(?<![\d一二两三四五六七八九十])年内|尽快|尽早|近期(?!以来|建设规划|规划|目标)|适时|届时|会及时"
    r"|确保[^。；]{0,30}?(?:年|月|季度)(?:底|末)?(?:前|内)|(?:采取|落实|做好|推进|实施)(?:以下|如下)(?:几项)?措施[：:]"
    r"|(?<![优接对期等招款善看虐厚亏宽礼])待(?![遇业定岗])[^。；，]{1,30}?(?:后|时)?[，,]?[^，。；]{0,8}?(?:将|再|即|一并|立即|优先|及时|着手|按程序|启动|办理|实施|开通|安排|开工|开建)"
    r"|(?:今年|明年|年底|年内)(?:将|计划|拟|完成|开工|启动|实施)|(?:审批|批复|审定|批准)后(?:实施|开工|启动)"
    r"|(?:我们|我局|我委|我厅|我办|我院|我市|我县|我区|本局)(?:一定|必将|必定)(?!的|程度)"
    r"|(?<=[们局委厅办院关门府])会(?=积极|继续|进一步|加强|加大|尽快|认真|主动|持续|全力|不断)")
# Cues that also occur in reports of what was done; they count only in a sentence with no sign of the past.
WEAK_CUE = re.compile(r"争取|近期|年将|月底将|年底将|期间将|同时将|并将|也将|还将|都将|均将")
# An enumerated item: 二是…, （二）…, 2、…
ENUM = re.compile(r"^\s*(?:[一二三四五六七八九十]是|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．]|[一二三四五六七八九十]+、)")
# The reply's announcement of its answer (现答复如下：): a list of measures right after it is what the reply
# offers, unless an item reports what is done; ANSWER_ITEM: the first item in the same sentence (如下：一是…).
ANSWER_INTRO = re.compile(r"(?:答复|回复|函复|复函|说明|函告|意见)如下[：:]|(?:采取|落实|做好|推进|实施)(?:以下|如下)(?:几项)?措施[：:]")
ANSWER_ITEM = re.compile(r"如下[：:]\s*(?:[一二三四五六七八九十]是|[（(]?[一二三四五六七八九十\d]+[)）、.．])")
# A sentence that goes on with the measure before it (its verb or its object first, no subject of its own).
MEASURE = re.compile(r"(?:不断|对于|针对|依据|按照|通过|联合|及时|严格|定期|加强|加大|建立|完善|强化|规范|督促|指导|做好|确保|继续|积极|大力|"
                     r"安排|组织|落实|开展|推进|修复|修建|新建|增设|设置|改造|清理|清除|整治|配备|提升|优化|推动|加快)")
# An item that describes (一、AED又称…, 一、我县作为千年古县…, 一、城乡居民建房是关系到…) or restates the proposal
# (一、关于…的建议) or sums up (综上所述，…): in its first clause, no measure offered.
DESCRIBES = re.compile(r"^关于|^综上|^总之|^总而言之|又称|是指|(?:^|[^一二三四五六七八九十])是(?!否)|^[^，,]{0,8}?作为|属实|属于")
# A committing sentence that announces the measures listed after it (拟采取的措施有：, 从以下几个方面：), not a table.
MEASURES_FOLLOW = re.compile(r"(?:措施|工作|方面|举措|方案)[^，。；：:]{0,6}[：:]\s*$")
PLANS = re.compile(r"制定|采取|拟定|研究|部署")  # what makes such an announcement a plan
_FROM_THESE = re.compile(r"从以下(?:几个|[一二三四五六七八九十\d]个)?方面(?:开展|做好|推进|加强|抓好|着手)")  # 我局从以下几个方面开展工作。
_NEXT_LEAD = re.compile(r"\s*(?:下一步|下步|今后|接下来)")  # a sentence opening the next steps (下一步，我部将…。一是…)
_CLAUSE_AND_STOP = re.compile(r"[，,][^，,]+。$")  # a heading-length item that is a sentence (…争取项目资金,逐步实施。)
# What sets the scene in a list of measures (近年来…, 正如您所说…存在…): no measure of its own.
# What weighs a matter (土壤污染防治关乎…, …难度更大): a judgement, no measure.
EVALUATES = re.compile(r"关乎|事关|难度(?:更|较|很|非常)?大|存[有在][^，,。；]{0,4}难度|意义重大|任重道远|刻不容缓")
BACKGROUND = re.compile(r"近年来|一直|一贯|历来|向来|常态化|随着|正如|存在|仍然|依然")
DATED = re.compile(r"(?:\d{4}年(?:\d{1,2}月)?|\d{1,2}月)(?:\d{1,2}日)?[，,]")  # a sentence that opens with its date
# (2016年10月，…; 4月20日，对接…同意…)
# Headings over the next steps: what follows them (until the closing) commits.
NEXT_HEADING = re.compile(r"下一步|下步|今后|下阶段|工作打算|工作计划|工作方向|未来规划|规划与发展|努力方向|工作思路|(?<!主要)工作措施|"
                          r"下一阶段|后续工作|以下几个方面|以下几方面|以下工作|以下措施")
MEASURES_HEADING = re.compile(r"工作措施|工作思路|工作方向|以下几个?方面|以下工作|以下措施")  # taken or to take
# Something that starts at a future date (从2018年7月开始执行, 于2026年起实施).
STARTS = re.compile(r"(?:开始|起)(?:执行|实施|施行|运行|开放|启用)|(?:前|底)(?:完成|建成|开通|投入使用)")
FIRST_PERSON = re.compile(r"我们|我局|我委|我厅|我部|我办|我院|我市|我县|我区|本局")
FIRST_PERSON_WILL = re.compile(rf"(?:{FIRST_PERSON.pattern})[^，。；]{{0,6}}将")

_LEAD = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]+[)）、.．]\s*|[一二三四五六七八九十]是|同时|此外|另外|下一步|下步|"
                   r"今后|接下来|目前|现|首先|其次|最后|[，,：:\s])+")


@dataclass
class Promise:
    """One committing sentence at ``start:end`` of the letter body."""

    start: int
    end: int
    text: str
    what: str  # the sentence without its leading connective (下一步，/一是/同时)
    cue: str  # the words that make it a commitment (将/计划/下一步 heading…)
    section: str | None  # the heading it stands under, when the letter has one
    deadline: Deadline | None = None
    figures: list[dict] = field(default_factory=list)  # [{"text", "start", "end", "value", "unit"}], body offsets

    def to_dict(self) -> dict:
        return asdict(self)


def extract_promises(body: str, letter_date: str | None = None) -> list[Promise]:
    """The committing sentences of ``body`` in order. ``letter_date`` (``YYYY[-MM[-DD]]``) dates relative
    deadlines (今年底, 7月底前, 三年内) and keeps dates before the letter from counting as deadlines."""
    scan = scan_form(body)
    written = letter_day(letter_date)
    found, heading = [], None
    # next_level: the heading level whose section holds the next steps (None: not in one); a heading at that
    # level or above ends it, deeper headings (（一）… under 三、下一步工作) stay inside it.
    next_level, level, closing_seen = None, 0, False
    listing = False  # the last enumerated item (一是/（一）/1、) was a promise
    # answering: in the list right after 现答复如下： (until a heading or a paragraph that is no item); its items
    # commit while offering: until one reports what is done, and again after a sentence that commits
    answering = offering = False
    last_end = None  # where the sentence before this one ended
    spans = list(sentences(scan))
    # 計(jì)劃 read as 计划 (blanks would split the word)
    texts = [to_simplified(strip_pinyin(body[start:end])) for start, end in spans]
    for n, (start, end) in enumerate(spans):
        text = texts[n]
        adjacent, last_end = bool(found) and found[-1].end == last_end, end
        inline = ANSWER_ITEM.search(text)  # …现答复如下：一是… in one sentence: the item is what follows
        item = bool(ENUM.match(text) or inline)
        own = text[inline.start() + 3:] if inline else text
        opens_paragraph = start == scan.rfind("\n", 0, start) + 1
        if opens_paragraph and not item:
            answering = False  # a new paragraph that is no item ends the answer's list
        closing = bool(CLOSING.match(text))
        will = FIRST_PERSON_WILL.search(text)
        if closing and not (will and _substantive(text[will.end():])):
            if next_level is not None and opens_paragraph:
                closing_seen = True
            answering = False
            continue
        if _is_metadata(text):
            continue
        if next_level is not None and opens_paragraph and SIGNATURE.fullmatch(_core(text)):
            closing_seen = True  # the signature (湖南省住房和城乡建设厅) ends the next steps
            continue
        if _is_heading(text):
            heading, this_level = text.strip(), heading_level(text.strip()) or 0
            listed = item and listing and bool(_CLAUSE_AND_STOP.search(text.strip())) and not _reports(own)
            # 二、积极向省、市争取项目资金,逐步实施。 after a promising 一、…: the list goes on in a short sentence
            answering = offering = _offers(text) or listed  # 现答复如下： on a line of its own
            if next_level is not None and 0 < this_level <= next_level:
                next_level = None
            if NEXT_HEADING.search(text) and not closing_seen and not _reports_section(texts, n, this_level, written):
                next_level, level = this_level, this_level
                continue
            level = this_level or level
            if (next_level is None or not _acts(text)) and not listed:
                continue
        cue = _cue(text)
        if cue is not None and WEAK_CUE.fullmatch(cue) and _of_past_years(text, written):
            cue = None  # 2021、2022年争取中省财政资金2181万元: a report of the years before the letter
        inside = next_level is not None and not closing_seen
        if cue is None and inside and _acts(text) and not _reports(text) and _measure_item(text):
            cue = "（下一步工作）"  # not a description (我省各市县政府是渔港建设的责任主体，…)
        if _offers(text):
            answering = offering = True
        following = _rest_of_paragraph(scan, spans, texts, n)
        titles_report = _title_of_report(own, following)
        reported = _reports(own) or titles_report or names_day_before(own, written)  # 一是强化组织领导。成立了…;
        # 二、…2008年12月5日再次出现地裂缝: a day before the letter
        if cue is not None and WEAK_CUE.fullmatch(cue) and item and titles_report:
            cue = None  # 一是向上争取荣誉。市发改委成功指导…: the title of what was done
        if item and reported:
            offering = False
        if (cue is None or WEAK_CUE.fullmatch(cue)) and (listing or (answering and offering)) and item \
                and not reported and _measure_item(own):  # 二是… after a promising 一是…; 现答复如下：一、增设…
            cue = "（同一列举）" if listing else "（答复所列措施）"  # (一、积极争取…: an offered measure, not a report)
        if cue is None and adjacent and _goes_on(scan, found[-1], start) and not _reports(text) \
                and (MEASURE.match(_LEAD.sub("", text)) or scan[start - 1] in "；;"):  # …健康茶；旅游景区、…开展营销。
            cue = "（同段措施）"  # 二是加强巡查。对于发现的问题，及时…: the same item goes on
        if item or "一是" in text:  # 一、AED又称…: the list goes on; an item dismissed below (一是…制定了…，将切实调动…:
            # an effect) lists nothing
            listing = (cue is not None and not _dismissed(text)) or (answering and offering and not reported)
        offering = offering or cue is not None
        if cue is None and written is not None and STARTS.search(text) and not DONE.search(text):
            due = find_deadline(body, start, end, written)  # 从2026年起实施: what starts after the letter
            if due is not None and date_after(due.due, written):
                cue = due.text
        if cue is None:
            continue
        if (_announces(text) and NEXT_HEADING.search(text)) or MEASURES_FOLLOW.search(text) \
                or _NEXT_LEAD.match(text) and n + 1 < len(texts) and ENUM.match(texts[n + 1]):
            next_level = level  # 下一步，我们将从以下几个方面…, or 下一步，我部将…。一是…: what follows it in this section
            # commits too
        if _dismissed(text) or SIGNATURE.fullmatch(_core(text)):
            continue  # (下一步，农业农村部: a page cut short)
        found.append(_promise(body, start, end, cue, heading, written))
    return found


def _reports_section(texts: list[str], n: int, level: int, written: datetime.date | None) -> bool:
    """Heading ``n`` names measures taken as well as planned (二、…专项治理工作措施) and a sentence of its section
    names a day before the letter (2022年10月21日召开…): it heads a report, not next steps."""
    if not MEASURES_HEADING.search(texts[n]) or NEXT_HEADING.search(MEASURES_HEADING.sub("", texts[n])):
        return False
    for text in texts[n + 1:]:
        if _is_heading(text) and 0 < (heading_level(text.strip()) or 0) <= level:
            return False
        if names_day_before(text, written):
            return True
    return False


def _dismissed(text: str) -> bool:
    """A sentence with a cue that commits nothing: an effect, a courtesy, a deferral, a recited policy, the
    member's words, advice to others or a consequence."""
    if (EFFECT.search(text) and not CUES.search(EFFECT.sub("", text))
            or ESTIMATE.search(text) and not CUES.search(ESTIMATE.sub("", text))):
        return True
    if COURTESY.search(text) and (not _substantive(COURTESY.sub("", text)) or _courtesy_only(text)) or SOFT.search(text) \
            or JUDGEMENT.search(text) and not FIRST_PERSON.search(text):
        return True
    if THEIR_POINT.search(text.strip()) and ENUM.match(text):
        return True
    advice = ADVICE.search(_LEAD.sub("", text))
    if advice and SUPPORT_ONLY.search(text):
        return True  # 建议双江自治县…研究论证…，我局将全力配合、支持好相关工作: the other body acts
    return bool((RECITED.search(text) or STATUTE.search(text) or THEIR_WORDS.match(text) or advice or CONDITION.search(text))
                and not FIRST_PERSON.search(text))


def _courtesy_only(text: str) -> bool:
    """Every cue of the sentence commits only a courtesy in its clause (…新思路，我们将加以融合吸收，推动工作开展)."""
    clauses = [_clause_after(text, m.start()) for m in CUES.finditer(text)]
    return bool(clauses) and all(COURTESY.search(c) and not _substantive(COURTESY.sub("", c)) for c in clauses)


def _goes_on(scan: str, last: Promise, start: int) -> bool:
    """The sentence at ``start`` follows the promise ``last`` in its paragraph, and ``last`` committed firmly
    (not by a cue that also reports, such as 还将 in brackets)."""
    return last.end <= start and "\n" not in scan[last.end:start] and not WEAK_CUE.fullmatch(last.cue)


def _measure_item(text: str) -> bool:
    """An item whose first clause names a measure (一、加强组织领导), not the proposal restated (一、关于…的建议) or
    a description (一、AED又称…, 一、城乡居民建房是关系到…) or a judgement (土壤污染防治关乎…)."""
    return not DESCRIBES.search(re.split(r"[，,。；;：:]", _LEAD.sub("", text), maxsplit=1)[0]) \
        and not (EVALUATES.search(text) and not MEASURE.search(text))


def _rest_of_paragraph(scan: str, spans: list[tuple[int, int]], texts: list[str], n: int) -> list[str]:
    """The sentences after sentence ``n`` in its paragraph."""
    rest = []
    for k in range(n + 1, len(spans)):
        if "\n" in scan[spans[k - 1][1]:spans[k][0]]:
            break
        rest.append(texts[k])
    return rest


def _title_of_report(own: str, following: list[str]) -> bool:
    """``own`` is an item's bare title (一是强化组织领导。) and ``following``, the rest of its paragraph, reports
    (一是强化婚姻登记辅导。利用…引导…。2024年以来共结婚登记7对。)."""
    title = _core(own)
    if not following or len(title) > 60 or any(len(part) > 8 for part in re.split(r"[，,]", title)[1:]) \
            or re.search(r"[，,]", title) and len(title) > 20:
        return False  # a title of two short phrases is one (摸清底数，建立项目清单), a sentence with a clause is not
    return not ENUM.match(following[0]) and any(map(_reports, following))


def _reports(text: str) -> bool:
    """Reports what is done or under way (已/正在/目前/了, 经排查…), sets the scene (近年来, 存在…) or states a
    dated fact (1.2016年10月，该校有…); 在目前政策框架下 only frames a measure."""
    return bool(DONE.search(FRAME.sub("", text)) or BACKGROUND.search(text) or DATED.match(_LEAD.sub("", text))) \
        or "了" in text


def _offers(text: str) -> bool:
    """Announces the answer (现答复如下：) or the plan that follows (制定相关的工作方案：, not 主要工作有以下4方面：),
    reporting nothing: the list right after it is what the reply offers."""
    return bool(ANSWER_INTRO.search(text) or (MEASURES_FOLLOW.search(text) and PLANS.search(text)
                                              or _FROM_THESE.search(text)) and not _reports(text))


def _cue(text: str) -> str | None:
    masked = THEIR_ASK.sub(lambda m: "□" * len(m.group(0)), text)
    for m in CUES.finditer(masked):
        if WEAK_CUE.fullmatch(m.group(0)) and _reports_around(masked, m.start()):
            continue  # 先后争取2400万元 / 现已安排…(2018年将毕业6名): a report, not a commitment
        clause = _clause_after(masked, m.end())
        if m.group(0) == "争取" and _SUM_SECURED.match(clause) and not _YEAR_BEFORE.search(masked, 0, m.start()):
            continue  # 2021年我局争取秸秆综合利用专项资金700万元对…进行补助: funds secured (2023年争取… is dated: the
            # letter's year tells, ``_of_past_years``)
        if m.group(0).endswith("将") and ("了" in clause or _OBJECT_INTO.match(clause)
                                         or _PAST_TIME.search(_CLAUSE_END.split(masked[:m.start()])[-1])):
            continue  # 我们将…铁路纳入《规划》中进行了布局, 我委将…工作纳入…清单, 去年初将…作为民生实事: a report
        if m.group(0) == "今后" and re.search(r"[^不]了", clause):
            continue  # 就今后结合自身优势创建体育品牌进行了积极的探索: what was done about the future
        if m.group(0) == "力争" and (masked.startswith(("让", "使"), m.end()) and "了" in masked[:m.start()]
                                   or re.search(r"一直以来|多年来|长期以来", masked[:m.start()])):
            continue  # 投入了大量人力对…进行整治，力争让…, 一直以来全力争取…，力争实现…: the aim of what is done
        if _SUBORDINATE.search(masked[:m.start()]) and _reports_around(masked, m.start()):
            continue  # 已多次沟通，请其尽快认可…, 由设计院进行路线设计以便尽快确定…，正在进行: a request or purpose of a report
        return m.group(0)
    return None


# What the object-marking 将 puts into a list or plan (我委将0~6岁儿童眼保健…工作纳入…清单) or into practice (区教育局将
# 队列动作…融入学生日常体育训练, 并将国防教育工作落到实处), with no adverb or 把 that makes it future (我局将积极争取…纳入,
# 我们将把…列入).
_OBJECT_INTO = re.compile(rf"(?!{_ADVERB_NEXT})[^，,。；;]{{1,30}}?(?:列入|纳入|融入|落到实处|落实到位|作为)")
_SUM_SECURED = re.compile(r"[^，,。；;]{0,30}?[\d.]+\s*[万亿]?元")  # what 争取 names with its sum: funds secured
_YEAR_BEFORE = re.compile(r"(?:\d{4}年|今年|明年)[，,]?\s*$")  # a year right before the cue dates it (2023年争取…)
_CLAUSE_END = re.compile(r"[，,。；;]")


def _clause_after(text: str, at: int) -> str:
    """The words of ``text`` from ``at`` to the end of their clause."""
    return _CLAUSE_END.split(text[at:], maxsplit=1)[0]


_PAST_TIME = re.compile(r"去年|前年|上年|此前|当时|曾经?")

# A cue asked of another party (请其尽快…) or the purpose of an action (以便尽快…): it commits only what its sentence does.
_SUBORDINATE = re.compile(r"(?:以便|以期|便于|请|要求|敦促|商请|提请)[^，,。；;]{0,12}$")


def _reports_around(text: str, at: int) -> bool:
    """The sentence ``text`` reports from the clause before the cue at ``at`` on (先后争取2400万元, 现已安排…2018年将
    毕业6名; not 已配备母婴室，其中…正在修建，…也将配备母婴室), or all of it since it opens with 自…以来."""
    cut = [m.end() for m in re.finditer(r"[，,；;（(]", text[:at])]
    begin = cut[-2] if len(cut) > 1 else 0
    near = text[begin:]
    return bool(DONE.search(near) or re.search(r"先后|累计|多次|在此期间|近年来|多年来|一直以来|去年|前年", near) or "了" in near
                or re.match(r"(?:自|从)[^，,。；;]{0,40}以来", text))


_YEARS_LEAD = re.compile(r"((?:\d{4}[、—\-~至和])*\d{4})年")


def _of_past_years(text: str, written: datetime.date | None) -> bool:
    """The sentence opens with years (2023年，…; 2021、2022年…) all before the year the letter was written."""
    lead = _YEARS_LEAD.match(_LEAD.sub("", text))
    return bool(lead and written and all(int(y) < written.year for y in re.findall(r"\d{4}", lead.group(1))))


def _core(text: str) -> str:
    """The sentence without its leading connective (一是, 下一步，) and its closing mark."""
    return _LEAD.sub("", text).rstrip("。；;：: ")


def _acts(text: str) -> bool:
    """A sentence that states an action (a heading such as 三、下步工作方向 does not)."""
    core = _core(text)
    if len(core) < 6 or re.fullmatch(r"[^，,]{0,8}(?:工作|情况|方向|打算|计划)", core) or SIGNATURE.fullmatch(core):
        return False
    return not (NEXT_HEADING.search(core) and len(core) <= 12)


def _announces(text: str) -> bool:
    """Announces what follows (…从以下几个方面做好工作); the reply's own 现答复如下：首先，感谢… announces no plan."""
    return bool(re.search(r"以下|如下|几个方面|几方面|[：:]\s*$", ANSWER_INTRO.sub("", text)))


def _substantive(text: str) -> bool:
    return bool(re.search(r"加大|推进|推动|建设|开发|实施|完成|开通|新建|改造|纳入|申报|落实", text))


def _is_heading(text: str) -> bool:
    """A short line of its own with no sentence end (一、下步工作方向 / （二）加强规范管理。)."""
    t = text.strip()
    if re.match(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）])", t) and len(t) <= 30:
        return True
    return len(t) <= 20 and not re.search(r"[。；;，,]", t[:-1]) and not t.endswith(("。", "；", ";"))


def _is_metadata(text: str) -> bool:
    return bool(re.match(r"^(?:索引号|发布|来源|浏览|发文|文号|公开|主题|标题|内容概述|内容概览|摘要|生成日期|类别|成文日期|作者|信息来源|"
                         r"联系|电话|承办|抄送|签发|日期|办理结果|办复类别|\(?[A-C]\)?类)", text.strip()))


def _promise(body: str, start: int, end: int, cue: str, heading: str | None, written: datetime.date | None) -> Promise:
    text = body[start:end]
    lead = _LEAD.match(text)
    what = text[lead.end():] if lead and lead.end() < len(text) else text
    return Promise(start=start, end=end, text=text, what=what.strip(), cue=cue, section=heading,
                   deadline=find_deadline(body, start, end, written), figures=find_figures(body, start, end))


