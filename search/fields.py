"""The fields of a letter's frame a question asks by name (文号, 联系人, 承办单位, 答复日期, 提案人, 第几号): how a
question asks each and what a sentence giving one holds; and whether a query looks a letter up or asks what only
its frame says."""
from __future__ import annotations

import functools
import itertools
import re

import regex

from ..corpus.metadata import (ADDRESSEE, CATEGORY_LABELLED, CATEGORY_MARKED, DATE_AT_END, DATE_LABELLED, DOC_NUMBER_FORM,
                               HEADING, HEADING_AGENCY, ORG_LABELLED, ORG_LINE, ORG_SUFFIX, PROPOSAL_OF_YEAR, SALUTATION,
                               SESSION)
from ..corpus.normalize import normalize_for_index, to_simplified
from ..corpus.text import FIGURE, parse_number
from .dating import YEAR
from .words import posseg

DOC_NUMBER_ASKED = regex.compile(  # what gives a 文号 asked; a bureau's series may carry no year (石农函14号)
    rf"{DOC_NUMBER_FORM}|\p{{Han}}{{1,8}}(?:函|发|字)\s*(?:第\s*)?\d{{1,5}}\s*号"
    r"|[（(]\p{Han}{2,12}[)）]\s*字\s*第?\s*\d{1,5}\s*号"  # (沂综执政协提案办)字第31号
    r"|\p{Han}{2,12}〔(?:19|20)\d\d〕号")  # 临自然资函〔2025〕号: a page that left the number blank
_PERSON_LABEL = re.compile(r"办理人|承办人|经办人|联系人|负责办理|工作人员\s*[:：]")  # 指定由张国庆副局长负责办理落实; 工作人员:于自江
_PHONE = re.compile(r"电话|(?<!\d)0\d{2,3}-\d{7,8}(?!\d)|(?<!\d)1[3-9]\d{9}(?!\d)")  # 联系电话:023-51522518
_ASKS_MEMBER_CONTACT = re.compile(r"(?:跟|和|与|同)[\u4e00-\u9fff]{0,4}?(?:委员|代表|提案人)[^，。？?]{0,6}(?:沟通|联系|商|见面|座谈)"
                                  r"|(?:约见|拜访|走访|面见|会见)[^，。？?]{0,6}(?:委员|代表|提案人)"  # 约见的张国俊委员
                                  r"|(?:提案|建议|议案)[^，。？?]{0,6}(?:怎么|如何|以什么方式|什么方式)协商|协商方式")  # 提案是怎么协商的
# The replying body named on a line of its own (the signature 元谋县住房和城乡建设局), after a label (承办单位：县水务局,
# 来源：…交城分局) (``SIGNED_BY``) or heading the letter's title (大英县住房和城乡建设局关于…的复函): the forms
# corpus/metadata.py reads a letter's agency from, and what 哪个部门答复的 asks.
SIGNED_BY = regex.compile(rf"{ORG_LINE.pattern}|(?:{ORG_LABELLED.pattern}){ORG_SUFFIX}", regex.M)
_PROPOSAL = r"(?:提案|建议|议案)"
_PROPOSAL_CLASS = r"(?:提案|建议)(?:类别|分类)\s*[:：|]|[(（]\p{Han}{2,8}类\s*\d+号[)）]"  # a proposal's class, as pages label it
_RECEIVED = rf"收到(?:您|你们?)?(?:的|提出的)?{_PROPOSAL}后"  # 在收到您的提案后
_CATEGORY_SAID = regex.compile(f"{CATEGORY_LABELLED.pattern}|{CATEGORY_MARKED.pattern}", regex.M | regex.I)  # normalised: b类
# The body an opening says studied the proposal and replies (…的建议收悉”,农业农村部经认真研究,现答复如下).
OPENING_BODY = regex.compile(rf"(?:^|[，,。])(?P<v>\p{{Han}}{{2,20}}?{ORG_SUFFIX})(?:(?:经认真研究|经研究|认真研究)[^。；]{{0,20}}?"
                             r"现(?:答复|回复|函复)如下|作为(?:主办|承办)单位)"  # 县林业局作为主办单位高度重视
                             rf"|(?:^|[，,。])(?P<v>\p{{Han}}{{2,20}}?{ORG_SUFFIX})[^。；]{{0,40}}?在?{_RECEIVED}"
                             rf"|{_RECEIVED}[，,]\s*(?P<v>\p{{Han}}{{2,20}}?{ORG_SUFFIX})(?=高度重视|认真|及时|立即)"
                             rf"|{_PROPOSAL}由(?P<v>\p{{Han}}{{2,20}}?{ORG_SUFFIX})(?:负责)?(?:承办|主办|办理)",
                             regex.M)  # 市科工信局是…职能部门,在收到您的提案后; 收到您的提案后,农业农村部高度重视; 该提案由
