"""Promises (承诺事项): extraction against the labelled letters, deadlines and figures, the follow-up status
against dated fixtures, and the /promises page, the letter page box, GET /api/promises and `dafu promises`."""
from __future__ import annotations

import datetime
import json
import re
import sys
from pathlib import Path

import pytest

from dafu.corpus.deadlines import find_deadline, find_figures
from dafu.corpus.parse import parse_letter
from dafu.corpus.promises import extract_promises
from dafu.corpus.followup import content_bigrams, is_later, link_follow_ups
from dafu.search.promises import FOLLOWED, OPEN, OVERDUE, PENDING, STATUSES, filter_promises, status_of

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from eval_promises import PARTS, load_labels, score  # noqa: E402

FOLLOWUP = ROOT / "tests" / "data" / "promises" / "followup"
TODAY = datetime.date(2026, 12, 2)


# --- extraction against the labelled set --------------------------------------------------------------------

def test_labels_cover_at_least_40_real_letters_with_exact_offsets():
    rows = load_labels()
    assert len(rows) >= 40
    assert {r["split"] for r in rows} == set(PARTS["FIT"]) | set(PARTS["HELD"])
    assert len([r for r in rows if r["split"] in PARTS["HELD"]]) >= 40
    assert sum(len(r["promises"]) for r in rows) >= 250
    score(rows)  # asserts every labelled text sits at its offsets in the parsed body


def test_extraction_on_the_fit_letters():
    metrics = score([r for r in load_labels() if r["split"] == "fit"])
    assert metrics["precision"] >= 0.95 and metrics["recall"] >= 0.8, metrics


@pytest.mark.parametrize("part, precision, recall", [("FIT", 0.85, 0.80), ("HELD", 0.82, 0.78)])
def test_extraction_on_both_parts(part, precision, recall):
    """FIT: every letter the rules were written on or looked at; HELD: letters not looked at while writing rules
    (``benchmarks/eval_promises.py: PARTS`` lists both): guards at the figures the README reports (held precision
    is below the 0.9 aimed at; it moves as each new blind set's labels join it unread: heldout66, 0.73, took it from
    0.855 to 0.849, heldout68 and heldout69, 0.80 and 0.57, from 0.848 to 0.838, heldout70, 0.50, to 0.820)."""
    metrics = score([r for r in load_labels() if r["split"] in PARTS[part]])
    assert metrics["precision"] >= precision and metrics["recall"] >= recall, metrics


@pytest.mark.parametrize("letter_id", ["t-fh-03", "t-gy-06", "t-sr-02", "t-wy-01", "t-fh-02", "dev-036", "t-sr-08",
                                       "b9-cy-01", "b10-bn-02", "b10-bn-04", "b10-ct-01", "b10-ct-02", "b10-my-01",
                                       "b40-fk-03", "b6-rc-02", "p-070", "b53-xh-01"])
def test_list_style_replies_against_their_labels(letter_id):
    """Replies that answer with a list of measures (现答复如下：一、增设… / 1、… / 一是…；二是…; 我局从以下几个方面开展工作。
    then 一、…, with short items written as lines of their own: 二、积极向省、市争取项目资金,逐步实施。), items that go on in
    the same paragraph (对于…，及时…) and items under a next-steps lead; 一旦发生…将会威胁 (a consequence), 通过以上手段
    可以… and …将在…方面得到提升 (effects), 进入拟…博物馆 (a noun), 拟建设标准为… (a plan's size), 预计全年…突破6万斤 (a
    forecast) and the contact line after the signature commit to nothing, 也将配备 after 已配备…正在修建 and 正在编制的
    《规划》…也将充分考虑 do: every labelled sentence found, nothing else."""
    row = next(r for r in load_labels() if r["letter_id"] == letter_id)
    metrics = score([row])
    assert metrics["precision"] == 1.0 and metrics["recall"] == 1.0, (letter_id, metrics)


@pytest.mark.parametrize("letter_id", ["b18-lx-02", "b20-gm-01", "b20-gm-02", "b20-gb-01", "b31-fj-02",
                                       "b-gs-03", "b33-ek-03", "b57-cx-02", "b57-yn-02"])
def test_courtesies_laws_and_past_years_commit_nothing(letter_id):
    """Sentences with a cue that commit nothing: a courtesy (建议提的很好…具有指导意义和参考价值, 我们将…纳入重要议事日程，
    相信…会得到逐步解决, 力争通过高质量的办理…), a law's words (…人民政府应当制定…规划, 条例中明确规定), a report (去年初将…
    作为民生实事, 累计争取和下达…资金, 没有安排…项目, 我市将古树名木保护作为…重点), a consequence (如在新城区再建设…，将会
    加大成本投入), an answer's item that tells of a day before the letter (二、…2008年12月5日再次出现地裂缝), a page's
    headline naming the proposal (教育部回应尽快研究…的建议): no sentence found beyond the labelled ones (every labelled
    one is still found)."""
    row = next(r for r in load_labels() if r["letter_id"] == letter_id)
    metrics = score([row])
    assert metrics["precision"] == 1.0 and metrics["recall"] == 1.0, (letter_id, metrics)



