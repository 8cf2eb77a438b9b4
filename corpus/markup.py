"""Lines of text from parsed DOCX and HTML documents: one block or table row per line, metadata tables as
``key | value`` lines, and of a web page only the letter (navigation, menus, page tools and site footer dropped).
Reading the files, with their limits and errors, stays in ``corpus/formats.py``."""
from __future__ import annotations

import re

from .clean import without_page_tools
from .metadata import PAGE_LABELS


# ---------------------------------------------------------------- tables (DOCX and HTML)

def _is_key(cell: str) -> bool:
    bare = re.sub(r"\s+", "", cell).rstrip("：:")
    return bool(bare) and (bare in PAGE_LABELS or (len(bare) <= 6 and cell.rstrip().endswith(("：", ":"))))


def _key(cell: str) -> str:
    return re.sub(r"\s+", "", cell).rstrip("：:")  # 索　引　号： -> 索引号


def _table_lines(rows: list[list[str]]) -> list[str]:
    """Table rows as lines: metadata as `key | value`, other rows cells joined ` | `."""
    rows = [[c for c in row if c.strip()] for row in rows]
    rows = [row for row in rows if row]
    lines: list[str] = []
    i = 0
    while i < len(rows):
        row = rows[i]
        nxt = rows[i + 1] if i + 1 < len(rows) else None
        if len(row) >= 2 and all(map(_is_key, row)) and nxt and len(nxt) == len(row) \
                and not any(map(_is_key, nxt)):  # header row of keys, then a row of values
            lines += [f"{_key(k)} | {v}" for k, v in zip(row, nxt)]
            i += 2
            continue
        if len(row) >= 2 and _is_key(row[0]):
            j = 0
            while j < len(row):  # key/value pairs; a key without a value stays alone
                if _is_key(row[j]) and j + 1 < len(row) and not _is_key(row[j + 1]):
                    lines.append(f"{_key(row[j])} | {row[j + 1]}")
                    j += 2
                else:
                    lines.append(row[j])
                    j += 1
        else:
            lines.append(" | ".join(row))
        i += 1
    return lines


# ---------------------------------------------------------------- DOCX

def docx_lines(container) -> list[str]:
    """The lines of a python-docx document or table cell, in order: paragraphs (each with its text boxes) and tables."""
    from docx.table import Table
    lines: list[str] = []
    for block in container.iter_inner_content():
        if isinstance(block, Table):
            lines += _docx_table(block)
        else:
            lines.append(block.text)
            lines += _textboxes(block)
    return lines


def _textboxes(paragraph) -> list[str]:
    """Text of text boxes anchored in a paragraph (skipping the mc:Fallback copy)."""
    from docx.oxml.ns import qn
    out = []
    for box in paragraph._p.iter(qn("w:txbxContent")):
        if any(a.tag.endswith("}Fallback") for a in box.iterancestors()):
            continue
        for p in box.iter(qn("w:p")):
            out.append("".join(t.text or "" for t in p.iter(qn("w:t"))))
    return out


def _docx_table(table) -> list[str]:
    rows: list[list[str]] = []
    lines: list[str] = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:  # merged cells repeat: keep each once
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                cells.append(cell)
        if len(cells) == 1:  # layout table: one wide cell holds whole paragraphs
            lines += _table_lines(rows)
            rows = []
            lines += docx_lines(cells[0])
        else:
            rows.append([" ".join(t.strip() for t in docx_lines(c) if t.strip()) for c in cells])
    return lines + _table_lines(rows)


# ---------------------------------------------------------------- HTML

_DROP_TAGS = ["script", "style", "noscript", "template", "nav", "header", "footer", "aside",
              "form", "iframe", "button", "select", "input", "textarea", "svg", "head", "object"]
_BOILER_ATTR = re.compile(
    r"(?:^|[-_\s])(?:nav|navbar|menu|header|top|topbar|footer|foot|bottom|breadcrumbs?|crumbs?|"
    r"position|location|dqwz|share|sidebar|banner|search|login|toolbar|copyright|"
    r"friendlink|yqlj|related|xgwz|print|ewm|qrcode|skip)(?:$|[-_\s\d])", re.I)
_CONTENT_ATTR = re.compile(
    r"article|content|zoom|trs_editor|detail|xl_?con|main_?text|zw|con_?txt|textbody|"
    r"pages_content|union_?style|view", re.I)
