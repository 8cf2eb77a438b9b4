"""Promises stored in the index: made when the letters are indexed, read through the index seam (`dafu promises
--json`, GET /api/promises), replaced when a letter changes, gone when it is removed, their follow-up links made
again when a later letter arrives or goes; an index whose promises were made by other rules computes them."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dafu.cli import main

FOLLOWUP = Path(__file__).resolve().parent / "data" / "promises" / "followup"


def _index(letters, index_dir, capsys) -> None:
    """``dafu index LETTERS`` into ``index_dir``, its report read and dropped."""
    assert main(["index", str(letters), "--index-dir", str(index_dir)]) == 0
    capsys.readouterr()


def _rows(index_dir, capsys) -> dict[str, list[dict]]:
    assert main(["promises", "--index-dir", str(index_dir), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    out: dict[str, list[dict]] = {}
    for row in rows:
        out.setdefault(row["letter_id"], []).append(row)
    return out


@pytest.fixture()
def letters(tmp_path):
    folder = tmp_path / "letters"
    shutil.copytree(FOLLOWUP, folder)
    return folder


@pytest.mark.model
def test_promises_follow_the_letters_through_incremental_updates(letters, tmp_path, isolated_data, capsys):
    index = tmp_path / "index"
    _index(letters, index, capsys)
    before = _rows(index, capsys)
    assert set(before) == {"fu-2021-bus", "fu-2022-parking", "fu-2026-bridge"}
    assert before["fu-2022-parking"][0]["later_letter_id"] == "fu-2024-parking"

    bridge = letters / "fu-2026-bridge.txt"
    bridge.write_text(bridge.read_text(encoding="utf-8").replace(
        "力争2030年6月底前完成南河大桥改造", "力争2029年9月底前完成南河大桥改造并同步新建人行便桥1座"), encoding="utf-8")
    (letters / "fu-2024-parking.txt").unlink()  # the later letter that reported on the parking promise
    _index(letters, index, capsys)
    after = _rows(index, capsys)
    assert set(after) == set(before)
    [changed] = after["fu-2026-bridge"]
    assert "2029年9月底前" in changed["text"] and changed["due"] == "2029-09-30" and "1座" in changed["figure"]
    parking = after["fu-2022-parking"][0]
    assert parking["later_letter_id"] is None and parking["status"] != "已有后续答复"  # its follow-up is gone
    assert after["fu-2021-bus"] == before["fu-2021-bus"]  # untouched letters keep their rows

    shutil.copy(FOLLOWUP / "fu-2024-parking.txt", letters)  # the later letter is back: linked again
    _index(letters, index, capsys)
    assert _rows(index, capsys)["fu-2022-parking"][0]["later_letter_id"] == "fu-2024-parking"


@pytest.mark.model
def test_an_index_of_other_rules_computes_the_same_promises(letters, tmp_path, isolated_data, capsys):
    from dafu.index.backend import open_index

    index = tmp_path / "index"
    _index(letters, index, capsys)
    stored = _rows(index, capsys)
    backend = open_index(index)
    assert backend.promises_stored
    manifest = backend.path / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    manifest.write_text(json.dumps({**data, "promise_rules": "older-rules"}), encoding="utf-8")
    assert not open_index(index).promises_stored
    assert _rows(index, capsys) == stored  # computed from the bodies, the same rows


@pytest.mark.model
def test_a_follow_up_on_real_letters_reports_on_what_was_promised(tmp_path, isolated_data, capsys):
    """Real letters of one bureau over the years (贵州省发展改革委 on the 新渝贵高铁, 云南省交通运输厅 on a railway):
    the later sentence shown is one of the later reply's own, on the thing promised, not a page's label line
    (来源:云南省交通运输厅 2024-04-30) nor a sentence that shares only the bureau's name (省交通运输厅高度重视…)."""
    folder = tmp_path / "letters"
    folder.mkdir()
    for name in ("p-064", "p-065", "p-066", "p-070", "p-071"):
        shutil.copy(Path(__file__).resolve().parent / "data" / "pairs" / "letters" / f"{name}.txt", folder)
    _index(folder, tmp_path / "index", capsys)
    rows = [row for found in _rows(tmp_path / "index", capsys).values() for row in found]
    [railway] = [row for row in rows if row["letter_id"] == "p-070" and "力争将新渝贵高铁纳入" in row["text"]]
    assert railway["later_letter_id"] == "p-071" and "国家已初步同意将新渝贵高铁纳入" in railway["later_text"]
    linked = [row for row in rows if row["later_letter_id"]]
    assert linked and not any(row["later_text"].startswith(("来源", "省交通运输厅高度重视")) for row in linked)
