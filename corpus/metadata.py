"""Metadata of a reply letter read from its clean body: doc number, category, session, proposal
number, title, addressee, agency, date and region.

Patterns match a normalised view of the body (pinyin annotations removed, traditional -> simplified,
same length as what remains), so traditional mirror copies parse like simplified letters; every value
is cut back out of the body, in the letter's own characters.
"""
from __future__ import annotations

import unicodedata

import regex

from .models import Metadata
from .normalize import to_simplified
from .places import (LEVEL, body_region_span, issuer_place, named_below, place_names, region_span, scopes_spoken,
                     spoken_above, titled_place)
from .text import PINYIN_ANNOTATION, valid_date

NUM = "〇零○一二三四五六七八九十百0-9０-９"
CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "0": 0, "０": 0, "O": 0, "o": 0, "Ｏ": 0}
ORG_SUFFIX = r"(?:委员会|人民政府|政府|办公室|办事处|公司|集团|局|委|厅|部|中心|院|办|署|司|处|站|所|队|馆|妇联|残联|科协)"
# A page form's row of who replied and when (承办单位 答复日期 答复内容), its values on the lines after it.
REPLY_ROW = regex.compile(r"^承办单位\s*答复日期[^\n]*\n\s*(?P<org>\p{Han}{2,30})\s*\n\s*"
                          r"(?P<y>\d{4})\s*[年./-]\s*(?P<m>\d{1,2})\s*[月./-]\s*(?P<d>\d{1,2})", regex.M)
# The body that runs a site (大数据发展中心), named as a page's 发布机构 for letters other bodies wrote.
SITE_OPERATOR = regex.compile(r"(?:大数据|数据|信息|融媒体)\p{Han}{0,4}中心$")
STOP_BEFORE_SESSION = regex.compile(r".*(?:关于对|关于|对|在|办理|的)")

MARK_CHARS = " \t•·"  # a page's list bullets and blanks before a line's text (  • 2023-08-18 17:40)
LIST_MARKS = f"[{MARK_CHARS}]*"
SALUTATION = regex.compile(
    r"(?:^" + LIST_MARKS + r"|(?<=(?:时效性|有效性)[:：]\s*))(?:尊敬的)?(?!(?:领衔|联名|附议)(?:代表|委员)\s*[:：])(?P<v>(?:[^\n:：。，,；;“”《》、]{1,12}[、,，]){0,30}[^\n:：。，,；;“”《》]{1,40}?"
    r"(?:委员会|委员|代表团|代表|副主席|主席|同志|先生|女士|小组|界别组|界别|支部|总支|支社|党组|学社|联合会|工商联|[省市州县区]委会?|(?<=党|学社|联|会|民革|民盟|民建|民进|台盟)中央))"
    r"\s*(?:您好)?\s*(?:[:：]|(?<=^尊敬的.*)$|$(?=\n\s*(?:你们|您|你|贵)))",
    regex.M)  # members (a list of them), a group (雨露乡委员小组, 工商联界别组), a party's branch (民盟楚雄州委), a federation (渭南市工商业联合会), a committee; a line of
# its own after 尊敬的, or before the line opening the reply (王敏、陈蕾委员 / 你们提出的…), needs no colon; a page may glue it after an empty label (时效性:彭晓瑜代表:); a
# party's central committee (致公党中央:, 九三学社中央:); a form's label (领衔代表: 黄金城) is none
# Whom a letter is written to: the members (``SALUTATION``), or the lead bureau a co-handler's opinion (会办意见,
# 协办意见) goes to, on a line of its own (市教育体育局：).
ADDRESSEE = regex.compile(
    rf"{SALUTATION.pattern}|^{LIST_MARKS}(?P<v>[\p{{Han}}（）()、]{{2,40}}{ORG_SUFFIX})\s*[:：]\s*$", regex.M)
