"""Kinds of question members type, answered over real letters of tests/data/blind2, blind3, blind4, blind5, blind6,
blind7, blind8, blind9, blind10, blind11, blind12, blind13, blind14, blind15, blind17, blind19, blind21, blind22, blind24,
blind25, blind27, blind28, blind31, blind32, blind33 and blind37 (development): a letter looked up by what it names, who was consulted, sums written without 元, a year a heading
gives, the day a reply was published."""
from __future__ import annotations

import shutil

import pytest
from conftest import data_path
from dafu.search.answer import answer_question
from dafu.search.fields import PROPOSER, asked_field, asks_frame
from dafu.search.names import places_named

LETTERS = ("b3-gr-02", "b3-gr-03", "b3-zs-02", "b3-zd-01", "b3-zd-02", "b3-zd-03", "b3-tw-01", "b3-xx-01",
           "b3-xx-03", "b3-dw-03", "b2-xl-03", "b2-zy-01", "b2-yz-02", "b2-ww-03", "b7-pp-01", "b7-ks-01",
           "b7-yu-03", "b7-zc-02", "b5-yc-03", "b8-nr-03", "b8-pk-01", "b9-sw-01", "b9-sw-03", "b9-tj-02", "b9-tj-03",
           "b9-cy-02", "b4-cd-01", "b8-hs-02", "b10-mf-01", "b10-mf-02", "b10-mf-03", "b7-ks-02", "b10-bn-02", "b8-da-03",
           "b11-hl-02", "b11-lu-03", "b11-lu-04", "b11-yg-02", "b11-yg-03", "b12-sx-01", "b12-sx-02", "b12-sx-03",
           "b12-sx-04", "b12-cs-01", "b12-cs-03", "b12-yo-01", "b12-ht-04", "b13-wr-02", "b13-sz-04", "b13-nb-01",
           "b14-zz-01", "b14-zz-02", "b14-zz-04", "b14-hy-01", "b14-hy-03", "b14-ci-01", "b14-ci-02", "b14-zb-02",
           "b15-sy-04", "b15-jx-01", "b15-zq-03", "b15-ll-02", "b17-tr-01", "b17-tr-03", "b17-tr-04", "b17-sq-02", "b17-sq-03",
           "b17-ds-01", "b17-ds-03", "b17-fd-01", "b13-tg-01", "b19-bx-01", "b19-bx-03", "b19-dy-01", "b19-dy-02",
           "b19-dy-03", "b19-wc-03", "t-gl-04", "b22-jr-01", "b22-jr-02", "b22-jr-04", "b22-ae-01", "b22-ae-02",
           "b22-st-02", "b22-zj-02", "b7-pp-03", "t-ly-07", "b22-jr-03", "b22-st-01", "b21-sg-01", "t-xw-03",
           "b21-th-02", "b5-xq-02", "b24-pj-03", "b24-fe-01", "b24-hg-01", "b24-gz-03", "b24-pj-02",
           "b24-fe-02", "b12-ht-03", "b25-hh-01", "b25-hh-02", "b25-jt-02", "b25-pl-01", "b25-pl-02", "b25-vg-01",
           "b25-vg-02", "b27-bw-01", "b27-bw-03", "b27-zm-01", "b27-zm-02", "b27-zm-03", "b27-ms-02", "b27-ms-03",
           "b27-lz-01", "b21-th-03", "b21-yy-01", "b21-tl-03", "b28-yd-03", "b28-sh-01", "b28-jw-01", "b28-lf-02",
           "t-tsg-03", "b13-sz-02", "b23-cb-03", "b29-jy-02", "b29-dz-01", "b2-zy-03", "b33-yx-01", "b33-yx-02",
           "b33-yx-03", "b33-ek-01", "b33-ek-03", "b32-te-04", "b4-cd-03", "b37-kj-01", "b37-qg-01", "b37-ai-01",
           "b37-ai-02", "b37-pc-01", "b31-uf-02", "b9-jl-01", "b9-sw-02", "b6-nj-03", "b12-ht-01", "b3-gr-01",
           "b31-fj-03", "b33-az-03", "b8-hs-02", "b15-sy-02")
SETS = {"b2": "blind2", "b3": "blind3", "b6": "blind6", "b4": "blind4", "b5": "blind5", "b7": "blind7", "b8": "blind8", "b9": "blind9",
        "b10": "blind10", "b11": "blind11", "b12": "blind12", "b13": "blind13", "b14": "blind14", "b15": "blind15",
        "b17": "blind17", "b19": "blind19", "b21": "blind21", "b22": "blind22", "b24": "blind24", "b25": "blind25",
        "b23": "blind23", "b27": "blind27", "b28": "blind28", "b29": "blind29", "b32": "blind32", "b33": "blind33",
        "b31": "blind31", "b37": "blind37", "t": "topics"}


@pytest.fixture(scope="module")
def searcher(seed_index, tmp_path_factory):
    """The seed letters and fifty real letters on 供暖, 噪声, 宅基地, 烈士纪念设施, 献血, 农村电网, 心理援助热线,
    中医, 野猪, 文物, 地理标志, 废弃矿山, 违法捕捞, 商标, 大气污染, 农村公路, 口袋公园, 城市供水, 人民调解, 茶, 充电桩,
    婚俗, 中蜂, 应急避难场所, 城建档案, 红色旅游, 露营, 渔港, 松材线虫病, 蚕桑, 油茶, 核桃, 红火蚁, 生猪屠宰, 农业保险, 种业,
    内河航运, 慈善, 国防教育, 食用菌, 家政, 青少年体育, 冷链物流, 土壤污染, 社区矫正, 电商, 防震减灾, 冰雪运动, 动物防疫,
    未成年人保护, 退役军人优待, 烈士陵园, AED, 水土保持, 村庄规划, 青少年活动中心, 林业碳汇, 畜禽养殖污染, 中小企业融资, 风电,
    花卉, 家庭教育, 限塑, 设施农业, 博物馆, 中药材, 马拉松, 老字号, 金丝猴救助, 社会组织, 地下水, 国有林场, 草原补奖, 近视防控,
    地质灾害搬迁, 研学旅行, 儿科, 特殊教育, 跨境电商, 遗体捐献, 人工智能, 预制菜, 校服, 建筑垃圾, 集体经济, 再生资源,
    传染病防控, 红松菌 and,
    from the topics set, 农村公路 of 平江县, 民宿 of 周口, 马关's 都龙小学 and 垫江's 农家书屋."""
    from dafu.index.build import build_index
    from dafu.search.api import Searcher

    root = tmp_path_factory.mktemp("kinds")
    folder = root / "letters"
    folder.mkdir()
    for letter_id in LETTERS:
        shutil.copy(data_path(SETS[letter_id.split("-")[0]], "letters", f"{letter_id}.txt"), folder)
    shutil.copytree(seed_index, root / "index")
    build_index([folder], index_dir=root / "index")
    return Searcher.open(root / "index")


def _answer(searcher, question: str) -> str:
    answer = answer_question(searcher, question)
    assert not answer["abstained"], answer.get("generator")
    return "".join(item["text"] for item in answer["answer"])


@pytest.mark.parametrize("query, letter_id, names", [
    ("新密 矿区供暖 政协提案 回复", "b3-gr-02", "第132号提案"),
    ("温泉县 查干屯格 街区供暖 人大建议 答复", "b3-gr-03", "第20号建议"),
])
def test_a_letter_looked_up_by_what_it_names(searcher, query, letter_id, names):
    """No question word, only place, subject and 提案/答复: the letter's heading and opening first, then its reply."""
    assert names in searcher.search(query, top_k=1)[0]["text"]
    answer = answer_question(searcher, query)
    assert not answer["abstained"]
    assert {item["letter_id"] for item in answer["answer"]} == {letter_id}
    assert names in answer["answer"][0]["text"]
    assert any("收悉" not in item["text"] and names not in item["text"] for item in answer["answer"][1:])


def test_letters_of_the_place_asked_first(searcher):
    """Two 宅基地 letters of two districts of 广州: the one of 番禺 first when 番禺 is asked, though the other
    holds more of the query's words."""
    top = searcher.search("番禺 宅基地建房 代表建议 答复", top_k=1)[0]
    assert top["letter_id"] == "b3-zd-02" and "第8号" in top["text"]
    assert searcher.search("大洼设固定献血屋的提案是第几号", top_k=1)[0]["letter_id"] == "b3-xx-03"


def test_a_question_is_no_lookup(searcher):
    """The same words with a question word ask something of the reply, not for its heading."""
    text = _answer(searcher, "新密矿区供暖提案里市政府临时授权给哪个公司接手经营?")
    assert "慧居热力" in text and "第132号提案" not in text


def test_who_was_consulted_and_how_the_member_was(searcher):
    assert "市公安局、城管局" in _answer(searcher, "三门峡 噪声 提案 答复 生态环境局跟哪些部门一起研究的")
    assert "5月13日进行了电话沟通" in _answer(searcher, "花都宅基地报建建议办理时有没有跟代表沟通")


