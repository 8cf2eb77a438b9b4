"""extract_text on real files written from the seed letters (no mocks)."""
import re
import zipfile
from pathlib import Path

import pytest

from dafu.corpus.formats import SUPPORTED_SUFFIXES, UnreadableDocument, decode_bytes, extract_text

LETTERS = sorted((Path(__file__).resolve().parents[1] / "corpus" / "letters").glob("*.txt"))


def _letter(i=0):
    return LETTERS[i].read_text(encoding="utf-8")


def _squash(text):
    return re.sub(r"\s+", "", text)


def _sentences(text):
    parts = re.split(r"(?<=[。！？；])|\n", text)
    return [_squash(p) for p in parts if len(_squash(p)) >= 2]


def assert_all_sentences(source, extracted):
    flat = _squash(extracted)
    missing = [s for s in _sentences(source) if s not in flat]
    assert not missing, f"{len(missing)} sentences lost, first: {missing[0]!r}"


def _traditional(text):
    from opencc import OpenCC
    trad = OpenCC("s2tw").convert(text)
    trad.encode("big5")  # strict: the test text must be representable in Big5
    return trad


# ------------------------------------------------------------------ text encodings

@pytest.mark.parametrize("encoding,bom", [
    ("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gb18030", b""), ("gbk", b""),
    ("utf-16", b""), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("utf-16-le", b""),
])
@pytest.mark.parametrize("index", range(len(LETTERS)))
def test_text_encodings(tmp_path, encoding, bom, index):
    text = _letter(index)
    path = tmp_path / "letter.txt"
    path.write_bytes(bom + text.encode(encoding))
    out = extract_text(path)
    assert out == text.replace("\r\n", "\n")
    assert_all_sentences(text, out)


@pytest.mark.parametrize("index", range(len(LETTERS)))
def test_big5_traditional_letter(tmp_path, index):
    trad = _traditional(_letter(index))
    path = tmp_path / "mirror.md"
    path.write_bytes(trad.encode("big5"))
    out = extract_text(path)
    assert out == trad
    assert_all_sentences(trad, out)


@pytest.mark.parametrize("text", [
    "关于加快养老服务体系建设的答复", "晋安区民政局：现答复如下。", "签发人：林勇",
    "第 20252060 号提案办理情况", "晋安区民政局 2025年6月10日",
])
def test_short_chinese_texts(text):
    assert decode_bytes(text.encode("gb18030")) == text
    trad = _traditional(text)
    assert decode_bytes(trad.encode("big5")) == trad
    assert decode_bytes(trad.encode("gb18030")) == trad  # traditional script saved as GBK


def test_html_meta_charset_wins_and_misdeclared_charset_is_detected():
    body = "关于区政协十届四次会议第20252060号提案办理情况的答复"
    page = f'<html><head><meta charset="gb2312"></head><body><p>{body}</p></body></html>'
    assert body in decode_bytes(page.encode("gb18030"), "gb2312")
    assert body in decode_bytes(page.encode("gb18030"), "utf-8")  # lies about UTF-8


# ------------------------------------------------------------------ DOCX

def test_docx_paragraphs_and_tables_in_order(tmp_path):
    import docx
    text = _letter(0)
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    document = docx.Document()
    document.add_paragraph(paragraphs[0])
    table = document.add_table(rows=2, cols=3)
    for cell, value in zip(table.rows[0].cells, ["发布机构", "文号", "成文日期"]):
        cell.text = value
    for cell, value in zip(table.rows[1].cells, ["福州市晋安区民政局", "榕晋民〔2025〕82号", "2025-06-10"]):
        cell.text = value
    pairs = document.add_table(rows=1, cols=4)
    for cell, value in zip(pairs.rows[0].cells, ["索引号：", "FZ-2025-0082", "主题分类：", "民政"]):
        cell.text = value
    grid = document.add_table(rows=2, cols=3)
    for r, row in enumerate([["项目", "床位", "面积"], ["福利中心", "100 张", "1.2 万平方米"]]):
        for cell, value in zip(grid.rows[r].cells, row):
            cell.text = value
    merged = document.add_table(rows=1, cols=3)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "合并单元格"
    merged.cell(0, 2).text = "右侧"
    for paragraph in paragraphs[1:]:
        document.add_paragraph(paragraph)
    path = tmp_path / "reply.docx"
    document.save(path)

    out = extract_text(path)
    lines = out.split("\n")
    for line in ["发布机构 | 福州市晋安区民政局", "文号 | 榕晋民〔2025〕82号", "成文日期 | 2025-06-10",
                 "索引号 | FZ-2025-0082", "主题分类 | 民政", "项目 | 床位 | 面积",
                 "福利中心 | 100 张 | 1.2 万平方米", "合并单元格 | 右侧"]:
        assert line in lines
    assert lines.index(paragraphs[0]) < lines.index("文号 | 榕晋民〔2025〕82号") < lines.index(paragraphs[1])
    assert_all_sentences(text, out)


