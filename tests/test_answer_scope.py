"""Whose figure, of which year and what a question's words name, answered over real letters of tests/data/blind33,
blind38 and blind39 (read in the twenty-sixth session): a sentence dated by its paragraph, a city jieba does not
tag a place, the body that gives a sum, a plan question about a standard, the day a page says it was published,
the bodies a bureau coordinated with, a proposal numbered after its title, a figure per village, a figure that
counts another thing than the one asked (blind10), a letter on another subject, a date that is no date, a label named
by its verb, a hospital asked, a share, a condition for a date (blind48, read in the twenty-seventh session); frame
fields asked in other words, a federation that proposed, a date without its 日, an ethnic district named short, the
proposal as the page shows it, a sitting asked (blind51, read in the twenty-eighth session); a figure's scope said
in an earlier clause, a county's figure asked of its city, a plan to equip, a count of cases, whom a bureau consulted
and a letter placed by its 文号 (blind17, blind52, blind54, read in the twenty-ninth session); 文号 in other forms, a
category alone on its line, the body named as 主办单位 and the 处 asked (blind56, read in the thirtieth); a share written
as a ratio or a fraction, and whether a letter that never names a thing can say it exists (blind57, read in the
thirty-first); a proposal's title given as 题为《…》, a member's name that identifies the letter, a principle named,
a count asked of what was done, the opening that says with whom a proposal was handled (blind60, read in the
thirty-fourth); the member a reply answers, a title in 《》 alone, a document named in another order, provinces named
without their level, a county asked that a letter names in passing, what a yes-or-no question is on (blind61, read in
the thirty-fourth); the part a body played (承办), who approved a reply (审核同意), a meeting with a member named, a
label 提案答复:, a width asked (blind62, read in the thirty-fourth); a contact and a phone asked together, a condition
and its consequence, an index number without its label, a page's update time, a date clause kept with what it dates,
a document asked by 哪个文件, the most asked of a bound, a sum asked of a rate (blind63, read in the thirty-fifth);
whole sentences as answer lines and the sentence after a heading (thirty-fifth); how a proposal was handled (主办), the
抄送 line, the imprint's date, how a contractor was chosen, a time said as 需要等…后, the cause after a difficulty and
a count's verb that names no thing (blind64, read in the thirty-sixth); a proposal form's labelled reply, a page's
stamp before 文章来源:, a decision to act within a period, a 文号 that lost its brackets, the body 谁承办 asks and a county
asked by another form of its name ranking its letter first (blind65, read in the thirty-seventh); the reply's own
title, its 来源 and the proposal a reply answers, asked in other words (thirty-seventh)."""
from __future__ import annotations

import shutil

import pytest
from conftest import data_path
from dafu.search.answer import answer_question
from dafu.search.bounds import bound_asked, bounds_other_end, per_thing_only
from dafu.search.counted import said_by_stem
from dafu.search.fields import codes_asked
from dafu.search.figures import asks_plan, expected_units, named_asked, question_types, type_evidence
from dafu.search.divisions import another_division, lies_in, other_forms
from dafu.search.names import places_named

