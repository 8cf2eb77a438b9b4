"""Answers over the real seed and dev indexes: question types, abstention, answer@1, conflicts, the LLM path."""
from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from conftest import DEV_JSONL
from dafu.search.answer import answer_question, evaluate_answers, format_answer
from dafu.search.evaluate import load_questions

UNANSWERABLE = Path(__file__).parent / "data" / "unanswerable.jsonl"


def test_contract_shape(seed_searcher):
    answer = answer_question(seed_searcher, "全省有多少家医养结合机构")
    assert set(answer) >= {"question", "abstained", "answer", "conflicts", "passages"}
    assert not answer["abstained"] and 1 <= len(answer["answer"]) <= 3
    letters = {lid: seed_searcher.letter(lid)["body"] for lid in seed_searcher.by_id}
    for item in answer["answer"]:
        assert item["citations"] and all(1 <= n <= len(answer["passages"]) for n in item["citations"])
        passage = answer["passages"][item["citations"][0] - 1]
        assert item["letter_id"] == passage["letter_id"] and item["text"] in passage["text"]
        assert letters[item["letter_id"]][item["start"]:item["end"]] == item["text"]
    assert [p["rank"] for p in answer["passages"]] == list(range(1, len(answer["passages"]) + 1))
    json.dumps(answer, ensure_ascii=False)


def test_number_question_gives_the_figure(seed_searcher):
    answer = answer_question(seed_searcher, "泉州医疗机构主动签约医养合作多少对")
    assert not answer["abstained"]
    first = answer["answer"][0]
    assert "567对" in first["text"] and first["figure"] and "567" in first["figure"]
    assert "【567对】" in format_answer(answer)


def test_time_question_gives_a_date(dev_searcher):
    answer = answer_question(dev_searcher, "巴南区麻天路公交线路预计什么时候开行?")
    assert not answer["abstained"]
    first = answer["answer"][0]
    assert "2020年12月底" in first["text"] and re.search(r"20\d\d\s*年", first["figure"])


def test_which_question_gives_an_organisation(dev_searcher):
    answer = answer_question(dev_searcher, "达州市城管局是跟哪家媒体合作制作垃圾分类公益宣传片的?")
    assert not answer["abstained"]
    assert answer["answer"][0]["figure"] == "达州电视台"


@pytest.mark.parametrize("question,span", [
    ("獨山縣2017年招聘了多少名幼兒教師?", "2017年完成40名"),  # the sentence is cut: 幼儿教师 is in its first piece
    ("郑州二七区水善汇停车场改出入口要向哪里申请施工许可?", "已向建中街办事处申请施工许可"),  # a letter of 二七区
])
def test_answers_from_a_cut_sentence_and_a_district_of_the_city_named(dev_searcher, question, span):
    answer = answer_question(dev_searcher, question)
    assert not answer["abstained"]
    assert any(span in item["text"] for item in answer["answer"]), answer["answer"]


@pytest.mark.parametrize("question,span", [
    ("晋安区医养结合提案的答复文号是多少", "榕晋民〔2025〕82号"),  # in the header, which answers nothing else
    ("巴南区公交建议的答复文号", "巴南交通发〔2020〕188号"),
    ("湖里区医养结合提案的联系人是谁", "王克菲"),  # in the closing block
    ("晋安区养老提案答复的联系电话", "0591-83615693"),
    ("农业农村部答复无废乡村建议前跟哪些部门商量了", "经商住房城乡建设部"),  # who was consulted: the opening says
])
def test_frame_fields_asked_by_name(dev_searcher, question, span):
    """文号, 联系人, 电话 are asked of the letter's frame: its passage is found and the line holding one answers."""
    assert span in dev_searcher.search(question, top_k=3)[0]["text"]
    answer = answer_question(dev_searcher, question)
    assert not answer["abstained"] and span in answer["answer"][0]["text"], answer["answer"]
    if "文号" in question or "电话" in question:
        assert answer["answer"][0]["figure"] == span  # marked in the answer box


@pytest.mark.parametrize("question,span", [
    ("晋安区民政局哪天答复的医养结合提案", "2025年5月28日"),  # the closing date of the letter
    ("巴南区公交建议是哪天答复的", "2020年12月3日"),
    ("晋安区医养结合提案答复 字号", "榕晋民〔2025〕82号"),  # 字号 asks the 文号 too
])
def test_reply_date_and_number_asked_by_name(dev_searcher, question, span):
    """哪天答复的 is answered by the letter's closing date, not by a date in its body; 字号 by its 文号."""
    answer = answer_question(dev_searcher, question)
    assert not answer["abstained"] and span in answer["answer"][0]["text"], answer["answer"]


def test_a_frame_field_the_letter_does_not_give_abstains(dev_searcher):
    assert answer_question(dev_searcher, "镇康县卫生院建议的办理人")["abstained"]  # dev-040 names no 办理人


