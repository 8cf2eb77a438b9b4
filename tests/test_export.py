"""Spreadsheet export: tables with citation columns written as .xlsx and CSV and read back (openpyxl, csv), the
web downloads and the CLI's --xlsx options; the existing --json/--csv outputs are untouched."""
from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from dafu.search import export

RESULT = {"rank": 1, "score": 0.91, "letter_id": "闽卫-25", "text": "=HYPERLINK(\"http://x\")补助标准2000元\x07。",
          "section": "一、培训补助", "chunk": 3, "start": 10, "end": 40,
          "citation": {"title": "关于医疗护理员培训的建议", "doc_number": "闽卫督函〔2024〕25号",
                       "agency": "福建省卫生健康委员会", "date": "2024-05-20"}}
LETTERS = {"闽卫-25": {"id": "闽卫-25", "title": "关于医疗护理员培训的建议", "doc_number": "闽卫督函〔2024〕25号",
                       "agency": "福建省卫生健康委员会", "date": "2024-05-20", "category": "A", "region": "福建省",
                       "source": "/srv/secret/path/闽卫-25.txt", "chunks": 5}}


def _read_xlsx(data: bytes) -> dict[str, list[list]]:
    book = load_workbook(io.BytesIO(data))
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in book}


def _read_csv(text: str) -> list[dict]:
    assert text.startswith("\ufeff")  # Excel on Windows reads the Chinese as UTF-8 only with the BOM
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_search_results_xlsx_has_citation_columns_and_links():
    sheet = export.search_sheet([("护理员补助", [RESULT])], base="http://dafu.local:8000/")
    data = export.to_xlsx([sheet])
    rows = _read_xlsx(data)["检索结果"]
    header, first = rows[0], dict(zip(rows[0], rows[1]))
    for label in ("提案标题", "文号", "承办单位", "日期", "章节", "原文链接"):
        assert label in header
    assert first["文号"] == "闽卫督函〔2024〕25号" and first["章节"] == "一、培训补助" and first["名次"] == 1
    assert first["原文链接"] == "http://dafu.local:8000/letters/%E9%97%BD%E5%8D%AB-25?hl=3#c3"
    assert first["段落"].startswith("=HYPERLINK") and "\x07" not in first["段落"]
    ws = load_workbook(io.BytesIO(data))["检索结果"]
    link_cell = ws.cell(row=2, column=header.index("原文链接") + 1)
    assert link_cell.hyperlink.target == first["原文链接"]
    text_cell = ws.cell(row=2, column=header.index("段落") + 1)
    assert text_cell.data_type == "s"  # a text, never a formula the spreadsheet would run
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref


def test_search_results_csv_round_trip_and_formula_guard():
    rows = _read_csv(export.to_csv(export.search_sheet([("q", [RESULT])], base="http://h")))
    assert rows[0]["承办单位"] == "福建省卫生健康委员会" and rows[0]["日期"] == "2024-05-20"
    assert rows[0]["段落"].startswith("'=HYPERLINK")  # CSV injection guard
    assert rows[0]["原文链接"].startswith("http://h/letters/")


def test_letters_sheet_hides_server_paths():
    sheet = export.letters_sheet(list(LETTERS.values()), base="http://h")
    rows = _read_csv(export.to_csv(sheet))
    assert rows[0]["来源文件"] == "闽卫-25.txt" and rows[0]["答复类别"] == "A" and rows[0]["段落数"] == "5"
    book = _read_xlsx(export.to_xlsx([sheet]))
    assert "/srv/secret" not in json.dumps(book, ensure_ascii=False)


def test_dupes_sheets_one_row_per_match_and_per_passage():
    result = {"draft": "草稿.txt", "title": "关于护理员的建议", "matches": [
        {"letter_id": "闽卫-25", "score": 0.7, "tier": "疑似重复", "near_copy": True, "title": "关于医疗护理员培训的建议",
         "agency": "福建省卫生健康委员会", "date": "2024-05-20",
         "passages": [{"draft_text": "草稿段一", "letter_text": "来信段一", "score": 0.8},
                      {"draft_text": "草稿段二", "letter_text": "来信段二", "score": 0.6}]}]}
    sheets = export.dupes_sheets([result], LETTERS, base="http://h",
                                 passage_of=lambda lid, text: (2, "二、补助") if text == "来信段一" else None)
    book = _read_xlsx(export.to_xlsx(sheets))
    matches, passages = book["查重结果"], book["相似段落"]
    assert len(matches) == 2 and len(passages) == 3
    first = dict(zip(matches[0], matches[1]))
    assert first["档次"] == "疑似重复" and first["文本近似复制"] == "是" and first["文号"] == "闽卫督函〔2024〕25号"
    assert first["章节"] == "二、补助" and first["原文链接"].endswith("?hl=2#c2")
    assert dict(zip(passages[0], passages[2]))["来信段落"] == "来信段二"