YEAR_OPEN, YEAR_CLOSE = r"[〔\[【(（［﹝]", r"[〕\]】)）］﹞]"  # the brackets round a 文号's year
_YEAR, _NUMBER, _BEFORE_SIGNER = r"(?P<year>(?:19|20)\d\d)", r"(?P<num>(?:第\s*)?\d{1,5})", r"(?=[ \t]*签发人)"
DOC_NUMBER_FORM = (r"(?P<prefix>\p{Han}{2,12})(?:"
                   + YEAR_OPEN + rf"\s*{_YEAR}\s*" + YEAR_CLOSE + rf"?\s*{_NUMBER}\s*(?P<hao>[号號]|$|{_BEFORE_SIGNER})"
                   + rf"|{_YEAR}\s*" + YEAR_CLOSE + rf"\s*{_NUMBER}\s*(?P<hao>[号號])"
                   + rf"|{_YEAR}(?P<num>\d{{1,5}})(?P<hao>){_BEFORE_SIGNER})")  # 闽卫督函〔2024〕25号,
# wherever written; a page that lost the closing bracket still gives it (州政办发〔202217号), one that lost 号 at a
# line's end or before the signer (秀山教函〔2022183, 州林草建字〔2024144 签发人丹正加), the opening bracket
# (榆政卫健函2022〕643号), or brackets and 号 before the signer (张文旅202019   签发人:文士利)
# A proposal numbered as a document is, before its number: 委员提案〔2020〕84号.
HEADING_END = r"(?:答复|复函|的函)"  # how a reply's heading ends, which its 文号 in brackets or its date may follow
PROPOSAL_OF_YEAR = r"(?:代表|委员)?(?:提案|建议|议案)\s*" + YEAR_OPEN + r"\s*(?:19|20)\d\d\s*" + YEAR_CLOSE + r"\s*第?\s*"
DOC_NUMBER = regex.compile(  # the letter's own: opening a line, after a mark or in brackets after the reply's heading
    # (…第60号提案的答复(岳财字〔2022〕47号A类)), not cited in a sentence
    r"(?:^|(?<=[\s:：|”\"•·])|(?<=(?<![A-Za-z])[A-D][1-9]?类)|(?<=" + HEADING_END + r"\s*[(（]))" + DOC_NUMBER_FORM, regex.M)
DATE_OF_DOC_NUMBER = "date is the year of the 文号"  # the warning of a letter dated by its 文号 alone
# What each 答复类别 means, and the words a page writes the category with instead of its letter (上海:
# 办理结果:解决或采纳 / 列入计划拟解决 / 留作参考).
CATEGORY_LABELS = {"A": "已解决或采纳", "B": "正在解决或列入计划", "C": "留作参考"}
CATEGORY_WORDS = {"解决或采纳": "A", "解决采纳": "A", "已解决": "A", "已经解决": "A", "基本解决": "A", "已采纳": "A", "列入计划拟解决": "B",
                  "正在解决": "B", "列入计划": "B", "留作参考": "C"}
CATEGORY_LABELLED = regex.compile(
    r"(?:答复类别|办复类别|答复类型|办复类型|办理类别|办理类型|办理结果|类别|(?<!主题|体裁|组配|对象)分类)\s*[:：]?\s*[\[【〔(（]?\s*"
    r"(?:(?P<c>[A-DＡ-Ｄ][1-9１-９]?)(?![A-Za-z])|(?P<w>" + "|".join(sorted(CATEGORY_WORDS, key=len, reverse=True)) + "))")
CATEGORY_MARKED = regex.compile(
    r"[(（](?P<c>[A-D][1-9]?)[)）]\s*类|[(（](?P<c>[A-D][1-9]?)类[)）]|(?<![A-Za-z])(?P<c>[A-D][1-9]?)\s*类(?!\s*第|\s*\d)"  # not A类第038号提案
    r"|〔(?P<c>[A-D][1-9]?)〕|^(?P<c>[A-D][1-9]?)$|^(?P<c>[A-D][1-9]?)\s*[:：]\s*(?="
    + "|".join(CATEGORY_WORDS) + r")"  # A:解决采纳 on a line of its own
    r"|(?:办理情况|答复|复函|办复)\s*[(（](?P<c>[A-D][1-9]?)[)）]", regex.M)  # 第286号提案办理情况(A)的函