LETTERS = {"blind33": ("b33-yx-02",), "blind38": ("b38-yf-01", "b38-yf-02", "b38-jc-01", "b38-rs-01", "b38-rs-02"),
           "blind18": ("b18-fy-01", "b18-fy-02"),
           "blind39": ("b39-ps-01", "b39-xu-02"), "blind5": ("b5-lt-01", "b5-yc-01"),
           "blind10": ("b10-mf-03", "b10-bn-01", "b10-bn-03", "b10-ct-02"),
           "blind14": ("b14-zz-03",), "blind15": ("b15-zq-02", "b15-ll-02"), "blind": ("b-qz-02", "b-ws-02"),
           "blind48": ("b48-jh-01", "b48-jv-02", "b48-jv-04", "b48-bu-01", "b48-jn-01"),
           "blind51": ("b51-vj-01", "b51-vj-02", "b51-tq-01", "b51-tq-02", "b51-tq-03", "b51-yq-01", "b51-yq-03",
                       "b51-lb-02"),
           "blind17": ("b17-fd-01",), "blind52": ("b52-wx-01",), "blind54": ("b54-mg-01", "b54-wz-01", "b54-wz-02"),
           "blind56": ("b56-fx-02", "b56-fx-03", "b56-za-01", "b56-bg-01"), "blind57": ("b57-zp-01", "b57-fu-01", "b57-tb-01", "b57-yn-01"),
           "blind3": ("b3-zs-03", "b3-tw-01"), "blind2": ("b2-xl-01",), "blind37": ("b37-kj-01",), "blind59": ("b59-se-01", "b59-se-02", "b59-kw-01", "b59-xg-01"),
           "blind60": ("b60-ov-01", "b60-ov-02", "b60-gn-01", "b60-gn-02", "b60-wi-01"), "topics": ("t-yb-05", "t-dd-01"),
           "blind61": ("b61-sl-02", "b61-kg-01", "b61-eu-01", "b61-bs-01", "b61-pe-01"), "blind58": ("b58-mu-02", "b58-cc-02"),
           "blind62": ("b62-wa-02", "b62-wa-03", "b62-ut-01", "b62-rx-01"),
           "blind63": ("b63-cv-01", "b63-cv-03", "b63-tm-01", "b63-lr-02", "b63-gu-01"), "blind9": ("b9-sw-01",),
           "blind64": ("b64-bp-01", "b64-bp-02", "b64-wb-01", "b64-wb-02", "b64-ju-02"), "blind6": ("b6-tf-03",),
           "blind65": ("b65-ah-01", "b65-ah-02", "b65-ce-01", "b65-xk-02"), "blind31": ("b31-fj-03",)}


@pytest.fixture(scope="module")
def searcher(seed_index, tmp_path_factory):
    """The seed letters and real letters on 研学旅行, 易地扶贫搬迁, 药品供应, 垃圾焚烧, 警务, 雪亮工程, 留守儿童,
    蜂产业, 种业, 青少年足球, 应急避难场所, 传统村落, 生育, 养犬, 窨井盖, 结核病, 步行街, 野生菌, 驾培, 人行天桥, 餐饮油烟, 烂尾楼,
    防震减灾, 午休, 芒果, 蚊媒防控, 杨柳飞絮, 酸枣, 百香果, 紫菜, 辅警, 噪音, 冷链物流, 富硒产业, 矿泉水, 乡镇干部, 烈士纪念碑, 污水收集, 精神卫生, 跨境电商, 治超, 废弃杆线, 免费WiFi,
    道路限速, 金鱼, 速丰桉, 综合保税区, 人参果, 美育, 文创, 台胞, 水上运动, 铁路道口, 业余体校, 错车道, 凸面镜, 林区道路, 热轧H型钢, 供水,
    村级文化广场, 旅游标识, 农村聚居点, 网格化管理, 书画展馆, 宪法宣誓墙, 学校厕所, 阜新 城市建设, 再生资源回收, 民族语言 and 石林's 村卫生室 and 电动自行车充电 (topics)."""
    from dafu.index.build import build_index
    from dafu.search.api import Searcher

    root = tmp_path_factory.mktemp("scope")
    folder = root / "letters"
    folder.mkdir()
    for name, letter_ids in LETTERS.items():
        for letter_id in letter_ids:
            shutil.copy(data_path(name, "letters", f"{letter_id}.txt"), folder)
    shutil.copytree(seed_index, root / "index")
    build_index([folder], index_dir=root / "index")
    return Searcher.open(root / "index")


