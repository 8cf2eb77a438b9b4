"""The web app through Flask's test client: every route, the filters, every error case, escaping."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from dafu.web import create_app
from dafu.web.layout import body_paragraphs
from conftest import DEV_LETTERS, data_path

SEED_CITED = "闽卫督函〔2024〕25号"
QUESTION = "医疗护理员培训补助标准是多少"
XSS = "<img src=x onerror=alert(1)>"
SEEDS = Path(__file__).resolve().parent.parent / "corpus" / "letters"


@pytest.fixture(scope="module")
def client(seed_searcher):
    return create_app(searcher=seed_searcher).test_client()


@pytest.fixture(scope="module")
def letter_id(seed_searcher):
    return seed_searcher.search(QUESTION, top_k=1)[0]["letter_id"]


@pytest.fixture(scope="module")
def xss_client(tmp_path_factory, isolated_data):
    """A tiny index of one seed letter with markup inserted into its body."""
    from dafu.index.build import build_index
    from dafu.search.api import Searcher

    folder = tmp_path_factory.mktemp("xss-letters")
    source = min(SEEDS.glob("*.txt"), key=lambda p: p.stat().st_size)
    text = source.read_text(encoding="utf-8")
    lines = text.splitlines()
    middle = max(range(len(lines) // 2, len(lines)), key=lambda i: len(lines[i]))
    lines[middle] = lines[middle] + f"测试标记{XSS}结束。"
    (folder / "xss-letter.txt").write_text("\n".join(lines), encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("xss-index")
    build_index([folder], index_dir=index_dir)
    return create_app(searcher=Searcher.open(index_dir)).test_client()


@pytest.fixture(scope="module")
def dated_client(tmp_path_factory, isolated_data):
    """A tiny index of two real letters: one that signs no date (b15-sy-02, 岳财字〔2022〕47号) and one signed."""
    from dafu.index.build import build_index
    from dafu.search.api import Searcher

    index_dir = tmp_path_factory.mktemp("dated-index")
    build_index([data_path("blind15", "letters", "b15-sy-02.txt"), data_path("blind58", "letters", "b58-ya-03.txt")],
                index_dir=index_dir)
    return create_app(searcher=Searcher.open(index_dir)).test_client()


def _json_error(response, status: int) -> str:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    return response.get_json()["error"]


# --- search page -----------------------------------------------------------------------------------------

def test_empty_search_page_shows_help_and_examples(client):
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in html
    assert 'name="viewport"' in html
    assert "可以试试这些问题" in html and 'name="q"' in html
    assert "综合" in html and "语义" in html and "关键词" in html
    assert "承办单位" in html  # filter options come from the facets
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "no inline scripts (CSP)"


def test_search_page_lists_cited_marked_results(client, letter_id):
    html = client.get("/", query_string={"q": QUESTION}).get_data(as_text=True)
    assert SEED_CITED in html
    assert "<mark>" in html
    assert re.search(rf'href="/letters/{letter_id}\?hl=\d+&amp;q=[^"]+#c\d+"', html)
    assert 'class="rank"' in html
    assert "显示更多结果" in html and "k=20" in html


@pytest.mark.parametrize("mode", ["hybrid", "dense", "keyword"])
def test_search_page_modes(client, mode):
    response = client.get("/", query_string={"q": QUESTION, "mode": mode})
    assert response.status_code == 200
    assert f'value="{mode}" checked' in response.get_data(as_text=True)


def test_search_page_no_result_state(client):
    html = client.get("/", query_string={"q": "zzzzqqqq", "mode": "keyword"}).get_data(as_text=True)
    assert "没有找到相关内容" in html


def test_search_page_error_states(client):
    response = client.get("/", query_string={"q": "养" * 501})
    assert response.status_code == 400
    assert "查询太长" in response.get_data(as_text=True)
    response = client.get("/", query_string={"q": QUESTION, "mode": "nope"})
    assert response.status_code == 400 and "未知的检索方式" in response.get_data(as_text=True)


def test_search_page_escapes_query(client):
    html = client.get("/", query_string={"q": "<script>alert(1)</script>"}).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_search_page_filters_narrow(client, seed_searcher):
    agency = seed_searcher.by_id[seed_searcher.search(QUESTION, top_k=1)[0]["letter_id"]]["agency"]
    html = client.get("/", query_string={"q": "养老", "agency": agency, "k": 50}).get_data(as_text=True)
    cites = re.findall(r'<p class="citation">(.*?)</p>', html, re.S)
    assert cites and all(agency in c for c in cites)
    assert f'<option value="{agency}" selected>' in html


# --- letter page -----------------------------------------------------------------------------------------

def test_letter_page(client, seed_searcher, letter_id):
    letter = seed_searcher.letter(letter_id)
    cited = letter["chunks"][1]["ordinal"]
    html = client.get(f"/letters/{letter_id}", query_string={"hl": cited, "q": QUESTION}).get_data(as_text=True)
    for label in ("文号", "答复类别", "提案标题", "承办单位", "日期", "来源"):
        assert f"<th scope=\"row\">{label}</th>" in html
    assert SEED_CITED in html
    assert all(f'id="c{c["ordinal"]}"' in html for c in letter["chunks"])
    assert re.search(rf'class="chunk cited[^"]*" id="c{cited}"', html)
    assert re.search(r'<h2 class="para"><span class="chunk heading"', html)  # section headings
    assert "<mark>" in html
    assert letter["source"] not in html  # the file name only, not the server's path


@pytest.mark.parametrize("cited", [None, 0, 2, 5])
def test_letter_body_is_complete(seed_searcher, letter_id, cited):
    letter = seed_searcher.letter(letter_id)
    paragraphs = body_paragraphs(letter, cited)
    shown = "\n".join("".join(piece["text"] for piece in p["pieces"]) for p in paragraphs)
    assert shown == "\n".join(line for line in letter["body"].split("\n") if line.strip())
    anchors = [piece["ordinal"] for p in paragraphs for piece in p["pieces"] if piece["anchor"]]
    assert anchors == [c["ordinal"] for c in letter["chunks"]]
    cited_text = "".join(piece["text"] for p in paragraphs for piece in p["pieces"] if "cited" in piece["classes"])
    if cited is not None:
        assert cited_text == letter["chunks"][cited]["text"].replace("\n", "")


def test_letter_page_errors(client):
    response = client.get("/letters/no-such-letter")
    assert response.status_code == 404 and "没有找到" in response.get_data(as_text=True)
    for bad in ("..", "a%2F..%2F..%2Fetc%2Fpasswd", "x%01y", "..%5Cwin"):
        response = client.get(f"/letters/{bad}")
        assert response.status_code == 400, bad
        assert "来信编号无效" in response.get_data(as_text=True)


class _WithoutSimilar:
    """The seed searcher as it was before letter similarity existed."""

    def __init__(self, searcher):
        self._searcher = searcher

    def __getattr__(self, name):
        if name == "similar_letters":
            raise AttributeError(name)
        return getattr(self._searcher, name)


def test_similar_letters_listed(client, seed_searcher, letter_id):
    html = client.get(f"/letters/{letter_id}").get_data(as_text=True)
    assert "相似来信" in html
    links = re.findall(r'<aside class="similar">.*?</aside>', html, re.S)[0]
    assert 1 <= links.count('href="/letters/') <= 5 and f'href="/letters/{letter_id}"' not in links
    data = client.get(f"/api/letters/{letter_id}/similar", query_string={"k": 2}).get_json()
    assert data["available"] and len(data["similar"]) == 2
    assert all(s["letter_id"] in seed_searcher.by_id and "score" in s and "title" in s for s in data["similar"])


def test_letter_page_without_similarity_support(seed_searcher, letter_id):
    client = create_app(searcher=_WithoutSimilar(seed_searcher)).test_client()
    response = client.get(f"/letters/{letter_id}")
    assert response.status_code == 200 and "相似来信" not in response.get_data(as_text=True)
    data = client.get(f"/api/letters/{letter_id}/similar").get_json()
    assert data == {"letter_id": letter_id, "available": False, "similar": []}


# --- JSON API --------------------------------------------------------------------------------------------

def test_api_search(client, letter_id):
    data = client.get("/api/search", query_string={"q": QUESTION, "k": 3}).get_json()
    assert data["query"] == QUESTION and len(data["results"]) == 3
    top = data["results"][0]
    assert top["letter_id"] == letter_id and top["citation"]["doc_number"] == SEED_CITED
    assert {"rank", "score", "letter_id", "text", "section", "citation"} <= set(top)


def test_api_search_filters(client, seed_searcher):
    facets = seed_searcher.facets()
    for agency in facets["agency"]:
        results = client.get("/api/search", query_string={"q": "养老", "agency": agency, "k": 50}
                             ).get_json()["results"]
        assert all(agency in r["citation"]["agency"] for r in results)
    year = facets["year"][0]
    results = client.get("/api/search", query_string={"q": "养老", "year": year, "k": 50}).get_json()["results"]
    assert results and all(r["citation"]["date"].startswith(year) for r in results)
    unfiltered = client.get("/api/search", query_string={"q": "养老", "k": 50}).get_json()["results"]
    assert len({r["letter_id"] for r in results}) < len({r["letter_id"] for r in unfiltered})
    category = facets["category"][0]
    results = client.get("/api/search", query_string={"q": "养老", "category": category}).get_json()["results"]
    assert results and all(seed_searcher.by_id[r["letter_id"]]["category"] == category for r in results)


@pytest.mark.parametrize("params, message", [
    ({}, "empty query"),
    ({"q": "   "}, "empty query"),
    ({"q": "养" * 501}, "longer than"),
    ({"q": QUESTION, "k": "abc"}, "integer"),
    ({"q": QUESTION, "k": "1.5"}, "integer"),
    ({"q": QUESTION, "k": "0"}, "between"),
    ({"q": QUESTION, "k": "51"}, "between"),
    ({"q": QUESTION, "mode": "fuzzy"}, "unknown mode"),
    ({"q": QUESTION, "year": "24"}, "four digits"),
    ({"q": "a\x00b"}, "control"),
])
@pytest.mark.parametrize("endpoint", ["/api/search", "/api/ask"])  # one validation serves both
def test_api_search_and_ask_errors(client, endpoint, params, message):
    assert message in _json_error(client.get(endpoint, query_string=params), 400)


def test_api_letter(client, seed_searcher, letter_id):
    data = client.get(f"/api/letters/{letter_id}").get_json()
    assert data["id"] == letter_id and data["doc_number"] == SEED_CITED
    assert data["body"] == seed_searcher.letter(letter_id)["body"]
    assert [c["ordinal"] for c in data["chunks"]] == list(range(len(data["chunks"])))
    assert "/" not in data["source"]


@pytest.mark.parametrize("path, status", [
    ("/api/letters/no-such-letter", 404),
    ("/api/letters/..", 400),
    ("/api/letters/..%2F..%2Fetc%2Fpasswd", 400),
    ("/api/letters/a%5Cb", 400),
    ("/api/letters/x%0Ay", 400),
    ("/api/letters/no-such-letter/similar", 404),
    ("/api/letters/../similar", 400),
])
def test_api_letter_errors(client, path, status):
    _json_error(client.get(path), status)


def test_api_similar(client, seed_searcher, letter_id):
    data = client.get(f"/api/letters/{letter_id}/similar", query_string={"k": 3}).get_json()
    assert data["letter_id"] == letter_id
    assert data["available"]
    assert len(data["similar"]) <= 3 and all(s["letter_id"] != letter_id for s in data["similar"])
    _json_error(client.get(f"/api/letters/{letter_id}/similar", query_string={"k": "x"}), 400)


def test_api_health(client, seed_searcher):
    data = client.get("/api/health").get_json()
    assert data["status"] == "ok"
    assert data["chunk_count"] == seed_searcher.index.chunk_count()
    assert data["letter_count"] == seed_searcher.index.letter_count()
    assert data["model"] == seed_searcher.manifest["model"] and data["built_at"]
    assert client.head("/api/health").status_code == 200


def test_api_openapi(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert {"/api/search", "/api/ask", "/api/dupes", "/api/letters/{letter_id}", "/api/letters/{letter_id}/similar",
            "/api/health", "/api/openapi.json", "/api/overview", "/api/promises"} == set(spec["paths"])
    q = next(p for p in spec["paths"]["/api/search"]["get"]["parameters"] if p["name"] == "q")
    assert q["required"] and q["schema"]["maxLength"] == 500


def test_unknown_routes_and_methods(client):
    _json_error(client.get("/api/nope"), 404)
    _json_error(client.get("/api"), 404)
    response = client.post("/api/search", data={"q": QUESTION})
    _json_error(response, 405)
    assert "GET" in response.headers["Allow"]
    _json_error(client.delete("/api/letters/x"), 405)
    response = client.get("/nope")
    assert response.status_code == 404 and "没有找到" in response.get_data(as_text=True)
    response = client.post("/")
    assert response.status_code == 405 and not response.is_json


# --- failures and configuration -----------------------------------------------------------------------------

class _Broken:
    """A searcher whose search fails unexpectedly."""

    manifest: dict = {}

    def facets(self):
        return {"agency": [], "year": [], "category": [], "region": []}

    def is_stale(self):
        return False

    def search(self, *args, **kwargs):
        raise RuntimeError("boom")


def test_unexpected_errors_are_logged_not_leaked(caplog):
    client = create_app(searcher=_Broken()).test_client()
    assert _json_error(client.get("/api/search?q=x"), 500) == "服务器内部错误，请稍后再试 / internal error"
    assert "boom" in caplog.text
    response = client.get("/?q=x")
    assert response.status_code == 500 and "检索时出错了" in response.get_data(as_text=True)


def test_missing_index_is_503(tmp_path):
    client = create_app(index_dir=tmp_path / "empty").test_client()
    assert "dafu index" in _json_error(client.get("/api/health"), 503)
    response = client.get("/")
    assert response.status_code == 503 and "索引尚未建立" in response.get_data(as_text=True)


def test_config_from_environment(monkeypatch, seed_searcher):
    monkeypatch.setenv("DAFU_MAX_QUERY_CHARS", "10")
    monkeypatch.setenv("DAFU_TOP_K", "2")
    client = create_app(searcher=seed_searcher).test_client()
    _json_error(client.get("/api/search", query_string={"q": "养" * 11}), 400)
    assert len(client.get("/api/search", query_string={"q": "养老"}).get_json()["results"]) == 2
    client = create_app(searcher=seed_searcher, config={"TOP_K": 3}).test_client()
    assert len(client.get("/api/search", query_string={"q": "养老"}).get_json()["results"]) == 3


def test_a_date_from_the_doc_number_says_so(dated_client):
    """A letter dated by its 文号's year alone shows that year as such; a signed date is shown as signed."""
    unsigned = dated_client.get("/letters/b15-sy-02").get_data(as_text=True)
    assert re.search(r"<th scope=\"row\">日期</th><td>2022（据文号年份）</td>", unsigned)
    assert "岳财字〔2022〕47号" in unsigned
    assert dated_client.get("/api/letters/b15-sy-02").get_json()["date"] == "2022"
    signed = dated_client.get("/letters/b58-ya-03").get_data(as_text=True)
    date = re.search(r"<th scope=\"row\">日期</th><td>([^<]*)</td>", signed).group(1)
    assert date.startswith("2016-") and "据文号" not in date