@pytest.mark.parametrize("letter_id", ["b38-nn-02", "b47-qy-01", "b45-hu-02"])
def test_the_measures_after_a_sentence_opening_the_next_steps_commit(letter_id):
    """下一步，我部将…。一是健全良种繁育体系。继续支持…: the items after a sentence that opens the next steps and their
    measures commit (every labelled sentence is found; the items' bare titles, which these labels leave out, are found
    too)."""
    row = next(r for r in load_labels() if r["letter_id"] == letter_id)
    assert score([row])["recall"] == 1.0


def test_years_before_the_letter_report():
    """争取 in a sentence that opens with years before the letter's reports what was won; the same words in a
    letter of that year, or a firm cue, commit."""
    body = "2021、2022年争取中省财政资金2181万元，新建保鲜设施128个。\n下一步，我局将继续争取上级资金支持。"
    assert [p.text for p in extract_promises(body, "2023-05-01")] == ["下一步，我局将继续争取上级资金支持。"]
    assert len(extract_promises(body.replace("2021、2022年", "2023年"), "2023-05-01")) == 2
    since = "自2018年机构改革以来，我局坚持保护优先的原则，从争取省财政资金投入等方面促进我省地质公园发展。"
    assert extract_promises(since, "2024-10-31") == []  # 争取 in what has been done since


def test_answer_list_commits_until_an_item_reports():
    """现答复如下： then items: each item commits (and a sentence that goes on with it), until an item reports
    what is done; 将 in 我局将办理情况答复如下 is the object marker, no commitment."""
    body = ("经研究，我局将办理情况答复如下：\n一、在风景线沿线增设森林防火宣传标志标识，进一步加大森林防火宣传力度。\n"
            "二、及时清理风景线沿线掉落的枯枝落叶，消除容易引起火灾的隐患源头。对于巡查中发现的隐患，及时安排人员处置。\n"
            "三、我局已于去年在风景线沿线建成森林防火瞭望塔2座，配备专职瞭望员4名。\n"
            "四、组织护林员在防火期内沿风景线开展日常巡护，发现火情及时报告。\n衷心感谢您对林业工作的关心。")
    texts = [p.text for p in extract_promises(body, "2024-01-01")]
    assert texts == ["一、在风景线沿线增设森林防火宣传标志标识，进一步加大森林防火宣传力度。",
                     "二、及时清理风景线沿线掉落的枯枝落叶，消除容易引起火灾的隐患源头。",
                     "对于巡查中发现的隐患，及时安排人员处置。"]


def test_promise_fields():
    body = ("您提出的《关于拟建停车场的建议》收悉，现答复如下：\n2021年我局新增泊位200个。\n"
            "下一步，我局将于2025年底前新建3处停车场，投入资金500万元。\n感谢您对交通工作的关心和支持。")
    found = extract_promises(body, "2024-06-01")
    assert [p.text for p in found] == ["下一步，我局将于2025年底前新建3处停车场，投入资金500万元。"]
    p = found[0]
    assert body[p.start:p.end] == p.text
    assert p.what.startswith("我局将于")
    assert p.deadline.due == "2025-12-31" and body[p.deadline.start:p.deadline.end] == p.deadline.text
    assert [f["text"] for f in p.figures] == ["3处", "500万元"]
    assert body[p.figures[1]["start"]:p.figures[1]["end"]] == "500万元"


@pytest.mark.parametrize("sentence, written, due", [
    ("力争在10月底前完工。", "2024-05-28", "2024-10-31"),
    ("计划2月开工，预计明年上半年建成。", "2024-05-28", "2025-06-30"),
    ("预计第三季度全部完成。", "2025-06-04", "2025-09-30"),
    ("计划三年内逐步消除架空线缆。", "2025-05-16", "2028-05-16"),
    ("争取2025年3月15日前开通。", None, "2025-03-15"),
    ("力争到2026年底前完成改造。", "2024-01-02", "2026-12-31"),
    ("拟于今年7月组织培训。", "2025-06-17", "2025-07-31"),
    ("明年3月底前开通。", "2025-06-17", "2026-03-31"),
])
def test_deadlines(sentence, written, due):
    day = datetime.date.fromisoformat(written) if written else None
    assert find_deadline(sentence, 0, len(sentence), day).due == due


