"""Spreadsheets for staff: search results, duplicate checks, the letters list and promises as .xlsx (openpyxl)
and CSV, every row citing its letter in columns (提案标题, 文号, 承办单位, 日期, 章节, 原文链接).

A table is a ``Sheet``: a name, ``(key, 中文表头)`` columns and rows of dicts. ``to_xlsx`` writes one workbook
of several sheets (bold frozen header row, filters on, column widths, links clickable, long text wrapped);
``to_csv`` writes one sheet as UTF-8 with a byte-order mark, so Excel on Windows opens the Chinese correctly.
Cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first) are kept as text: in
.xlsx as string cells, in CSV with a leading ``'`` (the usual CSV-injection guard).

Letter links are ``BASE/letters/<id>?hl=<passage>#c<passage>``; BASE is the web app's address
(``DAFU_BASE_URL``, default ``http://127.0.0.1:8000``; the web app uses the address it was reached at).
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import PurePath
from urllib.parse import quote

from ..corpus import settings

CITATION = (("title", "提案标题"), ("doc_number", "文号"), ("agency", "承办单位"), ("date", "日期"))
LINK = ("link", "原文链接")
SEARCH_COLUMNS = (("query", "查询"), ("rank", "名次"), ("score", "得分"), *CITATION, ("section", "章节"),
                  ("text", "段落"), ("letter_id", "来信编号"), LINK)
LETTER_COLUMNS = (("id", "来信编号"), ("title", "提案标题"), ("doc_number", "文号"), ("category", "答复类别"),
                  ("session", "会议"), ("proposal_number", "提案号"), ("addressee", "委员/代表"),
                  ("agency", "承办单位"), ("date", "日期"), ("region", "地区"), ("source", "来源文件"),
                  ("other_sources", "其他来源文件"), ("chunks", "段落数"), LINK)
DUPES_COLUMNS = (("draft", "草稿"), ("draft_title", "草稿标题"), ("rank", "名次"), ("tier", "档次"),
                 ("near_copy", "文本近似复制"), ("score", "相似度"), *CITATION, ("category", "答复类别"),
                 ("section", "章节"), ("draft_text", "草稿段落"), ("letter_text", "来信段落"),
                 ("passage_score", "段落相似度"), ("letter_id", "来信编号"), LINK)
PAIR_COLUMNS = (("a", "来信甲"), ("a_title", "来信甲标题"), ("a_date", "来信甲日期"), ("b", "来信乙"),
                ("b_title", "来信乙标题"), ("b_date", "来信乙日期"), ("score", "相似度"), ("tier", "档次"),
                ("near_copy", "文本近似复制"), ("same_ask", "同一诉求"), ("cluster", "类群"),
                ("a_link", "来信甲链接"), ("b_link", "来信乙链接"))
CLUSTER_COLUMNS = (("cluster", "类群"), ("cluster_name", "类群名称"), ("size", "来信数"), *CITATION,
                   ("category", "答复类别"), ("letter_id", "来信编号"), LINK)
# promises: the rows of search/promises.py (``promise_rows``), the promise first, then its letter, then the later one
PROMISE_COLUMNS = (("text", "承诺内容"), ("what", "承诺事项"), ("deadline", "期限"), ("due", "到期日"),
                   ("figure", "数字"), ("status", "状态"), *CITATION, ("region", "地区"), ("section", "章节"),
                   ("letter_id", "来信编号"), LINK, ("later_text", "后续答复"), ("later_date", "后续答复日期"),
                   ("later_title", "后续来信标题"), ("later_doc_number", "后续来信文号"),
                   ("later_agency", "后续承办单位"), ("later_letter_id", "后续来信编号"), ("later_link", "后续原文链接"))

YES, NO = "是", "否"
_WIDE = {"text", "letter_text", "draft_text", "later_text"}
WIDTH_SAMPLE = 200
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Sheet:
    name: str
    columns: tuple
    rows: list[dict] = field(default_factory=list)

    @property
    def keys(self) -> list[str]:
        return [k for k, _ in self.columns]

    @property
    def labels(self) -> list[str]:
        return [label for _, label in self.columns]


def base_url(given: str | None = None) -> str:
    """Where links in an export point: ``given``, else the configured web address (``DAFU_BASE_URL``)."""
    return (given or settings.base_url()).rstrip("/")


def letter_link(letter_id: str, chunk: int | None = None, base: str | None = None) -> str:
    """The web address of a letter, at one of its passages when ``chunk`` is given."""
    url = f"{base_url(base)}/letters/{quote(letter_id, safe='')}"
    return f"{url}?hl={chunk}#c{chunk}" if isinstance(chunk, int) else url


# ------------------------------------------------------------------ tables

def search_sheet(results_by_query: list[tuple[str, list[dict]]], base: str | None = None) -> Sheet:
    """Search results (the ``dafu search --json`` objects), one row per passage, queries in order."""
    rows = []
    for query, results in results_by_query:
        for r in results:
            c = r.get("citation") or {}
            rows.append({"query": query, "rank": r.get("rank"), "score": r.get("score"),
                         **{k: c.get(k) for k, _ in CITATION}, "section": r.get("section"), "text": r.get("text"),
                         "letter_id": r.get("letter_id"), "link": letter_link(r["letter_id"], r.get("chunk"), base)})
    return Sheet("检索结果", SEARCH_COLUMNS, rows)


def letters_sheet(letters: list[dict], base: str | None = None) -> Sheet:
    """The letters list (``Searcher.letters()`` rows); the source (and the other files holding the same letter) as
    file names, not the server's paths."""
    rows = []
    for row in letters:
        source = row.get("source")
        rows.append({**{k: row.get(k) for k, _ in LETTER_COLUMNS}, "source": PurePath(source).name if source else None,
                     "other_sources": "、".join(PurePath(s).name for s in row.get("other_sources") or []) or None,
                     "link": letter_link(row["id"], None, base)})
    return Sheet("来信清单", LETTER_COLUMNS, rows)


