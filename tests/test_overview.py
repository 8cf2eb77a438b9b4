"""The archive at a glance (/overview, /api/overview), the search timeline and the letter list of a filter: counts,
chart geometry, SVG in the pages, bars that link to filtered searches, 4xx for bad parameters.

Most tests run over a small fake archive (no model: the fast tier); the last ones over the real seed index."""
from __future__ import annotations

import re
import threading
import urllib.parse

import pytest

from dafu.search import overview as archive
from dafu.web import create_app
from dafu.web.charts import bar_chart, column_chart, line_chart

AGENCIES = ["市教育局", "市卫生健康委员会", "市交通运输局", "区住房和城乡建设局"]


class FakeSearcher:
    """What the overview reads of a Searcher: ``letters()``, ``by_id``, ``facets()``, ``is_stale()``."""

    def __init__(self, letters: list[dict]):
        self._letters = letters
        self.by_id = {r["id"]: r for r in letters}
        self.manifest = {"model": {"model": "fake"}}

    def letters(self) -> list[dict]:
        return [dict(r) for r in self._letters]

    def facets(self) -> dict:
        return {"agency": sorted({r["agency"] for r in self._letters if r.get("agency")}), "year": [],
                "category": [], "region": []}

    def is_stale(self) -> bool:
        return False


def _letters(n: int = 40) -> list[dict]:
    rows = []
    for i in range(n):
        rows.append({"id": f"L{i:03d}", "title": f"关于第{i}件事的建议", "doc_number": f"文〔2020〕{i}号",
                     "category": "ABC"[i % 3] if i % 7 else None, "session": None, "proposal_number": None,
                     "addressee": None, "agency": AGENCIES[i % len(AGENCIES)] if i % 11 else None,
                     "date": None if i % 13 == 0 else f"{2015 + (i % 4) * 2}-0{1 + i % 9}-15",
                     "region": ["泉州市", "厦门市湖里区"][i % 2], "source": f"/srv/letters/L{i:03d}.txt", "chunks": 3})
    return rows


@pytest.fixture
def fake():
    searcher = FakeSearcher(_letters())
    archive._CLUSTERS[searcher] = {"status": "ready", "seconds": 0.1, "done": threading.Event(), "clusters": [
        {"name": "公办幼儿园、学位", "letters": ["L001", "L005", "L009"], "years": [2017, 2019, 2021]},
        {"name": "停车场", "letters": ["L002", "L006"], "years": [2019]}]}
    return searcher


@pytest.fixture
def client(fake):
    return create_app(searcher=fake).test_client()


# ------------------------------------------------------------------ counts

def test_counts_by_year_agency_category_region(fake):
    counts = archive.overview(fake)
    assert counts["total"] == 40
    years = counts["by_year"]
    assert [y["value"] for y in years] == [str(y) for y in range(2015, 2022)]  # gap years are there, with 0
    assert {y["value"]: y["count"] for y in years}["2016"] == 0
    assert sum(y["count"] for y in years) + counts["undated"] == 40
    assert [i["value"] for i in counts["by_category"]["items"]] == ["A", "B", "C"]  # by code, not by size
    agencies = counts["by_agency"]["items"]
    assert [a["count"] for a in agencies] == sorted((a["count"] for a in agencies), reverse=True)
    assert sum(a["count"] for a in agencies) + counts["by_agency"]["missing"] == 40
    top2 = archive.overview(fake, top=2)["by_agency"]
    assert len(top2["items"]) == 2 and top2["other_values"] == 2
    assert sum(a["count"] for a in top2["items"]) + top2["other_count"] + top2["missing"] == 40


def test_filters_follow_the_search_filters(fake):
    assert all(r["agency"] and "教育" in r["agency"] for r in archive.letters_matching(fake, {"agency": "教育"}))
    only = archive.overview(fake, {"year": "2017", "region": "湖里"})
    assert only["total"] == len([r for r in fake.letters() if (r["date"] or "").startswith("2017")
                                 and "湖里" in r["region"]])
    assert [y["value"] for y in only["by_year"]] == ["2017"]
    assert archive.overview(fake, {"category": "Z"})["total"] == 0


def test_a_misread_year_does_not_draw_centuries():
    searcher = FakeSearcher([{"id": "a", "date": "0199-01-01"}, {"id": "b", "date": "2024-05-01"}])
    assert [y["value"] for y in archive.overview(searcher)["by_year"]] == ["0199", "2024"]


def test_years_of_search_results_count_letters_once():
    results = [{"letter_id": "a", "citation": {"date": "2019-03-01"}}, {"letter_id": "a", "citation": {"date": "2019-03-01"}},
               {"letter_id": "b", "citation": {"date": "2021-01"}}, {"letter_id": "c", "citation": {"date": None}},
               {"letter_id": "d", "citation": {"date": "2019"}}]
    years = archive.years_of(results)
    assert [(y["value"], y["count"]) for y in years] == [("2019", 2), ("2020", 0), ("2021", 1)]
    assert years[0]["letters"] == ["a", "d"]
    assert archive.years_of([]) == []


