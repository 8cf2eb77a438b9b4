"""What a question asks for (a figure, a date, an organisation, a name, a reason) and where a sentence
gives it: numbers with units, dates, organisation names, titles in 《》 — as character spans of the text."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ..corpus.promises import CUES
from ..corpus.text import (BARE_COUNT, CN_NUMERAL_CHARS, FIGURE, GLUED_YEAR_MONTH, SAME_UNITS, TIME_UNITS, UNIT, UNITS, blank_pinyin,
                           parse_number, valid_date)
from .highlight import _fold_char

PERCENT = frozenset("% ％ ‰".split())
# A share written as a ratio or a fraction (比例调整至1:4, 当前是0.66:1, 占全国的四分之一, 百分之三十): what 比例 and 占…多少
# ask as much as a percentage; not a clock time (09:55, 上午9:30).
PROPORTION = re.compile(r"(?<![\d.:午上])(?!(?:[01]\d|2[0-3]):[0-5]\d(?![\d.]))\d+(?:\.\d+)?\s*:\s*\d+(?:\.\d+)?(?![\d:])"
                        r"|[一二三四五六七八九十百千万\d]+分之[一二三四五六七八九十\d.]+")
MONEY = frozenset("元 万元 亿元 千元".split())
# A sum written without 元 after what it pays (中央财政补助资金282万对…): its number.
BARE_SUM = re.compile(r"(?:资金|投资|造价|补助|补贴|经费|预算|费用|金额|拨付|筹措|筹集)[^，。；\d]{0,6}"
                      rf"(?P<sum>(?<![第\d.])\d+(?:\.\d+)?\s*[万亿](?:余|多)?)(?!\s*(?:{'|'.join(re.escape(u) for u in UNITS if u != '对')}))")
PEOPLE, PEOPLE_TIMES = frozenset("人 万人".split()), frozenset("人次 万人次".split())
HEADS = PEOPLE | frozenset("名 万名 位".split())  # what 多少人 expects
PERSONS = HEADS | PEOPLE_TIMES  # the units that count people
# Nouns of people, always counted in persons (社区矫正工作人员有多少, 几个专家).
PEOPLE_NOUNS = ("人员|工作者|对象|干部|专员|志愿者|医生|教师|老师|民警|辅警|代表|委员|学生|儿童|孩子|老人|职工|专家|党员|"
                "同志")
# 几个/多少个 and a noun of people (几个社区矫正对象, 多少个工作人员, 几个人, 几个农户): a count of people, or households
_COUNTS_PEOPLE = re.compile(rf"(?:多少|几)个[^\s，。？?、的]{{0,6}}?(?:人|员|者|{PEOPLE_NOUNS}|村民|居民|农户|群众|农民)")
# Units that measure (length, area, volume, weight, money, shares, power, age, times) rather than count things:
# 几个消纳场 is not answered by 1050平方公里.
MEASURES = frozenset("""平方公里 平方米 万平方米 立方米 公里 千米 米 亩 公顷 万元 亿元 千元 元 吨 公斤 千克 斤 厘米 毫米
平方千米 km km2 m2 ㎡ ㎢ 升 毫升 l 千瓦时 千瓦 兆瓦 千伏 kw kv mw % ％ ‰ 岁 周岁 倍 个百分点""".split()) | TIME_UNITS
DATE_RE = re.compile(r"(?:(?:19|20)\d{2}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?(?:底|初|末|前|内|以前|之前|上半年|下半年|年底)?"
                     rf"|{GLUED_YEAR_MONTH.pattern}(?:\s*\d{{1,2}}\s*日|份|底|初|中旬|上旬|下旬)?"
                     r"|\d{1,2}\s*月\s*\d{1,2}\s*日|\d{1,2}\s*月(?:份|底|初|中旬|上旬|下旬))")
# A clock time (几点发车): 7:00, 16:30, 上午8点, 晚上十点, 9点半, 17时 (not 三点意见, 同时, 时间)
CLOCK_RE = re.compile(r"(?<![\d:：.])(?:[01]?\d|2[0-3])[:：][0-5]\d(?![\d:：])"
                      r"|(?:上午|下午|早上|晚上|中午|凌晨|傍晚)\s*[\d一二三四五六七八九十]{1,3}\s*[点时]"
                      r"|(?<![\d.])(?:[01]?\d|2[0-3])\s*(?:点(?:钟|半|\d{1,2}分)|时(?![间候期代效段刻]))")
CLOCK = frozenset({"点钟"})  # what 几点 expects: a clock time, not a date
# A five-year plan's period, as named (十四五期间, 十二五以来) and as a time said (“十一五”开始, 十三五末; 十三五以来 is a
# span up to now, no time a thing was done).
_FIVE_YEAR_PLAN = "十[一二三四五六七八九]五"
PLAN_PERIOD = re.compile(rf"{_FIVE_YEAR_PLAN}(?=[”\"]?(?:期间|时期|末|以来|初|开始|内))")
# Words that say when without a date: plan periods, 将于/计划于, 待…后 (需要等…完成后) and the waiting of 需待/有待 (需待上级…指导安排), 下一步/下步
TIME_WORDS = re.compile(rf"“?{_FIVE_YEAR_PLAN}”?(?:期间|时期|末|初|开始|内)|将于|计划于|届时|年底前?|月底前?|年末|月末|年初|年中|[上下]半年|(?<![\d一二三四五六七八九十两几多])年内|之前|以前|"
                        r"同步|一并|待[^，。；]{1,40}(?:时|后)|[需须要]等[^，。；]{1,40}后|[需须有]待|尽快|近期|今年|明年|下一?步|"
                        r"每(?:年|半年|季度|月|周|天|日)|定期|"
                        r"(?:春节|元旦|清明|端午|中秋|国庆|春季|夏季|秋季|冬季|春秋季|汛期|雨季|旱季|农闲|寒假|暑假)(?:前后|期间|前|后)?")
ORG_RE = re.compile(r"(?:(?![的由是在将对把被向从为了等及即])[\u4e00-\u9fff]){1,14}?(?:委员会|人民政府|办公室|办事处|电视台|卫生院|医院|中心|公司|集团|支队|大队|"
                    r"协会|学会|局|委|厅|部门|部|(?<![举创承开主协兴筹督交领包代查会转批经申])办|院|人大|政协|政府)")  # 市府办, not 举办
TITLE_RE = re.compile(r"《[^《》]{2,60}》")  # a document as titled: 《福建省促进中医药传承创新发展若干措施》
NAME_RE = re.compile(TITLE_RE.pattern + r"|“[^“”]{2,40}”")
# How far a work has come: 已完成…, 正在…, 目前已…, 正与…会签中.
PROGRESS_RE = re.compile(r"已(?:经)?(?:完成|建成|开工|启动|进入|编制|通过|下达|批复|立项|招标|动工|投入|形成)|完成了|正在|正与|进行中|目前已|现已|"
                         r"(?:前期|设计|施工|招标|审批)阶段")
# Where something is or goes: 位于…, 安装在…, 在…路口 / 广场 / 社区, 在…兴建.
LOCATION_RE = re.compile(r"位于|坐落|设在|设于|设置在|安装在|建在|选址|选在|布设在|放置在|落户|"
                         r"[在于][^，。；,;]{2,24}?(?:处|旁|附近|路口|空地|院内|校址)"
                         r"|在[^，。；,;]{2,16}?(?:兴建|新建|修建|选建)")  # 在九龙街道下庙子兴建安置楼
REASON_RE = re.compile(r"因为|由于|鉴于|为了|为防止|为避免|原因|因此|所以|考虑到|受[^，。]{1,10}影响|没有[^，。]{0,10}规定|暂不|无法|尚未|"
                       r"没有|未能|难以|难度|困难|复杂|不足|缺乏|受限|制约|导致|不具备|尚无|暂无|财力|存在|不尽")
# A sentence that opens on a cause said outright (由于该地的地形地貌…, 主要原因是…): what a 为什么 answered by a bare
# difficulty (…的位置存在一些客观问题。) goes on to say.
CAUSE_OPENS = re.compile(r"[^，,。；;]{0,12}?(?:由于|因为|鉴于|原因是|主要原因|受[^，,。]{1,10}影响)")
# Several things named in a row (哪些高校, 哪些平台): 甲、乙, 《甲》《乙》, 甲和乙.
LIST_RE = re.compile(r"[\u4e00-\u9fff\w]{2,}、[\u4e00-\u9fff\w]{2,}|》\s*[、，,和及与]?\s*《|[\u4e00-\u9fff]{2,}(?:和|及|以及|与)[\u4e00-\u9fff]{2,}")
# Bodies named in a row up to what they are (交通、公安、卫生、商务等多个部门; 市公安局和交通局).
BODIES_LISTED = re.compile(r"[\u4e00-\u9fff]{2,}[、和及与][^，。；,;]{0,40}?(?:部门|单位|机构|局|委|厅|中心)")
# Who is responsible for what: 负责…, 职责是…, 由…牵头.
DUTY_RE = re.compile(r"负责|职责|主管|牵头|承担")
RANK_RE = re.compile(r"第[一二三四五六七八九十\d]+|之首|首位|榜首|前列|名列|位居|居[^，,。；]{0,12}?(?:第|首|前)|仅次于|排名")
COMPANY_RE = re.compile(r"公司|集团|企业|厂|合作社")
# Whether a request was granted (获批了吗): the sentence says how it stands (获批, 正在积极申请, 尚未).
OUTCOME_RE = re.compile(r"获批|批复|批准|同意|认定|入选|列入|纳入|通过(?:了|验收|审核|审批|评审|认定|论证)|命名|授予|申请|申报|争取|审批|审核|未获|尚未|暂未|待批")
STANCE_RE = re.compile(r"赞成|赞同|同意|认同|支持|采纳|吸纳|可行|不予|暂不|难以|无法")  # 我局完全赞成你们提出的建议

# Question types answered by a span a pattern finds, and the evidence of a sentence without one.
SAID_BY = {"name": (NAME_RE, 0.2), "document": (TITLE_RE, 0.2), "plan": (CUES, 0.2), "progress": (PROGRESS_RE, 0.2),
           "place": (LOCATION_RE, 0.2), "reason": (REASON_RE, 0.3), "duty": (DUTY_RE, 0.3), "list": (LIST_RE, 0.3), "rank": (RANK_RE, 0.0),
           "company": (COMPANY_RE, 0.0), "outcome": (OUTCOME_RE, 0.0), "stance": (STANCE_RE, 0.2)}

_BODY = r"谁|哪个部门|哪家|哪个单位|什么部门|什么单位|哪个机构|哪个局|由谁"  # asks one body
_BODIES = r"哪些(?:部门|单位|机构)|哪几个(?:部门|单位)"  # asks several bodies: 交通、公安、卫生等多个部门
WHO = rf"{_BODY}|{_BODIES}"  # asks a body or several
_FEW = r"(?<![哪这近前第])几(?![点号])"  # 几 asking a count (几个, 几家), not 哪几, 这几年 or 几点
QTYPE_PATTERNS = (
    ("time", re.compile(r"什么时候|何时|哪年|哪一年|什么时间|多久|何年|几月|(?<!第)几号|哪天|何日|多长时间|预计.*时间|几点")),
    ("orgs", re.compile(_BODIES)),
    ("org", re.compile(_BODY)),
    ("reason", re.compile(r"为什么|为何|原因|何故|怎么不|为啥|难在|难点|卡在|堵在|(?:哪些|什么)(?:问题|困难)")),
    ("duty", re.compile(r"负责什么|负责哪些|职责|管什么|管哪些|分工")),
    ("progress", re.compile(r"哪一步|进展|进度|到什么程度|到什么阶段|推进得?怎么样|办得怎么样|落实了没有")),
    ("stance", re.compile(r"什么态度|态度(?:如何|怎样|是)|是否(?:同意|赞成|支持)|同不同意|支不支持|赞不赞成")),
    ("rank", re.compile(r"(?<![安编])排(?:第几|名|在第?几|多少)|第几名|第几位")),  # 安排多少 asks a sum  # 在全国排第几: 居全国第三, 之首
    ("outcome", re.compile(r"(?:获批|批下来|批准|批复|通过|入选|认定)了?(?:吗|没有?)|是否(?:获批|批准|通过|入选|认定)")),
    ("company", re.compile(r"(?<!怎么选)(?<!如何选)(?<!怎样选)(?<!怎么定)(?<!如何确定)(?:中标|施工|承建|运营)单位(?![^，。？?]{0,4}(?:怎么|如何|怎样)(?:选|定|确定))"
                           r"|哪家(?:公司|企业)|什么公司|哪个公司")),  # not how it was chosen (怎么选施工单位: 通过招标的方式)
    ("number", re.compile(rf"多少|{_FEW}[个家所条辆台座名人次年岁项批只对份张班]?|比例|比重|占比|金额|多大|多高|多长|多远|多宽|多深|多厚|"
                          r"[^\s]率是|率达|覆盖率|普及率|标准是|率\s*[?？]?$"
                          r"|(?:数量|人数|户数|个数|总数|总量|例数|次数|家数|起数)(?!有没有|是否|能否|会不会|要不要)|总里程|产量|产值|(?:罚款|补贴|补助|收费|服务费|租金|奖励|奖补|工资|价格)\s*标准")),
    ("list", re.compile(r"哪些(?!部门|单位|机构|地方|问题|困难)(?![^，。？?]{0,8}?文件)|哪[两三四五六七八九十]个")),
    ("place", re.compile(r"(?<![难卡堵点题因]在)哪里|(?<![难卡堵点题因])在哪|什么地方|什么位置|哪些地方|哪个位置|哪个地方|选址|放在哪|装在哪|建在哪|设在哪")),
    ("name", re.compile(r"叫什么|什么名|名称|什么[^，。？?]{0,4}(?:证书|证|项目|工程)|哪个项目|哪几")),
    ("document", re.compile(r"(?:什么|哪[个份部项]|哪一[个份部项])[^，。？?]{0,4}(?:文件|方案|政策|意见|办法|规定|制度|条例|计划)"
                            r"|哪些[^，。？?]{0,8}?文件")),  # 出了哪些支持中药材的文件: 《…》《…》等文件, not a “福九味”
)
# A question about what comes next (下一步打算, 今后准备怎么做, 明年还要建几个): the reply's next-steps section
# and the sentences it commits in answer it.
PLAN_RE = re.compile(r"会不会|是否会|有没有(?:计划|打算)|下一步|下步|下阶段|接下来|打算|今后|后续(?!扶持|资金|管理|服务|保障)|准备|计划(?=[在于再新建修装配增开完]|什么时候)|明年|还要|还将|将要|"
                     r"(?:什么时候|何时|多久|哪年|哪天)能")
# What a number question's wording says about the unit it expects.
EXPECT_UNIT = (
    (re.compile(r"率|比例|比重|占比|百分之|覆盖面|占(?![地用压有])[^，。？?多少几]{0,10}(?:多少|几成)(?![\u4e00-\u9fff])"), PERCENT),  # 占国土面积多少: 44.5%
    (re.compile(r"钱|资金|经费|金额|费用|投资|造价|补助|补贴|缴费|标准|预算|拨付|保教费|收入|产值"), MONEY),
    (re.compile(r"补助|补贴|报销"), PERCENT),  # 补贴多少: 每剂补贴200元, or 按60%的标准补贴
    (re.compile(r"多少例|几例"), frozenset("例 人 名".split())),  # 确诊了多少例: 确诊乳腺癌42人
    (re.compile(r"多少起|几起"), frozenset({"起"})),  # 查处了多少起: 25起 incidents
    (re.compile(r"多少分(?![钟之])|几分(?![钟之])|分值|分数|得分"), frozenset({"分"})),  # 分值提高到多少: 由5分提高到20分
    (re.compile(r"几点"), CLOCK),
    (re.compile(r"几\s*[aA]"), frozenset({"a级"})),  # 几A级景区: 4A级
    (re.compile(r"工作日"), frozenset("工作日 天 日".split())),  # 几个工作日: 15个工作日, 20天
    (re.compile(r"面积|平方米"), frozenset("平方米 万平方米 平方公里 亩 公顷".split())),  # and as written in Latin: SAME_UNITS
    (re.compile(r"(?<![期间])多长(?!时间)|多远|多宽|多深|多厚|长度|宽度|里程"), frozenset("公里 千米 米 厘米 毫米".split())),  # 有效期多长: a time
    (re.compile(r"人次"), frozenset("人次 万人次".split())),
    (re.compile(r"户数"), frozenset("户 万户".split())),  # 改造 户数: 完成改造1200户
    (re.compile(r"几个部门|多少个?部门"), frozenset({"部门"})),  # 几个部门: 六部门联合印发
    (re.compile(r"多少人|几人|多少名|几名|多少位|几位|人数|多少老人|多少孩子|多少幼儿|多少教师"
                r"|(?<!车)编制(?=数|[有是为]?(?:多少|几))|(?:多少|几)[个名]?(?:事业|行政)?编制"), HEADS),  # 编制村庄规划 plans
    (re.compile(rf"(?:{PEOPLE_NOUNS})(?:总数|数量)?(?:有|是|共有|达到|达|为)?(?:多少|几)(?![\u4e00-\u9fff]{{0,3}}[元亩吨%])"),
     HEADS),  # 社区矫正工作人员有多少: people, not 两级
)


@dataclass(frozen=True)
class Figure:
    """A number with its unit at ``start:end`` of a text; ``value`` is comparable within one unit."""

    start: int
    end: int
    text: str
    value: float | None
    unit: str


_ASKS_HOW = re.compile(r"怎么(?!样)|如何|怎样(?=[做办处理])")  # how it is done, not 怎么样 (how it stands)
_COUNTS = re.compile(rf"多少|{_FEW}|多[大长高远宽深重久]")


def question_types(question: str) -> tuple[str, ...]:
    """What the wording asks for: some of ``time``, ``org`` (``orgs``: 哪些部门), ``reason``, ``duty``, ``progress``, ``stance``
    (什么态度), ``rank`` (排第几), ``outcome`` (获批了吗), ``company`` (中标单位), ``number``, ``place``, ``name``, ``document`` (什么文件:
    a 《》 title), ``list`` (哪些高校:
    several named in a row); else ``plan`` for what comes next (下一步打算怎么做), else ``other``."""
    found = tuple(name for name, pattern in QTYPE_PATTERNS if pattern.search(question))
    if "number" in found and _ASKS_HOW.search(question) and not _COUNTS.search(question):
        found = tuple(name for name in found if name != "number")  # 补助标准…下一步打算怎么做, 怎么处理分担比例
    if not found and asks_keyword_figure(question):
        return ("number",)
    return found or (("plan",) if asks_plan(question) else ("other",))


# The words that name a figure's kind, not the thing it is of (中药材基地的资金: 资金 is said of 碳中和试点 too).
FIGURE_WORDS = frozenset("投资 投资额 造价 资金 经费 金额 面积 产值 产量 人数 户数 数量 总数 里程 长度".split())
_KEYWORD_FIGURE = re.compile(f"(?:{'|'.join(sorted(FIGURE_WORDS, key=len, reverse=True))})\\s*$")
_ASKS_IN_WORDS = re.compile(r"[吗呢?？]|有没有|是否|有无|怎么|怎样|如何|什么|哪|谁|为何|为什么")


def asks_keyword_figure(question: str) -> bool:
    """A query of keywords that ends in a sum of money or a measure asks that figure (芦山…治理工程总投资, 海南…花卉种植
    面积); a question in words (有没有专项资金, 怎么争取中央资金) does not."""
    return bool(_KEYWORD_FIGURE.search(question)) and not _ASKS_IN_WORDS.search(question)


def asks_plan(question: str) -> bool:
    """Whether the question asks what the replying side will do next rather than what it did."""
    return bool(PLAN_RE.search(question))


# Kinds of sum a question may ask (罚款标准, 督导员补贴, 租金多少): a sentence answering one names that kind, in
# one of its words (补贴 is paid as a 补助, 奖补 or 补偿); a general one (经费, 资金, 投入) is any kind.
SUM_KINDS = (("罚款", "处罚", "罚没"), ("补贴", "补助", "奖补", "补偿", "奖励", "资助", "津贴"), ("奖励", "奖补", "奖金"),
             ("租金", "租赁费", "租费"), ("收费", "服务费", "价格", "电价", "水价", "票价"),
             ("售价", "卖", "销售价", "单价", "收购价", "出售"), ("收入", "营收", "收益"),
             ("价值", "估值"), ("工资", "薪酬", "报酬", "待遇"))


def sum_kind(question: str) -> tuple[str, ...]:
    """The words that name the kind of sum a number question asks, if it asks one (``罚款标准`` → 罚款, 处罚…;
    ``补助资金有多少`` → 补贴, 补助…); not 收入 of ``收入5万元以下的村有多少个``, which only says which villages are counted)."""
    return next((kind for kind in SUM_KINDS
                 if re.search(f"(?:{'|'.join(kind)})[^，,。？?\\d]{{0,6}}(?:多少|几|标准)", question)), ())


# A sum spent (投入多少资金, 总投资多少) and the earnings that never answer it (旅游综合收入19.7亿元, 产值).
SPENDING_ASKED = re.compile(r"(?:投入|投资|资金|经费)[^，,。？?\d]{0,6}(?:多少|几)|(?:多少|几)[^，,。？?\d]{0,4}(?:资金|经费)")
EARNINGS = re.compile(r"收入|营收|产值|销售额|营业额|利润|税收|生产总值|增加值|交易额|成交额")


# Nouns that open with a unit's character: 多少项目, 多少岗位科学家 count things, in no unit of 项 or 岗.
_OPENS_LIKE_A_UNIT = ("项目", "岗位", "家庭", "家长", "人员", "人口", "名单", "名额", "场所", "场地", "场馆", "期间", "户籍",
                      "条件", "处理", "处置", "台账", "杆路")


def units_opening(words: str) -> set[str]:
    """The units ``words`` open with, after a magnitude if any (笔, 千瓦 of 万千瓦); not the first character of a
    noun (项 of 项目)."""
    if words.startswith(_OPENS_LIKE_A_UNIT):
        return set()
    return {u for u in UNITS if words.startswith(u) or words[:1] in "万亿" and words.startswith(u, 1)}


def expected_units(question: str) -> frozenset[str]:
    """Units a number question points at (``多少个班`` → 班/个, ``覆盖率`` → %), empty when it does not say."""
    units: set[str] = set()
    for match in re.finditer(r"(?:多少|几)(?=\s*([^\s，。？?、的]{1,4}))", question):  # 几个百分点; 这几年…多少公里
        following = match.group(1)
        units.update(units_opening(following))
    for pattern, wanted in EXPECT_UNIT if units != {"倍"} else ():  # 经费按几倍拨付: a multiple, not a sum
        if pattern.search(question):
            units.update(wanted)
    units.update(u[1:] for u in list(units) if u[0] in "万亿" and u[1:] in UNITS)  # 多少亿元: 3.08亿元 is in 元
    if _COUNTS_PEOPLE.search(question):  # 几个社区矫正对象: people, counted with 个
        units.update(PERSONS)
    if units & PEOPLE:  # 多少人坐车: 日均487人次 counts them
        units.update(PEOPLE_TIMES)
    units.update(*(group for group in SAME_UNITS if units & group))  # 多少公里: 23880km
    if "床" in units:
        units.add("张")  # 多少床位: 床位1480张
    return frozenset(units)


def _counts_in(figure: Figure, folded: str, units: frozenset[str]) -> bool:
    """A figure counted with 个 of the unit asked: 27个班次 answers 多少班."""
    return figure.unit == "个" and folded.startswith(tuple(units), figure.end) if units else False


_PARTS_ANNOUNCED = re.compile(r"(?:以下|如下|下列|从|分|这)$")  # 从以下五个方面, 分三个阶段: what follows is in parts
_PART_WORDS = "方面|部分|环节|阶段|步"  # the parts counted with 个 (五个方面)
_PART_UNITS = ("项", "条", "点")  # the parts that are their own unit (3项)
_PARTS = re.compile(rf"(?:大)?({_PART_WORDS})")
_PARTS_ASKED = re.compile(rf"(?:几|多少)个?(?:大)?({_PART_WORDS}|{'|'.join(_PART_UNITS)})")


def parts_asked(question: str) -> tuple[str, ...]:
    """The parts a question counts (从几个方面提措施 -> 方面): a count of a list's parts answers it."""
    return tuple(_PARTS_ASKED.findall(question))