def test_abstains_on_questions_the_letters_cannot_answer(dev_searcher):
    questions = load_questions(UNANSWERABLE)
    assert len(questions) >= 12
    abstained = [answer_question(dev_searcher, q["q"])["abstained"] for q in questions]
    answered = [q["q"] for q, a in zip(questions, abstained) if not a]
    assert sum(abstained) / len(questions) >= 0.9, answered
    sample = answer_question(dev_searcher, questions[0]["q"])
    assert sample["answer"] == [] and sample["passages"]
    assert "没有找到足够可靠的答案" in format_answer(sample)


def test_answer_at_1_on_dev(seed_searcher):
    metrics = evaluate_answers(seed_searcher, load_questions(DEV_JSONL))
    assert metrics["n"] == 20
    assert metrics["answer@1"] >= 0.8, metrics["misses"]


def test_conflicting_figures_are_reported(seed_searcher):
    answer = answer_question(seed_searcher, "全省65岁及以上老年人健康管理服务率是多少")
    assert not answer["abstained"]
    figures = [{v["figure"].replace(" ", "") for v in c["values"]} for c in answer["conflicts"]]
    assert {"77.72%", "77.22%"} in figures, answer["conflicts"]
    conflict = answer["conflicts"][figures.index({"77.72%", "77.22%"})]
    assert {v["letter_id"][:3] for v in conflict["values"]} == {"002", "004"}
    assert all("date" in v for v in conflict["values"])
    assert "不一致" in format_answer(answer)


def test_no_conflict_where_letters_agree(seed_searcher):
    answer = answer_question(seed_searcher, "晋安区新增了多少平方米养老设施")
    assert answer["conflicts"] == []


# --- the optional generator, against a local stub of an OpenAI-compatible endpoint ---------------------------

class _Stub(BaseHTTPRequestHandler):
    mode = "good"
    requests: ClassVar[list] = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Stub.requests.append((self.path, body))
        prompt = body["messages"][-1]["content"]
        first = prompt.split("[1]", 1)[1].split("\n[2]", 1)[0]
        text = first.split("\n", 1)[1]
        figure = (re.search(r"\d+(?:\.\d+)?\s*家", text) or re.search(r"\d+", text)).group(0).replace(" ", "")
        reply = {"good": f"全省医养结合机构共有{figure}[1]。",
                 "uncited": f"全省医养结合机构共有{figure}。",
                 "wrong": "全省医养结合机构共有999家[1]。"}[_Stub.mode]
        data = json.dumps({"choices": [{"message": {"role": "assistant", "content": reply}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture()
def llm_stub(monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Stub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("DAFU_LLM_URL", f"http://127.0.0.1:{server.server_address[1]}/v1")
    monkeypatch.setenv("DAFU_LLM_MODEL", "stub")
    _Stub.requests = []
    yield _Stub
    server.shutdown()
    server.server_close()


def test_llm_off_by_default(seed_searcher, monkeypatch):
    monkeypatch.delenv("DAFU_LLM_URL", raising=False)
    answer = answer_question(seed_searcher, "全省有多少家医养结合机构")
    assert answer["generator"]["used"] is False and not any(i.get("generated") for i in answer["answer"])


@pytest.mark.parametrize("mode, used, reason", [("good", True, "accepted"), ("uncited", False, "cites no"),
                                                ("wrong", False, "999")])
def test_llm_reply_checked(seed_searcher, llm_stub, mode, used, reason):
    llm_stub.mode = mode
    answer = answer_question(seed_searcher, "全省有多少家医养结合机构")
    path, body = llm_stub.requests[-1]
    assert path == "/v1/chat/completions" and body["model"] == "stub" and "[1]" in body["messages"][-1]["content"]
    assert answer["generator"]["used"] is used and reason in answer["generator"]["reason"]
    if used:
        assert answer["answer"][0]["generated"] and answer["answer"][0]["citations"] == [1]
        assert "[1]" in format_answer(answer)
    else:
        assert answer["answer"] and not any(i.get("generated") for i in answer["answer"])


def test_cli_ask_json_contract_and_eval_answers(seed_index, capsys):
    import json

    from dafu.cli import main

    assert main(["ask", "全省有多少家医养结合机构", "--json", "--index-dir", str(seed_index)]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert set(payload) >= {"question", "abstained", "answer", "conflicts", "passages"}
    assert not payload["abstained"] and payload["answer"]
    for item in payload["answer"]:
        assert item["citations"] and all(1 <= n <= len(payload["passages"]) for n in item["citations"])
        assert item["text"] in payload["passages"][item["citations"][0] - 1]["text"]
    assert [p["rank"] for p in payload["passages"]] == list(range(1, len(payload["passages"]) + 1))
    assert main(["ask", "北京市养老金调整方案", "--index-dir", str(seed_index)]) == 0
    assert "没有找到" in capsys.readouterr().out
    assert main(["eval", str(DEV_JSONL), "--answers", "--index-dir", str(seed_index)]) == 0
    line = capsys.readouterr().out
    assert line.startswith("answer@1=") and float(line.split()[0].split("=")[1]) >= 0.8
