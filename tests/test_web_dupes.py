"""The 查重 page (/dupes) and POST /api/dupes, over the real seed index."""
from __future__ import annotations

import re

import pytest

from dafu.web import create_app

# Seed 004 answers 《关于推进我省医养结合发展养老事业的建议》; this draft says the same in other words.
PARAPHRASE_TITLE = "关于加快医疗和养老融合发展的建议"
PARAPHRASE = ("我省老年人口越来越多，失能和半失能老人看病难、护理难的问题十分突出。"
              "建议鼓励养老院在院内开设医务室或护理站，并把符合条件的纳入医疗联合体统一管理。"
              "推动医院与养老机构签约合作，为入住老人开通就医绿色通道和双向转诊。"
              "同时加大医疗护理员培训力度，给予培训补贴，壮大医养结合人才队伍。")
BUS_TITLE = "关于优化城区公交线路的建议"
BUS = ("城区新建小区越来越多，但公交线路长期没有调整，居民出行很不方便。"
       "建议根据客流重新规划公交线网，在新建小区和学校附近增设站点。"
       "早晚高峰加密发车班次，推广使用新能源公交车，并完善电子站牌实时到站信息。")
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def client(seed_searcher):
    return create_app(searcher=seed_searcher).test_client()


@pytest.fixture(scope="module")
def paraphrase_result(client) -> dict:
    response = client.post("/api/dupes", json={"title": PARAPHRASE_TITLE, "text": PARAPHRASE, "k": 5})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def _json_error(response, status: int) -> str:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    return response.get_json()["error"]


def _tree(directory) -> dict:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(directory.rglob("*"))}


# --- POST /api/dupes ----------------------------------------------------------------------------------------

def test_api_dupes_finds_the_paraphrased_proposal(paraphrase_result):
    data = paraphrase_result
    assert data["draft"] == "网页草稿" and data["title"] == PARAPHRASE_TITLE
    matches = data["matches"]
    assert 1 <= len(matches) <= 5
    assert [m["score"] for m in matches] == sorted((m["score"] for m in matches), reverse=True)
    for m in matches:
        assert {"letter_id", "score", "tier", "near_copy", "passages"} <= set(m)
        assert m["tier"] in ("疑似重复", "高度相似", "相关") and m["near_copy"] is False
        assert all({"draft_text", "letter_text", "score"} <= set(p) for p in m["passages"])
    mine = next(m for m in matches if m["letter_id"].startswith("004_"))
    assert mine["tier"] in ("疑似重复", "高度相似")
    assert mine["passages"] and mine["passages"][0]["draft_text"] in PARAPHRASE


def test_api_dupes_unrelated_draft_is_no_duplicate(client):
    data = client.post("/api/dupes", json={"title": BUS_TITLE, "text": BUS}).get_json()
    assert all(m["tier"] != "疑似重复" for m in data["matches"])


def test_api_dupes_flags_a_near_copy(client, seed_searcher):
    letter = seed_searcher.letter(next(i for i in seed_searcher.by_id if i.startswith("004_")))
    copied = "".join(c["text"] for c in letter["chunks"][1:4])
    data = client.post("/api/dupes", json={"text": copied, "k": 2}).get_json()
    top = data["matches"][0]
    assert top["letter_id"] == letter["id"] and top["near_copy"] is True
    assert len(data["matches"]) <= 2


@pytest.mark.parametrize("body, message", [
    ({"title": "x", "text": ""}, "empty draft"),
    ({"title": "x"}, "empty draft"),
    ({"text": "  \n "}, "empty draft"),
    ({"text": "养" * 20001}, "longer than"),
    ({"title": "养" * 201, "text": PARAPHRASE}, "title longer"),
    ({"title": 3, "text": PARAPHRASE}, "title must be a string"),
    ({"text": ["a"]}, "text must be a string"),
    ({"text": PARAPHRASE, "k": 0}, "between"),
    ({"text": PARAPHRASE, "k": 21}, "between"),
    ({"text": PARAPHRASE, "k": "x"}, "integer"),
    ({"text": PARAPHRASE, "k": 1.5}, "integer"),
    ({"text": PARAPHRASE, "k": True}, "integer"),
    ({"text": "草稿\x00正文"}, "control"),
    ([PARAPHRASE], "JSON object"),
])
def test_api_dupes_errors(client, body, message):
    assert message in _json_error(client.post("/api/dupes", json=body), 400)