SESSION = regex.compile(
    rf"第?[{NUM}]{{1,4}}届[^\s，。,；;：:（）()《》“”\"]{{0,20}}?(?:会议|人民代表大会)"
    rf"(?:第?[{NUM}]{{1,3}}次(?:全体)?会议)?")
NUMBER = r"(?P<n>[A-Za-z]{0,4}\d[\d\-]*[A-Za-z]?)"
AFTER_SESSION = regex.compile(rf"\s*(?:{PROPOSAL_OF_YEAR})?第?\s*[〔\[]?{NUMBER}[〕\]]?\s*号")
PROPOSAL_NUMBERS = [
    regex.compile(rf"第\s*[〔\[(（]?{NUMBER}[〕\])）]?\s*号\s*(?:代表|重点)?(?:提案|建议|议案)"),
    regex.compile(rf"》\s*[(（]\s*第?\s*{NUMBER}\s*号"),
    regex.compile(rf"编\s*号\s*[:：]?\s*第?\s*[〔\[]?{NUMBER}[〕\]]?\s*号"),
    regex.compile(rf"[(（](?:原(?:议案|提案|建议))?第\s*{NUMBER}\s*号(?:提案|建议|议案)?[)）]"),  # (原议案第20230037号)
]
TITLE_BRACKETED = regex.compile(r"《(?P<v>[^《》\n]{4,120})》|“(?P<v>[^“”\n]{6,120})”")
TITLE_LIKE = regex.compile(r"^关于|(?:建议|提案|议案|意见)$")
TITLE_BARE = regex.compile(
    r"提出的(?P<v>关于[^。，,；;\n]{4,80}?(?:建议|提案|议案))(?=收悉|已收悉|悉|[，,。]|已)")
TITLE_LABELLED = regex.compile(  # a form's 案由 (提案标题) and its value
    r"^(?:案由|(?:提案|建议|议案)(?:标题|题目|名称))\s*[:：]?\s*(?P<v>关于[^\n]{4,80}?(?:建议|提案|议案))\s*$", regex.M)
PROPOSED = regex.compile(r"提出?的\s*(?:《(?P<v>关于[^《》\n]{4,120})》|“(?P<v>关于[^“”\n]{4,120})”)")
OPENING_END = regex.compile(r"收悉|悉[。，,]|已交|交由|转我|转由|由我")
HEADING = regex.compile(r"^(?:\p{Han}{2,30}?(?:关于|对))?.{0,60}?(?:会议|号|关于).{0,60}?(?:答复函|答复|复函|的函|回复意见|回复)$")
HEADING_AGENCY = regex.compile(rf"^(?P<v>\p{{Han}}{{3,30}}?{ORG_SUFFIX})(?:关于|对)")
ORG_LINE = regex.compile(rf"^\s*{LIST_MARKS}(?P<v>[\p{{Han}}（）()]{{3,30}}{ORG_SUFFIX})(?:签发人[:：].*)?\s*$")  # • 上街区卫生健康委员会
ORG_TAIL = regex.compile(rf"(?P<v>\p{{Han}}{{3,30}}{ORG_SUFFIX})$")
ORG_PREFIX = regex.compile(rf"^.*{ORG_SUFFIX}")
SIGN_OFF_WORDS = r"抄送|抄报|联系|承办|附件|签发|领导署名|分管领导|信息公开|单位负责人|经办"
SIGN_OFF = regex.compile(rf"^(?:{SIGN_OFF_WORDS})")
DATE_AT_END = regex.compile(  # a line's closing date; the sign-off labels a flattened page glues after it may follow
    r"(?:(?P<y>\d{4})\s*[年月]\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*[日号]?)?"  # a page may lose the 日
    r"|(?<!\d)(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"
    r"|(?P<cy>[〇零○0０OoＯ一二三四五六七八九]{4})年(?P<cm>[一二三四五六七八九十]{1,2})月(?:(?P<cd>[一二三四五六七八九十]{1,3})日)?"
    rf"|^(?P<digits>(?:19|20)\d\d(?:0?[1-9]|1[0-2])(?:0?[1-9]|[12]\d|3[01])))"  # 2025610, 20240624; not 20250013
    rf"\s*(?:\[\d{{1,2}}\])?\s*(?=[（(]?(?:{SIGN_OFF_WORDS})|$)")  # an encyclopedia's [1] after it; (联系人… in brackets