@pytest.mark.parametrize("sentence, written", [
    ("将于2024年2月31日前完成。", None),  # no such day
    ("在2023年9月专门申报了改造计划，正在推进。", "2024-05-28"),  # a date before the letter is history
    ("我局将加强监管。", "2024-05-28"),
])
def test_no_deadline(sentence, written):
    day = datetime.date.fromisoformat(written) if written else None
    assert find_deadline(sentence, 0, len(sentence), day) is None


def test_figures_are_not_dates_or_vague_counts():
    text = "2025年底前新建一批停车场，其中3处在老城区，两千五百个泊位，作为一个特例。"
    assert [f["text"] for f in find_figures(text, 0, len(text))] == ["3处", "两千五百个"]


def test_not_promises():
    body = ("你们提出的在中银村拟建幼儿园的建议收悉。\n我县先后争取2400万元建设卫生院5个。\n"
            "《纲要》提出到2025年达到每千人4.5个托位。\n新建幼儿园投入使用后将缓解学位紧张问题。\n"
            "建议：相关部门尽早拿出安装方案。\n再次感谢您的关心，欢迎今后多提宝贵意见，我们将继续努力。\n"
            "我们将城际铁路纳入《铁路网规划》中进行了布局。\n县政府投入了大量人力对卫生室进行改造，力争让群众方便看病。\n"
            "代表提出将该铁路纳入规划并争取早日开工建设。\n待项目建成后，将切实满足学生如厕需求。\n"
            "集团表示将统筹考虑，条件具备将支持纳入规划。\n有待今后择时、择地进行妥善安排。\n"
            "设计单位考虑到未来铁路客货量，提出了比选方案。\n下一步，随着国产疫苗陆续上市，价格也有望大幅下调。\n"
            "在今后的工作中，希望您一如既往地关心、支持交通运输工作。\n"
            "提案提出了很好的意见建议，我厅将认真吸收采纳。\n在以后的工作中，我区将继续公园管理工作，为提升城市绿化管理效能贡献力量。\n"
            "一是制定了活动方案，预测带动消费约1.6亿元，将切实调动消费者购车意愿。\n近年来，争取省级下达奖补资金1200万元。\n"
            "我委将0~6岁儿童眼保健和视力检查工作纳入实践活动清单，加大工作推进力度。\n"
            "关于全面铺开托育工作，需待上级相关部门的进一步指导安排。\n随着《河源市革命遗址保护条例》的出台，将推动保护工作进入法制化。\n"
            "各地可依据上述政策，争取加大对油茶林的进山道路硬化工程等基础设施建设工作的支持。\n"
            "一、加大对瓦渡乡核桃提质增效项目建设，计划争取项目资金方面的建议。\n"
            "我们将提案办理与建设“善城杭州”工作品牌有机结合，切实加大落实力度。\n"
            "教育局成立学校国防教育工作领导小组，明确工作责任和保障措施，并将国防教育工作落到实处。\n"
            "区教育局将队列动作、战术动作等基本军事技能融入学生日常体育训练。\n"
            "提案建议：国家尽快立项实施全国坡耕地水土流失整治工程。\n"
            "目前已完成治理面积63.18km2，预计在2023年6月底治理面积将达到83.89km2。\n"
            "申请设置一个固定献血屋，预计面积为60-80平方米，预算经费为47万元。")
    assert extract_promises(body, "2024-01-01") == []
    put_into = "同时，积极向农业部争取，将陆丰市碣石渔港列入农业部《渔港升级改造和整治维护规划》，计划在“十三五”期间实施。"
    assert len(extract_promises(put_into, "2018-06-22")) == 1  # a document something is put into recites nothing


@pytest.mark.parametrize("sentence", [
    "建议双江自治县人民政府加强研究论证通用机场项目建设的必要性、可行性和建设时机，我局将全力配合、支持好相关工作。",
    "建议保靖县进一步评估吕洞山是否具备创建旅游度假区的先决条件，再因地制宜，科学规划，我厅将予以关注和指导。",
    "四是建议城管部门在审批树立广告牌时考虑其制作牢固度、使用年限，及早予以处置，避免事故发生。",
    "正如您在提案中分析的，我们还将面临不稳定脱贫户、贫困边缘户返贫致贫压力。",
    "如果能与目前正在开展的“书法进校园”、书法类社团课程及活动有效结合，那将对书法教育在中小学的推广实施大有裨益。",
    "该建议有着很强的针对性和实用性，对市政府和相关部门今后工作很有帮助。",
    "项目紧邻黄石北站，未来通过即将规划建设的大广高速连接线可直通鄂州顺丰机场。",
    "下一步，农业农村部",
    "预计项目完成后，每亩鲜果产量可达1000公斤以上，产值超过8000元。",  # blind56: a forecast
    "此外，八角种植的产业化发展将推动当地市场经济发展，为农户提供就业机会。",  # an effect
    "一、调整树种结构损失大、新苗成长期绿化效果差，现阶段不适合采用。",  # a refusal
    "二、柳树扬絮困扰居民属实际情况，飞絮持续期在二十天左右。",  # a fact granted
    "三、您提出的“嫁接法”在实际操作过程中存有难度，大多数杨柳树径较粗。"])  # a difficulty