def test_api_dupes_bad_bodies(client):
    for raw in ("{not json", "null", '"text"', ""):
        assert "JSON object" in _json_error(client.post("/api/dupes", data=raw, content_type="application/json"), 400)
    assert "application/json" in _json_error(client.post("/api/dupes", data={"text": PARAPHRASE}), 415)
    assert "application/json" in _json_error(client.post("/api/dupes", data=PARAPHRASE,
                                                         content_type="text/plain"), 415)
    response = client.get("/api/dupes")
    _json_error(response, 405)
    assert "POST" in response.headers["Allow"]


def test_api_dupes_body_size_limit(seed_searcher):
    client = create_app(searcher=seed_searcher, config={"MAX_CONTENT_LENGTH": 1000}).test_client()
    assert "too large" in _json_error(client.post("/api/dupes", json={"text": "养" * 1000}), 413)


# --- the 查重 page ----------------------------------------------------------------------------------------

def test_dupes_page_form_and_nav(client):
    response = client.get("/dupes")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<a href="/dupes" aria-current="page">查重</a>' in html
    assert 'method="post"' in html and 'name="title"' in html and '<textarea id="text" name="text"' in html
    assert 'maxlength="5000"' in html
    assert "疑似重复" in html and "高度相似" in html and "文本近似复制" in html  # the legend
    assert 'href="/dupes"' in client.get("/").get_data(as_text=True)  # nav link on the search page


def test_dupes_page_lists_matches_side_by_side_escaped(client, paraphrase_result):
    response = client.post("/dupes", data={"title": PARAPHRASE_TITLE + SCRIPT, "text": PARAPHRASE + SCRIPT})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert SCRIPT not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    result = html[html.index('<section class="dupes-result"'):]
    match = next(m for m in re.findall(r'<li class="match">.*?</table>', result, re.S) if "/letters/004_" in m)
    assert re.search(r'<span class="tier tier-(high|mid)">(疑似重复|高度相似)</span>', match)
    assert re.search(r'相似度 0\.\d\d', match)
    assert '<th scope="col">草稿</th><th scope="col">来信</th>' in match
    assert re.search(r'href="/letters/004_[0-9a-f]+\?hl=(\d+)#c\1"', match)  # the aligned passage in the letter
    assert "医疗联合体" in match  # the draft's own words in the 草稿 column
    assert PARAPHRASE_TITLE in html  # the form keeps the draft for editing


def test_dupes_page_no_match_state(client):
    html = client.post("/dupes", data={"title": BUS_TITLE, "text": BUS}).get_data(as_text=True)
    assert "疑似重复</span>" not in html
    if '<li class="match">' not in html:
        assert "没有找到内容相近的答复函" in html


def test_dupes_page_errors(client):
    response = client.post("/dupes", data={"title": "只有标题", "text": "   "})
    assert response.status_code == 400 and "请粘贴提案正文" in response.get_data(as_text=True)
    response = client.post("/dupes", data={"text": "养" * 20001})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "正文太长" in html
    assert client.put("/dupes").status_code == 405


def test_posts_write_nothing(client, seed_index, paraphrase_result):
    before = _tree(seed_index)
    client.post("/api/dupes", json={"title": BUS_TITLE, "text": BUS})
    client.post("/dupes", data={"title": BUS_TITLE, "text": BUS})
    assert _tree(seed_index) == before


def test_openapi_describes_dupes(client):
    spec = client.get("/api/openapi.json").get_json()
    post = spec["paths"]["/api/dupes"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("DupesRequest")
    assert {"400", "415", "200"} <= set(post["responses"])
    request = spec["components"]["schemas"]["DupesRequest"]
    assert request["properties"]["text"]["maxLength"] == 5000 and request["required"] == ["text"]
    assert [path for path, ops in spec["paths"].items() if set(ops) != {"get"}] == ["/api/dupes"]