_ISO_DATE = r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"  # 2021-06-23, as pages stamp it
DATE_LABELLED = regex.compile(
    r"(?:(?:发布|发表|发文|成文|生成|印发|公开|答复|办结)(?:日期|时间)|更新时间|编稿时间|"
    r"(?:(?<!\p{Han})|(?<=[:：]\s*\p{Han}{2,30}))(?:时间|日期))\s*[:：|\]]?\s*[(（]?\s*"  # 来源:…办公室时间: a page's
    # labels run together; [ 成文日期 ] 2023-04-06 and 发布日期(2020-07-11) in a page's own brackets
    r"(?:(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})"
    r"|(?P<yy>\d{2})/(?P<m>\d{2})/(?P<d>\d{2})(?=\s+\d{1,2}:\d{2}))"  # 发布日期:24/06/28 08:44:28, a page's stamp
    r"|^(?=[^\n]*来源\s*(?:[:：]|$))[^\n]*?(?<!\d)(?P<y>\d{4})(?:-|\s*年\s*)(?P<m>\d{1,2})(?:-|\s*月\s*)(?P<d>\d{1,2})(?!\d)"  # 2019-11-08 (2017年08月25日)   来源:办公室
    r"|^[|\s]*" + LIST_MARKS + _ISO_DATE + r"(?:\s+\d{1,2}(?::\d{2}(?::\d{2})?(?!\d)|时\d{1,2}分)"
    r"|\s*(?=作者|点击|浏览|阅读))"  # 2025-07-31 16:25, 2023-08-08 10时55分, 2024-09-23 作者: 点击数: at a line's start: a page's stamp
    r"|^[ \t]*" + LIST_MARKS + r"[ \t]*" + _ISO_DATE + r"[ \t]*$"  # a page's date on a line of
    # its own, or as an item of its list of labels (  • 2021-06-23)
    r"|(?<=" + HEADING_END + r")[ \t]+" + _ISO_DATE,  # …提案的答复 2021-04-02: the heading's date
    regex.M)
# The labels of a page's metadata block (索引号：…, 发布机构：…, 字号:[ ] 来源:…): in its table cells or at a line's start.
TITLE_LABELS = ("文件名称", "信息名称", "标题", "名称")  # the labels a form writes before a letter's title
PAGE_LABELS = frozenset(TITLE_LABELS) | frozenset({
    "索引号", "信息索引号", "发布机构", "发文机关", "发文机构", "文号", "发文字号", "成文日期", "发布日期", "公开日期",
    "生成日期", "印发日期", "主题分类", "主题词", "关键词", "关键字", "公开方式", "公开范围", "公开时限", "公开目录",
    "有效性", "生效日期", "信息来源", "来源", "分类", "体裁分类", "组配分类", "服务对象分类",
    "文件编号", "发文单位", "成文单位", "报送单位", "发布时间", "所属机构", "所属主题", "内容概述", "发布单位",
    "责任部门", "办理结果", "类别", "字号", "编辑", "审核", "终审", "浏览次数", "点击数", "发文日期", "办理部门", "处理状态"})
