"""Real-world ingestion end to end: the same letter as DOCX, PDF, a government web page, GB18030 and
Big5 text parses to the same metadata and passages as the .txt, and is indexed once, as one letter."""
from __future__ import annotations

import re
from pathlib import PurePath

import pytest

from dafu.corpus.chunk import chunk_sections
from dafu.corpus.collect import read_letter
from dafu.index.build import build_index
from dafu.search.api import Searcher

from conftest import SEEDS
from test_formats import _gov_page, _traditional, _write_pdf

FIELDS = ("title", "doc_number", "category", "session", "proposal_number", "addressee", "agency", "date")
SEED = SEEDS / "000_306a8a7d17a26f74.txt"


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def write_docx(path, text):
    import docx

    document = docx.Document()
    for paragraph in text.split("\n"):
        if paragraph.strip():
            document.add_paragraph(paragraph.strip())
    document.save(path)


@pytest.fixture(scope="module")
def copies(tmp_path_factory):
    """The seed letter written in every supported format."""
    folder = tmp_path_factory.mktemp("formats")
    text = SEED.read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    write_docx(folder / "reply.docx", text)
    _write_pdf(folder / "reply.pdf", text)
    (folder / "reply.html").write_bytes(_gov_page(paragraphs).encode("gb18030"))
    (folder / "reply-gb.txt").write_bytes(text.encode("gb18030"))
    (folder / "reply-big5.md").write_bytes(_traditional(text).encode("big5"))
    return folder


@pytest.mark.parametrize("name", ["reply.docx", "reply.pdf", "reply.html", "reply-gb.txt"])
def test_same_metadata_and_passages_as_txt(copies, name):
    original = read_letter(SEED, "original")
    copy = read_letter(copies / name, "copy")
    assert {f: getattr(copy, f) for f in FIELDS} == {f: getattr(original, f) for f in FIELDS}
    assert squash(original.body) in squash(copy.body)
    copy_chunks = [(c.section, squash(c.text)) for c in chunk_sections(copy)]
    original_chunks = [(c.section, squash(c.text)) for c in chunk_sections(original)]
    if name == "reply.pdf":  # a PDF keeps only visual lines, so passages may break elsewhere: no sentence lost
        sentences = [s for _, c in original_chunks for s in re.split(r"(?<=[。；])", c) if s]
        assert all(any(s in c for _, c in copy_chunks) for s in sentences)
    elif name == "reply.html":  # the page adds its own header lines: every passage under a heading is the same
        sectioned = [c for c in original_chunks if c[0]]
        assert sectioned and [c for c in copy_chunks if c in sectioned] == sectioned
    else:
        assert copy_chunks == original_chunks


def test_big5_traditional_copy_keeps_its_own_characters(copies):
    original = read_letter(SEED, "original")
    copy = read_letter(copies / "reply-big5.md", "copy")
    assert copy.doc_number == _traditional(original.doc_number)
    assert copy.date == original.date and copy.category == original.category
    assert "機構" in copy.body and "机构" not in copy.body


def test_all_formats_are_one_letter_indexed_once(copies, tmp_path):
    """Every format holds the same letter: it is indexed once (from the first file read) and answers with the
    other files listed as its sources, the traditional Big5 copy among them."""
    report = build_index([copies], index_dir=tmp_path)
    assert not report.failed and report.added == ["reply"] and report.letters == 1
    others = {"reply.pdf", "reply.html", "reply-gb.txt", "reply-big5.md"}
    assert {PurePath(c["source"]).name: c["letter_id"] for c in report.copies} == dict.fromkeys(others, "reply")
    assert {s.source for s in report.skipped} <= {c["source"] for c in report.copies}  # exact ones: duplicate of
    results = Searcher.open(tmp_path).search("晋安区新增了多少平方米养老设施", top_k=10)
    found = [r for r in results if "1.2万平方米" in squash(r["text"])]
    assert found and {PurePath(s).name for s in found[0]["other_sources"]} == others


def test_redacted_letter_with_split_heading_and_no_signature(tmp_path):
    path = tmp_path / "redacted.txt"
    path.write_text("关于县十八届人大三次会议\n第71号建议的\n答 复\n\n***代表：\n"
                    "您提出的《关于增开城乡公交线路的建议》收悉，现答复如下：\n"
                    "我局已于今年新开通城乡公交线路2条，联系人：王**，电话131******5505。\n", encoding="utf-8")
    letter = read_letter(path, "redacted")
    assert letter.session == "县十八届人大三次会议" and letter.proposal_number == "71"
    assert letter.addressee == "***代表" and letter.title == "关于增开城乡公交线路的建议"
    assert letter.date is None and letter.agency is None  # missing, never invented
    assert "131******5505" in letter.body