def test_sums_and_sizes_as_written(searcher):
    assert "282万" in _answer(searcher, "新宾县烈士纪念设施集中整修中央补了多少钱?")  # no 元
    assert "47万元" in _answer(searcher, "金寨县新城区献血屋预算多少钱?")  # 新城区 is a kind of area, not what is paid
    assert "60-80平方米" in _answer(searcher, "金寨献血屋打算建多大面积?")  # 多大面积 asks the 面积


def test_a_rate_per_the_thing_asked_and_the_ratio_asked(searcher):
    """每亩 is met by a figure per 亩, not by 每年安排…亿元; 每人 not by 4万元/户; 近视率 not by another ratio (开设率)."""
    assert "每亩7.5元" in _answer(searcher, "草原禁牧补助每亩多少元")
    assert "187.6亿元" in _answer(searcher, "草原补奖资金每年安排多少")
    assert "4万元/户" in _answer(searcher, "陷塘村地质灾害整村搬迁每户能补助多少")
    assert answer_question(searcher, "陷塘村地质灾害整村搬迁每人补助多少钱")["abstained"]
    assert "开设率达到100%" in _answer(searcher, "抚远中小学健康教育课开设率要达到多少")
    assert answer_question(searcher, "抚远市学生总体近视率是多少")["abstained"]


def test_the_event_a_time_question_dates(searcher):
    """什么时候成立 is not dated by a notice issued (2022年8月印发了《…通知》), which dates 什么时候印发."""
    assert "2022年8月" in _answer(searcher, "福建林业碳汇相关通知什么时候印发")
    assert answer_question(searcher, "福建省林业碳汇计量评估中心什么时候成立")["abstained"]


def test_plans_and_periods(searcher):
    assert "拟提高人均宅基地面积标准" in _answer(searcher, "重庆会不会提高农村宅基地面积标准?")
    assert "十四五" in _answer(searcher, "达川农村低电压问题什么时候能彻底解决?")


def test_a_year_the_heading_gives(searcher):
    """Under (一)2024年全市声环境基本情况, a sentence without a year of its own is about 2024, not 2023."""
    assert answer_question(searcher, "三门峡2023年夜间声环境达标率是多少?")["abstained"]
    assert "89.3%" in _answer(searcher, "三门峡2024年夜间声环境达标率是多少?")


def test_a_year_the_sentence_gives_before_its_items(searcher):
    """2018年,…;PM10…;优良天数168天: the items after ；are of 2018, and do not answer a question about 2019."""
    assert "优良天数168天" in _answer(searcher, "郑州2018年空气优良天数有多少天？")
    assert answer_question(searcher, "郑州2019年全年空气优良天数多少天？")["abstained"]


def test_the_kind_of_sum_asked(searcher):
    """A sum of a named kind (补贴, 品牌价值, 租金) is given by a sentence naming that kind, or one of its words (a
    补贴 paid as a 补助); 展销会上的10余家企业 is no 品牌价值."""
    assert "282万" in _answer(searcher, "新宾县烈士纪念设施集中整修中央补贴了多少钱?")
    assert answer_question(searcher, "乳山绿茶 品牌价值 多少亿")["abstained"]
    assert "10余家" in _answer(searcher, "乳山每年组织多少家茶企参加全国性展销会？")


def test_who_proposed_named_without_a_colon(searcher):
    """哪两位委员提的 asks who proposed; the page's salutation lost its colon (尊敬的汪小玲、刘胜委员)."""
    assert "汪小玲、刘胜委员" in searcher.search("池州市口袋公园提案是哪两位委员提的？", top_k=1)[0]["text"]
    assert "汪小玲、刘胜委员" in _answer(searcher, "池州市口袋公园提案是哪两位委员提的？")


def test_the_signature_date_is_no_date_of_what_is_asked(searcher):
    """A closing of only a date (2021年9月12日) says when the reply was signed, not when 路长制 began."""
    assert answer_question(searcher, "隆尧县路长制什么时候正式实施？")["abstained"]
    assert "2021年9月12日" in _answer(searcher, "隆尧县农村公路养护建议哪天答复的")


def test_a_page_label_on_its_own_line_gives_the_line_after_it(searcher):
    """发文日期 and 文号 on lines of their own, their values on the next (a page table flattened)."""
    assert "2021年08月18日" in _answer(searcher, "周书安代表 用水建议 答复的发文日期")
    assert "十城执委函〔2021〕62号" in _answer(searcher, "十堰市城管执法委答复周书安代表的文号是什么？")
    assert "063号代表建议" in _answer(searcher, "宋彩琴代表的二次供水建议是第几号？")


def test_what_a_member_proposed(searcher):
    """建议是关于什么的 / 提了什么建议 asks what was proposed: the opening that names it answers."""
    assert "关于全面推进机采茶标准化规模化生产的建议" in _answer(searcher, "蔡礼军代表第43号建议是关于什么的？")


def test_a_member_named_is_answered_by_the_letter_to_them(searcher):
    """杨天成 is the member of b9-tj-03: a letter to 段治明委员 on the same subject does not answer."""
    answer = answer_question(searcher, "杨天成 提案 县(市、区)多久排查一次")
    assert {item["letter_id"] for item in answer["answer"]} == {"b9-tj-03"}
    assert "县(市、区)每季度开展一次排查" in answer["answer"][0]["text"]


def test_the_letter_to_the_member_named_is_searched_first(searcher):
    """晏胤人 is the member of b10-bn-02: search puts the letters naming the member asked before the others."""
    assert searcher.search("晏胤人代表提出的改造原则是什么", top_k=1)[0]["letter_id"] == "b10-bn-02"
    assert searcher.search("杨天成 提案 县(市、区)多久排查一次", top_k=1)[0]["letter_id"] == "b9-tj-03"


def test_two_pieces_of_one_sentence_are_given_as_one(searcher):
    """The pieces of a long sentence that both answer come as one item, cited by the offsets of both."""
    answer = answer_question(searcher, "选聘人民调解员优先选什么样的人？")
    item = next(i for i in answer["answer"] if "优先选择" in i["text"])
    assert "有一定文化水平,并且会使用计算机的人员中优先选择" in item["text"]
    assert searcher.by_id[item["letter_id"]]["body"][item["start"]:item["end"]] == item["text"]


def test_members_are_read_from_the_addressees():
    from dafu.search.asked import Asked
    from dafu.search.members import archive_members

    members = archive_members(["田宝辉、刘军军委员", "胡桂花等66位代表", "尊敬的周鑫代表", "各位委员", None])
    assert members == {"田宝辉", "刘军军", "胡桂花", "周鑫"}
    assert Asked.of("刘军军委员的提案答复了什么", members=members).members == ("刘军军",)


def test_the_rest_of_a_long_sentence_that_gives_the_cause(searcher):
    """The best piece names the project, the next piece of the same sentence says why it is late."""
    assert "疫情影响未能按时完工" in _answer(searcher, "查干屯格乡煤改电为什么一直没完工?")


def test_working_days_are_counted_in_days(searcher):
    """几个工作日 asks a time limit: the letter's 80平方米 and 280平方米 do not answer it."""
    assert answer_question(searcher, "花都宅基地审批办理时限是几个工作日?")["abstained"]


def test_a_place_jieba_splits_before_a_kind_of_area():
    """jieba cuts 坪山区 into 坪 + 山区 (a kind of area): the name is still read; 在山区 names no place."""
    from dafu.search.names import places_named

    assert places_named("坪山区厨余垃圾处理厂每天能处理多少吨") == [("坪山", True)]
    assert places_named("在山区修路要多少钱") == []


def test_an_autonomous_county_by_its_short_name(searcher):
    """彭水 names 彭水苗族土家族自治县: the archive knows it as a place, and only its letter answers who replied."""
    from dafu.search.names import archive_places

    assert "彭水" in archive_places({"region": ["彭水苗族土家族自治县"], "agency": []})
    answer = answer_question(searcher, "彭水答复中药材基地建议的单位")
    assert answer["answer"] and {item["letter_id"] for item in answer["answer"]} == {"b27-zm-03"}
    assert "彭水苗族土家族自治县农业农村委员会" in answer["answer"][0]["text"]


def test_hotlines_months_heads_and_waiting_for_a_step(searcher):
    assert "96320-1" in _answer(searcher, "重庆市心理援助热线号码是多少")  # a hotline's number is a field
    assert "猎捕野猪330头" in _answer(searcher, "芜湖2023年计划猎捕多少头野猪")  # 头 counts animals
    assert "成功申报为第九批省级文物保护单位后" in _answer(searcher, "新平联席会议旧址修缮资金什么时候申请")


@pytest.mark.parametrize("question, day", [
    ("乳山三宝地理标志品牌的代表建议是哪天答复的", "2023-04-30"),  # 发布日期:2023-04-30: the page dates it
    ("永川 废弃矿山 吴至惠 复函 日期", "2023-05-24"),  # 日期:2023-05-24 in the page's header
])
def test_the_day_of_a_reply_the_page_gives(searcher, question, day):
    assert day in _answer(searcher, question)


