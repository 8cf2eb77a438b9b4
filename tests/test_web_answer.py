"""The answer box on the search page and GET /api/ask, over the real seed index."""
from __future__ import annotations

import re

import pytest

from dafu.corpus.normalize import normalize_for_match
from dafu.web import create_app
from dafu.web.pages import figure_segments

FIGURE_Q = "医疗护理员培训补助标准是多少"
UNANSWERABLE = "北京市养老金调整方案"
CONFLICT_Q = "全省65岁及以上老年人健康管理服务率是多少"


@pytest.fixture(scope="module")
def client(seed_searcher):
    return create_app(searcher=seed_searcher).test_client()


@pytest.fixture(scope="module")
def asked(client):
    """/api/ask answers, computed once per question for the whole module."""
    cache: dict[str, dict] = {}

    def ask(question: str) -> dict:
        if question not in cache:
            response = client.get("/api/ask", query_string={"q": question})
            assert response.status_code == 200, response.get_data(as_text=True)
            cache[question] = response.get_json()
        return cache[question]
    return ask


def _json_error(response, status: int) -> str:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    return response.get_json()["error"]


def _answer_box(html: str) -> str:
    found = re.search(r'<section class="answer".*?</section>', html, re.S)
    return found.group(0) if found else ""


# --- /api/ask --------------------------------------------------------------------------------------------

def test_api_ask_answers_with_a_cited_sentence(asked):
    data = asked(FIGURE_Q)
    assert {"question", "abstained", "answer", "conflicts", "passages"} <= set(data)
    assert data["question"] == FIGURE_Q and data["mode"] == "hybrid" and data["filters"] == {}
    assert not data["abstained"] and 1 <= len(data["answer"]) <= 3
    passages = data["passages"]
    assert [p["rank"] for p in passages] == list(range(1, len(passages) + 1))
    for item in data["answer"]:
        assert item["citations"] and all(1 <= n <= len(passages) for n in item["citations"])
        cited = passages[item["citations"][0] - 1]
        assert cited["letter_id"] == item["letter_id"]
        assert normalize_for_match(item["text"]) in normalize_for_match(cited["text"])
    top = data["answer"][0]
    assert top["letter_id"].startswith("004_")
    assert top["figure"] and top["figure"] in top["text"] and "2000" in top["figure"]


def test_api_ask_abstains_but_returns_passages(asked):
    data = asked(UNANSWERABLE)
    assert data["abstained"] is True
    assert data["answer"] == []
    assert data["passages"] and all({"letter_id", "text", "citation"} <= set(p) for p in data["passages"])


def test_api_ask_filters_and_mode(client, seed_searcher):
    agency = seed_searcher.by_id[next(i for i in seed_searcher.by_id if i.startswith("004_"))]["agency"]
    data = client.get("/api/ask", query_string={"q": FIGURE_Q, "mode": "keyword", "agency": agency, "k": 3}
                      ).get_json()
    assert data["mode"] == "keyword" and data["filters"] == {"agency": agency}
    assert 1 <= len(data["passages"]) <= 3
    assert all(agency in p["citation"]["agency"] for p in data["passages"])


def test_api_ask_is_get_only(client):
    response = client.post("/api/ask", query_string={"q": FIGURE_Q})
    _json_error(response, 405)
    assert "GET" in response.headers["Allow"]


# --- the answer box --------------------------------------------------------------------------------------

def test_search_page_shows_answer_box_with_figure_and_citation(client, asked):
    data = asked(FIGURE_Q)
    response = client.get("/", query_string={"q": FIGURE_Q})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    box = _answer_box(html)
    assert box and "答案摘要" in box
    top = data["answer"][0]
    assert f'<strong class="figure">{top["figure"]}</strong>' in box
    chunk = data["passages"][top["citations"][0] - 1]["chunk"]
    assert re.search(rf'<a class="cite" href="/letters/{top["letter_id"]}\?hl={chunk}&amp;q=[^"#]+#c{chunk}"'
                     rf'[^>]*>\[{top["citations"][0]}\]</a>', box)
    assert html.index('<section class="answer"') < html.index('<ol class="results">')  # results stay below
    assert html.count('<li class="result">') == 10


def test_search_page_abstention_notice_keeps_results(client):
    html = client.get("/", query_string={"q": UNANSWERABLE}).get_data(as_text=True)
    box = _answer_box(html)
    assert "资料库中没有找到可靠的答案" in box
    assert 'class="cite"' not in box and "<strong" not in box
    assert '<li class="result">' in html