def test_pairs_sheets_list_cluster_members():
    report = {"pairs": [{"a": "x", "b": "y", "score": 0.8, "tier": "疑似重复", "near_copy": False, "same_ask": True}],
              "clusters": [["x", "y"]], "cluster_details": [{"name": "停车场", "letters": ["x", "y"]}]}
    letters = {"x": {"title": "甲", "date": "2019-01-01"}, "y": {"title": "乙", "date": "2021-01-01"}}
    book = _read_xlsx(export.to_xlsx(export.pairs_sheets(report, letters, base="http://h")))
    pair = dict(zip(book["相似来信"][0], book["相似来信"][1]))
    assert pair["来信甲标题"] == "甲" and pair["同一诉求"] == "是" and pair["类群"] == 1
    members = [dict(zip(book["诉求类群"][0], r)) for r in book["诉求类群"][1:]]
    assert [m["提案标题"] for m in members] == ["甲", "乙"] and {m["类群名称"] for m in members} == {"停车场"}


def test_promises_sheet_takes_promise_rows():
    promise = {"id": "闽卫-25#120", "letter_id": "闽卫-25", "text": "下一步将于2025年底前新建3处停车场",
               "what": "新建3处停车场", "deadline": "2025年底前", "due": "2025-12-31", "figure": "3处",
               "status": "已有后续答复", "chunk": 4, "start": 120, "end": 140, "title": None,
               "later_letter_id": "z-1", "later_text": "已建成3处停车场", "later_date": "2026-03-01", "later_chunk": 2}
    rows = _read_csv(export.to_csv(export.promises_sheet([promise], LETTERS, base="http://h")))
    assert rows[0]["承诺内容"].startswith("下一步") and rows[0]["文号"] == "闽卫督函〔2024〕25号"
    assert rows[0]["提案标题"] == "关于医疗护理员培训的建议"  # from the letter when the row lacks it
    assert rows[0]["后续答复"] == "已建成3处停车场" and rows[0]["原文链接"].endswith("#c4")
    assert rows[0]["后续原文链接"] == "http://h/letters/z-1?hl=2#c2" and "start" not in rows[0]


def test_promises_sheet_of_the_promises_module():
    """The promises module's own rows fit the table (whatever fields it adds later)."""
    from dafu.search import promises

    known = {k for k, _ in export.PROMISE_COLUMNS} - {"link", "later_link"}
    assert known <= set(promises.FIELDS)


def test_write_chooses_format_by_name(tmp_path):
    sheet = export.search_sheet([("q", [RESULT])], base="http://h")
    export.write(tmp_path / "a.xlsx", [sheet])
    export.write(tmp_path / "a.csv", [sheet])
    assert load_workbook(tmp_path / "a.xlsx").sheetnames == ["检索结果"]
    assert _read_csv((tmp_path / "a.csv").read_text(encoding="utf-8"))[0]["名次"] == "1"


def test_empty_tables_still_open():
    book = _read_xlsx(export.to_xlsx([export.search_sheet([("q", [])])]))
    assert book["检索结果"][0][0] == "查询" and len(book["检索结果"]) == 1


# ------------------------------------------------------------------ web downloads and CLI (real seed index)

QUESTION = "医疗护理员培训补助标准是多少"


@pytest.fixture(scope="module")
def client(seed_searcher):
    from dafu.web import create_app

    return create_app(searcher=seed_searcher).test_client()