def test_the_signed_day_before_the_day_the_page_gives(searcher):
    """新平's reply is signed 2024624 and its page says 时间:2024-06-28: the signature answers."""
    answer = _answer(searcher, "新平 联席会议旧址 修缮 建议 哪天答复的")
    assert "2024624" in answer and "2024-06-28" not in answer


def test_the_bodies_consulted_and_how_many_members_proposed(searcher):
    assert "区公安分局" in _answer(searcher, "台儿庄区062号提案的会办单位是哪个")  # 经商会办单位(区公安分局)
    assert "66位代表" in _answer(searcher, "认定水泊梁山商标为驰名商标的建议是多少位代表提的")  # the salutation


def test_square_kilometres_and_metres_written_in_latin_are_areas():
    from dafu.search.figures import expected_units, figures

    text = "“十三五”期间完成治理水土流失面积544.70km2，新建广场1200m²，PM2.5浓度下降，道路长3.5km。"
    wanted = expected_units("玉林治理了多少水土流失面积")
    assert [f.unit for f in figures(text) if f.unit in wanted] == ["km2", "m2"]


def test_a_unit_written_in_latin_answers_the_unit_asked(searcher):
    """多少公里 is answered by 23880km, 多少千瓦 by kW: one measure in either script."""
    from dafu.search.figures import expected_units

    assert "23880km" in _answer(searcher, "隆尧县公路巡养累计多少公里")
    assert {"km", "千米"} <= expected_units("修了多少公里") and "kw" in expected_units("装机多少千瓦")
    assert "km" not in expected_units("面积多少平方米")
    assert expected_units("2024年发生了多少起校园欺凌事件") == {"起"}
    assert {"人", "名"} <= expected_units("有几个社区矫正对象") and "人" not in expected_units("有几个工作小组")


def test_a_count_is_not_answered_by_a_measure():
    """几个消纳场 asks a count: 1050平方公里 gives none, nor does 六部门 count 委员会; 几个部门 is met by 6部门."""
    from dafu.search.figures import expected_units, type_evidence

    count = expected_units("隆阳区现有几个建筑垃圾消纳场？")
    assert type_evidence(("number",), count, "强化对规划控制区1050平方公里的建筑垃圾排放管理")[0] == 0.0
    assert type_evidence(("number",), count, "建成建筑垃圾消纳场3处")[0] > 0.0
    assert type_evidence(("number",), expected_units("有多少个人民调解委员会"), "市司法局等六部门联合印发")[0] == 0.0
    assert type_evidence(("number",), expected_units("是几个部门印发的"), "农业农村部等6部门印发《通知》")[0] == 1.0
    assert {"公里", "年"} <= expected_units("番禺这几年改了多少公里盘立管道?")  # 几年 does not swallow 多少


def test_a_street_named_with_its_level_is_a_place():
    from dafu.search.names import places_named

    assert ("友谊路", True) in places_named("宝山友谊路街道二次供水改造投资多少")
    assert places_named("各乡镇街道的垃圾怎么清运") == []


def test_a_month_is_a_date():
    from dafu.search.figures import dates

    text = "正在进行深化设计,预计9月份可以开工建设。"
    assert [text[a:b] for a, b in dates(text)] == ["9月份"]


def test_a_letter_that_names_no_place_is_not_of_another_place(archive_searcher):
    """t-gy-06 kept only the reply (no region, no bureau, no place in its text): asked about 二道江区, it answers;
    a letter that names its place (晋安区, 泉州) still does not answer for another."""
    assert "通过三方报价方式聘请专业养护团队" in _answer(archive_searcher, "二道江区城区绿地养护是怎么找养护队伍的?")
    assert answer_question(archive_searcher, "鼓楼区家庭养老床位有多少张")["abstained"]


def test_keyword_queries_that_end_in_what_they_count(searcher):
    """楚雄 公共充电枪 数量 and 罚款标准 ask a number in keywords (数量 asks; it is not what must be named), so a
    sentence without the figure of the kind asked answers nothing."""
    assert "1991个公共充电枪" in _answer(searcher, "楚雄 公共充电枪 数量")
    assert answer_question(searcher, "庆阳 婚姻中介 违规敛财 罚款标准")["abstained"]


def test_a_figure_asked_of_a_year_is_dated_with_it(searcher):
    """犍为's letter names 2025 but not for its count of 初加工企业; 城口 is a place though jieba cuts 城/口中/蜂, so
    泰顺's 年产值 does not answer it."""
    from dafu.search.names import places_named

    assert answer_question(searcher, "犍为县2025年春茶鲜叶产量是多少？")["abstained"]
    assert ("城口", False) in places_named("城口蜂蜜年产值有多少", frozenset({"城口"}))
    assert places_named("中山路改造进度", frozenset({"中山"})) == []
    assert answer_question(searcher, "城口蜂蜜年产值有多少？")["abstained"]
    assert "8600多万元" in _answer(searcher, "泰顺蜂蜜年产值有多少？")


def test_a_document_asked_of_is_named_and_a_nationwide_figure_is_no_local_one():
    """云南省传统村落保护条例什么时候施行 names a 条例 by its place, which the sentence must name (not 2020年中央一号文件…),
    with its own words in order; 什么时候纳入评价方案 and 其他市县的应急避难场所专项规划 name none (a kind of plan); 全国 asks
    no 全县 figure."""
    from dafu.search.asked import Asked

    assert Asked.of("云南省传统村落保护条例什么时候施行？").document == ("传统村落保护", "条例")
    assert Asked.of("全国养蜂业“十三五”发展规划是什么时候印发的？").document == ("养蜂业十三五发展", "规划")
    assert Asked.of("宁夏其他市县的应急避难场所专项规划什么时候完成").document == ()
    assert Asked.of("武清 建筑垃圾治理考核 什么时候纳入评价方案").document == ()
    assert Asked.of("全国现在有多少群蜜蜂？").nationwide and not Asked.of("多少家茶企参加全国性展销会").nationwide


def test_a_document_asked_of_is_named_by_the_sentence_that_dates_it(searcher):
    """农业农村部's letter names 《全国养蜂业“十二五”发展规划》, not the 十三五 one asked; 清远's plan is dated where named;
    沈阳's letter names its 条例 with no date (下一步, 拟在…中予以明确), which dates nothing."""
    assert answer_question(searcher, "全国养蜂业“十三五”发展规划是什么时候印发的？")["abstained"]
    assert "2018年12月底前" in _answer(searcher, "清远市县级矿山地质环境保护与治理规划什么时候编完？")
    assert answer_question(searcher, "沈阳市城市建设档案管理条例什么时候施行？")["abstained"]  # 下一步,拟在《…条例》中…


def test_fields_asked_in_members_words():
    """提案号 asks the number, 答复落款日期 the reply's date, 收集了哪些部门的回复 the bodies consulted (not who replied)."""
    from dafu.corpus.normalize import normalize_for_index
    from dafu.search.fields import REPLY_DATE, REPLYING_BODY, asked_field

    assert asked_field(normalize_for_index("宋光兴委员 传统村落 提案号")).search("(第0637号提案)")
    assert asked_field(normalize_for_index("马尾区商务局 母婴室提案 答复落款日期")) is REPLY_DATE
    consulted = asked_field(normalize_for_index("雅安市卫健委答复母婴室建议收集了哪些部门的回复？"))
    assert consulted is not REPLYING_BODY
    assert consulted.search(normalize_for_index("市卫生健康委作为牵头单位,收集了市发展改革委、住房和城乡建设局、交通运输局、"
                                                "文化体育和旅游局、总工会、妇联等部门回复"))
    assert asked_field(normalize_for_index("哪个部门答复的")) is REPLYING_BODY


def test_which_town_names_no_town_and_a_category_line_is_kept():
    """哪个镇 asks a town, it names none (长子 is the place); 办理结果:B, short as it is, answers 办理结果是哪一类."""
    from dafu.search.names import places_named
    from dafu.search.units import split_units

    assert places_named("长子哪个镇成立了公益红娘？", frozenset({"长子"})) == [("长子", False)]
    assert ("山镇", True) in places_named("泉港界山镇")
    passage = {"letter_id": "b8-pk-02", "start": 0, "text": "涵住建办〔2022〕16号\n办理结果:B\n李继东代表:\n您提出的建议已收悉。"}
    assert "办理结果:B" in [unit.text for unit in split_units(passage, 0)]