def _counts_parts(figure: Figure, folded: str, asked: set[str]) -> bool:
    """The figure counts the parts of what follows (以下五个方面, 如下3项, 分三个阶段), no thing a question counts
    unless it asks for those parts (做了几方面工作)."""
    if not _PARTS_ANNOUNCED.search(folded, 0, figure.start):
        return False
    part = figure.unit if figure.unit in _PART_UNITS else \
        (m.group(1) if figure.unit == "个" and (m := _PARTS.match(folded, figure.end)) else "")
    return bool(part) and not any(part in word for word in asked)


_SESSION_TAIL = re.compile(r"(?:全体)?会议")


# A count given roughly, with no value (每年可利用秸秆几百吨, 数十家, 上千人).
_VAGUE = re.compile(rf"[几数上][十百千万]+\s*(?:余|多)?\s*(?P<unit>{UNIT})")


def figures(text: str, with_time: bool = False) -> list[Figure]:
    """Numbers with units in ``text`` (dates and durations only when ``with_time``); a rough count (几百吨) has no
    value."""
    return list(_figures(text, with_time))


@functools.lru_cache(maxsize=20000)
def _figures(text: str, with_time: bool) -> tuple[Figure, ...]:
    """Passages recur from query to query (the leaders of one topic): read each once."""
    found, folded = [], fold(text)
    vague = [m for m in _VAGUE.finditer(folded) if with_time or m.group("unit") not in TIME_UNITS]
    for m in FIGURE.finditer(folded):
        unit = m.group("unit")
        if unit in TIME_UNITS and not with_time or any(v.start() < m.end() and m.start() < v.end() for v in vague):
            continue  # (十人 of 几十人 is no ten)
        if unit in TIME_UNITS and re.fullmatch(r"(?:19|20)\d{2}", m.group("num")) \
                or unit == "月" and GLUED_YEAR_MONTH.fullmatch(m.group(0)):
            continue  # 2023年, 20235月: dates, not durations
        if unit == "次" and _SESSION_TAIL.match(folded, m.end()):
            continue  # 五届人大三次会议: a meeting's name
        value = _value(m.group("num"), m.group("mag"))
        if m.group("num")[0] in CN_NUMERAL_CHARS and value == 1 and (
                unit not in MEASURES or unit in TIME_UNITS or folded.endswith(("最后", "最"), 0, m.start())):
            continue  # 一张图, 一年, 最后一公里 — words, not figures (一公里左右 is one)
        found.append(Figure(m.start(), m.end(), text[m.start():m.end()], value, unit))
    found += [Figure(m.start(), m.end(), text[m.start():m.end()], None, m.group("unit")) for m in vague]
    return tuple(sorted(found, key=lambda f: f.start))