# 银川市体育局承办
REPLYING_BODY = regex.compile(rf"{SIGNED_BY.pattern}|{HEADING_AGENCY.pattern}|{OPENING_BODY.pattern}", regex.M)
# Who made the proposal: the salutation (致公党湛江市委：, 魏朝凡代表：), a label (提案人：, 领衔代表：) or the opening
# (农工党龙岗总支…等委员提出的《…》) or its thanks (首先感谢闫超委员对…); a letter that names them in no such form may
# still answer in its words.
PROPOSER = regex.compile(rf"{SALUTATION.pattern}|(?:提案|领衔|建议|提出)(?:人|者|代表|委员|单位)\s*[:：]|(?:代表|委员)姓名\s*[:：]"
                         r"|^(?!您|你|各位)[^。；：:\n《》]{2,160}?(?<!各位)(?:委员|代表|[省市州县区]委|支部|小组)(?:等\d*位?(?:委员|代表)?)?"
                         r"(?:提出|所提|提交)的|感谢(?!您|你|各位)[\u4e00-\u9fff、]{2,20}?(?:委员|代表)(?=对|的|提出|关心|[，,])",
                         regex.M)
# A proposal's number: 第158号提案, 063号代表建议, (20240208号)提案, 《关于依法用警的建议》(141号).
PROPOSAL_NUMBER = re.compile(r"第\s*\d+\s*号|\d{3,}\s*号\s*[)）]?\s*(?:代表|委员)?(?:提案|建议|议案)|(?<=》[(（])\d+号(?=[)）])|"
                             + PROPOSAL_OF_YEAR + r"\d{1,5}\s*号")  # 委员提案〔2020〕84号
# The day of a reply: its signature's date, or the page's (发布日期:2023-04-30) where the page lost the closing.
_PRINTED = r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*印发"  # the imprint: 市交通运输局办公室 2017年8月16日印发
REPLY_DATE = regex.compile(f"{DATE_AT_END.pattern}|{DATE_LABELLED.pattern}|{_PRINTED}", regex.M)  # in a passage: line by line
# A field asked in several forms -> the form a letter's metadata reads first (corpus/metadata.py: the signature's
# date before the page's; the salutation naming the members before a sentence on them): a passage holding it comes first.
SIGNATURE_DATE = regex.compile(  # a line closing with a date that no label (发布日期:, 来源:…时间:, 答复时间 or 编号 on the line
    # before) calls the page's
    rf"^(?<!(?:日期|时间|编号)\s*[:：]?\s*\n)(?![^\n]*(?:日期|时间|来源)\s*[:：|])[^\n]*?(?:{DATE_AT_END.pattern})", regex.M)
PREFERRED_FORM = {REPLY_DATE: SIGNATURE_DATE, PROPOSER: SALUTATION}
# The page's own dates asked by what they label (什么时候发布的, 成文日期): a date under that label, not the signature's.
_DATE_LABEL_ASKED = ((re.compile(r"落款|署名"), SIGNATURE_DATE),  # 哪天落款的: the date under the signature
                     (re.compile(r"印发"), regex.compile(_PRINTED)),
                     (re.compile(r"成文"), regex.compile(r"成文(?:日期|时间)\s*[:：]?\s*\d")),
                     (re.compile(r"发布|公布|公开|发表|发的|生成|更新"), regex.compile(r"(?:日期|时间)\s*[:：]?\s*\d")))


