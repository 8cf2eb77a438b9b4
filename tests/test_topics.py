"""Letters on topics dafu was not developed on (tests/data/topics): retrieval and answers on the held-back
topics, the answering passage before a letter's opening, the figure of the measure and place asked."""
from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import data_path
from dafu.search.answer import answer_question, evaluate_answers
from dafu.search.evaluate import evaluate_retrieval, load_questions
from dafu.search.words import says
from dafu.search.fields import REPLYING_BODY, SIGNED_BY, asked_field
from dafu.search.names import places_named
from dafu.search.figures import asks_plan, expected_units, question_types, type_evidence

TOPICS = data_path("topics")


@pytest.mark.parametrize("directory", [TOPICS, *sorted(TOPICS.parent.glob("blind*"))], ids=lambda d: d.name)
def test_topics_and_blind_sets_are_consistent(directory):
    """Every gold span is in its letter, every letter has a question and a source, the split is by topic."""
    done = subprocess.run([sys.executable, str(TOPICS / "check.py"), str(directory)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout
    assert "failures: 0" in done.stdout and "unanswerable: " in done.stdout


def test_held_back_topics_retrieval(archive_searcher):
    questions = load_questions(TOPICS / "held.jsonl")
    hybrid = evaluate_retrieval(archive_searcher, questions, mode="hybrid")
    keyword = evaluate_retrieval(archive_searcher, questions, mode="keyword")
    assert hybrid["n"] >= 130
    assert hybrid["hit@1"] >= 0.90 and hybrid["hit@5"] >= 0.98
    assert hybrid["hit@1"] > keyword["hit@1"]


def test_opening_never_outranks_the_reply(archive_searcher):
    """A question on a letter's subject gets the reply's paragraph first, not the header that restates it."""
    results = archive_searcher.search("凤鸣水岸小区什么时候才能通公交?")
    assert results[0]["letter_id"] == "dev-011"
    assert "待新建道路投用时一并开通公交线路" in results[0]["text"]
    assert "收悉" not in results[0]["text"]


def test_closing_block_never_outranks_the_reply(archive_searcher):
    """Nor does the letter's closing block of thanks, signature and contacts."""
    results = archive_searcher.search("元谋县省州现在重点支持哪类农村公路项目?")
    assert results[0]["letter_id"] == "t-gl-05"
    assert "联系人" not in results[0]["text"] and "感谢" not in results[0]["text"][:10]


def test_next_steps_question_gets_the_next_steps_section(archive_searcher):
    """下一步打算: within the letter, the passage under its 下步工作计划 heading comes before the report of what
    was done; the same question without 下一步 keeps the report first."""
    results = archive_searcher.search("湛江发改局对在老旧小区建电动摩托车充电桩的建议下一步打算怎么做?")
    assert results[0]["letter_id"] == "t-dd-05" and "下步工作" in results[0]["section"]
    assert "鼓勵企業" in results[0]["text"]
    done = archive_searcher.search("湛江发改局对在老旧小区建电动摩托车充电桩的建议怎么答复的?")
    assert done[0]["letter_id"] == "t-dd-05" and "下步工作" not in done[0]["section"]


def test_why_not_finds_the_obstacle(archive_searcher):
    """为什么一直没建: the passage saying what stood in the way (资金未能落实) before the letter's report of its
    earlier work; 没有, 未能, 难以, 困难, 复杂, 不足 are what obstacles are written with."""
    results = archive_searcher.search("龙城天街南广场为什么一直没建公厕?")
    assert results[0]["letter_id"] == "t-sr-08" and "建设资金未能落实" in results[0]["text"]
    assert type_evidence(("reason",), frozenset(), "该区域地下管线复杂且没有原建筑地下管线图")[0] == 1.0
    assert type_evidence(("reason",), frozenset(), "学校狭小，四周均为民房，难以扩建")[0] == 1.0


def test_the_passage_whose_one_sentence_answers_comes_first(archive_searcher):
    """The question's words spread over a letter's report of its survey (摸底情况) lose to the passage that says
    in one sentence which 老旧小区 get gas this year; without the best-sentence weight the survey came first."""
    from dafu.search.api import Searcher
    from dafu.search.retrieve import Fusion

    question = "庐山今年哪几个老小区在配套天然气管道,能惠及多少户?"
    results = archive_searcher.search(question)
    assert results[0]["letter_id"] == "t-rq-02" and "2025年老旧小区天然气管网建设情况" in results[0]["section"]
    without = Searcher(archive_searcher.index, Fusion(sentence_weight=0.0))
    assert "摸底情况" in without.search(question)[0]["section"]


def test_held_back_topics_answers_and_abstention(archive_searcher):
    metrics = evaluate_answers(archive_searcher, load_questions(TOPICS / "held.jsonl"))
    assert metrics["unanswerable"] >= 30
    assert metrics["abstention"] >= 0.8
    assert metrics["answer@1"] >= 0.8 and metrics["false_abstention"] <= 0.06, metrics["misses"]


@pytest.mark.parametrize("question,reason", [
    ("剑阁县城乡居民医保个人缴费标准是多少?", "a county no letter answers for"),
    ("禄丰市2024年又新修了几条森林防火通道?", "a year no letter speaks of"),
    ("安徽2024年申请了多少中央预算内燃气管道改造资金?", "the sentence found dates itself 2022 and 2023"),
    ("眉山翠竹长廊沿线要装几个森林防火监控探头?", "no sentence of the letter gives a figure"),
    ("清原县城公厕的日常保洁交给了哪家公司?", "only the letter's header and signature name it"),
    ("龙陵县乡村旅游2020年综合收入是多少?", "综合 of 住院综合楼 in another 龙陵 letter is not 综合收入"),
    ("南京市住宅小区电动自行车充电桩建设进展如何", "no letter of 南京; 住宅小区 is no place"),
    ("泉港界山镇网格员每个月补贴多少钱?", "jieba splits 泉/港界/山镇; 咸宁's wages are not 界山镇's"),
])
def test_abstains_on_another_place_or_year(archive_searcher, question, reason):
    assert answer_question(archive_searcher, question)["abstained"], reason


@pytest.mark.parametrize("question,planned,figure", [
    ("邢台明年准备再建几个体育公园?", True, None),
    ("邢台市现在建了几个体育公园?", False, "2个"),
    ("松原2017年准备再配建多少处全民健身场地设施?", True, "26处"),
])
def test_a_planned_figure_is_answered_by_what_the_letter_commits_to(archive_searcher, question, planned, figure):
    """明年准备建几个: the letter's 已建设体育公园2个 reports what was built and does not answer it; a sentence
    that commits (将继续配建…26处) does."""
    answer = answer_question(archive_searcher, question)
    assert answer["abstained"] == (figure is None)
    if figure:
        assert figure in answer["answer"][0]["text"]
    assert asks_plan(question) == planned


@pytest.mark.parametrize("question,said", [
    ("大洼红村社区卫生服务中心什么时候能配上全科医生?", "待全科医生准入标准出台后"),
    ("成安县全民健身中心什么时候能建好开放?", "7月底建成"),
])
def test_when_will_it_be_done_is_answered_by_what_the_letter_commits_to(archive_searcher, question, said):
    """什么时候能…: a sentence that commits (待…后将立即办理, 7月底建成，届时将…), not one that dates the past."""
    answer = answer_question(archive_searcher, question)
    assert not answer["abstained"] and said in answer["answer"][0]["text"], answer["answer"]


def test_the_heading_says_what_a_sentence_counts(archive_searcher):
    """项目于2025年3月开工，投入资金322万元 names no 公墓 or 道路: its heading (一)龙塘山森林公墓进场道路硬化 does."""
    answer = answer_question(archive_searcher, "龙塘山森林公墓进场道路硬化花了多少钱?")
    assert not answer["abstained"] and answer["answer"][0]["figure"] == "322万元", answer["answer"]


def test_towns_jieba_does_not_know_are_places():
    """泉港界山镇 (jieba: 泉/港界/山镇) still names a town the letter must name; 城镇 and 各乡镇 do not."""
    assert ("山镇", True) in places_named("泉港界山镇专职网格员每月补贴是多少钱?")
    assert ("章镇", True) in places_named("绍兴上虞章镇布设了几条城乡公交线")
    assert places_named("全县12个乡镇的城镇燃气") == []


def test_a_verb_before_a_level_is_no_place():
    """申请不到/省财政: 不到 is no province, so the letter need not name it; a name the dictionary knows with its
    level stays one even when its first part is a verb on its own (开封市, 上高县)."""
    assert places_named("南彰党村地质灾害点为什么申请不到省财政资金?") == [("南彰党", True)]
    assert places_named("开封市和上高县的公交") == [("开封", True), ("上高", True)]


def test_meeting_the_member_and_the_reply_date_are_frame_fields():
    """约见的…委员 asks how the member was consulted (the opening says it: 于2018年8月17日约见了委员); 答复 哪天 asks
    the reply's date, in either order."""
    for question, said in (("银川市水务局什么时候约见的张国俊委员", "办理过程中于2018年8月17日约见了委员"),
                           ("盘锦双台子 提高宫颈癌疫苗接种率 答复 哪天", "2023年7月11日")):
        field = asked_field(question)
        assert field is not None and field.search(said), question
    assert asked_field("银川什么时候建成防溺水设施") is None


@pytest.mark.parametrize("question,proposer", [("石林水塘铺村卫生室重建的建议是哪位代表提的", "王红兰代表"),
                                               ("澧县青龙郜村危桥改建 建议 谁提的", "许佳代表")])
def test_who_proposed_is_answered_by_the_salutation(archive_searcher, question, proposer):
    """谁提的 / 哪位代表提的: the salutation line (王红兰代表：, kept though short) or an opening naming the proposer
    (…等委员提出的《…》) answers, not a reply sentence; 哪位委员负责… asks no proposer."""
    answer = answer_question(archive_searcher, question)
    assert answer["answer"] and answer["answer"][0]["text"].startswith(proposer), answer["answer"]
    assert asked_field("哪位委员负责跟进") is None


def test_a_field_asked_by_name_is_weighed_against_its_whole_letter(archive_searcher):
    """签发人 stands in the header, what the letter is about in its body: the question's words are looked for in the
    whole letter, so the header line answers with full coverage instead of a weak-evidence abstention."""
    answer = answer_question(archive_searcher, "舞钢刘沟村饮水问题的建议答复 签发人")
    assert answer["answer"] and "签发人:崔盘营" in answer["answer"][0]["text"], answer["answer"]
    assert answer["evidence"]["coverage"] == 1.0 and answer["evidence"]["noun_cov"] == 1.0, answer["evidence"]


def test_who_handles_it_is_a_person_label_or_an_assignment():
    field = asked_field("银川加强溺水预防控制提案由谁负责办理")
    assert field is not None and field.search("于2018年4月17日召开会议研究通过,指定由张国庆副局长负责办理落实。")


@pytest.mark.parametrize("sentence,clock", [("首车时间为6:40,末车时间为16:30", True), ("每天上午7点半上岗", True),
                                            ("每晚10:00—12:00,開展全城巡查", True), ("开放时间为9时至17时", True),
                                            ("2023年以来,在入口处设置了一个大门并长期关闭", False),
                                            ("提出三点意见,同时加强管理", False)])
def test_what_time_asks_a_clock_time(sentence, clock):
    """几点开放 is answered by a clock time (7:00, 上午8点, 17时), never by a date or a year alone."""
    question = "西华湿地公园每天几点开放几点关门"
    assert (type_evidence(question_types(question), expected_units(question), sentence)[0] > 0) is clock


def test_cases_are_counted_in_people_and_a_subsidy_in_a_share():
    """确诊了多少例 is answered by 确诊乳腺癌42人; 补贴多少 by 补贴60% as well as by an amount."""
    assert {"例", "人"} <= expected_units("闽侯两癌筛查确诊了多少例乳腺癌?")
    assert {"%", "元"} <= expected_units("准格尔旗九价HPV疫苗政府补贴多少")
    assert "%" not in expected_units("投资了多少钱")


def test_a_place_the_archive_knows_is_a_place_though_jieba_takes_it_for_a_name(archive_searcher):
    """舒城 (jieba: a person's name) is the place of a letter of the archive (舒城县水利局): only its letter answers,
    and the sentence of the year asked (2023年…总投资3000万元) comes before the cumulative 5.58亿元."""
    question = "舒城2023年农村饮水工程投了多少钱?"
    assert places_named(question) == [] and "舒城" in archive_searcher.known_places
    assert places_named(question, archive_searcher.known_places) == [("舒城", False)]
    answer = answer_question(archive_searcher, question)
    assert {item["letter_id"] for item in answer["answer"]} == {"t-ys-04"}, answer["answer"]
    assert answer["answer"][0]["figure"] == "3000万元", answer["answer"]


def test_a_short_form_names_the_full_one():
    assert says("电动车", "可供27700辆电动自行车进行充电") and says("书报", "书籍报刊购置费需每年30万元")
    assert not says("公墓", "公益性墓地")  # too far apart
    assert not says("电动车", "推进电动化，车辆更新")  # not across a comma


def test_where_finds_the_place_said(archive_searcher):
    """装在什么地方: the passage and sentence saying where (主要安装在各镇街便民服务中心…), not the plan for more."""
    assert question_types("铜梁乡村太阳能路灯一般装在什么地方?") == ("place",)
    results = archive_searcher.search("铜梁乡村太阳能路灯一般装在什么地方?")
    assert results[0]["letter_id"] == "t-sr-03" and "主要安装在各镇街便民服务中心" in results[0]["text"]
    answer = answer_question(archive_searcher, "铜梁乡村太阳能路灯一般装在什么地方?")
    assert any("主要安装在各镇街便民服务中心" in item["text"] for item in answer["answer"]), answer["answer"]


def test_how_far_is_answered_by_what_is_done(archive_searcher):
    """进展到哪一步了: the sentence saying what is done or under way (目前，已完成项目的可行性研究报告)."""
    question = "绿春给村组装太阳能路灯的项目现在进展到哪一步了?"
    assert question_types(question) == ("progress",)
    answer = answer_question(archive_searcher, question)
    assert any("已完成项目的可行性研究报告" in item["text"] for item in answer["answer"]), answer["answer"]
    assert "reason" in question_types("赧场小学迁建现在卡在哪里?")


def test_when_is_answered_by_waiting_on_others_or_the_next_step():
    """什么时候 without a date in the letter: 需待上级…安排 (it waits on others) and 下步将… say when, as 待…后 does."""
    assert question_types("南湾 全面铺开托育 什么时候") == ("time",)
    assert type_evidence(("time",), frozenset(), "关于全面铺开托育工作，需待上级相关部门的进一步指导安排")[0] > 0
    assert type_evidence(("time",), frozenset(), "下步将对县级文保单位配备文保员")[0] > 0
    assert type_evidence(("time",), frozenset(), "对县级文保单位配备了文保员")[0] == 0


def test_next_steps_asked_is_answered_by_a_commitment():
    """下一步打算怎么做 asks for what the letter commits to (将…, 争取…, 计划于…), when it asks for nothing else."""
    assert question_types("湛江发改局对在老旧小区建电动摩托车充电桩的建议下一步打算怎么做?") == ("plan",)
    assert question_types("下一步计划新建几个体育公园?") == ("number",)
    assert type_evidence(("plan",), frozenset(), "我局将积极督促各通信企业尽快搬移该基站")[0] == 1.0
    assert type_evidence(("plan",), frozenset(), "该基站已于2023年建成")[0] < 1.0


def test_which_ones_is_not_a_number_question():
    assert "number" not in question_types("安乐乡打算在哪几个路口装森林防火卡口?")
    assert "number" in question_types("安乐乡装了几个森林防火卡口?")


@pytest.mark.parametrize("question,first,other", [
    ("晋安区家庭养老床位有多少张", "484张", "100张"),
    ("泉州医养结合机构有多少家", "18家", "192家"),
])
def test_the_figure_of_the_measure_and_place_asked_comes_first(seed_searcher, question, first, other):
    answer = answer_question(seed_searcher, question)
    assert not answer["abstained"]
    assert answer["answer"][0]["figure"] == first
    for item in answer["answer"][1:]:
        if item["figure"] == other:
            assert item.get("note"), "a second figure says what it measures or where it applies"


@pytest.mark.parametrize("question,figure", [
    ("铜梁2018到2020年农村一共装了多少盏路灯?", "12000盏"),
    ("泰州南园小区还有几幢楼没装管道燃气?", "6幢"),
    ("新乐小街小巷的架空线缆多久能清理完?", "三年"),
    ("潞城现有充电设施能同时供多少辆电动车充电", "27700辆"),  # 电动车: the short form of 电动自行车
])
def test_figures_in_more_units_answer(archive_searcher, question, figure):
    """盏, 幢 and a duration in Chinese numerals (三年内) are figures a question can ask for."""
    answer = answer_question(archive_searcher, question)
    assert not answer["abstained"]
    assert any(figure in item["text"] for item in answer["answer"]), answer["answer"]


def test_category_asked_by_name_and_where_the_thing_goes(archive_searcher):
    """答复类别 is answered by the letter's category line; 装在哪些地方 by the sentence that says where, though it
    names the 健身器材 only in the sentence before it."""
    category = answer_question(archive_searcher, "闽粤赣森林防灭火救援实训基地建议的答复类别是什么")
    assert not category["abstained"] and "答复类别:B类" in category["answer"][0]["text"]
    where = answer_question(archive_searcher, "盘锦双台子新争取的健身器材准备装在哪些地方?")
    assert any("重點安裝在濕地公園" in item["text"] for item in where["answer"]), where["answer"]
    assert answer_question(archive_searcher, "舞钢旗山郊野公园什么时候完工?")["abstained"]  # no letter says


def test_questions_about_the_proposal_itself_find_the_letters_frame(archive_searcher):
    """Who made the proposal, at which meeting, which bureau replied: the header block, the opening and the
    closing block say it, so within the letter the passage holding them comes first (elsewhere it goes last);
    the letter's own heading line (关于…建议答复的函) answers none of it."""
    for question, said in (("湛江20250033号建议是哪位代表提的", "楊廣華代表"),
                           ("湛江充电桩建议是哪次人代会提的", "十五屆人大六次會議")):
        first = archive_searcher.search(question, top_k=3)[0]
        assert first["letter_id"] == "t-dd-05" and said in first["text"], (question, first["text"][:80])
    answer = answer_question(archive_searcher, "湛江市2025年人大第20250033号建议是谁提的,由哪个部门答复")
    assert not answer["abstained"] and "答復的函" not in answer["answer"][0]["text"]
    assert any("湛江市發(fā)展和改革局" in item["text"] for item in answer["answer"]), answer["answer"]
    meeting = answer_question(archive_searcher, "湛江充电桩建议是哪次人代会提的")  # only its heading line says it
    assert not meeting["abstained"] and "十五屆人大六次會議" in meeting["answer"][0]["text"], meeting["answer"]


@pytest.mark.parametrize("question,letter,said", [
    ("元谋城乡公交一天有多少班经过政务中心", "b2-gj-02", "城乡公交全天往返27个班次途径政务中心"),  # 个 counting 班次
    ("忠县105路一天坐车的有多少人", "b2-gj-03", "105公交日均487人次乘坐"),  # 人次 counts people
])
def test_a_figure_in_the_unit_asked_though_written_otherwise(question, letter, said):
    text = (data_path("blind2", "letters") / f"{letter}.txt").read_text(encoding="utf-8")
    assert said in text
    evidence, spans = type_evidence(question_types(question), expected_units(question), said)
    assert evidence == 1.0 and spans, (question, said)
    assert type_evidence(question_types(question), expected_units(question), "共有6条线路经过")[0] < 1.0


def test_the_proposals_number_asked_is_answered_by_the_frame(archive_searcher):
    """第几号 asks a field of the letter's frame: the heading that holds 第14号 answers it, not a reply figure."""
    answer = answer_question(archive_searcher, "舒城山区自来水管网建设的建议是第几号")
    assert not answer["abstained"] and answer["answer"][0]["letter_id"] == "t-ys-04", answer
    assert "第14号" in answer["answer"][0]["text"], answer["answer"]


def test_a_code_the_question_names_must_be_in_the_letter(archive_searcher):
    """A number that names something (第20250099号建议, 12356热线, 105路) is no figure: a letter that never says it
    does not answer, though it matches the year, the place and the rest."""
    assert not answer_question(archive_searcher, "湛江市2025年人大第20250033号建议是谁提的")["abstained"]
    assert answer_question(archive_searcher, "湛江市2025年人大第20250099号建议是谁提的")["abstained"]


def test_what_time_asks_a_clock_time_and_counting_calls_asks_no_telephone_number():
    assert question_types("元谋县城去中兴的公交几点发车") == ("time",)
    assert type_evidence(("time",), frozenset(), "3.县城-中兴:7:00、11:00、17:00")[0] == 1.0
    assert asked_field("安宁市心理服务热线一年接听多少个电话") is None
    assert asked_field("富民县卫生健康局的联系电话是多少") is not None


def test_which_body_replied_is_answered_by_its_signature_or_label_line(archive_searcher):
    """哪个单位答复的 asks the replying body: a line naming it alone (the signature), labelled (承办单位：县水务局…,
    来源：…) or heading the title, never a reply sentence that happens to name a bureau."""
    assert SIGNED_BY.search("承办单位:县水务局责任领导:王家虎") and SIGNED_BY.search("眉山市住房和城乡建设局")
    assert not SIGNED_BY.search("县卫健体委已经向县财政申请2025年专项预算")
    assert REPLYING_BODY.search("马关县水务局关于马关县第十五届人大一次会议第151建议的答复函")
    answer = answer_question(archive_searcher, "眉山翠竹长廊防火那件建议是哪个单位答复的?")
    first = answer["answer"][0]
    assert first["letter_id"] == "t-fh-03" and first["text"].strip() == "眉山市住房和城乡建设局", answer["answer"]


def test_vehicle_slots_are_no_headcount():
    """编制 asks a headcount (多少编制: 人, 名), but a vehicle's 编制 (用车编制) is counted in vehicles: 调增…编制数2辆."""
    assert "人" in expected_units("县医院核定了多少编制")
    assert "人" not in expected_units("峨山县人民医院增加了几个特种专业技术用车编制")