@pytest.mark.parametrize("question, letter_id, first", [
    # the sentence of 最终认定 names no year, its paragraph names 2020年度: it comes before the 17家 that applied
    ("平顶山2020年最终认定了几家研学旅行基地", "b33-yx-02", "10家"),
    # 攀枝花 (jieba: an idiom) is a place of the archive and a city of the national list
    ("2012年四川省政府同意每年给攀枝花自迁农民多少补助", "b38-yf-02", "200万元"),
    # 民族宗教 of 市民族宗教委 names who gives, not what the sum is of; 后续扶持资金 asks no plan
    ("2019年市民族宗教委拿出多少后续扶持资金用于仁和区道路硬化", "b38-yf-02", "100余万元"),
    ("额敏县卫健委和哪些部门协调解决药品供应", "b38-jc-01", "市监局、医保局"),
    ("陕西省人大第133号建议答复什么时候发表的", "b38-yf-01", "2014-07-01"),
    ("李晖委员依法用警提案编号是多少", "b39-ps-01", "141号"),
    ("栖霞百村示范每村至少建几路监控", "b39-xu-02", "至少5路"),
    # 协调X、Y等部门 names whom a bureau coordinated with; 哪几个县 is no place; 岗位 is no unit of 岗
    ("临西民政局开展关爱留守儿童活动协调了哪些部门？", "b5-lt-01", "妇联、团委"),
    ("甘南州青稞良种繁育基地建在哪几个县", "b14-zz-03", "临潭、卓尼、夏河和碌曲"),
    ("国家蜂产业技术体系有多少岗位科学家？", "b10-mf-03", "岗位科学家23名"),
    # 哪届省运会 asks which games, not the meeting a proposal was made at
    ("2015、2016、2017年龄组属于哪届省运会周期", "b15-zq-02", "第27届运动会周期"),
    # the thing a count asks stands before its figure, or another figure of the sentence counts it
    ("宁夏划定了多少个自治区级应急避难场所", "b10-bn-01", "应急避难场所10个"),
    ("中山市一共有多少处应急避难场所", "b10-bn-03", "587处应急避难场所"),
    # a line of eight digits that is no date (the proposal's number 20250013) does not date the reply
    ("淄川肺结核筛查提案答复时间", "b48-jh-01", "2025-06-16"),
    ("高青县窨井提案由哪个单位主办", "b48-jv-02", "高青县综合行政执法局"),  # the label 主办单位: named by its verb
    ("龙华区井盖建设管理办法提案的委员", "b48-jv-04", "万俊聪委员"),  # 提案的委员 asks who proposed it
    ("楚雄市出菌区域占国土面积多少", "b48-jn-01", "44.5%"),  # 占…多少 asks a share
    ("渭南市政协第174号提案是哪个单位提的", "b51-vj-02", "渭南市工商业联合会"),  # a federation proposed it
    ("渭南驾培提案复函是哪天落款的", "b51-vj-02", "2020年9月11"),  # the signature's date, its 日 lost by the page
    ("镇安县政协第99号人行天桥提案的提案人有哪些", "b51-tq-01", "李成、徐词志"),
    ("镇安 人行天桥提案 答复单位", "b51-tq-01", "镇安县住房和城乡建设局"),
    ("区政协十届三次会议第69号提案由哪个单位答复", "b51-tq-02", "西安灞河新区开发建设管理委员会"),  # not 来源:…行政部
    ("河南省人大第124号建议 餐饮油烟 提出代表", "b51-yq-01", "雷雪芹代表"),
    ("管城区人大第7号建议的题目", "b51-yq-03", "解决住宅区餐饮店扰民问题的建议"),  # 管城回族区, named short
    ("市人大0963号代表建议的题目", "b51-tq-03", "关于临港大道万祥段增建人行跨线天桥"),  # 题目 is asked, not said
    ("高峥嵘提案说2017年处置了多少家烂尾楼", "b51-lb-02", "12家"),  # the proposal as the page shows it
    ("贵州驾校数量有没有控制", "b51-vj-01", "没有数量控制"),  # whether, not how many
    ("贵州省机动车驾驶培训及考试大纲的文号是多少", "b51-vj-01", "黔交运〔2016〕24号"),  # a document's, not the reply's
    ("国家卫健委东北生育建议答复什么时候在网站公开的", "b18-fy-02", "2021-02-20"),  # 什么时候在网站公开: the page's date
    ("江川区政府前卫镇垃圾建议答复日期", "b38-rs-02", "2019年10月14日"),  # signed, then (联系人及电话:… on its line
    ("宿迁2025年计划配备多少套午休桌椅", "b52-wx-01", "4970套"),  # 全市计划配备…: a plan, as 计划新建 is
    ("广州登革热本地病例数", "b54-wz-01", "52例"),  # 病例数 asks a count
    ("杭州卫计委办蚊子工厂提案时向哪些单位了解情况", "b54-wz-02", "广州市爱卫办"),  # the opening says whom; 杭卫提: 杭州
    ("海南2014年芒果产量多少吨", "b54-mg-01", "45.25万吨"),
    ("龙陵县共确定了多少名地震应急第一响应人", "b17-fd-01", "375人"),
    ("沂水县杨柳絮建议答复的文号", "b56-fx-02", "(沂综执政协提案办)字第31号"),  # a bracketed issuer before 字第
    ("临汾酸枣提案答复的文号", "b56-za-01", "临自然资函〔2025〕号"),  # the page left the number blank
    ("沂水杨柳絮提案办理结果是什么类别", "b56-fx-02", "A:解决采纳"),  # the value alone, near no question
    ("临汾酸枣提案答复是什么类别", "b56-za-01", "B"),
    ("中牟杨树毛提案的主办单位", "b56-fx-03", "县林业局作为主办单位"),
    ("云南百香果提案是农业农村厅哪个处答复的", "b56-bg-01", "种业管理处"),  # the 处 asked, not the 厅
    ("连云区紫菜产量占全国多少", "b57-zp-01", "四分之一"),  # a share as a fraction, not 9个乡街
    ("紫菜养殖面积与占用海域面积的比例调整到多少", "b57-zp-01", "1:4以上"),  # as a ratio, not 10万亩
    ("旺苍高考中考期间噪音有没有专门管?", "b3-zs-03", "高、中考噪音整治"),  # asks how (专门), not whether a thing is
    ("新宾 下夹河 烈士纪念碑 政协提案 答复", "b3-tw-01", "第140号提案"),  # 政协提案 names the letter, not its subject
    ("交城段村 污水收集罐 多大", "b-ws-02", "30"),  # 吕梁市生态环境局交城分局 speaks for 交城
    ("河南餐饮油烟建议答复的发布机构是哪个处", "b51-yq-01", "大气环境处"),  # the label asked, where a frame writes it
    ("安康从什么时候开始把富硒产业纳入区域经济发展规划", "b59-se-01", "十一五"),  # a plan's period dates it
    ("十二五以来省科技厅在安康富硒上投入了多少钱", "b59-se-01", "1500多万元"),  # the body asked, by its name
    ("安康富硒产业2022年综合产值目标是多少", "b59-se-02", "850亿元"),  # 目标 is what the figure is, 产值 a sum
    ("龙泉青龙岗水源地日出水量多少", "b59-kw-01", "2500吨"),  # 出水量 said as 日出水2500吨
    ("安康富硒产业是什么产业布局", "b59-se-02", "一心两带三区多点"),  # the name quoted before 的产业布局
    # 三是大力选拔配备“五方面人员”。今年换届从乡镇事业编制人员、…中选拔39名…: the sentences under an item's title go
    # on about it, and a list asked is no figure: 39名 measures nothing asked
    ("剑阁说的五方面人员是哪些人", "b59-xg-01", "乡镇事业编制人员、优秀村党组织书记"),
    ("程晓凤代表提的建议题目是什么", "b60-ov-01", "建议交通部门整顿大货车超载超高"),  # 您提出了题为《…》的建议
    ("三源浦镇平房区线路改造什么时候完工", "b60-gn-02", "2024年年底完成施工"),  # 完成施工 is 完工
    ("吉视传媒柳河分公司秋季还要整修更换多少杆路", "b60-gn-02", "300级"),  # 杆 of 杆路 is no unit
    ("杨美丽代表建议成立什么来治超", "b60-ov-02", "成立治超领导小组"),  # her name identifies the letter, says nothing
    ("天门废旧电杆整治按照什么原则", "b60-gn-01", "优化配置,规范有序,整洁美观"),  # the name quoted before 的原则
    ("天门市经信局接下来对废弃电线杆整治怎么跟进", "b60-gn-01", "我局将开展不定期检查工作"),  # 接下来 asks a plan
    ("吉视传媒在柳河整治了多少级杆路,用了多久", "b60-gn-02", "500多级"),  # done (整治了), not 争取秋季再…300级
    ("商洛工信局会同谁研究办理免费WiFi提案", "b60-wi-01", "会同市智慧城市专班"),  # how it was handled: the opening
    ("交通运输部提高山区高速公路限速建议的答复是给哪位代表的", "b61-sl-02", "王娟玲代表"),  # the member it answers
    ("郑伯禄代表提的金鱼产业建议叫什么", "b61-kg-01", "金鱼产业第四次建议"),  # 《…第四次建议》(第1306号)由我办理
    ("港南区树种结构调整方案什么时候印发的", "b61-eu-01", "2015年10月"),  # 《…调整优化森林树种结构实施方案》
    ("哪些省份在公路限速问题上开展了探索与实践", "b61-sl-02", "重庆、福建、广西"),  # provinces named without 省
    ("银川市政协十三届五次会议第049号提案由哪个单位承办", "b62-wa-02", "该提案由银川市体育局承办"),  # the part asked
    ("银川第049号提案答复经哪位副市长审核", "b62-wa-02", "经李晓鹏副市长和陆斌局长审核同意"),
    ("花都区文广旅体局哪天和任升平委员座谈", "b62-wa-03", "8月27日"),  # contact with the member, named
    ("花都区为划船训练场地跟哪些单位沟通过", "b62-wa-03", "区城市管理和综合执法局、区水务局"),  # a long list
    ("洮北区业余体校建议是哪个部门答复的", "b62-ut-01", "洮北区文体局"),  # 提案答复:洮北区文体局, a label
    ("新密凸面镜答复的索引号", "b63-tm-01", "005307335/2020-00066"),  # the value alone: the page lost its label
    ("马关林草局第207号建议答复函什么时候更新的", "b63-lr-02", "2020/11/03"),  # 更新时间:, the page's own date
    ("哪个文件提出开展钢结构住宅试点和农房建设试点", "b63-gu-01", "《关于促进钢铁工业高质量发展的指导意见》"),  # the piece
    # before the one that quotes it
    ("王小宝的旅游景点交通标识提案原本由哪个部门主办", "b64-bp-01", "本意是由县公安局主办"),  # the opening says how it
    # was handled
    ("舞钢第70号提案答复抄送给了谁", "b64-bp-02", "抄送:市政协提案委"),  # the 抄送 line, not the salutation
    ("舞钢第70号提案答复印发日期", "b64-bp-02", "2017年8月16日印发"),  # the imprint
    ("怀远旅游标识牌是怎么选施工单位的", "b64-bp-01", "通过招标的方式"),  # how it was chosen, not which company
    ("非村小组聚集区基础设施什么时候安排资金", "b64-ju-02", "需要等纳入规划的自然村基础设施建设完成后"),  # when: after
    ("阜新县村级文化广场选址当时按什么要求", "b64-wb-02", "有意愿,有能力,有场地"),  # the letter writes 阜蒙县
    ("泸西司法局哪天跟教育体育局对接的", "b65-xk-02", "于7月28日"),  # a form's reply, after 办理复文:
    ("泸西阿庐文化广场宪法宣誓词墙体的提案由谁承办", "b65-xk-02", "泸西县司法局"),  # 谁承办: the body, 承办单位:
    ("佛营小学水冲厕所提案答复是哪天发的", "b65-ce-01", "2021-04-20"),  # 2021-04-20 文章来源: (the colon trimmed)
    ("汉阴三沈文化产业园计划什么时候实施", "b65-ah-01", "决定在“十三五”期间实施"),  # a decision to act in a period
    ("张店书画艺术展馆建议答复的文号", "b65-ah-02", "张文旅202019"),  # brackets and 号 lost before 签发人
    ("榆林市卫健委三孩政策提案答复的文号", "b18-fy-01", "榆政卫健函2022〕643号"),  # the opening bracket lost
    ("高峥嵘委员烂尾楼提案的答复标题", "b51-lb-02", "对市政协八届一次会议第93号提案的答复"),  # the reply's heading
    ("沈阳396号提案答复来源部门", "b31-fj-03", "再生资源管理办公室"),  # 来源:再生资源管理办公室
    ("教建议〔2016〕第475号答复的是什么建议", "b57-yn-01", "生命力与实效性的建议"),  # what was proposed
])
def test_the_answer_first_says_what_is_asked(searcher, question, letter_id, first):
    answer = answer_question(searcher, question)
    assert not answer["abstained"], answer.get("generator")
    assert answer["answer"][0]["letter_id"] == letter_id
    assert first in answer["answer"][0]["text"]