def preferred_form(field, question: str, date: str | None = None):
    """The form of ``field`` that answers ``question`` best (``PREFERRED_FORM``), or None. The reply's date asked as
    published or written is the date its page labels so; else, given the letter's ``date`` (YYYY-MM-DD), that day
    in any form (2021-07-06 08:40:25 after 承办单位 答复日期, not the 交办日期 of the row before)."""
    if field is REPLY_DATE:
        form = next((form for asked, form in _DATE_LABEL_ASKED if asked.search(question)), None)
        if form is not None:
            return form
        if date and (day := re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)", date)):
            y, m, d = day.group(1), int(day.group(2)), int(day.group(3))
            return regex.compile(rf"(?<!\d){y}\s*[-年./]?\s*0?{m}\s*[-月./]?\s*0?{d}(?!\d)")  # 2024624 too
    return PREFERRED_FORM.get(field)


# Fields a letter's frame (header, opening, closing block) gives, asked by name -> what a sentence giving one
# holds: a 文号 (凤交函〔2022〕72号, 提案字〔2018〕第28号), the label of a person (办理人:王江伟), a telephone
# number, the label itself; the reply's category (办理结果:(B)类) and its date (哪天答复的: the closing date, else the page's);
# the meeting the proposal was made at (哪次人代会: 十七届人大五次会议); its number (第几号: 第158号提案); how the
# member was consulted (与您在5月13日进行了电话沟通); who was consulted (经商人力资源社会保障部,
# 经与市残联…等部门进行沟通, 结合省医保局会办意见), which the opening often says; what was proposed (《关于…的建议》).
OFFICES = "处|科|室|司"  # the offices inside a bureau or a ministry (哪个处答复的: 来源:农业农村厅种业管理处)
# How the member was contacted (与您电话沟通) and whom a body consulted (经商人力资源社会保障部, 会同…研究): relations the
# reply's own text states, not labels of its frame.
MEMBER_CONTACTED = re.compile(r"(?:与|同|和|跟|向)(?:您|你们?|委员|代表|提案人|领衔人)[^，。；]{0,20}?"
                               r"(?:沟通|联系|商|见面|座谈|交流|汇报)|(?:电话|当面|上门)(?:沟通|联系|商)|面商|协商方式\s*[:：]"
                               r"|(?:约见|拜访|走访|面见)[^，。；]{0,10}(?:您|委员|代表|提案人|领衔人)")
CONSULTED = re.compile(r"(?:经|会同)[^，。；]{0,40}?(?:商|沟通|协调|研究|对接)|(?:与|同|跟)[^，。；您]{2,60}?(?:进行)?(?:沟通|协调|会商)"
                       r"|协调[^，。；]{2,30}?等(?:部门|单位)|(?:会同|责成)[^，。；]{0,40}?办理|经[^，。；]{2,80}?(?:共同|联合)办理|牵头[^，。；]{0,40}?配合|会商|商请|(?:会办|协办)(?!单位\d)|征求[^，。；]{0,30}意见"
                       r"|(?:综合|结合)[^，。；]{0,30}意见|(?:收集|汇总)[^，。；]{0,60}(?:意见|回复)"  # 收集了…妇联等部门回复;
                       r"|向[^，。；]{2,40}?(?:了解|咨询|请教)|咨询了?[^，。；]{2,30}?(?:专家|部门|单位)")  # 向广州市爱卫办…等方面了解