def dates(text: str) -> list[tuple[int, int]]:
    """Spans of real dates (``2020年12月底``, ``6月28日``; not ``2月31日``)."""
    return [m.span() for m in DATE_RE.finditer(fold(text)) if _is_real_date(m.group(0))]


def _is_real_date(text: str) -> bool:
    parts = {unit: int(num) for num, unit in re.findall(r"(\d+)\s*([年月日])", text)}
    if glued := GLUED_YEAR_MONTH.match(text):
        parts.update({"年": int(glued["year"]), "月": int(glued["month"])})
    return valid_date(parts.get("年", 2000), parts.get("月"), parts.get("日"))


def organisations(text: str) -> list[tuple[int, int]]:
    """Spans of organisation names ending in 局/委/院/中心/公司 and the like."""
    spans, text = [], fold(text)
    for m in ORG_RE.finditer(text):
        start = m.start()
        lead = _ORG_LEAD.match(text, start, m.end() - 1)
        if lead:
            start = lead.end()
        if m.end() - start >= 2:
            spans.append((start, m.end()))
    return spans


_ORG_LEAD = re.compile(r"(?:由|经|与|和|及|并|会同|联合|协调|请|是|为|在|向|对|把|将|我|已|均|的)+")


# A question asking the name a thing goes by (什么产业布局, 用什么作抓手, 秉持什么理念, 按照什么原则): the noun it names.
_NAMED_ASKED = re.compile(r"什么[^，。？?]{0,4}?(布局|抓手|模式|品牌|称号|理念|思路|机制|战略|口号|格局|原则|方针)")