def test_web_search_download_matches_the_results(client):
    api = client.get("/api/search", query_string={"q": QUESTION, "k": 5}).get_json()["results"]
    response = client.get("/export/search.xlsx", query_string={"q": QUESTION, "k": 5})
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _read_xlsx(response.data)["检索结果"]
    got = [dict(zip(rows[0], r)) for r in rows[1:]]
    assert [g["来信编号"] for g in got] == [r["letter_id"] for r in api]
    assert got[0]["文号"] == api[0]["citation"]["doc_number"] and got[0]["原文链接"].startswith("http://localhost/letters/")
    page = client.get("/", query_string={"q": QUESTION}).get_data(as_text=True)
    assert "/export/search.xlsx?" in page and "/export/search.csv?" in page
    csv_rows = _read_csv(client.get("/export/search.csv", query_string={"q": QUESTION, "k": 5}).get_data(as_text=True))
    assert [r["来信编号"] for r in csv_rows] == [r["letter_id"] for r in api]


def test_web_letters_and_dupes_downloads(client, seed_searcher):
    rows = _read_csv(client.get("/export/letters.csv").get_data(as_text=True))
    assert len(rows) == len(seed_searcher.letters()) and all(r["原文链接"] for r in rows)
    draft = {"title": "关于加快医疗和养老融合发展的建议",
             "text": "建议鼓励养老院在院内开设医务室或护理站。加大医疗护理员培训力度，给予培训补贴。"}
    page = client.post("/dupes", data=draft).get_data(as_text=True)
    assert "/export/dupes.xlsx" in page and 'name="text"' in page
    response = client.post("/export/dupes.xlsx", data=draft)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    book = _read_xlsx(response.data)
    assert len(book["查重结果"]) > 1 and "原文链接" in book["查重结果"][0]


def test_web_export_bad_parameters(client):
    assert client.get("/export/search.xlsx").status_code == 400               # no query
    assert client.get("/export/search.xlsx?q=x&k=0").status_code == 400
    assert client.get("/export/search.xlsx?q=x&mode=fuzzy").status_code == 400
    assert client.get("/export/search.exe?q=x").status_code == 404
    assert client.post("/export/dupes.xlsx", data={"text": ""}).status_code == 400
    assert client.get("/export/dupes.xlsx").status_code == 405
    assert client.get("/export/promises.xlsx?year=20x4").status_code == 400   # the /promises filters' rules
    assert client.get("/export/promises.pdf").status_code == 404


def test_cli_xlsx_options(seed_index, tmp_path, capsys):
    from dafu.cli import main

    assert main(["letters", "--index-dir", str(seed_index), "--xlsx", str(tmp_path / "l.xlsx")]) == 0
    letters = _read_xlsx((tmp_path / "l.xlsx").read_bytes())["来信清单"]
    assert len(letters) > 1 and letters[0][0] == "来信编号"
    assert main(["search", QUESTION, "--index-dir", str(seed_index), "--top-k", "3",
                 "--xlsx", str(tmp_path / "s.xlsx")]) == 0
    found = _read_xlsx((tmp_path / "s.xlsx").read_bytes())["检索结果"]
    assert len(found) == 4 and dict(zip(found[0], found[1]))["查询"] == QUESTION
    draft = tmp_path / "draft.txt"
    draft.write_text("关于医疗护理员培训的建议\n建议加大医疗护理员培训补助，提高培训补助标准，扩大培训规模。", encoding="utf-8")
    assert main(["dupes", str(draft), "--index-dir", str(seed_index), "--xlsx", str(tmp_path / "d.xlsx")]) == 0
    assert set(_read_xlsx((tmp_path / "d.xlsx").read_bytes())) == {"查重结果", "相似段落"}
    assert main(["promises", "--index-dir", str(seed_index), "--xlsx", str(tmp_path / "p.xlsx")]) == 0
    assert _read_xlsx((tmp_path / "p.xlsx").read_bytes())["承诺事项"][0][0] == "承诺内容"
    capsys.readouterr()
    assert main(["letters", "--index-dir", str(seed_index), "--csv"]) == 0  # the CSV contract is untouched
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("id,title,doc_number")


def test_web_promises_download(client):
    response = client.get("/export/promises.csv")
    assert response.status_code == 200
    rows = _read_csv(response.get_data(as_text=True))
    assert all(r["原文链接"].startswith("http://localhost/letters/") for r in rows)
    book = _read_xlsx(client.get("/export/promises.xlsx?status=未到期").data)
    assert book["承诺事项"][0][:3] == ["承诺内容", "承诺事项", "期限"]
    assert all(dict(zip(book["承诺事项"][0], r))["状态"] == "未到期" for r in book["承诺事项"][1:])