# (会办 before no count: 涉及会办单位4条)
_FIELDS = ((re.compile(r"抄送|抄报"), re.compile(r"抄[送报]\s*[:：]")),  # 抄送给了谁: 抄送:市政协提案委(2份)
           (re.compile(r"(?:答复|回复|复函)函?的?(?:标题|题目)"), HEADING),  # the reply's own heading (对市政协…第93号提案的答复)
           (re.compile(r"(?:意见|答复|回复|复函|函)[^，。？?说称讲]{0,6}?(?:发给|写给|报给|送给|函告|给|致)了?(?:哪个|哪家|哪些|什么|谁)"
                       r"(?:部门|单位|局|委|厅|机关|机构)?的?[？?]?$|主送(?:单位|部门|机关)?"), ADDRESSEE),  # 会办意见是给哪个部门的
           (re.compile(r"文号|(?<!老)字号"), DOC_NUMBER_ASKED),  # 发文字号, not 老字号 (a time-honoured brand)
           (re.compile(rf"{_PROPOSAL}[^，。？?说称讲答复结果]{{0,8}}(?:属于|归在|归入|归于)(?:哪一?类|什么类)|{_PROPOSAL}的?(?:类别|分类)"),
            regex.compile(f"{_CATEGORY_SAID.pattern}|{_PROPOSAL_CLASS}", regex.M | regex.I)),  # the
           # proposal's own class (提案类别: 社会管理, 第1563号(医疗体育类148号)) or the reply's category
           (re.compile(r"(?:办理结果|答复|办复|提案|建议)[^，。？?说称讲]{0,8}(?:哪一?类|什么类|几类|类别|分类)|(?:答复|办复|办理)类[别型]"
                       r"|办理结果(?:是什么|是啥|如何|怎么样)?[？?]?$"), _CATEGORY_SAID),
           (re.compile(rf"(?<!经商)(?<!会同)(?<!商请)(?:哪个|哪些|什么|哪家)(?:部门|单位|局|委|厅|{OFFICES}|机关|机构)(?!的(?:回复|意见))[^，。？?]{{0,6}}(?:答复|回复|办复|承办)"
                       r"|(?:承办|主办|答复|办复|回复)(?:单位|部门)(?:是|[？?]?$)"  # 镇安 人行天桥提案 答复单位
                       r"|(?:答复|回复|办复|承办)[^，。？?]{0,16}?的(?:是(?:哪个|哪家|什么))?(?:部门|单位|局|委|厅|机关|机构)[？?]?$"
                       r"|(?:答复|回复|办复)[^，。？?]{0,4}归哪个(?:部门|单位|局|委|厅|司)"
                       r"|(?:哪个|哪家|什么)(?:部门|单位|局|委|厅|机关|机构)[^，。？?]{0,2}办理"  # one body: 哪个部门办理的
                       r"|谁(?:来|给)?(?:答复|回复|办复|承办)|来源(?:部门|单位|机构)"),  # 谁答复的秀山县政协第104号提案,
            # 提案由谁承办, 答复来源部门 (来源:再生资源管理办公室)
            # 答复…建议的是哪个单位, 彭水答复中药材基地建议的单位
            REPLYING_BODY),
           (re.compile(r"(?:哪天|哪一天|哪年|什么时候|何时|几月几[日号])[^，。？?]{0,3}(?:答复|回复|复函|函复)(?!支持|同意|批准)"
                       r"|(?:答复|回复|复函|复文)的?\s*(?:日期|时间)"
                       r"|(?:答复|回复|复函|函复|复文)\s*(?:第?\d+号(?:建议|提案|议案)?)?是?\s*(?:哪天|哪一天|几月几[日号])"
                       r"|(?:答复|回复|复函|函复|复文)[^，。？?说称讲]{0,8}?是(?:哪天|哪一天|几月几[日号])[？?]?$"  # 答复王代福是哪天
                       r"|(?:答复|回复|复函|复文|办理情况|办理意见|(?<=的)函)[^，。？?说称讲]{0,20}(?:(?:哪天|哪一天|什么时候|何时)(?:在[^，。？?]{1,6}?)?(?:发布|公开|印发|发出|发表|发的|更新)"
                       r"|(?:发布|公开|印发|发表)(?:日期|时间))|(?:答复|回复|复函|办复)[^，。？?]{0,10}的(?:发布|发文|成文|生成)?(?:日期|时间)"
                       r"|(?:哪天|哪一天|什么时候|何时)(?:发|出具|提交|给)的?(?:会办|协办)意见"
                       r"|(?:发文|成文|落款)(?:日期|时间)|(?:哪天|哪一天|什么时候|何时|几月几[日号])落款|落款(?:是|的)?(?:哪天|哪一天|什么时候)"),  # 答复函哪天发布的, 答复 发布时间, 答复…提案的时间, 发文日期 (not
            # 什么时候复函支持南京创建…: the approval a letter reports)
            REPLY_DATE),
           (re.compile(r"联系人[和及与、]?(?:联系)?(?:电话|方式)"), re.compile(f"{_PERSON_LABEL.pattern}|{_PHONE.pattern}")),
           (re.compile(r"办理人|承办人|经办人|联系人|谁(?:负责)?(?:办理|经办|承办)"), _PERSON_LABEL),
           (re.compile(r"分管(?:领导|负责人)"), re.compile(r"分管(?:领导|负责人)")),  # 分管领导:赖智如
           (re.compile(r"(?<!多少个)(?<!几个)(?<!多少通)(?<!热线)电话(?![量数])"), _PHONE),
           (re.compile(r"热线[^，。？?]{0,4}(?:号码|电话|是多少)|热线号"),  # 96320-1心理援助热线, 热线电话12345
            re.compile(r"\d{3,6}(?:-\d{1,2})?[^，。；\d]{0,8}热线|热线[^，。；\d]{0,6}\d{3,6}")),
           (re.compile(r"哪次(?![^，。？?]{0,4}(?:党委|党组|局务|常务|办公))[^，。？?]{0,6}会|哪一?届(?![^，。？?]{0,4}运动会|[^，。？?]{0,2}运会)|什么会议"), SESSION),  # 十七届人大五次会议
           (re.compile(r"(?:提案|建议|议案)\s*(?:的)?\s*(?:编号|号码|号是|号\s*$)|第几号|多少号|哪几号|哪些号|哪[一个]?号(?=提案|建议|议案)"
                       r"|几号(?=\s*(?:代表|委员)?(?:提案|建议|议案))"),  # 第158号提案, 第20250033号建议; 是市政协几号提案
            PROPOSAL_NUMBER),
           (re.compile(r"谁提(?![供高升交])的?|(?:哪[两三四五六七八九几]?位|哪些|哪个|多少[位名]|几[位名])(?:委员|代表|民主党派|党派)[^，。？?]{0,4}提|(?:提案|建议)人(?:是|有|都有|包括|[？?]?$)|哪[个家些]?(?:单位|组织|团体|党派|机构)[^，。？?]{0,2}提(?:出)?的[？?]?$|(?:提出|提交)的?(?:代表|委员|人)(?:是谁|有哪些|有谁)?[？?]?$|领衔(?:人|委员|代表)|(?:提案|建议)的(?:委员|代表)(?:是谁)?[？?]?$"
                       r"|(?:答复|回复|给|致)(?:的是)?哪一?[位个](?:委员|代表)"),  # the member a reply answers is the proposer
            PROPOSER),
           (re.compile(r"(?:建议|提案|议案)[^，。？?]{0,3}(?:是)?(?:关于|有关)(?:什么|哪)|提(?:了|的|出了?)?(?:是)?(?:什么|哪些|啥|哪方面)"
                       r"[^，。？?]{0,10}(?:建议|提案|议案)|(?:建议|提案|议案)的?(?:内容|主题|题目|标题|名称)|的案由"
                       r"|(?:建议|提案|议案)(?:叫|是)什么(?:名字)?(?:$|[？?])"
                       r"|哪[件份条个]?(?:建议|提案|议案)|(?:建议|提案|议案)提(?:了|的|出)?的?是?(?:什么|啥)(?:内容|事)?[？?]?$"
                       r"|(?:答复|回复|办理)的?是?什么(?:建议|提案|议案)"),  # 第43号建议是关于什么的, 汇办意见答的是哪件建议
            re.compile(r"(?:关于|提出的)[^。；]{2,80}?[的等](?:有关)?(?:建议|提案|议案)|(?:提出|所提)了?(?:的|题为|名为)?《[^》]{4,80}》"
                       r"|《[^》]{4,80}(?:建议|提案|议案)》")),  # what was proposed: 《关于…的建议》, 提出了题为《…》, 《…第四次建议》
           (re.compile(r"签发|审签|(?:哪位|谁)[^，。？?]{0,8}审核|审核人"), re.compile("签发|审签|审核同意")),  # 签发人:卢华,
           # 此复函已经胡梅主任审签, 经李晓鹏副市长和陆斌局长审核同意 (not 哪一年审核认定的)
           (re.compile(r"索引号"), re.compile(r"索引号|(?<![\w/])[0-9A-Z]{6,15}/(?:19|20)\d{2}-\d{3,6}(?!\d)")),  # or its value
           # alone where the page lost the label: 005307335/2020-00066 (a body's code, the year, a serial)
           (_ASKS_MEMBER_CONTACT, MEMBER_CONTACTED),
           (re.compile(r"商量|商了|商过|会商|(?:会办|协办)(?:单位|部门)|征求.{0,8}意见|(?:综合|收集|汇总|结合)[^，。？?]{0,10}(?:意见|回复)"
                       r"|哪[些个家]?(?:部门|单位)[^，。？?]{0,2}(?:会办|协办)|会同了?哪[些个家]?(?:部门|单位)(?:一起|共同)?(?:办理|[？?]?$)"
                       r"|(?:经商|商请了?)哪[些个家]?(?:部门|单位)|(?:由|交给?|交由)哪[些个家]?(?:部门|单位)[^，。？?]{0,4}办理"
                       r"|[跟和与同]哪[些个家]?(?:部门|单位)"
                       r"[^，。？?]{0,6}(?:商|沟通|协调|研究)|协调了?哪[些个家]?(?:部门|单位)"
                       r"|(?:答复|提案|建议|办理)[^，。？?]{0,12}对接了?哪[些个家]?"  # 答复第3号提案对接了哪家担保集团
                       r"|[向找问]哪[些个家]?(?:部门|单位|机构|方面)[^，。？?]{0,4}(?:了解|咨询|请教)|咨询了?哪[些个家]?(?:部门|单位|机构|专家)"),
            CONSULTED))
