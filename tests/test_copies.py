"""One letter, many files: copies of a real letter (traditional script, PDF, DOCX, GBK, a web page) are indexed once
and listed as the letter's other sources, in the build report, the CLI, the web app and both backends; distinct
letters are never merged."""
from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from dafu.index.build import build_index
from dafu.index.store import current_generation, load_generation
from dafu.search.api import Searcher
from dafu.web.app import create_app

from conftest import DEV_LETTERS, ROOT, milvus_env

sys.path.insert(0, str(ROOT / "benchmarks"))
from measure_copies import make_copies  # noqa: E402 - the copies the rule was measured on

COPIES = ("dev-001-trad.txt", "dev-001.pdf", "dev-001.docx", "dev-001-gbk.txt", "dev-001.html")


def _folders(base: Path) -> tuple[Path, Path]:
    """``letters/``: three real letters, and dev-002 again as a reply with another 文号 (the same text sent to
    a second member: another letter); ``mirror/``: copies of dev-001 as they reach an archive."""
    letters, mirror = base / "letters", base / "mirror"
    letters.mkdir()
    mirror.mkdir()
    for name in ("dev-001.txt", "dev-002.txt", "dev-003.txt"):
        shutil.copy(DEV_LETTERS / name, letters / name)
    other = (DEV_LETTERS / "dev-002.txt").read_text(encoding="utf-8").replace("〔2020〕11號", "〔2020〕12號")
    (letters / "dev-002-第二份.txt").write_text(other, encoding="utf-8")
    for path in make_copies(DEV_LETTERS / "dev-001.txt", mirror):
        if path.name not in COPIES:
            path.unlink()
    return letters, mirror


@pytest.fixture(scope="module")
def copies_index(tmp_path_factory):
    """(base folder, index directory, build report) of the letters and the mirror, built together."""
    base = tmp_path_factory.mktemp("copies")
    letters, mirror = _folders(base)
    report = build_index([letters, mirror], index_dir=base / "index")
    return base, base / "index", report


def _sources(searcher: Searcher) -> dict[str, list[str]]:
    return {row["id"]: [Path(s).name for s in row["other_sources"]] for row in searcher.letters()}


def test_copies_are_indexed_once_and_listed_with_their_letter(copies_index):
    _, index_dir, report = copies_index
    assert sorted(report.added) == ["dev-001", "dev-002", "dev-002-第二份", "dev-003"] and report.letters == 4
    assert {Path(c["source"]).name: c["letter_id"] for c in report.copies} == dict.fromkeys(COPIES, "dev-001")
    assert all(0.9 <= c["similarity"] <= 1 for c in report.copies) and report.duplicates == len(COPIES)
    assert "副本 / copy" in report.summary() and "dev-001.pdf" in report.summary()
    searcher = Searcher.open(index_dir)
    assert sorted(_sources(searcher)["dev-001"]) == sorted(COPIES)
    assert _sources(searcher)["dev-002"] == _sources(searcher)["dev-002-第二份"] == []
    results = searcher.search("东山墟场公办幼儿园计划开设几个班", top_k=10)
    assert results[0]["letter_id"] == "dev-001"
    assert sorted(Path(s).name for s in results[0]["other_sources"]) == sorted(COPIES)