def named_asked(question: str) -> str:
    """The noun whose name the question asks (什么产业布局 -> 布局), or ''."""
    m = _NAMED_ASKED.search(question)
    return m.group(1) if m else ""


def names_given(text: str, named: str) -> list[tuple[int, int]]:
    """The quoted names ``text`` gives right before the noun ``named`` (按照“优化配置…”的原则 for 原则)."""
    return [m.span(1) for m in re.finditer(rf"(“[^“”]{{2,40}}”)(?:的|为|作为|作)?[\u4e00-\u9fff]{{0,4}}?{named}", fold(text))]


def type_evidence(qtypes: tuple[str, ...], units: frozenset[str], text: str,
                  things: tuple[str, ...] = (), named: str = "") -> tuple[float, list[tuple[int, int]]]:
    """How well ``text`` holds what the question asks for (0–1, best over its types) and candidate spans to bold;
    ``things``: what a count names with no unit (``counted_things``), a number right before it answers; ``named``: the
    noun whose name is asked (``named_asked``), which a quoted name right before it gives (以“链长制”为抓手, 按照
    “一心两带三区多点”的产业布局)."""
    if named and (spans := names_given(text, named)):
        return 1.0, spans
    return max((_evidence(t, units, text, things) for t in qtypes), key=lambda pair: pair[0])