# What only the frame says; otherwise the frame answers nothing. Besides the fields: the proposal itself (its
# number, the meeting, who made it) and the reply's own particulars (who replied, when it was written, how the
# member was consulted), which the header block, the opening and the closing block say.
_ASKS_FRAME = re.compile("|".join([
    *(asked.pattern for asked, _ in _FIELDS), r"承办(?:单位|部门|人|处室|科室|机关)|(?:谁|哪)[^，。？?]{0,5}承办", "发布日期", "上次答复", "收悉", r"(?:什么时候|何时|哪天|哪一天)收到",
    r"哪个(?:民主)?党派|哪个界别|哪[两三四五六七八九几]?位(?:委员|代表)",
    r"(?:会同|联合|协同)(?:谁|哪)[^，。？?]{0,6}(?:研究|办理)",  # how it was handled: 会同市智慧城市专班…认真研究
    rf"{_PROPOSAL}[^，。？?]{{0,16}}由(?:谁|哪)[^，。？?]{{0,6}}(?:主办|协办|牵头办理)"]))  # 提案原本由哪个部门主办


ASKS_TITLE = re.compile(r"题目|标题|名称|叫什么")
# What the proposal itself said (提案认为…, 黄琦代表反映…, 提案说2017年…): the reply's restatement of it, or the page's
# copy of the proposal before the reply, answers.
ASKS_PROPOSALS_VIEW = re.compile(r"(?:提案|建议|议案|代表|委员)(?:认为|指出|反映|提到|提及|说)")