def test_what_a_time_question_dates_and_what_next_steps_ask(searcher):
    """什么时候开工 is dated by 开工 (预计9月份可以开工建设), not by 已完成…招标工作; 几A级 counts A级; 下一步怎么做 is
    answered by what the reply commits to, not by 目前…设有帐篷区; 答的是哪件建议 asks the proposal's title."""
    from dafu.search.events import events_asked

    assert events_asked("霍山县中医馆什么时候开工").search("预计9月份可以开工建设")
    assert events_asked("哪天组织铁塔和三家运营商去现场查看的") is None  # 运营 of 运营商 is no event asked
    assert events_asked("出租车起步价什么时候调整").search("起步价由8元上调至10元")
    assert not events_asked("出租车起步价什么时候调整").search("2005年以来，我市交通运输局、公安局通力协作")
    assert not events_asked("粮食安全保障法什么时候通过施行").search("2018年、2019年连续两年的中央一号文件都提出明确要求")
    assert "开工" in _answer(searcher, "霍山县中医馆什么时候开工")
    assert answer_question(searcher, "海头渔港升级改造什么时候开工？")["abstained"]
    assert "4A级" in _answer(searcher, "渭南市博物馆是几A级景区")
    assert "将继续收集" in _answer(searcher, "罗湖区对公园帐篷管理下一步怎么做")
    assert "《关于进一步明确我市帐篷管理指引的建议》" in _answer(searcher, "罗湖区帐篷汇办意见答的是哪件建议？")


def test_a_kind_of_sum_is_named_outside_titles(searcher):
    """台山's campaign 《…百万购车补贴享不停…方案》 names no 补贴 its figures give; 中央补助资金 asks a 补助."""
    from dafu.search.figures import sum_kind

    assert "补助" in sum_kind("福建省渔港建设中央补助资金有多少")
    assert answer_question(searcher, "台山对露营地建设有什么补贴标准？")["abstained"]
    assert answer_question(searcher, "泉港渔港建设中央补助资金有多少？")["abstained"]


def test_a_rank_and_a_company_asked(searcher):
    """排第几 asks a rank (居陕西第二, 之首), not a number; 中标单位 asks a company; 从几号到几号 asks dates."""
    from dafu.search.figures import question_types

    assert question_types("腾冲传统村落数量在全国排第几")[0] == "rank"
    assert question_types("丰南区淡水禁渔期是从几号到几号？") == ("time",)
    assert "第二" in _answer(searcher, "渭南红色旅游资源在陕西排第几？")
    assert "福建通港建设有限公司" in _answer(searcher, "诚平二级渔港的中标单位是哪家")


def test_what_a_body_asked_of_does():
    """由谁提供担保 asks who guarantees, not who proposed (谁提…); the sentence naming the body says 担保 or 批准."""
    from dafu.corpus.normalize import normalize_for_index
    from dafu.search.fields import PROPOSER, asked_field
    from dafu.search.events import action_asked

    assert asked_field(normalize_for_index("临沭 强村贷 由谁提供担保？")) is not PROPOSER
    assert asked_field(normalize_for_index("这个建议是谁提的")) is PROPOSER
    assert action_asked("鸭子河湿地自然保护区是哪年谁批准建立的") == "批准"
    assert action_asked("安宁古树日常巡查管护由谁负责") is None  # 负责 is answered in many words (由…管护)


def test_a_stance_asked():
    """什么态度 asks the reply's stance (完全赞成, 深表认同): a sentence that says one is preferred."""
    from dafu.search.figures import question_types, type_evidence

    assert question_types("广州市旅游局对发展红色旅游的提案什么态度") == ("stance",)
    assert type_evidence(("stance",), frozenset(), "我局完全赞成你们提出的建议。")[0] == 1.0
    assert type_evidence(("stance",), frozenset(), "大力发展红色旅游将起积极作用。")[0] < 1.0


@pytest.mark.parametrize("question, said", [
    ("张燕委员提的松材线虫病提案叫什么", "多措並舉"),  # a mirror copy in traditional script: 張燕委員
    ("岳阳县哪年第一次发现松材线虫病", "2018年"),  # 首次
    ("松材线虫病防控 工信部门负责什么", "工业和信息化部门"),
    ("大别山老区油茶复文哪天发布的", "2019-11-08"),  # the page's day beside 来源
    ("隆阳区林草局答复第060号建议是哪天", "2023-08-18"),
    ("市政协四届四次会议第286号提案办理情况是哪一类", "(A)"),  # the category in the title
    ("永泰县林业局这件提案的分管领导", "赖智如"),
    ("2016年全国桑园面积多少", "1200多万亩"),
    ("太极镇食用菌菌种场设计产能多少？", "150万棒"),
    ("打孔注药一般什么时候做", "春节前后"),
    ("黔江农业产业化奖励扶持办法有效期到什么时候？", "2023年12月31日"),  # 该《办法》有效期至, the 办法 named before
    ("太极镇菌种场前期是谁经营的？", "弘凡"),
])
def test_script_departments_page_dates_and_kinds_of_figure(searcher, question, said):
    """A mirror copy in traditional script answers its member and 第一次 (首次); 工信部门 finds 工业和信息化部门; a page's
    day beside 来源, a category in the title, a 分管领导; 1200多万亩 and 150万棒 are figures, 春节前后 a time, 有效期至
    dates the 办法 named before; 谁经营的 is said by 经营."""
    assert said in _answer(searcher, question)


def test_a_price_is_no_subsidy(searcher):
    """每棒卖多少钱 asks a price, which a 补助 per 棒 does not give."""
    assert answer_question(searcher, "黔江桑枝菌菌棒每棒卖多少钱")["abstained"]


def test_the_replys_own_number_day_and_the_proposals_it_answers(searcher):
    """文号 asks the reply's own (临农函〔2023〕20号), not a notice it cites (农农发〔2021〕3号); 答复王代福是哪天 asks the
    reply's day; 哪几号 the numbers of the proposals answered together; 会同哪些部门 who was consulted; 办理情况什么时候发布
    the page's day."""
    from dafu.corpus.normalize import normalize_for_index
    from dafu.search.fields import PROPOSAL_NUMBER, REPLY_DATE, asked_field

    assert "临农函〔2023〕20号" in _answer(searcher, "临沧市农业农村局答复红火蚁提案的文号")
    assert "2019年7月4日" in _answer(searcher, "马关县农业农村和科学技术局答复王代福是哪天")
    assert asked_field(normalize_for_index("答复说开工是哪天")) is not REPLY_DATE  # a day the reply gives
    assert asked_field(normalize_for_index("广东省农业厅集合办理了哪几号农业保险建议")) is PROPOSAL_NUMBER
    assert "第1435号" in _answer(searcher, "广东省农业厅集合办理了哪几号农业保险建议")
    assert "2016-08-15" in _answer(searcher, "广东省农业厅第1435号建议办理情况什么时候发布")
    assert "会同" in _answer(searcher, "广东农业保险建议是会同哪些部门办理的？")


@pytest.mark.parametrize("question, said", [
    ("省政协十三届二次会议第1173号提案由哪些单位会办", "铜仁市人民政府会办"),  # 单位会办, not only 会办单位
    ("崇明第8号建议会同哪些单位办理", "区国动办"),
    ("河南省十四届人大一次会议第510号建议办理结果", "办理结果:A"),  # the category asked as 办理结果
    ("崇明区二届人大五次会议第8号建议办理结果", "已经解决"),
    ("支持水富港建设的建议是哪些代表提的", "郭大进等7名代表"),
    ("白河南阳至豫鄂省界航运工程的建议是哪几位代表提的", "曾伟、冀洪策"),  # not 各位代表提出的…
    ("中山打造慈善主题公园的提案是谁提的", "張玲等委員"),  # a salutation in traditional script
    ("中山2021年全年慈善捐赠多少亿元", "3.08億元"),  # 多少亿元: a figure in 元 with 亿
    ("农业农村部答复曾洪扬等代表的日期", "2023年7月20日"),  # the signature at the end, not the copy's 来源 day
    ("赤水市农业局答复马铃薯种薯提案的日期", "二OO七年六月三十日"),  # an encyclopedia's [1] after it
    ("岑巩2023年水稻制种面积多少万亩", "3.81万亩"),  # ,2023岑巩…: a page that lost 年
    ("水富港能不能纳入国家内河主要港口", "统筹考虑水富港发展问题"),  # not the heading 二、关于水富港纳入…
])
def test_fields_in_other_words_scripts_and_lost_marks(searcher, question, said):
    """会办 and 会同 asked after the bodies, 办理结果 as the category, 哪些代表 and a salutation in traditional script as
    who proposed, 亿元 as 元, the signed day wherever it stands in the letter, a year that lost its 年; a heading
    that restates the proposal's point answers nothing."""
    assert said in _answer(searcher, question)


def test_a_magnitude_asked_with_its_unit_and_a_difficulty_asked_where():
    """多少亿元 is answered by 3.08亿元 (a figure in 元 with 亿), 多少万人 by 3万人; 难在哪里 asks a cause, not a place."""
    from dafu.search.figures import expected_units, question_types, type_evidence

    assert type_evidence(("number",), expected_units("捐赠多少亿元"), "捐赠3.08亿元")[0] == 1.0
    assert type_evidence(("number",), expected_units("服务了多少万人"), "服务3万人")[0] == 1.0
    assert question_types("启动种薯繁育工程难在哪里") == ("reason",)