def _evidence(qtype: str, units: frozenset[str], text: str, things: tuple[str, ...] = ()) -> tuple[float, list[tuple[int, int]]]:
    folded = fold(text)
    if qtype == "number":
        found = figures(text, with_time=bool(units & TIME_UNITS))
        if units and not units & MEASURES:  # a count (几个, 多少人): what measures is no answer, nor 六部门
            found = [f for f in found if f.unit not in MEASURES and (f.unit != "部门" or "部门" in units)]
        if "个" in units and not units & PERSONS:  # 多少个滑冰馆, 几个台站: things, not 带动3亿人 or 开展2次演练
            found = [f for f in found if f.unit not in PERSONS and f.unit != "次"]
        found = [f for f in found if not _counts_parts(f, folded, units | set(things))]
        matching = [(f.start, f.end) for f in found if f.unit in units or _counts_in(f, folded, units)]
        matching += [m.span("amount") for thing in things for m in re.finditer(BARE_COUNT + re.escape(thing), folded)
                     if m.span("amount") not in matching]  # 约有2.8万退役军人 answers 多少退役军人
        if units & PERCENT:
            matching += [m.span() for m in PROPORTION.finditer(folded) if m.span() not in matching]
        if units & MONEY:  # 中央财政补助资金282万对…: a sum written without 元
            matching += [m.span("sum") for m in BARE_SUM.finditer(folded) if m.span("sum") not in matching]
        if matching:
            return 1.0, matching
        return (0.3 if units else 0.8) if found else 0.0, [(f.start, f.end) for f in found]
    if qtype == "time":
        if units & CLOCK:  # 几点开放: 9:00, 上午8点; a date or a year answers no such question
            spans = [m.span() for m in CLOCK_RE.finditer(folded)]
            return (1.0 if spans else 0.0), spans
        if spans := dates(text) + [m.span() for m in CLOCK_RE.finditer(folded)]:
            return 1.0, spans
        if durations := [(f.start, f.end) for f in figures(text, with_time=True) if f.unit in TIME_UNITS]:
            return 0.9, durations
        spans = [m.span() for m in TIME_WORDS.finditer(folded)]
        return (0.6 if spans else 0.0), spans
    if qtype == "org":
        spans = organisations(text)
        return (1.0 if spans else 0.0), spans
    if qtype == "orgs":  # several bodies named in a row, else one
        listed = [m.span() for m in BODIES_LISTED.finditer(folded)]
        spans = organisations(text)
        return (1.0, listed) if listed else (0.6 if spans else 0.0, spans)
    if qtype in SAID_BY:  # what a pattern of the text says: a 《》 name, a commitment, progress, a place, a cause
        pattern, otherwise = SAID_BY[qtype]
        spans = [m.span() for m in pattern.finditer(folded)]
        return (1.0 if spans else otherwise), spans
    return 0.5, [m.span() for m in NAME_RE.finditer(folded)]


@functools.lru_cache(maxsize=20000)
def fold(text: str) -> str:
    """``text`` folded for matching (width, script, case) at the same length: spans found in it fit ``text``;
    the pinyin annotations of mirror copies (``萬(wàn)``) become spaces."""
    return "".join(_fold_char(ch) for ch in blank_pinyin(text))


def _value(num: str, magnitude: str | None) -> float | None:
    value = parse_number(num)
    scale = {"万": 1e4, "亿": 1e8, "千": 1e3, "百": 1e2}.get(magnitude or "", 1.0)
    return None if value is None else value * scale