def test_cli_json_and_text_list_the_other_sources(copies_index):
    _, index_dir, _ = copies_index

    def dafu(*args):
        done = subprocess.run([sys.executable, "-m", "dafu", *args, "--index-dir", str(index_dir)], capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout

    found = json.loads(dafu("search", "东山墟场公办幼儿园", "--json", "--top-k", "3"))
    first = found["results"][0]
    assert first["letter_id"] == "dev-001" and {"rank", "score", "text", "section", "citation"} <= set(first)
    assert sorted(Path(s).name for s in first["other_sources"]) == sorted(COPIES)
    assert "同一封信的其他来源 / also in:" in dafu("search", "东山墟场公办幼儿园", "--top-k", "1")
    asked = json.loads(dafu("ask", "东山墟场公办幼儿园计划开设几个班", "--json"))
    assert any(p["letter_id"] == "dev-001" and len(p["other_sources"]) == len(COPIES) for p in asked["passages"])
    letters = {row["id"]: row for row in json.loads(dafu("letters", "--json"))}
    assert len(letters["dev-001"]["other_sources"]) == len(COPIES) and letters["dev-003"]["other_sources"] == []


def test_web_pages_and_api_show_the_other_sources_by_file_name(copies_index):
    _, index_dir, _ = copies_index
    client = create_app(searcher=Searcher.open(index_dir)).test_client()
    letter = client.get("/api/letters/dev-001").get_json()
    assert sorted(letter["other_sources"]) == sorted(COPIES)
    results = client.get("/api/search?q=东山墟场公办幼儿园&k=3").get_json()["results"]
    assert sorted(results[0]["other_sources"]) == sorted(COPIES)  # file names only, never the server's paths
    page = client.get("/letters/dev-001").get_data(as_text=True)
    assert "同一封信的其他来源" in page and "dev-001.pdf" in page and str(index_dir.parent) not in page
    results_page = client.get("/?q=东山墟场公办幼儿园计划开设几个班").get_data(as_text=True)
    answer_sources = results_page.split('class="sources"', 1)[1].split("</ol>", 1)[0]
    results = results_page.split('class="results"', 1)[1]
    assert "同一封信的其他来源：" in answer_sources and "同一封信的其他来源：" in results and "dev-001-trad.txt" in results
    assert "另有 5 个来源文件" in client.get("/?agency=华容县政府").get_data(as_text=True)


def test_removing_the_indexed_file_keeps_its_copy_searchable(tmp_path):
    letters, mirror = _folders(tmp_path)
    index_dir = tmp_path / "index"
    build_index([letters, mirror], index_dir=index_dir)
    (letters / "dev-001.txt").unlink()
    report = build_index([letters], index_dir=index_dir)
    assert report.removed == ["dev-001"] and report.added == ["dev-001"] and report.generation
    searcher = Searcher.open(index_dir)
    promoted = searcher.letter("dev-001")
    assert Path(promoted["source"]).parent == mirror  # one of the copies now is the letter, the rest its sources
    names = [Path(s).name for s in [promoted["source"], *promoted["other_sources"]]]
    assert sorted(names) == sorted(COPIES)
    assert searcher.search("东山墟场公办幼儿园计划开设几个班", top_k=1)[0]["letter_id"] == "dev-001"
    again = build_index([letters, mirror], index_dir=index_dir)
    assert again.generation is None and again.unchanged == 4 and len(again.copies) == len(COPIES) - 1


def test_a_copy_added_later_joins_its_letter_without_embedding(tmp_path):
    letters, mirror = _folders(tmp_path)
    index_dir = tmp_path / "index"
    build_index([letters], index_dir=index_dir)
    _drop_other_sources_column(index_dir)  # an index written before copies were recognised
    assert Searcher.open(index_dir).letter("dev-001")["other_sources"] == []
    report = build_index([mirror / "dev-001.pdf"], index_dir=index_dir)
    assert not report.added and report.embedded == 0 and report.generation
    assert [(Path(c["source"]).name, c["letter_id"]) for c in report.copies] == [("dev-001.pdf", "dev-001")]
    assert _sources(Searcher.open(index_dir))["dev-001"] == ["dev-001.pdf"]
    again = build_index([mirror / "dev-001.pdf"], index_dir=index_dir)
    assert again.generation is None and [c["letter_id"] for c in again.copies] == ["dev-001"]
    (mirror / "dev-001.pdf").unlink()  # gone from the folder named: no longer a source; the other copies join
    build_index([mirror], index_dir=index_dir)
    assert sorted(_sources(Searcher.open(index_dir))["dev-001"]) == sorted(set(COPIES) - {"dev-001.pdf"})


def _drop_other_sources_column(index_dir: Path) -> None:
    db = sqlite3.connect(current_generation(index_dir) / "store.sqlite")
    db.execute("ALTER TABLE letters DROP COLUMN other_sources")
    db.commit()
    db.close()


def test_distinct_real_letters_are_never_merged(archive_index):
    """The bundled, dev, topics and pairs letters (many on one ask, several replies to one proposal): a letter is
    listed as another's source only when its clean text is that letter's, character for character (the same
    letter filed in two test folders)."""
    from dafu.corpus.collect import read_letter

    data = load_generation(archive_index)
    files = [path for folder in (ROOT / "corpus" / "letters", DEV_LETTERS, ROOT / "tests/data/topics/letters",
                                 ROOT / "tests/data/pairs/letters") for path in folder.glob("*.txt")]
    listed = 0
    for row in data.letters(("id", "body", "other_sources")):
        for copy in row["other_sources"]:
            assert read_letter(Path(copy["source"]), "copy").body == row["body"], (row["id"], copy["source"])
            listed += 1
    assert listed and data.letter_count() + listed == len(files)


def test_milvus_keeps_the_other_sources(copies_index, milvus_uri, monkeypatch, tmp_path):
    from dafu.index.milvus_write import migrate

    base, index_dir, _ = copies_index
    shutil.copytree(index_dir, tmp_path / "index")
    for key, value in milvus_env(milvus_uri, "copies").items():
        monkeypatch.setenv(key, value)
    migrate(tmp_path / "index")
    assert sorted(_sources(Searcher.open(tmp_path / "index"))["dev-001"]) == sorted(COPIES)
    (base / "mirror" / "dev-001.docx").rename(tmp_path / "dev-001.docx")  # restored below: the fixture is shared
    try:
        report = build_index([base / "mirror"], index_dir=tmp_path / "index")
    finally:
        (tmp_path / "dev-001.docx").rename(base / "mirror" / "dev-001.docx")
    assert report.generation and not report.added
    searcher = Searcher.open(tmp_path / "index")
    assert sorted(_sources(searcher)["dev-001"]) == sorted(set(COPIES) - {"dev-001.docx"})
    assert searcher.search("东山墟场公办幼儿园", top_k=1)[0]["other_sources"]
