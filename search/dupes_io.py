"""Drafts in, reports out for ``dafu dupes``.

Readers: a ``.txt``/``.md`` file is one draft, a directory holds drafts (searched recursively), a ``.csv``
(header row) or ``.jsonl`` file holds one draft per row with ``title`` and ``text`` (also ``标题`` /
``正文``/``内容``). A bad row or file becomes a ``DraftError`` naming it (``FILE:ROW``, CSV rows counted
like a spreadsheet with the header as row 1, JSONL rows by line) and the other rows are still read.
Reports: a readable Chinese table, CSV, and a self-contained HTML page (every value ``html.escape``d).
"""
from __future__ import annotations

import csv
import html
import io
import json
from dataclasses import dataclass
from pathlib import Path

from ..corpus.formats import UnreadableDocument, decode_bytes, extract_text
from ..corpus.parse import MalformedLetter, parse_letter
from .dupes import NEAR_COPY_LABEL

TEXT_SUFFIXES = (".txt", ".md")
TABLE_SUFFIXES = (".csv", ".jsonl")
COLUMNS = {"title": ("title", "标题"), "text": ("text", "正文", "内容")}


@dataclass
class DraftError:
    """A draft that could not be read, and why."""

    draft: str
    error: str

    def to_dict(self) -> dict:
        return {"draft": self.draft, "error": self.error}

    def __str__(self) -> str:
        return f"{self.draft}: {self.error}"


def read_drafts(paths) -> tuple[list[dict], list[DraftError]]:
    """Drafts ``{"name", "title", "text"}`` from files, directories, CSV and JSONL, and the errors met."""
    drafts: list[dict] = []
    errors: list[DraftError] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in
                           TEXT_SUFFIXES + TABLE_SUFFIXES and not any(s.startswith(".") for s in p.parts))
            if not found:
                errors.append(DraftError(str(path), "目录中没有 .txt/.md/.csv/.jsonl 草稿 / no drafts in folder"))
            files = found
        elif path.is_file():
            files = [path]
        else:
            errors.append(DraftError(str(path), "文件不存在 / no such file or folder"))
            continue
        for file in files:
            suffix = file.suffix.lower()
            if suffix in TABLE_SUFFIXES:
                got, bad = _read_table(file)
            elif suffix in TEXT_SUFFIXES:
                got, bad = _read_text_file(file)
            else:
                got, bad = [], [DraftError(str(file), f"不支持的草稿格式 / unsupported draft type {suffix!r} "
                                                      f"(.txt .md .csv .jsonl)")]
            drafts += got
            errors += bad
    return drafts, errors


def _read_text_file(path: Path) -> tuple[list[dict], list[DraftError]]:
    try:
        text = extract_text(path)
    except UnreadableDocument as err:
        return [], [DraftError(str(path), err.reason)]
    try:
        title = parse_letter(text, path.stem, str(path)).title   # the 《》 title a letter or proposal states
    except MalformedLetter:
        return [], [DraftError(str(path), "没有正文 / no text")]
    if not title:
        lines = [line.strip().lstrip("#").strip() for line in text.splitlines() if line.strip()]
        title = lines[0] if lines and len(lines[0]) <= 60 else path.stem
    return [{"name": str(path), "title": title, "text": text}], []


def _read_table(path: Path) -> tuple[list[dict], list[DraftError]]:
    try:
        data = path.read_bytes()
    except OSError as err:
        return [], [DraftError(str(path), f"无法读取文件 / cannot read file: {err}")]
    text = _decode_rows(data)
    if path.suffix.lower() == ".jsonl":
        rows = _jsonl_rows(text)
    else:
        rows = _csv_rows(text)
    drafts, errors = [], []
    for number, row in rows:
        name = f"{path}:{number}"
        if isinstance(row, str):
            errors.append(DraftError(name, row))
            continue
        draft, problem = _row_draft(name, row)
        if problem:
            errors.append(DraftError(name, problem))
        else:
            drafts.append(draft)
    return drafts, errors