_SITE_TEXT = re.compile(r"版权所有|ICP\s*备|网站标识码|公网安备|Copyright|©", re.I)
_BOILER_TEXT = re.compile(_SITE_TEXT.pattern + r"|^\s*(当前位置|您的位置|你的位置|您现在的位置)", re.I)
_BLOCK_TAGS = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
               "section", "article", "main", "blockquote", "pre", "hr", "address", "center", "tr",
               "table", "figure", "figcaption", "caption", "tbody", "thead", "tfoot", "body"}
_CELL_BLOCKS = ["p", "div", "br", "li", "h1", "h2", "h3", "h4"]


def page_lines(root) -> list[str]:
    """The lines of a web page's parsed ``root`` (changed in place): boilerplate elements removed unless they
    hold the letter or its metadata table, then page tools and site notices dropped line by line."""
    for tag in root.find_all(_DROP_TAGS):
        if not tag.decomposed:
            tag.decompose()
    protected = [t for t in root.find_all(True) if _protect(t)]
    keep = {id(t) for p in protected for t in [p, *p.parents]}
    inside = {id(d) for p in protected for d in p.find_all(True)}
    for tag in list(root.find_all(True)):
        if tag.decomposed or id(tag) in keep or id(tag) in inside:
            continue
        if _boilerplate(tag):
            tag.decompose()
    lines: list[str] = []
    _html_lines(root, lines, [])
    return [ln for ln in (without_page_tools(re.sub(r"[ \t\r\n\f\xa0]+", " ", ln).strip()) for ln in lines)
            if ln and not (len(ln) <= 80 and _SITE_TEXT.search(ln))]


def _attrs(tag) -> str:
    cls = tag.get("class") or []
    return " ".join([*(cls if isinstance(cls, list) else [cls]), tag.get("id") or ""])


def _protect(tag) -> bool:
    """The letter's container, or a metadata table: never removed."""
    if tag.name == "table":
        return sum(k in tag.get_text() for k in ("索引号", "发布机构", "文号", "成文日期", "发布日期")) >= 2
    if tag.name not in ("div", "article", "section", "td") or not _CONTENT_ATTR.search(_attrs(tag)):
        return False
    return len(tag.get_text(strip=True)) >= 30 and not any(
        _BOILER_ATTR.search(_attrs(t)) for t in [tag, *tag.parents] if t.name)


def _boilerplate(tag) -> bool:
    if _BOILER_ATTR.search(_attrs(tag)) or tag.get("role") in ("navigation", "banner", "contentinfo"):
        return True
    if tag.name not in ("div", "ul", "ol", "p", "table", "td", "span", "dl", "section", "li"):
        return False
    text = tag.get_text(" ", strip=True)
    if not text:
        return False
    if len(text) <= 200 and _BOILER_TEXT.search(text):
        return True
    links = tag.find_all("a")  # link lists (menus) hold little else
    link_text = sum(len(a.get_text(strip=True)) for a in links)
    return len(links) >= 3 and link_text >= 0.7 * len(re.sub(r"\s", "", text))


def _html_lines(node, lines: list[str], buf: list[str]) -> None:
    """Walk the tree, breaking lines at block elements; tables go via _table_lines."""
    from bs4 import NavigableString, Tag
    from bs4.element import Comment, Doctype, ProcessingInstruction
    for child in node.children:
        if isinstance(child, (Comment, Doctype, ProcessingInstruction)):
            continue
        if isinstance(child, NavigableString):
            buf.append(str(child))
        elif isinstance(child, Tag):
            cells = child.find_all(["td", "th"]) if child.name == "table" else []
            if cells and not child.find("table") and not any(  # a data table, not page layout
                    len(c.get_text(strip=True)) > 150 or len(c.find_all(_CELL_BLOCKS, limit=2)) > 1
                    for c in cells):
                _flush(lines, buf)
                lines += _table_lines([[c.get_text(" ", strip=True) for c in tr.find_all(["td", "th"])]
                                       for tr in child.find_all("tr")])
            elif child.name in _BLOCK_TAGS or child.name in ("td", "th"):
                _flush(lines, buf)
                _html_lines(child, lines, buf)
                _flush(lines, buf)
            else:
                _html_lines(child, lines, buf)


def _flush(lines: list[str], buf: list[str]) -> None:
    if buf:
        lines.append("".join(buf))
        buf.clear()