def test_cluster_counts_restricted_to_filtered_letters():
    clusters = [{"name": "甲", "letters": ["a", "b", "c"]}, {"name": "乙", "letters": ["c", "d"]}]
    assert [i["value"] for i in archive.cluster_counts(clusters)["items"]] == ["甲", "乙"]
    grouped = archive.cluster_counts(clusters, {"a", "b", "d"})
    assert [(i["value"], i["count"]) for i in grouped["items"]] == [("甲", 2)]  # 乙 keeps one letter: no cluster
    assert archive.cluster_counts(clusters, top=1)["other_values"] == 1


def test_large_archive_clusters_in_background(monkeypatch):
    from dafu.search import dupes_all

    started = threading.Event()
    release = threading.Event()

    def slow_pairs(searcher, threshold=None, k=10):
        started.set()
        release.wait(10)
        return {"pairs": [], "clusters": [["a", "b"]], "cluster_details": [{"name": "x", "letters": ["a", "b"]}]}

    monkeypatch.setattr(dupes_all, "all_pairs", slow_pairs)
    searcher = FakeSearcher([{"id": "a"}, {"id": "b"}])
    first = archive.ask_clusters(searcher, wait=False)
    assert first["status"] == "running" and started.wait(5)
    release.set()
    assert archive.ask_clusters(searcher, wait=True)["status"] == "ready"
    assert archive.ask_clusters(searcher)["clusters"][0]["letters"] == ["a", "b"]


def test_failed_clusters_are_reported_not_raised(monkeypatch):
    from dafu.search import dupes_all

    monkeypatch.setattr(dupes_all, "all_pairs", lambda *a, **k: 1 / 0)
    assert archive.ask_clusters(FakeSearcher([{"id": "a"}]))["status"] == "failed"


# ------------------------------------------------------------------ chart geometry

def test_bar_chart_scales_to_the_largest_and_links():
    chart = bar_chart([{"value": "A", "count": 10}, {"value": "B", "count": 5}, {"value": "C", "count": 0}],
                      lambda v: f"/?category={v}", archive.category_label)
    assert [b["pct"] for b in chart["bars"]] == [100.0, 50.0, 0.0]
    assert chart["bars"][0]["label"] == "A 类（已解决或采纳）" and chart["bars"][0]["href"] == "/?category=A"


def test_line_chart_points_inside_the_box_and_latest_year_labelled():
    items = [{"value": str(2000 + i), "count": i % 5} for i in range(25)]
    chart = line_chart(items, lambda y: f"/?year={y}")
    xs = [p["x"] for p in chart["points"]]
    assert xs == sorted(xs) and 0 < xs[0] and xs[-1] < 100
    assert all(chart["baseline"] >= p["y"] >= 0 for p in chart["points"])
    assert chart["points"][-1]["shown"] and not chart["points"][-1]["minor"]
    assert sum(p["shown"] for p in chart["points"]) <= 16          # a desktop's worth of year labels
    assert sum(p["shown"] and not p["minor"] for p in chart["points"]) <= 6   # a phone's
    assert chart["points"][0]["href"] is None and chart["points"][1]["href"] == "/?year=2001"  # 0 letters: no link
    assert len(chart["segments"]) == 24


def test_column_chart_heights():
    chart = column_chart([{"value": "2019", "count": 2}, {"value": "2020", "count": 0}, {"value": "2021", "count": 4}],
                         lambda y: y)
    heights = [c["h"] for c in chart["columns"]]
    assert heights[1] == 0 and heights[2] == 2 * heights[0]


# ------------------------------------------------------------------ pages

def _hrefs(html: str, cls: str) -> list[str]:
    return [urllib.parse.unquote(h).replace("&amp;", "&") for h in re.findall(rf'<a class="{cls}" href="([^"]+)"', html)]


def test_overview_page_draws_svg_charts_whose_bars_link_to_filtered_searches(client, fake):
    response = client.get("/overview")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count("<svg") >= 10 and 'class="line-chart"' in html
    assert "<script" not in html  # drawn by the server: nothing to run, nothing from a CDN
    bars = _hrefs(html, "bar-row")
    assert "/?category=A" in bars and "/?agency=市教育局" in bars and "/?region=泉州市" in bars
    assert "/?q=公办幼儿园、学位" in bars  # an ask cluster: searched by its shared words
    cluster_list = html.split("查看每个类群的来信")[1]
    assert cluster_list.index("/letters/L001") < cluster_list.index("/letters/L005")  # its letters, oldest first
    points = _hrefs(html, "point")
    assert "/?year=2017" in points and "/?year=2016" not in points
    assert "共有 <strong class=\"big-number\">40</strong> 封" in html
    assert "/export/letters.xlsx" in html and "/export/letters.csv" in html


