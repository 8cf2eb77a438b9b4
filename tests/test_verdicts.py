"""benchmarks/verdicts.py: every question set is asked on an index its chain builds, and a comparison shows the
changed questions of read sets only."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from verdicts import NEVER_READ, blind_numbers, chain, compare, group, question_sets  # noqa: E402


def test_every_set_has_its_questions_and_an_index_the_chain_builds():
    built = {name for name, letters in chain() if letters.is_dir() and any(letters.iterdir())}
    for name, (index, files) in question_sets().items():
        assert index in built, name
        assert all(f.is_file() for f in files), name
    assert NEVER_READ <= set(blind_numbers())  # a never-read set that exists
    assert len(question_sets()) == len(blind_numbers()) + 3


def test_a_never_read_sets_changes_are_counted_not_shown():
    row = {"q": "", "gold": True, "rank": 1, "abst": False, "hit": True, "first": "甲"}
    start = {("blind16", 0): {**row, "q": "未读的问题"}, ("blind2", 0): {**row, "q": "读过的问题"},
             ("devr", 0): {**row, "gold": False, "rank": None, "hit": None, "abst": True}}
    end = {key: {**value, "hit": False, "first": "乙"} if key[0].startswith("blind") else value
           for key, value in start.items()}
    text = "\n".join(compare(start, end))
    assert (group("blind16"), group("blind2"), group("devr")) == ("never", "read", "eval")
    assert "读过的问题" in text and "未读的问题" not in text
    assert "never-read questions changed: 1" in text
    assert "answer@1 1.000" in text and "answer@1 0.000" in text