def _decode_rows(data: bytes) -> str:
    """The file's text: UTF-8 (BOM-aware) when it is UTF-8; a whole-file reading (UTF-16 BOM, GB18030,
    Big5) when no line of it is UTF-8; otherwise UTF-8 with the undecodable bytes kept as surrogates, so
    that only the rows holding them fail."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    lines = [line for line in data.split(b"\n") if any(b > 0x7F for b in line)]
    if not any(_is_utf8(line) for line in lines):
        try:
            return decode_bytes(data)
        except UnreadableDocument:
            pass
    return data.decode("utf-8", errors="surrogateescape")


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _csv_rows(text: str):
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return
    except csv.Error as err:
        yield 1, f"CSV 表头无法解析 / bad CSV header: {err}"
        return
    number = 1
    while True:
        number += 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            yield number, f"CSV 行无法解析 / bad CSV row: {err}"
            continue
        if not any(v.strip() for v in values):
            continue
        row = {h: v for h, v in zip(header, values)}
        if len(values) > len(header):
            yield number, f"列数多于表头 ({len(values)} > {len(header)}) / more fields than the header"
            continue
        yield number, row


def _jsonl_rows(text: str):
    for number, line in enumerate(text.lstrip("\ufeff").split("\n"), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            yield number, ("不是有效的 UTF-8 编码 / not valid UTF-8" if _has_surrogates(line)
                           else f"不是有效的 JSON / not valid JSON: {err.msg}")
            continue
        yield number, row if isinstance(row, dict) else "每行应为一个 JSON 对象 / each line must be a JSON object"


def _has_surrogates(value: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in value)


def _row_draft(name: str, row: dict) -> tuple[dict | None, str | None]:
    """A draft from one table row, or why the row cannot be one."""
    keys = {str(k).strip().lower(): k for k in row}
    values = {}
    for field, aliases in COLUMNS.items():
        key = next((keys[a] for a in aliases if a in keys), None)
        if key is None or row[key] is None:
            return None, f"缺少列 {field} / missing column {field!r}"
        value = row[key]
        if not isinstance(value, str):
            return None, f"列 {field} 应为文本 / column {field!r} must be text"
        if _has_surrogates(value):
            return None, f"列 {field} 不是有效的 UTF-8 编码 / column {field!r} is not valid UTF-8"
        values[field] = value.strip()
    if not values["text"]:
        return None, "正文为空 / empty text"
    return {"name": name, "title": values["title"] or None, "text": values["text"]}, None


# ---------------------------------------------------------------- reports

def _is_pairs(report) -> bool:
    return isinstance(report, dict) and "pairs" in report


def format_table(report, errors=()) -> str:
    """Readable Chinese text for ``find_duplicates`` results (a list) or an ``all_pairs`` report (a dict)."""
    lines: list[str] = []
    if _is_pairs(report):
        pairs, clusters = report["pairs"], report["clusters"]
        lines.append(f"相似来信对 {len(pairs)} 对，聚成 {len(clusters)} 组")
        for p in pairs:
            flag = f"  [{NEAR_COPY_LABEL}]" if p.get("near_copy") else ""
            lines.append(f"{p['tier']}  {p['score']:.3f}  {p['a']} {_quoted(p.get('a_title'))}  ⇄  "
                         f"{p['b']} {_quoted(p.get('b_title'))}{flag}")
        details = report.get("cluster_details") or [{} for _ in clusters]
        for n, (cluster, detail) in enumerate(zip(clusters, details), 1):
            about = f" {detail['name']}" if detail.get("name") else ""
            years = "、".join(str(y) for y in detail.get("years") or [])
            lines.append(f"第 {n} 组（{len(cluster)} 封）{about}: {'、'.join(cluster)}" + (f"  年份 {years}" if years else ""))
    else:
        for result in report:
            head = f"草稿 {result['draft']}" + (f" {_quoted(result.get('title'))}" if result.get("title") else "")
            lines.append(head)
            if not result["matches"]:
                lines.append("  未发现相似来信")
            for h in result.get("history") or []:
                lines.append(f"  同一诉求 {h.get('year') or '?'} {h.get('agency') or ''} {h['letter_id']} "
                             f"{_quoted(h.get('title'))} 答复类别 {h.get('category') or '-'}".rstrip())
            for rank, m in enumerate(result["matches"], 1):
                meta = " · ".join(v for v in (m.get("agency"), m.get("date")) if v)
                flag = f"  [{NEAR_COPY_LABEL}]" if m["near_copy"] else ""
                lines.append(f"  {rank}. {m['tier']}  {m['score']:.3f}  {m['letter_id']} "
                             f"{_quoted(m.get('title'))} {meta}{flag}".rstrip())
                for p in m["passages"]:
                    lines.append(f"     草稿 │ {_clip(p['draft_text'])}")
                    lines.append(f"     来信 │ {_clip(p['letter_text'])}  ({p['score']:.3f})")
            lines.append("")
    lines += [f"错误 {e}" for e in errors]
    return "\n".join(lines).rstrip() + "\n"


def _quoted(title) -> str:
    return f"《{title}》" if title else ""


def _clip(text: str, width: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[:width - 1] + "…"


def to_csv(report, errors=()) -> str:
    """CSV with a header row: one row per match (drafts) or per pair (``--all``); errors as rows too."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if _is_pairs(report):
        cluster_of = {lid: n for n, c in enumerate(report["clusters"], 1) for lid in c}
        writer.writerow(["a", "a_title", "b", "b_title", "score", "tier", "near_copy", "cluster"])
        for p in report["pairs"]:
            writer.writerow([p["a"], p.get("a_title") or "", p["b"], p.get("b_title") or "", p["score"],
                             p["tier"], p["near_copy"], cluster_of.get(p["a"], "")])
    else:
        writer.writerow(["draft", "rank", "letter_id", "title", "agency", "date", "score", "tier", "near_copy",
                         "draft_text", "letter_text", "passage_score", "error"])
        for result in report:
            for rank, m in enumerate(result["matches"], 1):
                best = m["passages"][0] if m["passages"] else {"draft_text": "", "letter_text": "", "score": ""}
                writer.writerow([result["draft"], rank, m["letter_id"], m.get("title") or "", m.get("agency") or "",
                                 m.get("date") or "", m["score"], m["tier"], m["near_copy"], best["draft_text"],
                                 best["letter_text"], best["score"], ""])
        for e in errors:
            writer.writerow([e.draft] + [""] * 11 + [e.error])
    return out.getvalue()


