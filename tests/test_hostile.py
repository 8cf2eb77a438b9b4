"""Hostile and odd input (issue 16): one bad file never stops a build, every file is indexed or reported with
its reason, a typo or a full disk never damages the live index, and the web API answers 4xx, never 500.

One real build of a folder of real letters plus hostile files serves the module (the real model, a few
seconds); the other checks need no embedding or reuse the session's seed index."""
from __future__ import annotations

import errno
import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest

from dafu.corpus.collect import LetterError, display_path, find_letter_files, letter_id_for, read_letter
from dafu.corpus.formats import UnreadableDocument, extract_text
from dafu.index.build import build_index
from dafu.index.store import DiskFull, build_lock, current_generation, load_generation, write_generation
from dafu.web import create_app
from dafu.web.params import check_letter_id
from conftest import DEV_LETTERS

LIMIT_MB = "0.05"  # DAFU_MAX_FILE_MB in the build below: 51 KB, far above a real letter (1-2 KB)
GBK_NAME = "关于养老服务的答复".encode("gbk") + b".txt"  # a name from a zip made on Chinese Windows
LONG_NAME = "关于养老服务设施建设的答复-" + "2024" * 50 + ".txt"  # 218 characters (246 bytes: within 255)


def zip_bomb(path: Path, megabytes: int = 20) -> Path:
    """A .docx whose document part inflates ~1000:1 (written in 1 MB pieces, so the test stays small)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            for _ in range(megabytes):
                part.write(b" " * (1 << 20))
    return path


def deep_html(depth: int) -> str:
    body = "对政协第12号提案的答复。关于加强社区养老服务的建议收悉，现答复如下：我局已新建社区养老服务站20个。"
    return f"<html><body>{'<div>' * depth}{body}{'</div>' * depth}</body></html>"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, isolated_data):
    """Six real letters (one of them twice, as 'X' and 'X-副本') under odd names, plus hostile files, built
    once with the real model. Returns (folder, index_dir, report)."""
    folder = tmp_path_factory.mktemp("hostile") / "letters"
    folder.mkdir()
    shutil.copy(DEV_LETTERS / "dev-001.txt", folder / "鼓楼区助餐-副本.txt")  # the copy, written first
    shutil.copy(DEV_LETTERS / "dev-001.txt", folder / "鼓楼区助餐.txt")
    shutil.copy(DEV_LETTERS / "dev-002.txt", folder / "..dotdot.txt")
    shutil.copy(DEV_LETTERS / "dev-003.txt", folder / "   前导空格.txt")
    shutil.copy(DEV_LETTERS / "dev-004.txt", folder / LONG_NAME)
    shutil.copy(DEV_LETTERS / "dev-005.txt", os.path.join(os.fsencode(folder), GBK_NAME))
    shutil.copy(DEV_LETTERS / "dev-006.txt", folder / "零宽\u200b字符\u202e.txt")
    zip_bomb(folder / "bomb.docx")
    (folder / "deep.html").write_text(deep_html(1000), encoding="utf-8")
    (folder / "big.txt").write_text((DEV_LETTERS / "dev-007.txt").read_text(encoding="utf-8") * 60,
                                    encoding="utf-8")
    os.symlink("loop-b.txt", folder / "loop-a.txt")
    os.symlink("loop-a.txt", folder / "loop-b.txt")
    os.symlink(".", folder / "self")
    index_dir = tmp_path_factory.mktemp("hostile-index")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DAFU_MAX_FILE_MB", LIMIT_MB)
        report = build_index([folder], index_dir=index_dir)
    return folder, index_dir, report


def _reasons(report) -> dict[str, str]:
    return {Path(s.source).name: s.reason for s in report.skipped}


def test_every_real_letter_is_indexed_despite_hostile_files(hostile):
    folder, index_dir, report = hostile
    assert not report.failed and report.generation
    ids = sorted(report.added)
    assert len(ids) == 5 and report.letters == 5
    assert "鼓楼区助餐" in ids and "前导空格" in ids and "关于养老服务的答复" in ids
    assert "零宽_字符_" in ids
    long_id = next(i for i in ids if i.startswith("关于养老服务设施"))
    assert len(long_id) <= 200
    sources = {Path(row["source"]).name for row in load_generation(index_dir).letters(("source",))}
    assert sources == {"鼓楼区助餐.txt", "   前导空格.txt", LONG_NAME, "关于养老服务的答复.txt",
                       "零宽\u200b字符\u202e.txt"}


def test_each_hostile_file_is_reported_with_its_reason(hostile):
    folder, _, report = hostile
    reasons = _reasons(report)
    assert set(reasons) == {"鼓楼区助餐-副本.txt", "..dotdot.txt", "bomb.docx", "deep.html", "big.txt",
                            "loop-a.txt", "loop-b.txt", "self"}
    assert "duplicate of 鼓楼区助餐" in reasons["鼓楼区助餐-副本.txt"]  # the original keeps its id
    assert "hidden" in reasons["..dotdot.txt"]
    assert "zip bomb" in reasons["bomb.docx"] and "压缩炸弹" in reasons["bomb.docx"]
    assert "nested more than" in reasons["deep.html"]
    assert "DAFU_MAX_FILE_MB" in reasons["big.txt"] and "0.05 MB" in reasons["big.txt"]
    assert "symbolic link loop" in reasons["loop-a.txt"] and "symbolic link loop" in reasons["loop-b.txt"]
    assert "symbolic link loop" in reasons["self"]
    for reason in reasons.values():  # bilingual: 中文 / English
        assert " / " in reason and any("\u4e00" <= ch <= "\u9fff" for ch in reason.split(" / ")[0])


def test_hostile_report_prints_and_reruns_without_reembedding(hostile, monkeypatch):
    folder, index_dir, report = hostile
    report.summary().encode("utf-8")  # no lone surrogates from the GBK name
    monkeypatch.setenv("DAFU_MAX_FILE_MB", LIMIT_MB)
    again = build_index([folder], index_dir=index_dir)
    assert again.unchanged == 5 and again.embedded == 0 and not again.added and not again.removed
    assert again.generation is None and _reasons(again) == _reasons(report)


def test_web_app_opens_every_indexed_letter(hostile):
    from dafu.search.api import Searcher

    _, index_dir, report = hostile
    client = create_app(searcher=Searcher.open(index_dir)).test_client()
    for letter_id in report.added:
        assert check_letter_id(letter_id) == letter_id
        response = client.get(f"/api/letters/{quote(letter_id)}")
        assert response.status_code == 200, (letter_id, response.get_data(as_text=True))
        assert response.get_json()["id"] == letter_id
        assert client.get(f"/letters/{quote(letter_id)}").status_code == 200


# --- files and folders, without building ----------------------------------------------------------------------

@pytest.mark.parametrize("name", ["   spaces.txt", "tab\there.txt", "zero\u200bwidth.txt", "rlo\u202eevil.txt",
                                  "..dots.txt", "...txt", "a..b.txt", "x" * 300 + ".txt", "\u3000全角空格.txt"])
def test_letter_ids_from_odd_names_are_valid_web_ids(name):
    letter_id = letter_id_for(Path("/d") / name, set())
    assert check_letter_id(letter_id) == letter_id


def test_long_names_keep_distinct_ids_within_200_characters():
    a = letter_id_for(Path("/d/" + "长" * 250 + "甲.txt"), set())
    b = letter_id_for(Path("/d/" + "长" * 250 + "乙.txt"), {a})
    c = letter_id_for(Path("/d/" + "长" * 250 + "乙.txt"), {a, b})
    assert len({a, b, c}) == 3 and all(len(i) <= 200 for i in (a, b, c))


def test_gbk_bytes_in_a_name_become_text(tmp_path):
    raw = os.path.join(os.fsencode(tmp_path), GBK_NAME)
    path = Path(os.fsdecode(raw))
    with pytest.raises(UnicodeEncodeError):
        str(path).encode("utf-8")
    assert display_path(path).endswith("/关于养老服务的答复.txt")
    assert display_path(Path(os.fsdecode(b"/d/\xff\xfe.txt"))) == "/d/\\xff\\xfe.txt"
    assert letter_id_for(path, set()) == "关于养老服务的答复"


def test_originals_come_before_their_copies(tmp_path):
    for name in ("X copy.txt", "X-副本.txt", "X (1).txt", "X.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    files, _ = find_letter_files([tmp_path])
    assert files[0].name == "X.txt"


def test_unreadable_folder_broken_link_and_fifo_are_reported(tmp_path, monkeypatch):
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "a.txt").write_text("x", encoding="utf-8")
    os.symlink("nowhere.txt", tmp_path / "broken.txt")
    os.mkfifo(tmp_path / "pipe.txt")
    real_scandir = os.scandir

    def scandir(path):  # as an unprivileged user meets a chmod 000 folder (tests may run as root)
        if Path(path).name == "locked":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    files, skipped = find_letter_files([tmp_path])
    reasons = {Path(s.source).name: s.reason for s in skipped}
    assert files == []
    assert "cannot read folder" in reasons["locked"] and "Permission denied" in reasons["locked"]
    assert "broken symbolic link" in reasons["broken.txt"]
    assert "not a regular file" in reasons["pipe.txt"]


def test_zip_bomb_is_refused_before_inflating(tmp_path, monkeypatch):
    import docx

    def never(*args, **kwargs):
        raise AssertionError("the bomb was opened")

    monkeypatch.setattr(docx, "Document", never)
    with pytest.raises(UnreadableDocument, match=r"compressed \d+:1"):  # ratio, under the default limits
        extract_text(zip_bomb(tmp_path / "ratio.docx"))
    monkeypatch.setenv("DAFU_MAX_FILE_MB", "0.1")  # unpacked size limit: 10 x 0.1 MB
    with pytest.raises(UnreadableDocument, match="would unpack to"):
        extract_text(zip_bomb(tmp_path / "size.docx", megabytes=2))


def test_deep_html_is_reported_and_moderately_deep_html_still_reads(tmp_path):
    deep = tmp_path / "deep.html"
    deep.write_text(deep_html(5000), encoding="utf-8")
    with pytest.raises(LetterError, match="nested more than"):
        read_letter(deep, "deep")
    ok = tmp_path / "ok.html"
    ok.write_text(deep_html(300), encoding="utf-8")
    assert "新建社区养老服务站20个" in read_letter(ok, "ok").body


def test_size_limit_names_the_limit_and_reads_no_further(tmp_path, monkeypatch):
    big = tmp_path / "big.txt"
    big.write_text("养老服务" * 100_000, encoding="utf-8")  # 1.2 MB
    monkeypatch.setenv("DAFU_MAX_FILE_MB", "1")
    with pytest.raises(LetterError, match=r"file too large \(1.14 MB > limit 1 MB; set DAFU_MAX_FILE_MB\)"):
        read_letter(big, "big")
    monkeypatch.setenv("DAFU_MAX_FILE_MB", "zero")  # a bad setting stops the run before any file is read
    code, _, err = _cli("index", str(big), "--index-dir", str(tmp_path / "index"))
    assert code == 2 and "DAFU_MAX_FILE_MB must be a positive number" in err
    assert not (tmp_path / "index").exists()


# --- the live index is never damaged ------------------------------------------------------------------------

@pytest.fixture
def live_index(seed_index, tmp_path) -> Path:
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index, index_dir)
    return index_dir


def _cli(*args) -> tuple[int, str, str]:
    from dafu.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        code = main(list(args))
    finally:
        sys.stdout, sys.stderr = saved
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("rebuild", [True, False])
def test_missing_path_exits_2_and_leaves_the_index(live_index, rebuild):
    before = current_generation(live_index)
    code, _, err = _cli("index", *(["--rebuild"] if rebuild else []), "/no/such/dir", "--index-dir", str(live_index))
    assert code == 2
    assert "路径不存在" in err and "no such file or folder: /no/such/dir" in err
    assert current_generation(live_index) == before
    assert load_generation(live_index).manifest["letter_count"] == 5


def test_nothing_indexable_exits_1_and_never_switches_to_an_empty_index(live_index, tmp_path):
    before = current_generation(live_index)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "deep.html").write_text(deep_html(1000), encoding="utf-8")
    for args in (["--rebuild", str(bad)], [str(bad)], [str(bad / "deep.html")]):
        code, out, _ = _cli("index", *args, "--index-dir", str(live_index))
        assert code == 1, args
        assert "deep.html" in out and "索引未改变" in out
        assert current_generation(live_index) == before
    code, _, _ = _cli("index", "--rebuild", str(tmp_path / "empty"), "--index-dir", str(live_index))
    assert code == 2  # does not exist
    (tmp_path / "empty").mkdir()
    code, _, _ = _cli("index", "--rebuild", str(tmp_path / "empty"), "--index-dir", str(live_index))
    assert code == 1 and current_generation(live_index) == before


def test_disk_full_leaves_nothing_and_says_how_much_is_needed(live_index, monkeypatch):
    import numpy as np

    from dafu.index import store

    before = current_generation(live_index)
    data = load_generation(live_index)
    real_save = np.save

    def full(path, array):  # the disk fills up halfway through the write
        real_save(path, array[:1])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store.np, "save", full)
    with pytest.raises(DiskFull) as caught:
        write_generation(live_index, data)
    message = str(caught.value)
    assert "磁盘空间不足" in message and "disk full" in message and " MB" in message
    assert caught.value.errno == errno.ENOSPC
    assert [p.name for p in (live_index / "generations").iterdir()] == [before.name]
    assert {p.name for p in live_index.iterdir()} - {".lock"} == {"CURRENT", "generations"}
    assert current_generation(live_index) == before
    # and through the command line: exit 2 with the message, the index still usable
    code, _, err = _cli("index", str(DEV_LETTERS / "dev-001.txt"), "--index-dir", str(live_index))
    assert code == 2 and "磁盘空间不足" in err
    assert [p.name for p in (live_index / "generations").iterdir()] == [before.name]
    assert load_generation(live_index).manifest["letter_count"] == 5


def test_leftovers_of_killed_builds_are_removed_at_the_next_build(live_index):
    stale = live_index / "generations" / ".tmp-gen-20000101-000000-dead00"
    stale.mkdir()
    (stale / "vectors.npy").write_bytes(b"\0" * 1000)
    pointer = live_index / ".CURRENT.dead00"
    pointer.write_text("gen-x", encoding="utf-8")
    report = build_index(index_dir=live_index)  # nothing to do, and still cleans up
    assert report.generation is None and not report.failed
    assert not stale.exists() and not pointer.exists()


def test_build_lock_is_exclusive_and_dafu_imports_without_fcntl(tmp_path):
    with build_lock(tmp_path):
        with pytest.raises(RuntimeError, match="another build"):
            with build_lock(tmp_path):
                pass
    with build_lock(tmp_path):  # released
        pass
    code = ("import sys; sys.modules['fcntl'] = None\n"  # as on Windows
            "import dafu.index.store, dafu.index.e5convert, dafu.index.build, dafu.cli")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


# --- the web API --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def client(seed_searcher):
    return create_app(searcher=seed_searcher).test_client()


def _json_error(response, status: int) -> str:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    return response.get_json()["error"]


@pytest.mark.parametrize("raw", ["[" * 1000 + "]" * 1000, '{"text": ' + "[" * 1000 + "]" * 1000 + "}",
                                 '{"text": "x", "k": ' + "{\"a\": " * 1000 + "1" + "}" * 1000 + "}",
                                 "[" * 100_000])
def test_deeply_nested_json_is_400(client, raw):
    assert "nested deeper" in _json_error(client.post("/api/dupes", data=raw, content_type="application/json"),
                                          400)


def test_brackets_inside_strings_are_not_nesting(client):
    text = "养老服务" + "[{" * 50
    response = client.post("/api/dupes", json={"text": text, "k": 1})
    assert response.status_code == 200, response.get_data(as_text=True)


@pytest.mark.parametrize("raw", ['{"text": "\\ud800"}', '{"text": "养老\\udfff服务"}', '{"title": "\\ud83d", "text": "x"}'])
def test_lone_surrogates_are_400(client, raw):
    assert "surrogate" in _json_error(client.post("/api/dupes", data=raw, content_type="application/json"), 400)


def test_non_utf8_body_is_400(client):
    assert "UTF-8" in _json_error(client.post("/api/dupes", data="正文".encode("gbk"),
                                              content_type="application/json"), 400)


class Unreadable(io.RawIOBase):
    """A 900 MB request body that must never be read (its size is all the test client asks of it)."""

    size, position = 900 << 20, 0

    def readable(self):
        return True

    def seekable(self):
        return True

    def seek(self, offset, whence=0):
        self.position = self.size if whence == 2 else offset
        return self.position

    def tell(self):
        return self.position

    def readinto(self, buffer):
        raise AssertionError("the body was read")


@pytest.mark.parametrize("path, content_type", [("/api/dupes", "application/json"),
                                                ("/dupes", "application/x-www-form-urlencoded"),
                                                ("/api/search", "application/json")])
def test_big_body_is_413_from_the_header_before_reading(client, path, content_type):
    response = client.post(path, input_stream=Unreadable(), content_type=content_type)
    assert response.status_code == 413
    if path.startswith("/api/"):
        assert "too large" in response.get_json()["error"]


def test_waitress_refuses_big_bodies_before_reading_them(seed_searcher, monkeypatch):
    from dafu.web import serve as serve_module

    seen = {}
    monkeypatch.setattr(serve_module.Searcher, "open", classmethod(lambda cls, *a, **k: seed_searcher))
    monkeypatch.setattr(serve_module, "waitress_serve", lambda app, **kwargs: seen.update(kwargs, app=app))
    serve_module.serve(None, port=0)
    assert seen["max_request_body_size"] == seen["app"].config["MAX_CONTENT_LENGTH"] + 1


def test_long_drafts_are_refused_with_the_limit(client):
    error = _json_error(client.post("/api/dupes", json={"text": "养" * 5001}), 400)
    assert "5000" in error and "longer than" in error
    spec = client.get("/api/openapi.json").get_json()
    assert spec["components"]["schemas"]["DupesRequest"]["properties"]["text"]["maxLength"] == 5000


def test_openapi_describes_what_the_app_refuses(client):
    """Schema-driven clients (schemathesis was run by hand) see the rules: no control characters, id form,
    k may be null or an integral number."""
    import re

    spec = client.get("/api/openapi.json").get_json()
    draft = spec["components"]["schemas"]["DupesRequest"]["properties"]
    assert "null" in draft["k"]["type"]
    assert client.post("/api/dupes", json={"text": "养老服务", "k": 2.0}).status_code == 200
    pattern = re.compile(draft["text"]["pattern"])
    assert pattern.match("正文\n第二行") and not pattern.match("正文\x00")
    letter = next(p for p in spec["paths"]["/api/letters/{letter_id}"]["get"]["parameters"] if p["in"] == "path")
    id_pattern = re.compile(letter["schema"]["pattern"])
    assert id_pattern.match("鼓楼区助餐") and not id_pattern.match("../x") and not id_pattern.match(" x")