@pytest.mark.parametrize("question, said", [
    ("巫溪错车道答复的联系人和电话", ("赵进", "023-51522518")),  # (联系人:赵进;联系电话:…): both asked, both given
    ("大姚为什么不能把村组公路修宽", ("如果尽可能修宽", "补偿没有资金")),  # a condition, then the piece saying its consequence
    ("马关林草局什么时候派工作组实地调查龙子田道路", ("2020年8月24日,派出工作组",)),  # the date stays with its clause
    ("银川皮划艇协会的基地在哪 推广什么项目", ("利用鲁能陶然水岸原有码头为基地", "主要推广皮艇、桨板")),  # the whole
    # sentence, not only the piece that scored best
    ("中瑞领航城停水的第一个原因是什么？", ("频繁停水原因", "市水务公司整体供水总量不足")),  # a heading, then what follows it
    ("抚顺县英守村排房组文化广场为什么没列入今年计划", ("存在一些客观问题", "由于该地的地形地貌")),  # a difficulty, then
    # the cause the next sentence opens on
])
def test_the_answer_holds_all_that_is_asked(searcher, question, said):
    answer = answer_question(searcher, question)
    assert not answer["abstained"], answer.get("generator")
    joined = "".join(item["text"] for item in answer["answer"])
    assert all(part in joined for part in said), joined