def test_advice_forecasts_wishes_and_cut_pages_commit_nothing(sentence):
    """Sentences of real letters (blind36, 37, 38, 43, 47, 48, 55, 56) with a cue that commit nothing: advice to
    another body with only support offered, or after an item's number; what the side will face (还将面临); a wish (如果
    能…那将); praise (今后工作很有帮助); a road about to be planned (即将…的); a page cut after its lead; a forecast
    (预计…完成后…可达); a development's effect (…发展将推动…); items of an answer list that refuse (不适合采用), grant a
    fact (属实际情况) or weigh a difficulty (存有难度)."""
    assert extract_promises(sentence, "2023-06-01") == []


def test_support_with_a_measure_of_its_own_commits():
    assert len(extract_promises("建议各县区加强宣传引导，我局将积极配合，并在年底前新建3处示范点。", "2023-06-01")) == 1


def test_will_study_what_others_do_commits():
    """同时，将考察借鉴… (blind56's 中牟 letter): 将 before 考察 or 借鉴 is the future, as before 研究."""
    assert len(extract_promises("同时，将考察借鉴其他地区先进防治经验和模式，阶梯推进。", "2021-07-26")) == 1


def test_bracketed_closing_lines_after_a_list_are_not_promises():
    body = "为促进中药材产业发展，我委将继续做好以下工作：\n一是加快建设种苗基地。\n（此件公开发布）\n（联系人：唐成林；电话：0851-1234567）"
    assert [p.text for p in extract_promises(body, "2024-01-01")] == [
        "为促进中药材产业发展，我委将继续做好以下工作：", "一是加快建设种苗基地。"]


def test_answer_list_items_that_describe_restate_or_report_are_not_promises():
    """After 现答复如下：, an item that describes (AED又称…), restates the proposal (关于…的建议) or whose bare title
    is followed by a report (强化组织领导。成立了…) offers nothing; 今后 in the reply's thanks opens no next steps,
    and what the proposal plans (提案中拟建设的…) is not the bureau's plan."""
    body = ("您提出的建议收悉，现答复如下：首先，感谢您的关心和支持，促进我们在今后工作中不断改进。\n"
            "一、AED又称自动体外心脏除颤器，是一种便携式的急救装置，对抢救心律失常等突发疾病有重要作用。\n"
            "二、关于抓好宣传引导，不断提高民众对“银行卡”的安全意识的建议。\n"
            "三、结合卫生应急“五进”工作加强培训，做好AED操作知识普及。\n四是强化组织领导。成立了领导小组，召开会议3次。\n"
            "提案中拟建设的湿地公园位于保护区内。\n农网改造是民心工程。")
    assert [p.text for p in extract_promises(body, "2024-01-01")] == ["三、结合卫生应急“五进”工作加强培训，做好AED操作知识普及。"]


def test_item_titles_over_a_report_are_not_promises_and_a_measure_goes_on():
    """In the answer's list, an item's title whose paragraph goes on to report (一是支持…调入…规划。2023年3月…报送了…)
    offers nothing; a measure that goes on with 不断… after a target commits with it."""
    body = "力争2025年岑巩水稻制种面积达4万亩。同时不断完善基地配套设施建设，全面提升种子加工水平。"
    assert [p.text for p in extract_promises(body, "2024-01-01")] == [
        "力争2025年岑巩水稻制种面积达4万亩。", "同时不断完善基地配套设施建设，全面提升种子加工水平。"]
    answer = ("您提出的建议收悉，现答复如下：\n一是支持白河南阳至豫鄂省界航运工程在十四五规划中期调整中调入交通运输部十四五规划。"
              "2023年3月，省交通运输厅向交通运输部报送了评估报告。")
    assert extract_promises(answer, "2024-01-01") == []


def test_a_title_of_two_short_phrases_over_a_report_is_not_a_promise():
    """一是摸清底数，建立项目清单。 over 进行了7轮排查 is the title of what was done (blind51, read after its first sight)."""
    body = ("您的建议已收悉，现答复如下：\n一是摸清底数，建立项目清单。从2022年开始组织各城区对全市项目进行了7轮排查。\n"
            "二是完善机制，强力推动项目交付。我局成立了工作专班。")
    assert extract_promises(body, "2023-06-01") == []