@pytest.mark.parametrize("question, said", [
    ("十堰市有多少个食用菌专业合作社", "452个"),  # a letter of 郧阳区 (市蔬菜产业发展中心) that never names 十堰
    ("眉山建设了多少个低温气调库", "47个"),  # a letter of 青神县 on 眉山's cold chain, not of a 试点县
    ("十堰郧阳区香菇提案答复函什么时候发的", "2023年07月05日"),
    ("关于支持郧阳区香菇产业发展的提案是谁提的", "李涛、魏春梅委员"),  # after an empty 文号 label
    ("邯郸市十五届人大三次会议第120号建议是谁提的", "王铁炜代表"),  # 人大 of 人大代表 is no member's name
    ("临沂市体育局答复青少年体育兴趣提案的发布日期", "2025-07-29"),
])
def test_places_above_a_county_parties_and_other_forms(searcher, question, said):
    """The city and province above a letter's county (national list of divisions) answer for it; 什么时候发的 and
    的发布日期 ask the day."""
    assert said in _answer(searcher, question)


def test_a_party_proposes_and_a_sum_arranged_is_no_rank():
    """致公党中央: is a salutation (who proposed); 经商哪个部门 asks who was consulted, not who replied; 安排多少 asks a
    sum, not a rank (排多少)."""
    from dafu.corpus.normalize import normalize_for_index
    from dafu.corpus.metadata import SALUTATION
    from dafu.search.fields import REPLYING_BODY, asked_field
    from dafu.search.figures import question_types

    assert SALUTATION.match("致公党中央:") and SALUTATION.match("民盟中央：")
    field = asked_field(normalize_for_index("致公党中央的提案，农业农村部经商哪个部门答复"))
    assert field is not None and field is not REPLYING_BODY and field.search("经商财政部,现答复如下")
    assert question_types("2019年中央财政安排多少补助资金支持秸秆综合利用") == ("number",)


def test_places_above_and_whole_numbers():
    """郧阳区 lies in 十堰市, 湖北省; 鼓楼区 (four cities) only where the letter names one of them; 201 is not said by
    2019年."""
    from dafu.search.words import says_number
    from dafu.search.divisions import places_above

    assert places_above("郧阳区") == ("十堰市", "湖北省")
    assert places_above("鼓楼区", "福州市鼓楼区政府") == ("福州市", "福建省") and places_above("鼓楼区") == ()
    assert not says_number("2019年")("201") and says_number("第201号提案")("201")


def test_a_signature_date_is_no_labelled_value():
    """The reply's signed day closes a line of its own, not the value of a label on the line before it (答复时间,
    建议提案编号 2024085 read as a date) nor one on its line (发布日期:)."""
    from dafu.search.fields import SIGNATURE_DATE

    assert SIGNATURE_DATE.search("平阴县公安局\n2024年11月15日\n联系人及电话:孙其晓")
    assert not SIGNATURE_DATE.search("答复时间\n2024-11-15\n办理类型")
    assert not SIGNATURE_DATE.search("建议提案编号\n2024085\n承办单位")
    assert not SIGNATURE_DATE.search("•发布日期:2022-07-06")


@pytest.mark.parametrize("question, says", [
    ("郑葵阳代表的土壤污染防治建议由哪些部门办理", "会同住房城乡建设部、农业农村部、自然资源部办理"),
    ("岳阳市政协八届五次会议第153号提案的提案人", "熊云辉、黄泽凤、刘艳委员"),
    ("熊云辉等委员耕地土壤污染提案的名称", "《关于加强我市耕地土壤污染防治的有关建议提案》"),
    ("赵继红网红电商提案的题目", "《加强“网红电商”社会主义核心价值观与商业伦理道德教育》"),
    ("刘志英委员提案的案由", "规范景德镇陶瓷电商平台利润分配"),
    ("九江250200号提案答复分类", "A1"),
    ("九江农业农村局是经哪次党委会研究答复受污染耕地提案的", "2025年第21次党委会"),
    ("四川省司法厅答复785号建议的日期", "2017年08月25日"),
    ("景德镇商务局什么时候收到陶瓷电商提案", "2023年3月26日,我局收到"),
    ("龙陵县政协第10040048号提案是谁提的", "九三学社龙陵支社"),
])
def test_frame_fields_asked_in_more_words(searcher, question, says):
    """由哪些部门办理, 提案人, 名称/题目/案由 (《…》 with no 关于, …的有关建议提案), 分类, 哪次党委会 (a bureau's meeting, not a
    session of the congress), 答复…的日期 (a page's 2017年08月25日 来源:…), 什么时候收到, a party branch (支社)."""
    assert says in _answer(searcher, question)


def test_a_figure_of_the_whole_city_is_not_the_county_asked(searcher):
    """全市冷链静态库容量约18万吨 in a 青神县 letter of 眉山市 answers 眉山, not 仁寿县 (the clause before the figure speaks
    of the letter's whole city); a scope the question says itself (郑州…全省排第几) is asked."""
    from dafu.search.names import of_another_place

    assert "18万吨" in _answer(searcher, "眉山市冷链静态库容量有多少吨")
    answer = answer_question(searcher, "仁寿县冷链静态库容量多少吨")
    assert not any("18万吨" in item["text"] for item in answer["answer"])
    assert of_another_place("全市冷链静态库容量约", ["仁寿"], "青神县")
    assert not of_another_place("我市秸秆综合利用率", ["嘉兴"], "平湖市")  # 我市 of a 平湖市 letter: 平湖 or 嘉兴
    assert not of_another_place("全省排名第", ["郑州"], "郑州市", scopes=("全省",))


def test_what_was_achieved_is_not_a_target(searcher):
    """实际达到多少 asks what was achieved: 力争2020年全省森林覆盖率达到60% (a target) does not give it, though it answers
    the same question asked of the target."""
    assert "60%" in _answer(searcher, "贵州2020年森林覆盖率目标是多少")
    answer = answer_question(searcher, "贵州省2020年森林覆盖率实际达到多少？")
    assert not any("60%" in item["text"] for item in answer["answer"])


def test_a_figure_of_a_neighbouring_county_and_another_kind(searcher):
    """张家川县还成立了…核定事业编制8名 (a 天水 letter) answers 张家川县, not its neighbour 武山县; 市级龙头企业15家、省级7家
    (of 十堰's 食用菌) does not count 郧阳区's 香菇 enterprises; 多少个滑冰馆 counts things, not 带动3亿人."""
    from dafu.search.names import names_another_place

    assert "8名" in _answer(searcher, "张家川县动物检疫工作站核定事业编制几名")
    for question, figure in (("武山县动物卫生监督所编制几名", "8名"), ("郧阳区香菇省级龙头企业有几家", "省级7家"),
                             ("体育总局7335号答复 全国现有多少个滑冰馆", "3亿人")):
        answer = answer_question(searcher, question)
        assert not any(figure in item["text"] for item in answer["answer"]), question
    assert names_another_place("张家川县还成立了动物检疫工作站", ["武山"])
    assert not names_another_place("全市仅华容县有", ["岳阳"])  # a county of the city asked: one of its examples
    assert not names_another_place("我局联合峄城区农业农村局开展执法检查", ["台儿庄"])  # a body, not a place's figure


def test_a_rough_count_is_a_figure(searcher):
    """每年可利用秸秆几百吨 answers how much straw is used: a rough count (几百吨, 数十家, 上千人) is a figure with no
    value, and 十人 of 培训几十人 is no ten."""
    from dafu.search.figures import figures

    answer = answer_question(searcher, "华容红松菌新型栽培方式每年能利用多少秸秆")
    assert not answer["abstained"], answer.get("generator")
    assert answer["answer"][0]["figure"] == "几百吨"
    assert [(f.text, f.value) for f in figures("培训几十人，数十家企业，共100人")] == [
        ("几十人", None), ("数十家", None), ("100人", 100.0)]


def test_within_the_year_the_next_item_and_a_pages_stamp(searcher):
    """年内 says when (我局将在年内…进行知识更新培训); an item after ； of a 下一步 sentence is a next step too (督促指导
    地方财政保障…，推动生猪养殖大县及时足额选强配齐特聘动物防疫专员); a page's
    2025-07-31 16:25 is the day a reply was published."""
    assert "年内" in _answer(searcher, "剑阁县村级防疫员知识更新培训什么时候搞")
    assert "选强配齐特聘动物防疫专员" in _answer(searcher, "特聘动物防疫专员下一步怎么安排")
    assert "2025-07-31" in _answer(searcher, "三亚政协0032号提案答复什么时候发布的")