def test_two_pieces_joined_mark_the_figure_of_the_one_that_answers(searcher):
    """狠抓…策划投资5000万元以上… | 建成…力争全年实现富硒产业综合产值850亿元: one item, its figure the target asked."""
    item = answer_question(searcher, "安康富硒产业2022年综合产值目标是多少")["answer"][0]
    assert item["text"].startswith("狠抓富硒产业项目建设") and item["figure"] == "850亿元"


def test_a_name_quoted_before_the_noun_asked_answers(searcher):
    """…以“协同联动、各负其责、跨前一步、闭环管理”的理念: 秉持什么理念 is answered by the name quoted before 的理念."""
    answer = answer_question(searcher, "高青县下一步窨井盖工作秉持什么理念")
    assert "协同联动、各负其责" in "".join(item["text"] for item in answer["answer"])


def test_the_figure_marked_is_the_total_asked_not_a_part_listed_after_it(searcher):
    """全市共有587处应急避难场所，…36处市级、221处镇街级…: the figure in bold is 587处."""
    answer = answer_question(searcher, "中山市一共有多少处应急避难场所")
    assert answer["answer"][0]["figure"] == "587处"


def test_a_plan_about_a_standard_is_answered_by_the_next_steps(searcher):
    """补助标准 names the subject of 下一步打算怎么做, not a figure asked."""
    question = "统一移民搬迁补助标准 陕西下一步打算怎么做"
    assert "number" not in question_types(question)
    answer = answer_question(searcher, question)
    assert not answer["abstained"], answer.get("generator")
    assert "提高移民搬迁补助标准" in "".join(item["text"] for item in answer["answer"])