def test_will_keep_on_and_a_plan_aimed_at_commit():
    """会不断督促 and 计划针对…开展改造 commit like 会继续 and 计划对… (blind51)."""
    body = ("在以后的工程建设中我们会不断督促工程进度，把握工程质量。\n"
            "结合沿线村意见，计划针对临港大道沿线两处节点开展行人过街设施改造。")
    assert [p.cue for p in extract_promises(body, "2025-06-01")] == ["会", "计划"]


def test_a_later_aim_after_a_report_still_commits():
    body = "同时向上级争取项目资金，5月就此做了专题汇报，力争结合复审工作一并实施。"
    assert [p.cue for p in extract_promises(body, "2024-01-01")] == ["力争"]


def test_waiting_on_a_condition_commits():
    """待资金就位即可开工: a commitment once the condition is met, with or without 后/时; 待遇 and 优待证 are no
    waiting."""
    assert [p.text for p in extract_promises("资金还未到位，待资金就位即可开工建设。", "2024-01-01")] == [
        "资金还未到位，待资金就位即可开工建设。"]
    assert extract_promises("符合条件的人员享受待遇即可办理退休手续。", "2024-01-01") == []
    assert extract_promises("为了进一步拓宽优待证使用场景，2024年2月召集各县（区）进行安排部署。", "2024-08-30") == []


def test_next_steps_section_commits():
    body = ("现答复如下：\n一、基本情况\n我局已建成停车场2处。\n二、下一步工作\n（一）加快停车设施建设。\n"
            "积极争取上级资金，新建停车场1处。\n（二）加强停车管理。\n感谢您的关心和支持。")
    texts = [p.text for p in extract_promises(body, "2024-01-01")]
    assert texts == ["（一）加快停车设施建设。", "积极争取上级资金，新建停车场1处。", "（二）加强停车管理。"]


def test_mirror_copy_in_traditional_script():
    body = "隨著道路條件改善，我局將適時對城鄉客運線路進行公交化改造。"
    assert len(extract_promises(body, "2020-01-01")) == 1


# --- follow-up status: dated fixtures ------------------------------------------------------------------------

PROMISE = {"id": "a#10", "letter_id": "a", "date": "2022-06-10", "agency": "测试县交通运输局", "region": "测试县",
           "what": "我局将于2023年底前在老城区新建3处公共停车场，新增停车泊位500个", "due": "2023-12-31"}


@pytest.mark.parametrize("due, today, status", [
    ("2023-12-31", datetime.date(2024, 1, 1), OVERDUE),
    ("2023-12-31", datetime.date(2023, 12, 31), PENDING),  # due today: not yet overdue
    ("2027-06-30", TODAY, PENDING),
    (None, TODAY, OPEN),
])
def test_status_without_a_later_letter(due, today, status):
    assert status_of({**PROMISE, "due": due}, today) == status


def test_status_with_a_later_sentence_wins_over_the_deadline():
    assert status_of({**PROMISE, "later_letter_id": "b"}, TODAY) == FOLLOWED


class _Chunk:
    def __init__(self, start, end, ordinal):
        self.start, self.end, self.ordinal = start, end, ordinal


def test_follow_up_is_a_later_letter_of_the_same_agency_or_place_on_the_same_thing():
    bodies = {
        "a": "下一步，我局将于2023年底前在老城区新建3处公共停车场。",  # the promise's own letter
        "b": "现答复如下：\n2023年，我局在老城区新建公共停车场3处，新增停车泊位520个，已全部投入使用。同时对道路泊位实行智能化管理。",
        "c": "我局在老城区新建公共停车场3处，新增停车泊位500个。",  # earlier: not a follow-up
        "d": "我局今年将新开通城乡公交线路2条。",  # later, another matter
        "e": "2023年，别县在老城区新建公共停车场3处，新增停车泊位520个。",  # later, same matter, another bureau and place
    }
    letters = [{"id": "a", **{k: PROMISE[k] for k in ("agency", "region", "date")}},
               {"id": "b", "agency": "测试县交通运输局", "region": "测试县", "date": "2024-05-20"},
               {"id": "c", "agency": "测试县交通运输局", "region": "测试县", "date": "2021-05-08"},
               {"id": "d", "agency": "测试县交通运输局", "region": "测试县", "date": "2025-01-01"},
               {"id": "e", "agency": "别县住建局", "region": "别县", "date": "2024-01-01"}]
    text_of = lambda lid: (bodies[lid], [_Chunk(0, 40, 0), _Chunk(40, 200, 1)])  # noqa: E731
    [found] = link_follow_ups([PROMISE], letters, text_of)
    assert found["later_letter_id"] == "b" and found["later_chunk"] == 0
    assert found["later_text"].startswith("2023年，我局在老城区新建公共停车场3处")
    assert bodies["b"][found["later_start"]:found["later_end"]] == found["later_text"]  # body offsets
    assert link_follow_ups([PROMISE], [row for row in letters if row["id"] != "b"], text_of) == [None]
    same_place = [{**row, "agency": "测试县住建局"} if row["id"] == "b" else row for row in letters]
    assert link_follow_ups([PROMISE], same_place, text_of)[0]["later_letter_id"] == "b"  # the place is enough