def asks_frame(question: str) -> bool:
    """The question asks what only a letter's frame says (文号, 联系人, the proposal's number or meeting, who
    replied): its header block, opening or closing block answers, not its reply text."""
    return bool(_ASKS_FRAME.search(question))


# A lookup of a letter itself (新密 矿区供暖 政协提案 回复): the query names a proposal or its reply and asks
# nothing (no question word): the letter's heading and opening, which say what was proposed and under which
# number, answer it, then the reply's own sentences.
_NAMES_LETTER = re.compile(r"提案|建议|议案|答复|回复|复函|办复")
QUESTION_WORD = re.compile(r"什么|哪|谁|多少|几|怎么|怎样|如何|为什么|为何|是否|吗|呢|有没有|没有|能否|能不能|会不会|[?？]")


# How a proposal was answered (垫江县打造野生动物园的提案怎么答复的): a letter on what it names, like a lookup.
ASKS_HOW_ANSWERED = re.compile(r"(?:怎么|如何|怎样)(?:答复|回复)的?[？?]?$"
                               r"|(?:提案|建议|议案)[^，。？?]{0,4}?(?:是)?(?:怎么|如何|怎样)(?:答复|回复|办理|处理)")


def asks_letter(question: str) -> bool:
    """The query looks a letter up by what it names (place, subject, 提案/建议, 答复) and asks nothing else."""
    return bool(_NAMES_LETTER.search(question)) and not QUESTION_WORD.search(question) and not asks_frame(question)