def test_a_field_asked_of_a_member_comes_from_the_letter_to_them(searcher):
    """平江县民政局答复朱光武代表的文号: of the two 平江县 letters, the one to 朱光武 gives it (平民字〔2024〕7号), not the
    交通运输局's to 陈根明 (平交复函[2017]19号), though that one has more of the question's words."""
    assert searcher.search("平江县民政局答复朱光武代表的文号", top_k=1)[0]["letter_id"] == "b19-wc-03"
    assert "平民字〔2024〕7号" in _answer(searcher, "平江县民政局答复朱光武代表的文号")


def test_a_thing_of_another_place_and_people_or_things_counted(searcher):
    """2010年建成了广州市社区矫正信息管理系统 dates 广州's system, not 广东省's; 社区矫正工作人员有多少 counts people (not
    两级工作人员); 几个地震监测台站 counts things, not 每年至少开展2次演练."""
    from dafu.search.figures import expected_units

    assert "2010年" in _answer(searcher, "广州市社区矫正信息管理系统哪年建成")
    answer = answer_question(searcher, "广东省社区矫正信息管理系统哪年建成")
    assert not any("2010年建成" in item["text"] for item in answer["answer"])
    assert {"人", "名"} <= expected_units("司法部答复中全国社区矫正工作人员有多少")
    answer = answer_question(searcher, "龙陵县有几个地震监测台站")
    assert not any("2次" in item["text"] for item in answer["answer"])



@pytest.mark.parametrize("question, expected", [
    ("攀枝花有多少退役军人和三属申请了优待证？", "2.8万退役军人"),  # counted by the noun, no unit between
    ("滕州有多少公共场所和学校配置了AED", "30余公共场所"),
    ("云龙县有几位烈士安葬在外地州烈士陵园", "7人"),  # 几位 counts people: 人 answers
    ("鞍山有多少村不需要编制村庄规划", "164个"),  # 编制村庄规划 draws up plans: no 编制 of staff
    ("芦山西川河和磨房沟小流域治理工程总投资", "2471.73"),  # a keyword query ending in a sum; 山西 is no place of 芦山西川河
])
def test_counts_and_sums_in_other_words(searcher, question, expected):
    """A count written without its unit, people counted with 位, a plan's verb 编制, a keyword query for a sum."""
    assert expected in _answer(searcher, question)


def test_the_figure_of_the_place_asked_in_a_list_of_places(searcher):
    """市级31项、…米易县2项、盐边县20项: the place asked comes before its figure, not after the one before."""
    answer = answer_question(searcher, "攀枝花盐边县推出几项优待项目")
    assert not answer["abstained"] and answer["answer"][0]["figure"] == "20项"


def test_a_district_letter_known_only_by_its_city(searcher):
    """A 洛阳市 page that speaks as 我区 may be 洛龙区's: a question naming 洛龙区 is answered from it."""
    assert "首批设置2个急救哨点" in _answer(searcher, "洛龙区首批设置几个急救哨点")


@pytest.mark.parametrize("question, expected", [
    ("钦州市退役军人事务局协助办理的是市政协哪号提案", "第2024067号提案"),  # 哪号提案 asks its number
    ("滕州提高AED覆盖率的提案是哪位委员提的", "闫超委员"),  # 首先感谢闫超委员对…: the thanks name the proposer
])
def test_fields_asked_in_other_words(searcher, question, expected):
    assert expected in _answer(searcher, question)


@pytest.mark.parametrize("question", [
    "国家食用菌产业技术体系有多少个综合试验站",  # 食用菌专业合作社452个 counts no 试验站
    "周口 地理标志 获批 奖励 标准 多少万元",  # 周口 is a place (周口市): a 民宿 award elsewhere is no answer
    "十四五期间中央安排了多少水土保持补助资金",  # “十三五”期间…约307亿元 is another period
    "郧阳革命烈士陵园三期改扩建总投资多少",  # 三期: the letter names no third phase (only 二期)
    "攀枝花退役军人凭优待证住酒店打几折",  # 几折: no discount given
    "钦州小董起义80周年座谈会哪天开",  # 哪天: 80周年 is no day
])
def test_no_answer_for_another_thing_or_place(searcher, question):
    assert answer_question(searcher, question)["abstained"]


@pytest.mark.parametrize("question, expected", [
    ("十三五期间中央安排了多少水土保持补助资金", "307亿元"),
    ("郧阳革命烈士陵园改扩建投资多少", "280余万元"),
    ("基本医疗卫生与健康促进法哪天通过的（洛龙区AED答复）", "2019年12月28日"),
])
def test_the_period_phase_or_day_asked_is_answered(searcher, question, expected):
    """The counterparts of the questions above: the period, the project and a day the letters do give."""
    assert expected in _answer(searcher, question)


@pytest.mark.parametrize("question, said", [
    ("马关县149号建议责任领导是谁", "责任领导:袁加全"),  # the page's labels: 承办单位:…责任领导:袁加全政府督办领导:…
    ("马关青少年活动中心建议 政府督办领导", "政府督办领导:黄顺昌"),
    ("马关县149号建议交办日期", "交办日期:3月19日"),
    ("重新修测国家海岸线建议的联系单位", "国家海洋局海域综合管理司"),  # 联系单位及电话: named by its first four
])
def test_a_label_of_the_pages_header_asked_by_name(searcher, question, said):
    """A question naming a label the letter's header writes before a value is answered by that value, and the
    letter saying the number asked (149) comes before another 马关 page with the same labels (t-xw-03)."""
    assert said in _answer(searcher, question)


@pytest.mark.parametrize("question, value", [
    ("马关县149号建议责任领导是谁", "袁加全"),
    ("马关青少年活动中心建议 政府督办领导", "黄顺昌"),
])
def test_the_asked_labels_value_is_marked(searcher, question, value):
    """The figure marked (bold on the page) is the asked label's value, not the row's first (县教育局, 149)."""
    assert answer_question(searcher, question)["answer"][0]["figure"] == value


def test_the_letter_saying_the_number_asked_comes_first(searcher):
    assert searcher.search("马关县149号建议责任领导是谁")[0]["letter_id"] == "b21-sg-01"
    assert searcher.search("福建省林业局1404号建议的办理意见是写给哪个单位的")[0]["letter_id"] == "b21-th-02"


def test_a_letter_naming_no_county_answers_the_one_asked(searcher):
    """b5-xq-02 is 奉节's reply but names only 县生态环境局 and a 禁养区 (no place of the national list): it cannot be
    told to be another county's."""
    assert "10家养殖场" in _answer(searcher, "奉节县集中约谈了多少家养殖场？")


@pytest.mark.parametrize("question", [
    "临湘助保贷平台累计发放担保贷款多少笔",  # 笔 asked: 可为企业提供担保贷款2.4亿元 counts no loans
    "岳阳县中小企业助保贷风险担保资金有多少",  # 岳阳县 asked: the 临湘市 letter names only 岳阳市
    "百花岩风电场总装机容量多少万千瓦",  # 万千瓦 asked: the letter gives no capacity in 千瓦
    "国家融资担保基金注册资本多少亿元",  # 注册资本: 单户担保金额500万元以下 measures no capital
    "国家海洋局第7194号建议答复 全国大陆海岸线多长",  # 多长 asks a length: 黄阳旭等13名代表 is none
])
def test_no_answer_in_another_unit_or_level(searcher, question):
    assert answer_question(searcher, question)["abstained"]


def test_the_unit_and_place_asked_are_answered(searcher):
    """The counterparts: the fund the 临湘市 letter does give, asked of 临湘, and a length it does give."""
    assert "2400万元" in _answer(searcher, "临湘市助保贷风险基金计划增加到多少万元")
    assert "9.5公里" in _answer(searcher, "百花岩风电场下滩到西区升压站的路有多长")


def test_jingdezhen_is_a_city():
    """景德镇 ends in 镇 but is a city of the national list: 景德镇浮梁县 is 浮梁县 of 景德镇市, not a town 景德."""
    assert places_named("景德镇浮梁县一共有多少个乡镇卫生院")[:2] == [("景德镇", True), ("浮梁", True)]


@pytest.mark.parametrize("question, said", [
    ("海岸线修测建议答复结合了哪个部门的意见", "结合国家测绘地理信息局意见"),
    ("重庆市农业农村委办理第0699号建议会同了哪些部门", "经与市发展改革委、市财政局、市商务委共同研究办理"),
    ("政府性融资担保、再担保机构绩效评价指引文号", "财金[2020]31号"),  # a 指引 the reply cites, not its own 文号
    ("辽宁给锦州下发了多少风电建设规模", "90万千瓦"),  # 锦州 is asked: 向锦州市下发… is not another place's
])
def test_who_was_consulted_a_cited_guide_and_a_city_named_without_its_level(searcher, question, said):
    assert said in _answer(searcher, question)