_LONGEST_FIRST = sorted(PAGE_LABELS, key=len, reverse=True)
_PAGE_LABEL = r"^[\s•·]*(?:" + "|".join(r"\s*".join(label) for label in _LONGEST_FIRST) + r")\s*"
PAGE_LABEL_LINE = regex.compile(_PAGE_LABEL + "[:：|]")  # 名 称: as written with spaces between the characters
TITLE_LABEL = regex.compile(r"^[\s•·]*(?:" + "|".join(TITLE_LABELS) + r")\s*[:：|]?\s*")  # 标题 对宁陕县…的复函
PAGE_LABEL_ALONE = regex.compile(_PAGE_LABEL + r"[:：|]?\s*$")  # 发文日期 on a line of its own, its value on the next
PAGE_LABEL_START = regex.compile(_PAGE_LABEL)  # 所属机构 自治区应急管理厅 责任部门 …: a metadata row, no colon
ORG_LABELLED = regex.compile(  # its value stops at the next label of a row run together (…管理厅责任部门…)
    r"(?:发布机构|所属机构|发布单位|发文机关|发文单位|成文单位|责任部门|联系单位|承办单位|承办部门|主办单位|答复单位|办理部门|来源"
    r"|(?:提案|建议)答复(?=\s*[:：]))\s*[:：|]?\s*"
    r"(?P<v>(?:(?!" + "|".join(_LONGEST_FIRST) + r")\p{Han}){1,30})")



class View:
    """The body with pinyin annotations removed and t2s applied; ``pos`` maps each view character to the body."""

    def __init__(self, body: str):
        dropped = set()
        for m in PINYIN_ANNOTATION.finditer(body):
            dropped.update(range(m.start(), m.end()))
        self.body = body
        self.pos = [i for i in range(len(body)) if i not in dropped]
        self.text = to_simplified("".join(body[i] for i in self.pos))

    def original(self, start: int, end: int) -> str:
        """The body's own characters behind view[start:end] (annotations left out)."""
        return "".join(self.body[i] for i in self.pos[start:end])