_LETTER_OF_YEAR = re.compile(r"((?:19|20)\d{2})年[^，,。？?\d]{0,24}(?:建议|提案|议案)的?(?:答复|回复|办理)?(?:情况|结果|意见|函)?\s*$")


def letter_year_asked(question: str) -> str | None:
    """The year a lookup (``asks_letter``) names its letter by (杨浦区2022年校服提案答复 -> 2022), if it ends so."""
    m = _LETTER_OF_YEAR.search(question)
    return m.group(1) if m else None


_LETTER_SUBJECT = re.compile(r"关于(.{2,12}?)的?(?:建议|提案|议案)")


def letter_subject_asked(qnorm: str) -> str:
    """What a question names its proposal by (长春市人大关于预制菜的建议答复 -> 预制菜), if it does so, in normalised
    ``qnorm``; not a question put there (关于傍名牌提了哪些建议)."""
    m = _LETTER_SUBJECT.search(qnorm)
    return m.group(1) if m and not QUESTION_WORD.search(m.group(1)) else ""


_EXISTENCE = re.compile(r"(?:有没有|是否有|有无)(.{2,20}?)(?:[?？吗]|$)")


def existence_asked(qnorm: str) -> str:
    """What a yes-or-no question asks exists (庆阳市辅警有没有职级晋升通道 -> 职级晋升通道), in normalised ``qnorm``."""
    m = _EXISTENCE.search(qnorm)
    return m.group(1) if m else ""


_NAMES_A_DOCUMENT = re.compile(r"《|通知|方案|意见|办法|规划|条例|规定|细则|纲要|大纲|章程|标准|公告|批复|决定|文件|指引|指南|准则|政策|措施|计划|制度")


def asks_own_doc_number(qnorm: str) -> bool:
    """Normalised ``qnorm`` asks a reply's own 文号 (答复红火蚁提案的文号), not that of a document it names
    (九部门…通知文号, 清远…工作方案 文号)."""
    return asked_field(qnorm) is DOC_NUMBER_ASKED and not _NAMES_A_DOCUMENT.search(qnorm)


def holds_own_doc_number(norm: str, doc_number: str) -> bool:
    """Normalised ``norm`` gives the letter's own 文号 (``doc_number``, as its metadata reads it), not only one it
    cites (临农函〔2023〕20号, not 农农发〔2021〕3号)."""
    own = _year_and_number(doc_number)
    return own is not None and any((m["year"], m["num"]) == own for m in DOC_NUMBER_ASKED.finditer(norm))


def gives_uncited_doc_number(norm: str) -> bool:
    """Normalised ``norm`` gives a 文号 that is not a cited document's (《…的通知》(州政办发〔202217号)): what may be
    a letter's own where its metadata read none."""
    return any(not re.search(r"》\s*[(（]?\s*$", norm[:m.start()]) for m in DOC_NUMBER_ASKED.finditer(norm))


@functools.lru_cache(maxsize=4096)
def _year_and_number(doc_number: str) -> tuple[str, str] | None:
    """A 文号's year and number (临农函〔2023〕20号 -> (2023, 20)), read once per letter."""
    m = DOC_NUMBER_ASKED.search(normalize_for_index(doc_number))
    return (m["year"], m["num"]) if m else None


# A value a page writes after its label (责任领导:袁加全, 交办日期:3月19日), labels run together on a row
# (承办单位:县教育局责任领导:袁加全): the run of characters before a colon, the label at its end.
_LABELLED = re.compile(r"([\u4e00-\u9fff]{3,16})\s*[:：]\s*(?=[^\s:：])")


_WHICH_BODY = re.compile(r"哪个(?:单位|部门)|哪家|谁")