def test_search_page_lists_conflicting_figures(client, asked):
    data = asked(CONFLICT_Q)
    if not data["conflicts"]:
        pytest.skip("the answer layer reports no conflict for this question")
    box = _answer_box(client.get("/", query_string={"q": CONFLICT_Q}).get_data(as_text=True))
    assert "数字不一致" in box
    conflicts = box[box.index('<div class="conflicts"'):]
    for conflict in data["conflicts"]:
        for value in conflict["values"]:
            assert value["text"] in conflicts
            assert f'href="/letters/{value["letter_id"]}' in conflicts
            assert (value["date"] or "日期不详") in conflicts


def test_answer_box_only_in_hybrid_mode(client):
    html = client.get("/", query_string={"q": FIGURE_Q, "mode": "keyword"}).get_data(as_text=True)
    assert '<li class="result">' in html and not _answer_box(html)


def test_answer_failure_keeps_the_results(client, monkeypatch, caplog):
    import dafu.search.answer

    def broken(*args, **kwargs):
        raise RuntimeError("answer boom")

    monkeypatch.setattr(dafu.search.answer, "answer_question", broken)
    response = client.get("/", query_string={"q": FIGURE_Q})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<li class="result">' in html and not _answer_box(html)
    assert "answer boom" in caplog.text
    assert _json_error(client.get("/api/ask", query_string={"q": FIGURE_Q}), 500).startswith("服务器内部错误")


def test_answer_box_escapes_markup(client, seed_searcher, monkeypatch):
    """Answer text, figures and conflict values are text: markup in them is shown, never run."""
    import dafu.search.answer

    passage = seed_searcher.search(FIGURE_Q, top_k=1)[0]
    fake = {"question": FIGURE_Q, "abstained": False, "passages": [passage],
            "answer": [{"text": "补助<script>alert(1)</script>为<b>2000元</b>。", "citations": [1, 7],
                        "letter_id": passage["letter_id"], "figure": "<b>2000元</b>"}],
            "conflicts": [{"measure": "<i>补助</i>", "values": [
                {"text": "<img src=x onerror=alert(1)>", "letter_id": passage["letter_id"], "date": None}]}]}
    monkeypatch.setattr(dafu.search.answer, "answer_question", lambda *a, **k: fake)
    box = _answer_box(client.get("/", query_string={"q": FIGURE_Q}).get_data(as_text=True))
    assert "<script>" not in box and "<img" not in box and "<b>" not in box and "<i>" not in box
    assert "补助&lt;script&gt;alert(1)&lt;/script&gt;为" in box
    assert '<strong class="figure">&lt;b&gt;2000元&lt;/b&gt;</strong>' in box
    assert ">[1]</a>" in box and "[7]" not in box  # a citation to no passage is dropped
    assert "&lt;img src=x onerror=alert(1)&gt;" in box and "日期不详" in box


def test_figure_segments():
    assert figure_segments("补助2000元。", "2000元") == [("补助", False), ("2000元", True), ("。", False)]
    assert figure_segments("补助2000元。", "2000元", 2, 7) == [("补助", False), ("2000元", True), ("。", False)]
    assert figure_segments("2000元", "2000元", 0, 3) == [("2000元", True)]  # wrong offsets: found by text
    assert figure_segments("补助标准", "2000元") == [("补助标准", False)]
    assert figure_segments("补助标准", None) == [("补助标准", False)]


def test_openapi_describes_ask(client):
    spec = client.get("/api/openapi.json").get_json()
    ask = spec["paths"]["/api/ask"]["get"]
    q = next(p for p in ask["parameters"] if p["name"] == "q")
    assert q["required"] and q["schema"]["maxLength"] == 500
    assert {"agency", "year", "category", "region", "mode", "k"} <= {p["name"] for p in ask["parameters"]}
    assert "AskResponse" in spec["components"]["schemas"]


def test_answer_box_labels_a_second_figure_of_another_measure(client):
    html = client.get("/", query_string={"q": "晋安区家庭养老床位有多少张"}).get_data(as_text=True)
    box = _answer_box(html)
    assert box.index('<strong class="figure">484张</strong>') < box.index('<strong class="figure">100张</strong>')
    assert '<span class="answer-note">（指医疗床位）</span>' in box