def test_docx_layout_table_keeps_paragraph_lines(tmp_path):
    import docx
    text = _letter(1)
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    document = docx.Document()
    cell = document.add_table(rows=1, cols=1).cell(0, 0)
    cell.text = paragraphs[0]
    for paragraph in paragraphs[1:]:
        cell.add_paragraph(paragraph)
    path = tmp_path / "layout.docx"
    document.save(path)
    out = extract_text(path)
    assert out.split("\n") == paragraphs


# ------------------------------------------------------------------ PDF

def _write_pdf(path, text, font="STSong-Light"):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    c = canvas.Canvas(str(path), pagesize=A4)
    width, y = A4[0] - 100, 790
    for paragraph in text.split("\n"):
        line = ""
        for ch in paragraph + "\0":  # wrap by measured width, as a word processor would
            if ch == "\0" or pdfmetrics.stringWidth(line + ch, font, 12) > width:
                if y < 60:
                    c.showPage()
                    y = 790
                c.setFont(font, 12)
                c.drawString(50, y, line)
                y -= 18
                line = ""
            if ch != "\0":
                line += ch
    c.save()


@pytest.mark.parametrize("index", range(len(LETTERS)))
def test_pdf_text_layer(tmp_path, index):
    text = _letter(index)
    path = tmp_path / "reply.PDF"  # suffix is case-insensitive
    _write_pdf(path, text)
    out = extract_text(path)
    assert_all_sentences(text, out)
    assert _squash(out) == _squash(text)  # nothing added, page order kept


def test_pdf_page_order(tmp_path):
    text = "\n".join(_letter(i) for i in range(3))
    path = tmp_path / "three.pdf"
    _write_pdf(path, text)
    flat = _squash(extract_text(path))
    firsts = [flat.find(_sentences(_letter(i))[3]) for i in range(3)]
    assert -1 not in firsts and firsts == sorted(firsts)


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_pdf_with_owner_password_only_is_read(tmp_path, algorithm):
    import pypdf
    if algorithm.startswith("AES"):
        pytest.importorskip("cryptography")  # pypdf[crypto]
    text = _letter(4)
    plain, locked = tmp_path / "plain.pdf", tmp_path / "locked.pdf"
    _write_pdf(plain, text)
    writer = pypdf.PdfWriter(clone_from=str(plain))
    writer.encrypt(user_password="", owner_password="owner", algorithm=algorithm)
    writer.write(locked)
    assert_all_sentences(text, extract_text(locked))
    writer = pypdf.PdfWriter(clone_from=str(plain))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm=algorithm)
    writer.write(locked)
    assert "password" in _reason(locked)


# ------------------------------------------------------------------ HTML

NAV = ["首页", "政务公开", "政务服务", "互动交流", "走进晋安"]


def _gov_page(body_paragraphs, charset="gb2312"):
    nav = "".join(f'<li><a href="/{i}">{t}</a></li>' for i, t in enumerate(NAV))
    body = "".join(f"<p style=\"text-indent:2em\">{p}</p>" for p in body_paragraphs)
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>关于提案办理情况的答复_福州市晋安区人民政府</title>
<style>.nav {{ color: red }}</style><script>var tongji = "统计代码";</script></head>
<body>
<div class="top"><div class="logo">福州市晋安区人民政府门户网站</div>
<div class="search"><input value="请输入关键词"><button>搜索</button></div></div>
<div class="nav"><ul>{nav}</ul></div>
<div class="main-box">
  <div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 建议提案</div>
  <div class="xxgk-table"><table>
    <tr><td>索引号：</td><td>FZ00101-0200-2025-00082</td><td>主题分类：</td><td>民政</td></tr>
    <tr><td>发布机构：</td><td>晋安区民政局</td><td>文号：</td><td>榕晋民〔2025〕82号</td></tr>
    <tr><td>成文日期：</td><td>2025-06-10</td><td>发布日期：</td><td>2025-06-12</td></tr>
  </table></div>
  <h1 class="title">关于区政协十届四次会议第20252060号提案办理情况的答复</h1>
  <div class="tools">【字体：<a>大</a> <a>中</a> <a>小</a>】 <a>打印本页</a> <a>关闭窗口</a></div>
  <div class="article" id="zoom">{body}<table><tr><td>附件：</td><td>办理情况表.pdf</td></tr></table></div>
  <div class="share">分享到：<a>微信</a><a>微博</a><a>QQ空间</a></div>
  <div class="related"><h3>相关链接</h3><ul><li><a>晋安区养老服务条例</a></li><li><a>民政局</a></li>
    <li><a>2024年提案答复</a></li></ul></div>