def dupes_sheets(results: list[dict], letters: dict[str, dict], base: str | None = None,
                 passage_of=None) -> list[Sheet]:
    """Duplicate checks of drafts (``find_duplicates`` results): one row per match with its closest passage
    pair (sheet 查重结果) and one row per aligned passage pair (sheet 相似段落). ``letters`` maps ids to
    metadata rows; ``passage_of(letter_id, letter_text)`` may give ``(passage number, section)`` of the letter's
    passage, for the link and the 章节 column."""
    matches, passages = [], []
    for result in results:
        for rank, m in enumerate(result.get("matches") or [], 1):
            meta = letters.get(m["letter_id"], {})
            head = {"draft": result.get("draft"), "draft_title": result.get("title"), "rank": rank,
                    "tier": m.get("tier"), "near_copy": YES if m.get("near_copy") else NO, "score": m.get("score"),
                    **{k: meta.get(k, m.get(k)) for k, _ in CITATION}, "category": meta.get("category"),
                    "letter_id": m["letter_id"]}
            pairs = m.get("passages") or []
            for n, p in enumerate(pairs):
                chunk, section = (passage_of(m["letter_id"], p.get("letter_text")) if passage_of else None) or (None, None)
                row = {**head, "draft_text": p.get("draft_text"), "letter_text": p.get("letter_text"),
                       "passage_score": p.get("score"), "link": letter_link(m["letter_id"], chunk, base),
                       "section": section}
                passages.append(row)
                if n == 0:
                    matches.append(row)
            if not pairs:
                matches.append({**head, "link": letter_link(m["letter_id"], None, base)})
    return [Sheet("查重结果", DUPES_COLUMNS, matches), Sheet("相似段落", DUPES_COLUMNS, passages)]


def pairs_sheets(report: dict, letters: dict[str, dict], base: str | None = None) -> list[Sheet]:
    """``dafu dupes --all``: the similar pairs (sheet 相似来信) and the ask clusters, one row per letter of a
    cluster (sheet 诉求类群)."""
    clusters = report.get("clusters") or []
    cluster_of = {lid: n for n, c in enumerate(clusters, 1) for lid in c}
    details = report.get("cluster_details") or [{} for _ in clusters]
    pairs = []
    for p in report.get("pairs") or []:
        a, b = letters.get(p["a"], {}), letters.get(p["b"], {})
        pairs.append({"a": p["a"], "a_title": p.get("a_title") or a.get("title"), "a_date": a.get("date"),
                      "b": p["b"], "b_title": p.get("b_title") or b.get("title"), "b_date": b.get("date"),
                      "score": p.get("score"), "tier": p.get("tier"), "near_copy": YES if p.get("near_copy") else NO,
                      "same_ask": YES if p.get("same_ask") else NO, "cluster": cluster_of.get(p["a"]),
                      "a_link": letter_link(p["a"], None, base), "b_link": letter_link(p["b"], None, base)})
    members = []
    for n, (cluster, detail) in enumerate(zip(clusters, details), 1):
        for lid in cluster:
            meta = letters.get(lid, {})
            members.append({"cluster": n, "cluster_name": detail.get("name"), "size": len(cluster),
                            **{k: meta.get(k) for k, _ in CITATION}, "category": meta.get("category"),
                            "letter_id": lid, "link": letter_link(lid, None, base)})
    return [Sheet("相似来信", PAIR_COLUMNS, pairs), Sheet("诉求类群", CLUSTER_COLUMNS, members)]