def test_dates_and_words():
    assert is_later("2024-05-20", "2022-06-10") and not is_later("2022-06", "2022-06-10")
    assert is_later("2023", "2022-12-31") and not is_later("2022", "2022-06-10")
    assert {"停车", "车场", "3处"} <= content_bigrams("新建3处停车场") & content_bigrams("已建成停车场3处，计3处")
    rows = [{"agency": "测试县交通运输局", "region": "测试县", "date": "2022-06-10", "status": OVERDUE},
            {"agency": "别县民政局", "region": "别县", "date": "2021-01-01", "status": OPEN}]
    assert filter_promises(rows, agency="交通", year="2022", status=OVERDUE) == rows[:1]
    assert filter_promises(rows, region="别县") == rows[1:]


# --- the follow-up over a real index of dated fixture letters, the pages, the API and the CLI ---------------

@pytest.fixture(scope="module")
def followup_index(tmp_path_factory, isolated_data):
    from dafu.index.build import build_index

    directory = tmp_path_factory.mktemp("promises-index")
    build_index([FOLLOWUP], index_dir=directory)
    return directory


@pytest.fixture(scope="module")
def searcher(followup_index):
    from dafu.search.api import Searcher

    return Searcher.open(followup_index)


@pytest.fixture(scope="module")
def client(searcher):
    from dafu.web import create_app

    return create_app(searcher=searcher).test_client()


@pytest.mark.model
def test_statuses_over_the_fixture_letters(searcher):
    from dafu.search.promises import letter_promises

    parking = letter_promises(searcher, "fu-2022-parking", TODAY)
    assert len(parking) == 1 and parking[0]["status"] == FOLLOWED
    assert parking[0]["later_letter_id"] == "fu-2024-parking" and parking[0]["later_date"] == "2024-05-20"
    assert parking[0]["later_text"].startswith("2023年，我局在老城区新建公共停车场3处")
    body = searcher.letter("fu-2024-parking")["body"]
    assert body[parking[0]["later_start"]:parking[0]["later_end"]] == parking[0]["later_text"]
    bus = letter_promises(searcher, "fu-2021-bus", TODAY)
    assert [(r["status"], r["due"], r["later_text"]) for r in bus] == [(OVERDUE, "2022-12-31", None)]
    bridge = letter_promises(searcher, "fu-2026-bridge", TODAY)
    assert [(r["status"], r["due"]) for r in bridge] == [(PENDING, "2030-06-30")]
    assert letter_promises(searcher, "fu-2024-parking", TODAY) == []  # reports what was done: no promise
    assert letter_promises(searcher, "fu-2026-bridge", datetime.date(2030, 7, 1))[0]["status"] == OVERDUE


@pytest.mark.model
def test_promises_page(client):
    response = client.get("/promises")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "承诺事项" in html and 'name="viewport"' in html
    assert "共 <strong>3</strong> 条承诺" in html
    assert "下一步，我局将于2023年底前在老城区新建3处公共停车场" in html
    assert "2023年，我局在老城区新建公共停车场3处" in html  # the later sentence, shown, not judged
    assert re.search(r'href="/letters/fu-2022-parking\?hl=\d+#c\d+"', html)
    assert re.search(r'href="/letters/fu-2024-parking\?hl=\d+#c\d+"', html)  # the later passage
    assert "期限：2023年底" in html and "数字：3处；500个" in html
    filtered = client.get("/promises", query_string={"status": OVERDUE}).get_data(as_text=True)
    assert "共 <strong>1</strong> 条承诺" in filtered and "北山镇" in filtered and "停车场" not in filtered
    assert "共 <strong>1</strong> 条承诺" in client.get("/promises?year=2026&agency=测试").get_data(as_text=True)
    assert "没有符合条件的承诺事项" in client.get("/promises?region=别处").get_data(as_text=True)


@pytest.mark.model
def test_promises_page_over_a_large_index_without_stored_promises_works_in_the_background(client, searcher,
                                                                                         monkeypatch):
    import dafu.search.promises as promises

    import threading

    release = threading.Event()
    state = promises._state(searcher)
    state.pop("ready", None)
    monkeypatch.setattr(type(searcher.index), "promises_stored", False)  # a backend that computes them
    monkeypatch.setattr(promises, "SYNC_LETTERS", 1)
    monkeypatch.setattr(promises, "all_promises", lambda *a, **k: release.wait(30))  # busy until released
    html = client.get("/promises").get_data(as_text=True)
    assert "承诺事项正在整理" in html and "请稍后刷新本页" in html
    release.set()
    state.pop("worker").join(30)
    monkeypatch.undo()
    assert state["ready"]
    assert "共 <strong>3</strong> 条承诺" in client.get("/promises").get_data(as_text=True)