@pytest.mark.parametrize("question", [
    "攀枝花2020年给仁和区自迁农民安排多少后续扶持资金",  # the letter gives 2019's
    "米易县凉山自发搬迁农民安置点道路硬化投入多少",  # 凉山 is no part of 米易县: the letter is 仁和区's
    "宁夏2025年新建了多少个应急避难场所",  # 银川市和10个县(区)完成了专项规划编制 counts counties, not shelters
    "开原市井盖管理是怎么答复的",  # 开原's letter is on dogs: it says 管理, but no 井盖
    "淄川结核病定点医院是哪家",  # 及时对学校、医院报告的涉疫师生开展筛查 names no hospital
    "绍兴地铁1号线什么时候开通",  # 待地铁1号线…开通…后 is the condition of a pedestrian street, not a date
    "市政协八届二次会议烂尾楼处置提案的答复",  # the letter answers a proposal of 八届一次会议
    "临港大道万祥段人行跨线天桥造价多少",  # 两处节点 counts the crossings, it is no cost
    "清水县新建博物馆的建议答复",  # the letter naming 清水三家村 is on 传统村落数字博物馆, it says no 新建博物馆
    "郑州金水区住宅区餐饮扰民建议的答复",  # 管城回族区's letter: 住宅区 is a kind of area, not a district in 金水区
    "陵水县2014年芒果产量多少吨",  # 2014年全省芒果收获面积…，总产量达45.25万吨: the province's, said in the clause before
    "保山市共确定了多少名地震应急第一响应人",  # 共确定…375人 is 龙陵县's, a county of 保山市
    "庆阳市辅警有没有职级晋升通道",  # the letter on 辅警 counts them by post, it names no 职级 or 晋升
    "仁寿县冷链静态库容量多少吨",  # 新增库容14530吨 is 眉山市's, a letter that names 仁寿 only elsewhere
    "临港大道泥城段人行天桥建议的答复",  # 镇安's letter on 人行天桥 names no 临港 and no 泥城
    "大冶跨境电商产业园选址在哪里",  # the 我市 of a 黄石市 letter that never names 大冶 is 黄石
    "巴中市精神卫生中心新院区什么时候建成",  # 十三五以来…建成投用 is a span up to now, no time it was built
    "石林县第十七届人大第四次会议第95号建议的答复",  # 第37号 of 第四次, or 第95号 of 第五次: the number must be said
    "宜良县对人参果产业发展提案的答复",  # 石林县's letter names 宜良 once, in passing
    "曲靖要求义务教育阶段逐步开设舞蹈戏剧影视课程吗",  # no letter names 舞蹈, 戏剧 or 影视
    "达州在高铁站设置文创产品宣传展示区了吗",  # 剑阁's letter does, 达州's names no 高铁站 or 展示区
    "许沛代表建议里台胞在大陆参加医保社保怎么答复的",  # her letter names no 医保 or 社保
    "八陡镇石炭坞铁路道口现在有多宽",  # 多宽 asks a length: 669油库 is none
    "大姚县农村公路设计宽度最宽到多少米",  # 路面有效宽度不少于3.5米 bounds it from below only
    "龙子田上组道路硬化需要多少资金",  # 补偿标准仅为30000元/公里 is a rate, not the sum needed
    "长治 主城区 便民服务点 一共设置了多少个？",  # 共设置897个充电桩: the verb asked names no 便民服务点
])
def test_what_no_letter_gives_abstains(searcher, question):
    assert answer_question(searcher, question)["abstained"]