def test_one_of_a_measure_is_a_figure():
    """一公里左右 is 1 km (叙永三中离龙凤街道有多远 asks a length), while 一张, 一年 and 最后一公里 are words; points
    (分值提高到多少: 由5分提高到20分) are a figure after digits, not 十分, 3分钟, a clock's 18分 or 2分局."""
    from dafu.search.figures import expected_units, figures

    assert [f.text for f in figures("距離僅有一公里左右")] == ["一公里"]
    assert figures("打通最后一公里") == [] and figures("一张图，一年") == []
    assert [f.text for f in figures("分别由5分提高到20分")] == ["5分", "20分"]
    assert figures("十分重要，3分钟，15时18分，第2分局，三分之一") == []
    assert expected_units("中考艺术类分值提高到多少") == {"分"} and "分" not in expected_units("反应时间是多少分钟")


@pytest.mark.parametrize("question, field", [
    ("谁答复的秀山县政协第104号提案", "REPLYING_BODY"),  # who replied, asked with 谁
    ("台儿庄067号提案 谁答复的", "REPLYING_BODY"),
    ("曲靖125号提案办理意见的函什么时候发布的", "REPLY_DATE"),  # the reply named 函
])
def test_who_replied_and_when_the_letter_was_published(question, field):
    from dafu.search import fields

    assert asked_field(question) is getattr(fields, field) and asks_frame(question)


@pytest.mark.parametrize("question", ["旬阳安置小区监控提案属于什么类别", "全国政协第1563号器官捐献立法提案归在哪一类"])
def test_a_proposals_class_is_given_by_its_label_or_its_numbered_class(question):
    """属于什么类别 of a proposal asks its class as the page labels it (提案类别: 社会管理) or numbers it (医疗体育类148号),
    or the reply's category (B类); 办理结果是哪一类 still asks only the category."""
    field = asked_field(question)
    assert field is not None and asks_frame(question)
    assert all(field.search(text) for text in ("是否调研: 是 提案类别: 社会管理", "第1563号(医疗体育类148号)提案答复的函", "B类"))
    assert not asked_field("涵江区公园建后管理建议的办理结果是哪一类").search("第1563号(医疗体育类148号)提案答复的函")


@pytest.mark.parametrize("sentence, body", [
    ("市科工信局是市政府协调、指导和扶持密玉发展的职能部门,在收到您的提案后,及时对提案进行了专题研究", "市科工信局"),
    ("收到您的提案后,农业农村部高度重视,将该提案确定为部内重点办理的提案", "农业农村部"),
    ("您提出的建议收悉,农业农村部经认真研究,现答复如下", "农业农村部"),
])
def test_an_opening_names_the_body_that_received_the_proposal(sentence, body):
    from dafu.search.fields import REPLYING_BODY

    assert REPLYING_BODY.search(sentence).group("v") == body


@pytest.mark.parametrize("question", [
    "上海发放了多少花卉消费券",  # the thing counted is 花卉消费券, not 花卉 (支持花卉科研项目15个 counts no coupons)
    "金东区家庭教育指导中心有几个",  # 山东's letter names 青岛、济宁: a letter of its own place, not 金东区's
    "海南2019年底全省花卉种植面积",  # keywords ending in a measure ask its figure: 2019 is only a plan's year
    "衢江区农贸市场限塑承诺书签订情况",  # 柯城区's letter (衢州市柯城区市场监督管理局), not 衢江区's
    "上海2020年花卉种植面积多少万亩",  # a letter naming no place that speaks as 全州, 我州 is no 上海's
])
def test_no_answer_for_another_thing_place_or_year(searcher, question):
    assert answer_question(searcher, question)["abstained"]


@pytest.mark.parametrize("question, said", [
    ("阿拉腾呼毕委员的建议是在哪次会上提出的", "政协乌审旗委员会十五届二次会议"),  # 阿拉腾呼毕等7名政协委员: a member named
    ("第3903号建议答复摘要什么时候发布的", "發布時間:2025年08月26日"),  # 发布: the date the page labels, not a bare one
    ("省林业局什么时候答复昌江花卉建议", "2021-07-06 08:40:25"),  # the day the letter's metadata reads, not the 交办日期
    ("城固农业农村局答复蔬菜信息平台提案的签发人", "簽發人:盧華"),  # a label with a short value is a sentence
])
def test_a_member_of_five_characters_and_the_days_and_labels_asked(searcher, question, said):
    assert said in _answer(searcher, question)


@pytest.mark.parametrize("question, said", [
    ("汕头动员老字号参加什么设计大赛", "市长杯"),  # 老字号 asks no 字号 (文号)
    ("汕头老字号建议的编号", "20230037"),  # (原议案第20230037号)
    ("汕头商务局老字号建议答复时间", "2023-08-18"),  # a page stamp after a list bullet (• 2023-08-18 17:40)
    ("答复秦安县博物馆建议的是哪个单位", "天水市文化和旅游局"),  # 答复…的是哪个单位 asks the replying body
    ("彭水答复中药材基地建议的单位", "彭水苗族土家族自治县农业农村委员会"),
    ("沈昌健代表规范农村土地流转的建议由哪个部门答复", "农业农村部"),  # …,农业农村部经认真研究,现答复如下
    ("綦江博物馆文物库房复函是哪位领导审签的", "胡梅主任审签"),  # 审签 is a 签发
    ("福建省里出了哪些支持中药材的文件", "《福建省促进中医药传承创新发展若干措施》"),  # documents: 《》 titles, not “福九味”
    ("黄石国家道地药材生产基地提案的编号", "委员提案〔2020〕84号"),  # a proposal numbered as a document
    ("石林县乍龙村高标准烟田建议的答复文号", "石农函14号"),  # a 文号 with no year
    ("甘南州关于统一开展林业碳汇工作的通知 文号", "州政办发〔202217号"),  # a page that lost the closing bracket
    ("福建农业农村厅答复黄旺兴代表1117号建议的文号", "闽农督函〔202478"),  # and its 号: the letter's own all the same
    ("长寿区 闲置村委办公场所改造应急避难点 建议 谁答复的", "重庆市长寿区应急管理局"),  # 谁答复: the replying body
    ("资阳办马拉松需要哪些部门配合", "交通、公安、卫生、商务"),  # 哪些部门: bodies named in a row, not 举办
    ("盐边二滩半程马拉松原定什么时候办", "原计划2020年2月22日"),  # 原定: the plan before the change, not 2020年初
    ("秦安县博物馆总投资多少", "8000万元"),  # 总投资 is no other kind of 投资 than the 博物馆's
    ("福建省林业局对整县打包开发碳汇是什么态度", "不支持圈地运动式的整县打包开发"),  # 对整县 names no county
])
def test_fields_documents_bodies_and_plans_asked_in_other_words(searcher, question, said):
    assert said in _answer(searcher, question)


@pytest.mark.parametrize("question", [
    "福建给三明中药材基地安排了多少省级资金",  # 碳中和试点…安排资金200万: 资金 is said, 中药材基地 nowhere in that letter
    "阳新县中药材种植面积多少亩",  # 全市中药材总面积 in a letter of no region: a city's figure, not a county's
    "黄石申报国家道地药材生产基地获批了吗",  # whether it was granted: no sentence says how the request stands
])
def test_no_answer_for_a_sum_of_another_thing_a_citys_figure_or_an_open_request(searcher, question):
    assert answer_question(searcher, question)["abstained"]


def test_a_replys_own_mangled_doc_number_not_a_cited_one(searcher):
    """The page wrote its own 文号 without 〕 and 号 before the signer (州林草建字〔2024144 签发人丹正加); it answers
    first, not the 文号 of a notice the reply cites (《…》(州政办发〔202217号))."""
    answer = answer_question(searcher, "玛曲县碳汇开发试点建议 答复文号")
    assert not answer["abstained"], answer.get("generator")
    assert "州林草建字〔2024144" in answer["answer"][0]["text"] and "州政办发" not in answer["answer"][0]["text"]


def test_a_letter_of_no_known_place_is_the_one_it_names_twice():
    """b58-ya-01 reads no region but speaks as 我市 and names 新密 again and again: it is 新密市's, not 酒泉's; a 我市 letter
    naming no city may be any city's, and a 我县 letter naming 新密 (a 市) twice may still be a county's."""
    from dafu.search.names import may_speak_as
    from dafu.corpus.normalize import normalize_for_index

    text = normalize_for_index(data_path("blind58", "letters", "b58-ya-01.txt").read_text(encoding="utf-8"))
    assert "酒泉" not in text and not may_speak_as("酒泉", None, text)
    assert may_speak_as("酒泉", None, "我市高度重视玉雕产业。")
    assert may_speak_as("岫岩", None, "我县高度重视。新密玉、新密石都很出名。")


def test_a_verb_or_another_places_district_is_no_place():
    assert places_named("清水县新建博物馆的建议答复") == [("清水", True)]  # 新建区 lies in 南昌, not in 清水县
    assert places_named("福建省林业局对整县打包开发碳汇是什么态度") == [("福建", True)]
    assert places_named("郑州二七区有多少") == [("郑州", False), ("二七区", True)]