def extract_metadata(body: str) -> Metadata:
    """Every metadata field found in a clean body, with warnings for what is missing."""
    view = View(body)
    text = view.text
    meta = Metadata()
    salute = SALUTATION.search(text, 0, max(200, len(text) * 3 // 4))
    header_end = salute.start() if salute else _first_paragraph(text)
    opening = salute.end() if salute else 0
    if salute:
        meta.addressee = view.original(*salute.span("v"))
    meta.doc_number = _doc_number(view, header_end)
    meta.category = _category(text, header_end)
    core = SESSION.search(text)
    session = (_session_start(text, core.start()), core.end()) if core else None
    meta.session = view.original(*session) if session else None
    meta.proposal_number = _proposal_number(view, session)
    heading = _heading(text, header_end)
    meta.title = _title(view, opening, heading)
    agency = _agency(text, header_end, heading)
    meta.agency = view.original(*agency) if agency else None
    meta.date, date_warning = _date(text, header_end)
    if meta.date is None and meta.doc_number:  # 岳财字〔2022〕47号 with no date signed: a letter of 2022
        meta.date, date_warning = meta.doc_number.split("〔")[1][:4], DATE_OF_DOC_NUMBER
    region = region_span(text, (agency, session, heading))
    found = view.original(*region) if region else _unnamed_region(view, meta)
    meta.region = to_simplified(found) if found else None  # one name per place, whatever script the page is in
    # (鐵嶺市 is 铁岭市): what filters and the overview count by
    meta.warnings = [f"no {name} found" for name in ("date", "agency", "addressee") if getattr(meta, name) is None]
    meta.warnings += [date_warning] if date_warning else []
    return meta


def _unnamed_region(view: View, meta: Metadata) -> str | None:
    """The place of a letter whose agency, session and heading name none: the one its 文号's issuer code begins
    with (杭卫提〔2018〕36号 of 市卫生和计划生育委员会: 杭州市), else the one its title names at the level it speaks as
    (…打造铁岭创意休闲农业的建议, 我市: 铁岭市), else the one its body names most, or the place of the level it speaks
    as that one lies in, when the body names it too (青神县 of a letter speaking as 全市 that names 眉山: 眉山市), or the
    one place of that level inside it the body names (安徽省 named most by a 全县 letter naming 怀远县 once). Code and
    title come first: a body names the places it learnt from (广州市爱卫办) as often as its own."""
    agency = meta.agency or ""
    spoken = scopes_spoken(view.text).most_common(1)
    session = regex.search(f"[{LEVEL}]", to_simplified(meta.session or ""))  # 政協市八屆三次會議: a 市's
    level = agency[0] if agency and agency[0] in LEVEL else spoken[0][0] if spoken else session and session.group()
    place = issuer_place(meta.doc_number, level) or titled_place(meta.title and to_simplified(meta.title), level,
                                                                 place_names(view.text))
    if place:
        return place
    span = body_region_span(view.text)
    found = view.original(*span) if span else None
    if not found:
        return None
    name, text = to_simplified(found), to_simplified(view.text)
    return spoken_above(name, level, text) or named_below(name, level, text) or found


def _first_paragraph(text: str) -> int:
    """Where the header ends in a letter without salutation: the first long line."""
    offset = 0
    for line in text.split("\n"):
        if len(line) >= 60:
            return offset
        offset += len(line) + 1
    return min(len(text), 300)


def _doc_number(view: View, header_end: int) -> str | None:
    m = DOC_NUMBER.search(view.text, 0, header_end)
    if not m:
        return None
    own = view.original
    return f"{own(*m.span('prefix'))}〔{own(*m.span('year'))}〕{own(*m.span('num'))}{own(*m.span('hao'))}"


def _category(text: str, header_end: int) -> str | None:
    m = CATEGORY_LABELLED.search(text) or CATEGORY_MARKED.search(text, 0, header_end)
    if m and m.group("c"):
        return unicodedata.normalize("NFKC", m.group("c"))
    return CATEGORY_WORDS[m.group("w")] if m else None


def _session_start(text: str, core: int) -> int:
    """Extend a session back over its body's name (区政协, 省, 华容县政协) up to 关于/对/在."""
    lead = regex.search(r"\p{Han}{0,24}$", text[:core]).group()
    stop = STOP_BEFORE_SESSION.match(lead)
    return core - len(lead) + (stop.end() if stop else 0)


def _proposal_number(view: View, session) -> str | None:
    found = [AFTER_SESSION.match(view.text, session[1])] if session else []
    found += (pattern.search(view.text) for pattern in PROPOSAL_NUMBERS)
    m = next(filter(None, found), None)
    return view.original(*m.span("n")) if m else None


def _heading(text: str, header_end: int) -> tuple[int, int] | None:
    """The span of the letter's own heading line (关于…的答复), if it has one before the salutation."""
    offset = 0
    for line in text[:header_end].split("\n"):
        if len(line) <= 90 and HEADING.match(line):
            return offset, offset + len(line)
        offset += len(line) + 1
    return None


def _title(view: View, opening: int, heading) -> str | None:
    """The proposal's title as a form labels it (案由, 提案标题), else in 《》/“” (or bare 关于…建议) near the opening,
    else the letter's heading."""
    text = view.text
    if m := TITLE_LABELLED.search(text):
        return view.original(*m.span("v"))
    end = OPENING_END.search(text, opening, opening + 300)
    window_end = end.end() + 40 if end else opening + 250
    for m in TITLE_BRACKETED.finditer(text, opening, window_end):
        if m.captures("v") and (m.group(0).startswith("《") or TITLE_LIKE.search(m.group("v"))):
            return view.original(*m.span("v"))
    m = TITLE_BARE.search(text, opening, window_end)
    if m:
        return view.original(*m.span("v"))
    m = PROPOSED.search(text)
    if m:
        return view.original(*m.span("v"))
    if not heading:
        return None
    label = TITLE_LABEL.match(text, *heading)  # 标题 对宁陕县…的复函: the heading after a form's label
    return view.original(label.end() if label else heading[0], heading[1])


def _agency(text: str, header_end: int, heading) -> tuple[int, int] | None:
    """The issuing body's span: signature block, heading prefix, header line, labelled field."""
    lines = _lines(text)
    date_index = next((i for i in range(len(lines) - 1, -1, -1)
                       if lines[i][0] >= header_end and _signature_date(lines[i][1])), None)
    if date_index is not None:
        start, line = lines[date_index]
        m = ORG_TAIL.search(line[:DATE_AT_END.search(line).start()].rstrip())
        if m:
            return start + m.start("v"), start + m.end("v")
        candidates = lines[max(0, date_index - 3):date_index][::-1]
    else:
        candidates = [(start, line) for start, line in lines[-8:][::-1] if start >= header_end]
    for start, line in candidates:
        m = ORG_LINE.match(line)
        if m and not SIGN_OFF.match(line):
            return start + m.start("v"), start + m.end("v")
    if m := REPLY_ROW.search(text):
        return m.span("org")
    if heading:
        m = HEADING_AGENCY.match(text[heading[0]:heading[1]])
        if m:
            return heading[0], heading[0] + m.end("v")
    for start, line in lines:
        if start >= header_end:
            break
        m = ORG_LINE.match(line)
        if m and not PAGE_LABEL_START.match(line) and not SITE_OPERATOR.search(m.group("v")):
            return start + m.start("v"), start + m.end("v")
    for m in ORG_LABELLED.finditer(text):
        org = ORG_PREFIX.match(m.group("v"))
        if org and len(org.group()) >= 3 and not SITE_OPERATOR.search(org.group()):
            return m.start("v"), m.start("v") + org.end()
    return None


def _lines(text: str) -> list[tuple[int, str]]:
    out, offset = [], 0
    for line in text.split("\n"):
        out.append((offset, line))
        offset += len(line) + 1
    return out


def _signature_date(line: str):
    """A date closing a line that holds nothing else but an agency name."""
    m = DATE_AT_END.search(line)
    if not m:
        return None
    before = line[:m.start()].rstrip()
    return m if not before or ORG_TAIL.search(before) else None


def _date(text: str, header_end: int) -> tuple[str | None, str | None]:
    """The letter's date (signature, else page header) as YYYY-MM-DD / YYYY-MM / YYYY, and a warning."""
    lines = [line for start, line in _lines(text) if start >= header_end]
    for line in reversed(lines):
        m = _signature_date(line)
        if not m:
            continue
        if m.group("digits"):
            return _digits_date(m.group("digits"))
        if m.group("cy"):
            year = "".join(str(CN_DIGITS[c]) for c in m.group("cy"))
            return _format(year, _cn_number(m.group("cm")), _cn_number(m.group("cd"))), None
        return _format(m.group("y"), m.group("m"), m.group("d")), None
    if m := REPLY_ROW.search(text):
        return _format(m.group("y"), m.group("m"), m.group("d")), None
    m = DATE_LABELLED.search(text)
    if m:
        year = m.group("y") or "20" + m.group("yy")
        return _format(year, m.group("m"), m.group("d")), "date taken from the page header"
    return None, None


def _digits_date(digits: str) -> tuple[str | None, str | None]:
    """A date typed without separators (2025610): the one valid reading, else the year alone."""
    year, rest = digits[:4], digits[4:]
    readings = {_format(year, rest[:k], rest[k:]) for k in (1, 2) if 0 < k < len(rest)}
    readings = {r for r in readings if r and len(r) == 10}
    if len(readings) == 1:
        return readings.pop(), None
    return (year, "ambiguous date " + digits) if 1949 <= int(year) <= 2100 else (None, None)


def _cn_number(text: str | None) -> int | None:
    if not text:
        return None
    if "十" not in text:
        return CN_DIGITS.get(text)
    tens, _, units = text.partition("十")
    return (CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (CN_DIGITS.get(units, 0) if units else 0)


def _format(year, month, day) -> str | None:
    """YYYY-MM-DD, or as much of it as is valid."""
    year, month, day = (int(v) if v not in (None, "") else None for v in (year, month, day))
    if year is None or not 1949 <= year <= 2100:
        return None
    if month is None or not 1 <= month <= 12:
        return f"{year:04d}"
    if day is None or not valid_date(year, month, day):
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"