def label_asked(qnorm: str, frame: list[str]) -> re.Pattern | None:
    """The label that normalised ``qnorm`` names (all of it, three characters or more, or, for a short label standing
    alone, its first four or more) and a letter's frame (its normalised header and closing sentences, ``frame``)
    writes before a value, the one named at most length: 马关县149号建议责任领导是谁 asks the 责任领导 of a page that lists 责任领导:袁加全, …建议的联系单位 the
    联系单位及电话: of another. What gives it: the label and its value (group 1: up to a space or a clause's end)."""
    best, named = "", 0
    for norm in frame:
        for m in _LABELLED.finditer(norm):
            run = m.group(1)
            alone = len(run) <= 8 and not (m.start() and re.match(r"[^\s•·|]", norm[m.start() - 1]))  # not after a
            # colon either: 来源:马尾区商务局时间: runs a value into the next label
            for k in range(len(run) - 2):  # run together (…事务局成文日期:), a label is the run's end, named whole
                length = next((n for n in range(len(run) - k, 2, -1) if (n == len(run) - k or alone and not k and n >= 4)
                               and run[k:k + n] in qnorm), 0)
                if not length and not k and alone and len(run) >= 4 and run.endswith(("单位", "部门")) \
                        and run[:-2] in qnorm and _WHICH_BODY.search(qnorm):
                    length = len(run) - 2  # 由哪个单位主办 names 主办单位:
                if length > named:
                    best, named = run[k:], length
    return re.compile(re.escape(best) + r"\s*[:：]\s*([^\s:：,，;；。]{1,30})") if best else None


def label_value(label: re.Pattern, text: str) -> tuple[int, int] | None:
    """Where ``text`` gives the value of ``label`` (``label_asked``'s pattern): up to a space or a clause's end; a
    value run together with the next label (责任领导:袁加全政府督办领导:) is the person's name it opens with, else
    what comes before the shortest label ending it (黄顺昌 of 黄顺昌交办日期:, 县教育局 of 县教育局责任领导:)."""
    m = label.search(to_simplified(text))
    if not m:
        return None
    start, end = m.span(1)
    if text[end:end + 1] not in (":", "："):
        return start, end
    words = posseg(m.group(1))
    if words[0][1] == "nr" and len(words) > 1:
        return start, start + len(words[0][0])
    cuts = list(itertools.accumulate(len(word) for word, _ in words))[:-1]
    cut = next((k for k in reversed(cuts) if end - start - k >= 4 and _LABEL_TAIL.search(m.group(1)[k:])), None)
    return (start, start + cut) if cut else (start, end)


_LABEL_TAIL = re.compile(r"(?:日期|时间|领导|单位|情况|电话|部门|结果|人)$")


def asked_field(qnorm: str):
    """The pattern of what a sentence must hold when normalised ``qnorm`` asks a frame field by name, else None."""
    return next((value for asked, value in _FIELDS if asked.search(qnorm)), None)


_SITTING = re.compile(r"([零〇一二两三四五六七八九十\d]{1,4})届[^，。？?\s]{0,12}?([零〇一二两三四五六七八九十\d]{1,3})次")


@functools.lru_cache(maxsize=256)
def sittings(norm: str) -> frozenset[tuple[float | None, float | None]]:
    """The sittings normalised ``norm`` names, as (届, 次) numbers (八届二次会议 -> (8, 2); 十六届人大3次 -> (16, 3));
    cached, as ``can_answer`` asks it of a letter's text once per sentence."""
    return frozenset((parse_number(a), parse_number(b)) for a, b in _SITTING.findall(norm))


_CODE = re.compile(r"(?<![\d.,])\d{3,}(?![\d.,])")  # 12356热线, 105路, 第20250033号: a code, when no unit follows
_NUMBERED = re.compile(r"第(\d+)号(?:代表|委员)?(?:建议|提案|议案)")  # 第95号建议: a proposal's number


def codes_asked(qnorm: str) -> tuple[str, ...]:
    """The codes normalised ``qnorm`` names (第149号建议, 12356热线): numbers of three digits or more that are
    neither a year nor a figure's amount (100张床位), and a proposal's shorter number with its 号 (第95号建议 -> 95号:
    a letter saying 2 somewhere is no 第2号建议's; 第5236建议 is 第5236号's)."""
    years = YEAR.findall(qnorm)
    counted = [m.span("num") for m in FIGURE.finditer(qnorm)]
    codes = [m.group() for m in _CODE.finditer(qnorm) if m.group() not in years
             and not any(s <= m.start() < e for s, e in counted)]
    return tuple(dict.fromkeys(codes + [m.group(1) + "号" for m in _NUMBERED.finditer(qnorm) if len(m.group(1)) < 3]))