def test_a_county_asked_by_another_form_of_its_name_ranks_its_letter_first(searcher):
    """阜新县 asked: the 阜蒙县 letter first, not 阜新市's (retrieval reads the level written, as answers do)."""
    assert searcher.search("阜新县村级文化广场选址当时按什么要求", top_k=1)[0]["letter_id"] == "b64-wb-02"


def test_an_autonomous_county_is_known_by_its_people_short_form():
    """阜新蒙古族自治县 is written 阜新县 and 阜蒙县 (the first characters of its name and of its people)."""
    assert set(other_forms("阜新", "县")) == {"阜新蒙古族自治县", "阜新县", "阜蒙县"}
    assert "杜蒙县" in other_forms("杜尔伯特", "县")
    assert other_forms("阜新", None) == () and other_forms("北京", "县") == ()


def test_places_and_plans_read_from_the_question():
    assert places_named("个旧市每天产生多少生活垃圾") == [("个旧", True)]  # 个旧 is an adjective to jieba
    assert places_named("郑州金水区住宅区餐饮扰民建议的答复") == [("郑州", False), ("金水", True)]  # 住宅区: a kind of area
    assert ("攀枝花", False) in places_named("2012年四川省政府同意每年给攀枝花自迁农民多少补助", frozenset({"攀枝花"}))
    assert not asks_plan("2019年市民族宗教委拿出多少后续扶持资金用于仁和区道路硬化")
    assert asks_plan("沈阳 城建图纸电子化 后续怎么推进")
    assert places_named("叶县哪几个村编制了民宿村发展规划")[0] == ("叶县", True)
    assert all(name != "哪几个" for name, _ in places_named("叶县哪几个村编制了民宿村发展规划"))
    assert question_types("遂宁市财政局下一步怎么处理特色农业保险分担比例") == ("plan",)  # how, not how much
    assert question_types("补贴标准是多少") == ("number",)
    assert named_asked("安康推进富硒产业链用什么作抓手") == "抓手" and not named_asked("吴忠家政标准建设建立了哪些制度")
    assert type_evidence(("other",), frozenset(), "以“链长制”为抓手，持续聚焦基地建设", named="抓手") == (1.0, [(1, 6)])
    assert type_evidence(("time",), frozenset(), "市委、市政府从“十一五”开始，已将富硒产业纳入规划")[0] > 0
    assert said_by_stem("出水量", "龙泉青龙岗水源地开采量日出水2500吨") and not said_by_stem("出水量", "出水口3个")
    assert lies_in("仁寿", "眉山") and not lies_in("恩平", "江门", "市")  # 恩平市 may be the 我市 of a 江门 letter
    assert codes_asked("石林县第十七届人大第四次会议第95号建议的答复") == ("95号",) and not codes_asked("地铁1号线什么时候开通")
    assert expected_units("秋季还要整修更换多少杆路") == frozenset() and "杆" in expected_units("更换多少杆")
    assert another_division("宜良", "石林彝族自治县") and not another_division("昆明", "石林彝族自治县")
    assert not another_division("仁寿", "眉山市")  # a county of the city
    assert places_named("综保区企业资质排摸 市发改委会同了哪些部门") == []  # 综保区 is a kind of area, no district
    assert bound_asked("农村公路设计宽度最宽到多少米") == "max" and bound_asked("最少补助多少") == "min"
    assert bounds_other_end("路面有效宽度不少于3.5米", "max", frozenset({"米"}))
    assert not bounds_other_end("路面宽度4.5米", "max", frozenset({"米"}))
    assert per_thing_only("补偿标准仅为30000元/公里", frozenset({"元"}))
    assert not per_thing_only("每年投入500万元", frozenset({"元", "万元"}))  # per year: a sum spent