@pytest.mark.model
@pytest.mark.parametrize("query", ["year=20x4", "status=done", "agency=" + "长" * 101, "page=0", "page=x"])
def test_promises_page_bad_parameters(client, query):
    response = client.get("/promises?" + query)
    assert response.status_code == 400
    assert "筛选条件有误" in response.get_data(as_text=True) or "错误" in response.get_data(as_text=True)


@pytest.mark.model
def test_letter_page_promises_box(client):
    html = client.get("/letters/fu-2022-parking").get_data(as_text=True)
    assert "这封答复函的承诺事项（1 条）" in html and FOLLOWED in html and "查看后来的答复" in html
    assert "承诺事项" not in client.get("/letters/fu-2024-parking").get_data(as_text=True).split("letter-body")[-1]


@pytest.mark.model
def test_api_promises(client):
    body = client.get("/api/promises").get_json()
    assert body["total"] == 3 and body["statuses"] == list(STATUSES)
    row = next(r for r in body["promises"] if r["letter_id"] == "fu-2022-parking")
    assert row["status"] == FOLLOWED and row["later_letter_id"] == "fu-2024-parking"
    assert all(not isinstance(v, (dict, list)) for r in body["promises"] for v in r.values())  # plain rows
    one = client.get("/api/promises", query_string={"letter_id": "fu-2021-bus"}).get_json()
    assert one["total"] == 1 and one["promises"][0]["due"] == "2022-12-31"
    paged = client.get("/api/promises?limit=1&offset=1").get_json()
    assert paged["total"] == 3 and len(paged["promises"]) == 1


@pytest.mark.model
@pytest.mark.parametrize("query, status", [
    ("status=done", 400), ("year=24", 400), ("limit=0", 400), ("limit=1001", 400), ("offset=-1", 400),
    ("limit=abc", 400), ("letter_id=../x", 400), ("letter_id=nope", 404), ("agency=%01", 400)])
def test_api_promises_errors_are_json(client, query, status):
    response = client.get("/api/promises?" + query)
    assert response.status_code == status and response.is_json and response.get_json()["error"]


@pytest.mark.model
def test_openapi_describes_promises(client):
    spec = client.get("/api/openapi.json").get_json()
    op = spec["paths"]["/api/promises"]["get"]
    assert {p["name"] for p in op["parameters"]} >= {"agency", "year", "status", "region", "limit", "offset"}
    assert spec["components"]["schemas"]["PromisesResponse"]["properties"]["promises"]["items"]["properties"][
        "status"]["enum"] == list(STATUSES)
    assert "400" in op["responses"]