def test_overview_with_filters_keeps_them_in_every_link(client):
    html = client.get("/overview?agency=教育").get_data(as_text=True)
    bars = _hrefs(html, "bar-row")
    assert bars and all("agency=教育" in b for b in bars if "agency=市" not in b)  # an agency bar narrows it
    assert "/?agency=市教育局" in bars
    assert "agency=教育" in urllib.parse.unquote(html.split("下载来信清单（Excel）")[0].rsplit("href=", 1)[1])


def test_a_bar_link_lists_the_letters_it_counts(client, fake):
    html = client.get("/?category=B").get_data(as_text=True)
    expected = archive.overview(fake)["by_category"]["items"][1]
    assert expected["value"] == "B"
    assert f"符合条件的来信：共 {expected['count']} 封" in html
    assert html.count('href="/letters/') == expected["count"]
    assert "/export/letters.xlsx?category=B" in html


def test_a_partial_filter_stays_in_the_form(client):
    """/?agency=教育 (a substring, not one of the listed agencies) stays selected, so a question typed next
    searches the same letters."""
    html = client.get("/?agency=教育").get_data(as_text=True)
    assert '<option value="教育" selected>' in html


def test_overview_clusters_still_computing(client, fake):
    archive._CLUSTERS[fake]["status"] = "running"
    html = client.get("/overview").get_data(as_text=True)
    assert "诉求类群正在计算" in html and 'class="line-chart"' in html


@pytest.mark.parametrize("url", ["/api/overview?year=20x4", "/api/overview?agency=%01", "/api/overview?year=" + "9" * 5,
                                 "/api/overview?region=" + "区" * 101])
def test_api_overview_bad_parameters_are_json_400(client, url):
    response = client.get(url)
    assert response.status_code == 400 and response.is_json and response.get_json()["error"]


def test_bad_parameters_on_pages_are_400(client):
    assert client.get("/overview?year=abcd").status_code == 400
    assert client.get("/?year=abcd").status_code == 400
    assert client.get("/export/letters.xlsx?year=abcd").status_code == 400
    assert client.get("/export/letters.pdf").status_code == 404


def test_api_overview_matches_the_page(client, fake):
    body = client.get("/api/overview?category=A").get_json()
    assert body["total"] == archive.overview(fake, {"category": "A"})["total"]
    assert body["clusters"]["status"] == "ready"
    assert {"by_year", "by_agency", "by_category", "by_region", "undated"} <= set(body)
    spec = client.get("/api/openapi.json").get_json()
    assert "/api/overview" in spec["paths"] and "Overview" in spec["components"]["schemas"]


def test_overview_renders_on_10000_letters():
    """The page's own work on 10,000 letters (clusters ready); benchmarks/bench_overview.py times the same
    on a generated index with synthetic vectors."""
    searcher = FakeSearcher(_letters(10_000))
    archive._CLUSTERS[searcher] = {"status": "ready", "seconds": 0, "clusters": [], "done": threading.Event()}
    client = create_app(searcher=searcher).test_client()
    page = client.get("/overview")
    assert page.status_code == 200 and '<strong class="big-number">10000</strong>' in page.get_data(as_text=True)


# ------------------------------------------------------------------ the real seed index

@pytest.fixture(scope="module")
def seed_client(seed_searcher):
    return create_app(searcher=seed_searcher).test_client()


def test_seed_overview_bars_give_results(seed_client, seed_searcher):
    html = seed_client.get("/overview").get_data(as_text=True)
    assert "<svg" in html
    bars = re.findall(r'<a class="bar-row" href="([^"]+)"', html)
    agency_bar = next(b for b in bars if "agency=" in b)
    listed = seed_client.get(agency_bar.replace("&amp;", "&")).get_data(as_text=True)
    assert "符合条件的来信：共" in listed and 'href="/letters/' in listed


def test_search_page_shows_a_timeline_that_links_to_one_year(seed_client):
    html = seed_client.get("/?q=养老机构").get_data(as_text=True)
    assert "这个话题出现在哪些年份" in html
    years = re.findall(r'href="(/\?[^"]*year=(\d{4})[^"]*)">\d{4} 年</a>', html)
    assert years
    href, year = years[0]
    page = seed_client.get(href.replace("&amp;", "&")).get_data(as_text=True)
    assert 'class="result"' in page and "这个话题出现在哪些年份" not in page  # one year: no timeline
    dates = re.findall(r"\b(\d{4})-\d{2}-\d{2}\b", page.split('<ol class="results">')[1])
    assert dates and all(d == year for d in dates)