@pytest.mark.parametrize("question, said", [
    ("宁陕皇冠镇金丝猴救助站建议是哪个部门办理的", "县农业林业和水利局"),  # a form's 办理部门, asked as 哪个部门办理
    ("陈泳霖委员社会组织提案由哪些部门共同办理", "市发展改革委、市规划自然资源局"),  # 经…共同办理,现答复如下
    ("红河地下水提案由哪些部门办理", "州水利局牵头、州自然资源和规划局"),  # 牵头…配合…研究办理
    ("红河州划定了几个地下水禁采区", "禁采区2个"),
])
def test_who_handled_it_and_a_count_of_the_thing_asked(searcher, question, said):
    assert said in _answer(searcher, question)


@pytest.mark.parametrize("question", [
    "垫江县打造野生动物园的提案怎么答复的",  # 垫江's letter on 农家书屋 names no 动物园
    "全国能繁母猪存栏多少万头",  # a county letter's 2016年生猪存栏19.72万头 is no national figure
])
def test_no_answer_for_a_letter_on_another_subject_or_one_places_figure(searcher, question):
    assert answer_question(searcher, question)["abstained"]


def test_a_dates_figure_leaves_out_the_pages_bullet(searcher):
    answer = answer_question(searcher, "汕头商务局老字号建议答复时间")
    assert answer["answer"][0]["figure"] == "2023-08-18 17:40"  # the line reads • 2023-08-18 17:40


def test_whom_an_opinion_is_written_to_and_what_asks_no_frame(searcher):
    """A co-handler's opinion (协办意见) is written to the lead bureau on a line of its own (市教育体育局：); 承办机构 of
    研学 (the firms that run the trips) asks no 承办单位, so the body that says what was built comes first."""
    assert "市教育体育局" in _answer(searcher, "平顶山农业研学旅行建议的协办意见是发给哪个单位的")
    assert not asks_frame("怀化对研学承办机构和基地建了什么机制")
    assert "准入和退出机制" in searcher.search("怀化对研学承办机构和基地建了什么机制", top_k=1)[0]["text"]
    assert asked_field("上海市政协0485号儿童友好城市提案领衔委员是谁") is PROPOSER


@pytest.mark.parametrize("question, said", [
    ("第9622号建议 强化充换电设施建设运营 是多少名代表提的", "李永莱等32名代表"),  # 多少名代表提的 asks the proposers
    ("上街区儿科有几名副主任医师", "副主任医师3人"),
    ("凡河新区常住人口有多少", "8.1万人"),
    ("特殊教育学校生均公用经费是普通学生的几倍", "6-8倍"),
])
def test_the_post_district_and_multiple_asked(searcher, question, said):
    assert said in _answer(searcher, question)


@pytest.mark.parametrize("question", [
    "上街区儿科有几名主任医师",  # 副主任医师3人 counts no 主任医师
    "凡河新区儿科医生有多少人",  # 凡河新区's 常住人口约8.1万人 counts no 儿科医生
    "杨陵研学基地建设投入多少资金",  # 旅游综合收入19.7亿元 is earned, not spent
    "海宁市随班就读学生生均公用经费按几倍拨付",  # 教育部's 6-8倍 (a national deputy's 第4129号建议) is no 海宁's
    "抚顺至本溪高速公路提案怎么答复的",  # 交通运输部's letter on 服务区 (按照我部统一安排) names neither city
])
def test_no_answer_for_a_deputy_post_earnings_or_a_ministrys_letter_naming_no_place_asked(searcher, question):
    assert answer_question(searcher, question)["abstained"]


def test_a_new_district_is_named_with_its_name_and_a_place_starts_a_word():
    assert places_named("凡河新区儿科医生有多少人") == [("凡河新", True)]  # jieba: 凡河 / 新区
    assert places_named("新区建设了几所学校") == []  # a kind of area
    assert places_named("2018年东海南海近岸设了多少个海洋垃圾监测区域", frozenset({"海南"})) == []  # 东海 / 南海


def test_who_was_dealt_with_and_a_national_assembly_is_no_nationwide_figure():
    from dafu.search.asked import Asked

    consulted = asked_field("宣州区财政局答复第3号提案对接了哪家担保集团")
    assert consulted is not None and consulted.search("经与振宣担保集团对接,现答复如下")
    assert asked_field("永嘉红美人对接了哪个商超渠道") is None  # the work itself, not how the proposal was handled
    assert not Asked.of("全国政协第02821号提案的答复归哪个司").nationwide
    assert Asked.of("全国现在有多少群蜜蜂").nationwide


def test_places_the_national_list_knows_and_the_year_a_lookup_names():
    from dafu.search.asked import Asked
    from dafu.search.fields import PROPOSAL_NUMBER, letter_year_asked

    assert places_named("营口市校服管理建议答复") == [("营口", True)]  # jieba tags 营口 a verb
    assert places_named("北京市政协关于遗体捐献条例提案的答复内容") == [("北京", True)]  # one word to jieba
    assert letter_year_asked("杨浦区2022年校服提案答复") == "2022"
    assert letter_year_asked("35151号提案答复 2020年焚烧处置项目规模") is None  # asks a figure of 2020
    assert asked_field("吉林加大预制菜产业支持力度的建议是省人大几号建议") is PROPOSAL_NUMBER
    assert Asked.of("红河州人工智能产业园建在哪个县").division
    assert not Asked.of("紫阳县十三五旅游重点围绕哪些区域?").division


@pytest.mark.parametrize("question, said", [
    ("天津民革关于规范遗体捐献的提案是市政协几号提案", "第0059号"),
    ("南京高标准建设人工智能创新应用先导区的提案是谁提的", "工商联界别组"),  # a group proposed it
    ("天津遗体捐献提案答复的经办人是谁", "于自江"),  # 工作人员:于自江
    ("黄石市人大2020年第104号建议的回复哪天发布的", "2021-02-07"),  # 2020 names the proposal, not the day
    ("黄石跨境电子商务综合试验区是哪天获批的", "2019年12月15日"),
    ("工信部什么时候复函支持南京创建人工智能先导区", "去年9月"),  # the approval reported, not the reply's day
    ("提案认为南京人工智能产业有哪些短板", "尖端核心技术不突出"),  # the proposal's view, as the reply restates it
])
def test_the_number_proposer_and_handler_of_a_letter_asked_in_other_words(searcher, question, said):
    assert said in _answer(searcher, question)


@pytest.mark.parametrize("question", [
    "营口市校服管理建议答复",  # 盘锦's letter never names 营口
    "北京市政协关于遗体捐献条例提案的答复内容",  # 天津's
    "长春市人大关于预制菜的建议答复",  # 长春's letter is on 建筑垃圾
    "黄石市人大2021年关于跨境电商的建议是谁提的",  # its page names no proposer: no sentence about the park answers
    "黄石临空跨境电商产业园核心区二期占地多少亩",  # the letter gives 一期's 180亩
    "鄂州跨境电子商务综合试验区是哪天获批的",  # 中国(黄石)跨境电子商务综合试验区's day
    "红河州人工智能产业园建在哪个县",  # no sentence names a county
    "重庆对评上等级的民宿奖励多少钱",  # 食用菌补助 of a letter on 蚕桑 is no 民宿's 奖励
    "郑州市近视防控改革试验区有几个",  # 改革 of 市发展改革委 in a letter on 水源置换
])
def test_no_answer_for_another_place_year_phase_or_subject(searcher, question):
    assert answer_question(searcher, question)["abstained"]


def test_a_count_of_a_lists_parts_answers_only_a_question_counting_them(searcher):
    """以下五个方面 counts the parts of what follows: it answers 做了几方面工作 and 从几个方面, not a count of projects."""
    assert "五个方面" in _answer(searcher, "杨屹伟代表项目库建议 农业农村厅做了几方面工作？")
    assert "八个方面" in _answer(searcher, "庆阳 治理天价彩礼 意见从几个方面提措施")
    answer = answer_question(searcher, "湖南 集体经济产业发展项目库 入库项目 多少个？")
    assert all("五个方面" not in item["text"] for item in answer["answer"])


@pytest.mark.parametrize("question", [
    "天水市有多少名官方兽医",  # 张家川县's 8名, a county of 天水 counted on its own
    "四川安岳柠檬种植面积多少",  # 潼南区柠檬种植面积23万亩, a district of 重庆
    "云南省核桃种植面积是多少？",  # 全国核桃种植面积达到1.2亿亩 (云南 named after the figure)
    "本溪2019年老旧供热管网实际改完了多少公里?",  # 初步计划改造管网70公里 (管网实际运行状态 reports nothing)
    "大连再生资源回收体系建议答复",  # a page that names no place
    "开阳县人民医院感染性疾病科建设的建议答复",  # a letter naming no place: a lookup names the letter by its place
])
def test_no_answer_from_a_part_another_province_the_country_a_plan_or_a_letter_of_no_place(searcher, question):
    assert answer_question(searcher, question)["abstained"]


def test_a_year_ends_its_word():
    from dafu.search.words import content_words

    assert "年老" not in content_words("本溪2019年老旧供热管网实际改完了多少公里")