</div>
<footer><div class="foot">主办单位：福州市晋安区人民政府办公室 版权所有 © 2025
  <p>闽ICP备05012345号 网站标识码：3501110001 闽公网安备 35011102000123号</p></div></footer>
<script>document.write("脚本文字");</script>
</body></html>"""


@pytest.mark.parametrize("index", range(len(LETTERS)))
def test_html_government_page(tmp_path, index):
    text = _letter(index)
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    path = tmp_path / "reply.htm"
    path.write_bytes(_gov_page(paragraphs).encode("gb18030"))
    out = extract_text(path)
    assert_all_sentences(text, out)
    lines = out.split("\n")
    for line in ["索引号 | FZ00101-0200-2025-00082", "发布机构 | 晋安区民政局",
                 "文号 | 榕晋民〔2025〕82号", "成文日期 | 2025-06-10", "附件 | 办理情况表.pdf"]:
        assert line in lines
    assert "关于区政协十届四次会议第20252060号提案办理情况的答复" in lines
    assert not set(NAV) & set(lines)
    for junk in ["当前位置", "版权所有", "ICP备", "网站标识码", "公网安备", "主办单位", "统计代码",
                 "脚本文字", "请输入关键词", "打印本页", "关闭窗口", "分享到", "相关链接", "门户网站"]:
        assert junk not in out or junk in text, junk
    assert lines.index("文号 | 榕晋民〔2025〕82号") < lines.index(paragraphs[-1])


def test_html_big5_without_charset_and_br_lines(tmp_path):
    trad = _traditional(_letter(2))
    paragraphs = [p.strip() for p in trad.split("\n") if p.strip()]
    page = "<html><body><div class='content'>" + "<br/>".join(paragraphs) + "</div></body></html>"
    path = tmp_path / "mirror.html"
    path.write_bytes(page.encode("big5"))
    out = extract_text(path)
    assert out.split("\n") == paragraphs


# ------------------------------------------------------------------ errors

def _reason(path):
    with pytest.raises(UnreadableDocument) as info:
        extract_text(path)
    assert info.value.path == str(path)
    return info.value.reason


def test_supported_suffixes():
    assert set(SUPPORTED_SUFFIXES) == {".txt", ".md", ".pdf", ".docx", ".html", ".htm"}


@pytest.mark.parametrize("name", ["empty.txt", "empty.md", "empty.pdf", "empty.docx", "empty.html"])
def test_empty_file(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"  \n")
    assert "empty" in _reason(path)


def test_empty_documents(tmp_path):
    import docx
    path = tmp_path / "blank.docx"
    docx.Document().save(path)
    assert "no text" in _reason(path)
    page = tmp_path / "blank.html"
    page.write_text("<html><body><div class='nav'><a>首页</a><a>政务</a><a>服务</a></div></body></html>")
    assert "no text" in _reason(page)


def test_scanned_pdf_without_text_layer(tmp_path):
    from reportlab.pdfgen import canvas
    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path))
    c.rect(50, 50, 400, 600, fill=1)
    c.showPage()
    c.rect(80, 80, 200, 200)
    c.save()
    reason = _reason(path)
    assert "扫描件" in reason and "no text layer" in reason


def test_corrupt_files(tmp_path):
    docx_path = tmp_path / "broken.docx"
    docx_path.write_bytes(b"PK\x03\x04 not really a zip archive" * 10)
    assert "corrupt" in _reason(docx_path)
    not_word = tmp_path / "other.docx"  # a valid zip that is no Word document
    with zipfile.ZipFile(not_word, "w") as z:
        z.writestr("hello.txt", "你好")
    assert "corrupt" in _reason(not_word)
    pdf_path = tmp_path / "broken.pdf"
    pdf_path.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 4)
    assert "PDF" in _reason(pdf_path)


def test_binary_bytes_in_text_file(tmp_path):
    path = tmp_path / "binary.txt"
    path.write_bytes(bytes(range(256)) * 8)
    assert "text" in _reason(path)


@pytest.mark.parametrize("name", ["letter.doc", "letter.rtf", "noext"])
def test_unsupported_extension(tmp_path, name):
    path = tmp_path / name
    path.write_text("关于提案的答复", encoding="utf-8")
    reason = _reason(path)
    assert "不支持" in reason and "unsupported" in reason