@pytest.mark.model
def test_cli_promises(followup_index, capsys):
    from dafu.cli import main

    assert main(["promises", "--index-dir", str(followup_index), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 3 and {r["letter_id"] for r in rows} == {"fu-2022-parking", "fu-2021-bus", "fu-2026-bridge"}
    assert main(["promises", "--index-dir", str(followup_index), "--agency", "交通", "--status", FOLLOWED]) == 0
    out = capsys.readouterr().out
    assert "已有后续答复" in out and "后来的答复 2024-05-20" in out and "共 1 条承诺" in out
    assert main(["promises", "--index-dir", str(followup_index), "--csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("id,letter_id,") and len(lines) == 4
    assert main(["promises", "--index-dir", str(followup_index), "--status", "done"]) == 2


def test_a_plan_to_buy_is_a_promise():
    """计划购买 / 计划采购 commit like 计划新建 (a real letter of tests/data/blind2)."""
    path = ROOT / "tests" / "data" / "blind2" / "letters" / "b2-jj-02.txt"
    letter = parse_letter(path.read_text(encoding="utf-8"), "b2-jj-02", str(path))
    texts = [p.text for p in extract_promises(letter.body, letter.date)]
    assert any(t.startswith("我委计划购买150台自动体外除颤仪") for t in texts), texts


@pytest.mark.parametrize("sentence", [
    "西安至十堰高铁是国家确定的新开工储备项目，尽快启动建设对于进一步完善区域路网，助力区域协调发展都具有十分重要的作用。",
    "省上已多次与铁总沟通，请其尽快认可建设方案，以便开展后续工作。",
    "由铁路第三设计院进行路线设计以便尽快确定高铁过平阴和设站，该项工作正在进行。",
    "一直以来全力对上争取高铁在平阴选址设站相关工作，力争实现平阴“高铁梦”。",
    "自青少年活动中心建成以来，我局不断努力争取上级主管部门的关心和支持，加强基础设施建设。",
])
def test_judgements_requests_and_ongoing_aims_are_no_promises(sentence):
    """Round 22 (heldout27, real letters of tests/data/blind23): a sentence closing on what a measure is worth
    (具有…作用), 尽快 asked of another party or as the purpose of what is under way, 力争 after 一直以来, and the
    力争 inside 努力争取."""
    assert extract_promises(sentence, "2019-01-01") == []


def test_an_aim_after_a_report_still_commits():
    """力争 with its own deadline after what was started (已启动…，力争在2023年创成…) is still a promise."""
    found = extract_promises("同时，我市已启动汪场、九真等乡镇创建工作，力争在2023年创成全省“四好农村路”示范市。", "2022-06-01")
    assert len(found) == 1 and found[0].cue == "力争"


@pytest.mark.parametrize("sentence", [
    "有些建议为我们推进工作提出了新思路，我们将加以融合吸收，推动工作开展。",
    "恳请您一如既往的关心关注交通运输工作，我们将认真研究落实，努力办好人民满意交通。",
    "我局将开展关爱留守儿童主题活动列入日常工作重点，组织民政和社会力量开展系列活动。",
    "2021年我局争取秸秆综合利用专项资金700万元对我县秸秆收储运体系建设进行补助。",
    "且拟建设的湿地公园范围与现有的省级自然保护区交叉重叠。",
    "后由县卫健委申请拟建县公共卫生应急作业中心，主要功能为中医理疗及血液透析。",
])
def test_uptake_courtesies_object_marking_and_funds_secured_commit_nothing(sentence):
    """Round 25 (FIT letters b17-sq-03, b2-gj-03, b5-lt-01, b6-jg-01): a cue whose clause only takes the proposal up
    (加以融合吸收, 认真研究落实), 将 marking the object put into a list (将开展…活动列入…重点: 开展 is the object's
    verb, not an adverb of the future), 争取 naming the sum it secured, 拟 in a name (拟建设的湿地公园) and what was
    applied for (申请拟建)."""
    assert extract_promises(sentence, "2022-12-01") == []


def test_aims_to_secure_funds_and_to_put_into_plans_still_commit():
    """争取 with no sum secured, 将积极…纳入 (an adverb of the future) and 拟 before a verb still commit."""
    for sentence in ("继续向区政府争取新建文物库房，同时积极争取上级专项资金。", "我局将积极争取将该项目纳入省级规划。",
                     "该项目拟选址于衡山镇迎驾大道以北。"):
        assert len(extract_promises(sentence, "2022-12-01")) == 1, sentence


def test_round_43_a_dated_report_an_effect_a_summary_and_a_frame():
    """heldout43 (real letters of tests/data/blind39, read): an answer's item opening with its day (4月20日，对接…同意…)
    reports; 投入建设后将新增… is an effect; 综上所述… under 下一步 sums up; 发挥现有建成设施的最大效益 frames the
    measure of an item that goes on a committing list, reporting nothing."""
    assert extract_promises("现答复如下：\n1、4月20日，对接农业农村局，同意先将28个重点村按照技防村建设标准进行建设，预算约60万。\n"
                            "投入建设后将新增一类视频监控点140个。", "2023-06-01") == []
    assert extract_promises("下一步工作\n综上所述，依法、科学用警是社会发展进步的具体要求。", "2023-06-01") == []
    body = ("目前，一是我局已启动建设大道至毛许路的管网建设；二是计划将污水处理厂扩建纳入提质增效工程项目实施范围；"
            "三是加强对污水处理厂网设施的运营监管，发挥现有建成设施的最大效益。")
    assert [p.text[:2] for p in extract_promises(body, "2024-06-30")] == ["二是", "三是"]


def test_rounds_45_and_46_habitual_work_and_what_may_be_considered():
    """heldout45 and heldout46 (real letters of tests/data/blind41 and blind42, read): an answer's items that say
    what a body does all along (一直严把…关, 一贯高度重视…, 常态化开展…) report, under 下一步 too; 适时可考虑推广 is a
    possibility. A measure the same list gives with no such word still commits."""
    body = ("下一步工作\n（一）我局交警大队一直严把电动自行车登记准入关，对电动自行车开展注册登记工作。\n"
            "（二）交警大队一贯高度重视，联合相关部门不定期地组织开展专项整治行动。\n"
            "（三）常态化开展学生上网网吧检查，推进家校协同监管。\n"
            "（四）加强电动自行车驾驶人交通安全宣传教育。")
    assert [p.text[:3] for p in extract_promises(body, "2024-06-01")] == ["（四）"]
    assert extract_promises("随着试点工作的深入，范围将进一步扩大，适时可考虑推广至一线筛查。", "2018-06-01") == []