_STYLE = """body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ccc}
.match{margin:1em 0;padding:.6em 1em;border:1px solid #ddd;border-radius:6px}
.tier{font-weight:bold;padding:0 .4em;border-radius:4px}.t0{background:#fdd}.t1{background:#fed}.t2{background:#eef}
.copy{background:#c00;color:#fff;padding:0 .4em;border-radius:4px;margin-left:.5em}
table{border-collapse:collapse;width:100%;margin-top:.5em}td,th{border:1px solid #ddd;padding:.4em;vertical-align:top;
text-align:left}td.s{width:5em;text-align:right}.err{color:#a00}.meta{color:#666}"""
_TIER_CLASS = {"疑似重复": "t0", "高度相似": "t1", "相关": "t2"}


def to_html(report, errors=(), heading: str = "重复提案检查报告") -> str:
    """A self-contained HTML page: matches with aligned passages side by side, or pairs and clusters."""
    e = html.escape
    parts = [f"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{e(heading)}</title>"
             f"<style>{_STYLE}</style></head><body><h1>{e(heading)}</h1>"]

    def tier(name: str, near: bool) -> str:
        flag = f"<span class=\"copy\">{NEAR_COPY_LABEL}</span>" if near else ""
        return f"<span class=\"tier {_TIER_CLASS.get(name, 't2')}\">{e(name)}</span>{flag}"

    if _is_pairs(report):
        parts.append(f"<p>相似来信对 {len(report['pairs'])} 对，聚成 {len(report['clusters'])} 组。</p>")
        parts.append("<table><tr><th>等级</th><th>分数</th><th>来信 A</th><th>来信 B</th></tr>")
        for p in report["pairs"]:
            parts.append(f"<tr><td>{tier(p['tier'], p.get('near_copy'))}</td><td class=\"s\">{p['score']:.3f}</td>"
                         f"<td>{e(p['a'])}<br>{e(_quoted(p.get('a_title')))}</td>"
                         f"<td>{e(p['b'])}<br>{e(_quoted(p.get('b_title')))}</td></tr>")
        parts.append("</table><h2>聚类</h2><ol>")
        parts += [f"<li>{e('、'.join(c))}</li>" for c in report["clusters"]]
        parts.append("</ol>")
    else:
        for result in report:
            parts.append(f"<h2>草稿 {e(result['draft'])} {e(_quoted(result.get('title')))}</h2>")
            if not result["matches"]:
                parts.append("<p>未发现相似来信。</p>")
            for m in result["matches"]:
                meta = " · ".join(v for v in (m.get("agency"), m.get("date")) if v)
                parts.append(f"<div class=\"match\">{tier(m['tier'], m['near_copy'])} <b>{m['score']:.3f}</b> "
                             f"{e(m['letter_id'])} {e(_quoted(m.get('title')))} <span class=\"meta\">{e(meta)}</span>"
                             "<table><tr><th>草稿段落</th><th>来信段落</th><th>相似度</th></tr>")
                parts += [f"<tr><td>{e(p['draft_text'])}</td><td>{e(p['letter_text'])}</td>"
                          f"<td class=\"s\">{p['score']:.3f}</td></tr>" for p in m["passages"]]
                parts.append("</table></div>")
    if errors:
        parts.append("<h2>无法读取的草稿</h2><ul>")
        parts += [f"<li class=\"err\">{e(err.draft)}: {e(err.error)}</li>" for err in errors]
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)


def to_json_lines(results: list[dict]) -> str:
    """``dafu dupes DRAFT... --json``: one object per draft per line."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in results)