# --- markup inside a letter --------------------------------------------------------------------------------

def test_letter_markup_renders_as_text(xss_client):
    html = xss_client.get("/letters/xss-letter").get_data(as_text=True)
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    html = xss_client.get("/", query_string={"q": "onerror 测试标记", "mode": "keyword"}).get_data(as_text=True)
    assert "<img" not in html
    assert "测试标记" in html and "&lt;img src=x" in html
    data = xss_client.get("/api/letters/xss-letter").get_json()
    assert XSS in data["body"]  # JSON carries the letter's own text; escaping is the renderer's job


def test_serve_builds_a_missing_index_then_runs_waitress(monkeypatch, capsys, seed_searcher, tmp_path):
    from dafu.search.api import IndexMissing
    from dafu.web import serve as serve_module

    opened, served = [], {}

    class FakeSearcher:
        @staticmethod
        def open(index_dir, build_if_missing=False, progress=False):
            opened.append(build_if_missing)
            if not build_if_missing:
                raise IndexMissing("none")
            return seed_searcher

    monkeypatch.setattr(serve_module, "Searcher", FakeSearcher)
    monkeypatch.setattr(serve_module, "waitress_serve", lambda app, **kw: served.update(app=app, **kw))
    serve_module.serve(tmp_path / "new-index", host="127.0.0.1", port=8123)
    assert opened == [False, True]
    assert "正在用内置的答复函建立索引" in capsys.readouterr().err
    assert served["port"] == 8123 and served["host"] == "127.0.0.1"
    assert served["app"].test_client().get("/api/health").get_json()["status"] == "ok"


def test_running_app_picks_up_a_newer_index_generation(seed_index, tmp_path):
    import shutil

    from dafu.index.build import build_index

    index_dir = tmp_path / "index"
    shutil.copytree(seed_index, index_dir)
    app_client = create_app(index_dir=index_dir).test_client()
    assert app_client.get("/api/health").get_json()["letter_count"] == 5
    build_index([DEV_LETTERS / "dev-001.txt"], index_dir=index_dir)
    assert app_client.get("/api/health").get_json()["letter_count"] == 6
    found = app_client.get("/api/search?q=华容县第二幼儿园&k=3").get_json()["results"]
    assert found[0]["letter_id"] == "dev-001"