def promises_sheet(promises: list[dict], letters: dict[str, dict] | None = None, base: str | None = None) -> Sheet:
    """Promise rows (``search.promises.promise_rows`` dicts): the promise, its deadline, figure and status, the
    citation of its letter (from ``letters`` where the row lacks it) and the later reply with its link."""
    rows = []
    for p in promises:
        letter_id = p.get("letter_id")
        meta = (letters or {}).get(letter_id) or {}
        row = {k: p.get(k) for k, _ in PROMISE_COLUMNS}
        row.update({k: p.get(k) or meta.get(k) for k, _ in CITATION})
        row["link"] = letter_link(letter_id, p.get("chunk"), base) if letter_id else None
        later = p.get("later_letter_id")
        row["later_link"] = letter_link(later, p.get("later_chunk"), base) if later else None
        rows.append(row)
    return Sheet("承诺事项", PROMISE_COLUMNS, rows)


# ------------------------------------------------------------------ writers

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XML, hence in .xlsx


def _text(value) -> str | int | float | None:
    if value is None or isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, (list, tuple, set)):
        return "、".join(str(v) for v in value)
    return _ILLEGAL.sub("", str(value))


def to_csv(sheet: Sheet, bom: bool = True) -> str:
    """One sheet as CSV text: a header row of the Chinese column names, then the rows."""
    out = io.StringIO()
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(sheet.labels)
    for row in sheet.rows:
        cells = []
        for key in sheet.keys:
            value = _text(row.get(key))
            if isinstance(value, str) and value.startswith(_FORMULA_START):
                value = "'" + value
            cells.append("" if value is None else value)
        writer.writerow(cells)
    return out.getvalue()


def to_xlsx(sheets: list[Sheet]) -> bytes:
    """A workbook with one worksheet per sheet, as bytes (openpyxl's write-only mode: 10,000 rows in seconds)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold, link_font = Font(bold=True), Font(color="0B4F9C", underline="single")
    wrap = Alignment(wrap_text=True, vertical="top")
    taken: list[str] = []
    for sheet in sheets:
        title = _sheet_title(sheet.name, taken)
        taken.append(title)
        ws = book.create_sheet(title)
        widths = [_width(label) for label in sheet.labels]
        for row in sheet.rows[:WIDTH_SAMPLE]:  # column widths from the first rows
            for c, key in enumerate(sheet.keys):
                widths[c] = max(widths[c], min(_width(_text(row.get(key)) or ""), 60))
        for c, (key, width) in enumerate(zip(sheet.keys, widths), start=1):
            ws.column_dimensions[get_column_letter(c)].width = 60 if key in _WIDE else min(width + 2, 50)
        ws.freeze_panes = "A2"
        if sheet.rows:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.keys))}{len(sheet.rows) + 1}"
        header = []
        for label in sheet.labels:
            cell = WriteOnlyCell(ws, value=label)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for row in sheet.rows:
            cells = []
            for key in sheet.keys:
                value = _text(row.get(key))
                if not isinstance(value, str):
                    cells.append(value)
                    continue
                cell = WriteOnlyCell(ws, value=value)
                cell.data_type = "s"  # never a formula, whatever the text starts with
                if key.endswith("link") and value.startswith(("http://", "https://")):
                    cell.hyperlink = value
                    cell.font = link_font
                elif key in _WIDE:
                    cell.alignment = wrap
                cells.append(cell)
            ws.append(cells)
    if not taken:
        book.create_sheet("空")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write(path, sheets: list[Sheet]) -> None:
    """``sheets`` to ``path``: .xlsx (all sheets) or .csv (the first sheet)."""
    path = str(path)
    if path.lower().endswith(".csv"):
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(to_csv(sheets[0]))
    else:
        with open(path, "wb") as handle:
            handle.write(to_xlsx(sheets))


def _width(text: str) -> int:
    """Display width in Excel columns: CJK characters count double."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(text))


def _sheet_title(name: str, taken: list[str]) -> str:
    title = re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "Sheet"
    n = 2
    while title in taken:
        title = f"{title[:28]}-{n}"
        n += 1
    return title
