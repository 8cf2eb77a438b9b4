"""Same ask vs same area, on an archive mixing the bundled letters, the dev letters, the topics letters and the
labelled pairs set (real letters, real model), the session's archive index (tests/conftest.py)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from dafu.search.dupes import TIERS, ask_agreement, ask_profile, find_duplicates, score_drafts, same_ask
from dafu.search.dupes_all import all_pairs

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from dupes_labels import area_of, draft_labels, drafts, letter_pairs, split_of  # noqa: E402

DUP = TIERS[0][0]


@pytest.fixture(scope="module")
def report(archive_searcher):
    return all_pairs(archive_searcher)


@pytest.fixture(scope="module")
def labelled(archive_searcher):
    """(label, split, predicted same ask) for every labelled letter pair and draft pair."""
    from dafu.search.dupes import ask_profiles
    from dafu.search.dupes_all import pairs_in_space
    from dafu.search.similarity import letter_space

    space = letter_space(archive_searcher)
    profiles = ask_profiles(archive_searcher, space)
    scored = {frozenset((p["a"], p["b"])): p for p in
              pairs_in_space(space, threshold=-1.0, k=len(space.ids), profiles=profiles)["pairs"]}
    rows = [(p["label"], p["split"], scored[frozenset((p["a"], p["b"]))]["tier"] == DUP)
            for p in letter_pairs(space.ids) if frozenset((p["a"], p["b"])) in scored]
    found = drafts()
    for draft, scored_draft in zip(found, score_drafts(archive_searcher, [{"name": str(i), **d} for i, d in enumerate(found)],
                                                        candidates=len(space.ids))):
        labels = draft_labels(draft, space.ids)
        split = split_of(area_of(next(i for i in space.ids if i.startswith(draft["target"]))))
        mine = ask_profile(draft["title"], draft["text"])
        for position, score, near, *_ in scored_draft:
            if space.ids[position] in labels:
                ask, conflict = ask_agreement(mine, profiles[position])
                rows.append((labels[space.ids[position]], split, same_ask(score, ask, conflict, near)))
    return rows


def _precision_recall(rows, split):
    tp = sum(1 for label, s, pred in rows if s == split and pred and label in ("same", "copy"))
    fp = sum(1 for label, s, pred in rows if s == split and pred and label not in ("same", "copy"))
    fn = sum(1 for label, s, pred in rows if s == split and not pred and label in ("same", "copy"))
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1), tp, fp


def test_held_back_suspected_duplicates_are_mostly_the_same_ask(labelled):
    precision, recall, tp, fp = _precision_recall(labelled, "held")
    # measured (split read from tests/data/pairs/pairs.jsonl): 13 of 14 疑似重复 on held-back pairs are the same
    # ask, recall 13/20; the other: a draft naming no place in its title against another county's letter on the
    # same kind of ask (p-067/p-068, two counties of one city, went when the counties titles name were compared);
    # README gives the figures
    assert tp >= 12 and precision >= 0.85 and recall >= 0.6, (precision, recall, tp, fp)
    held = [r for r in labelled if r[1] == "held"]
    assert sum(1 for label, _, pred in held if pred and label in ("area", "unrelated")) <= 2


def test_area_and_unrelated_letter_pairs_are_not_suspected_duplicates(archive_searcher, labelled):
    from dafu.search.similarity import letter_space

    ids = letter_space(archive_searcher).ids
    n_letter_pairs = len([p for p in letter_pairs(ids)])
    letter_rows = labelled[:n_letter_pairs]
    wrong = [r for r in letter_rows if r[2] and r[0] in ("area", "unrelated")]
    assert len(wrong) <= 1, wrong


def test_bundled_letters_are_not_suspected_duplicates_of_each_other(report):
    seeds = [p for p in report["pairs"] if p["a"][:4] in {f"00{i}_" for i in range(5)}
             and p["b"][:4] in {f"00{i}_" for i in range(5)}]
    assert seeds, "the bundled letters are one policy area and should still be paired"
    assert not [p for p in seeds if p["tier"] == DUP], seeds


def test_real_same_ask_pair_and_copies(report, archive_searcher):
    by_pair = {frozenset((p["a"], p["b"])): p for p in report["pairs"]}
    same = by_pair[frozenset(("p-031", "p-032"))]              # one bureau, 2020 and 2022, road 245
    assert same["tier"] == DUP and same["same_ask"] and not same["near_copy"]
    other_road = by_pair.get(frozenset(("p-032", "p-033")))     # same bureau, same day, road 204
    assert other_road is None or other_road["tier"] != DUP
    # one letter published twice: indexed once (tests/test_copies.py), the other file listed as its source
    assert "p-029" not in archive_searcher.by_id and frozenset(("dev-013", "p-029")) not in by_pair
    assert "p-029.txt" in [Path(c["source"]).name for c in archive_searcher.by_id["dev-013"]["other_sources"]]


def test_clusters_hold_one_ask_and_are_small(archive_searcher, report):
    from dafu.search.similarity import letter_space

    labels = {frozenset((p["a"], p["b"])): p["label"] for p in letter_pairs(letter_space(archive_searcher).ids)}
    assert report["clusters"] and all(2 <= len(c) <= 15 for c in report["clusters"])
    for cluster in report["clusters"]:
        for i, a in enumerate(cluster):
            for b in cluster[i + 1:]:
                assert labels.get(frozenset((a, b))) not in ("area", "unrelated"), (cluster, a, b)
    assert ["p-031", "p-032"] in report["clusters"]
    details = report["cluster_details"]
    assert [d["letters"] for d in details] == report["clusters"]
    road = next(d for d in details if d["letters"] == ["p-031", "p-032"])
    assert road["years"] == [2020, 2022] and "连云港市赣榆区交通运输局" in road["agencies"] and "245" in road["name"]


def test_draft_history_lists_earlier_letters_on_the_same_ask(archive_searcher):
    # a draft on the ask of p-031/p-032 (recall over all drafts is measured by the labelled-pairs test above)
    draft = {**next(d for d in drafts() if d["target"] == "p-031"), "title": "关于加快推进245省道建设的建议"}
    two_topics = {"title": "关于加强社区养老服务和优化公交线路的建议",
                  "text": "建议在各社区建设养老服务站，开展老年助餐和上门医疗服务，推进医养结合。"
                          "同时优化城区公交线路，在新建小区增设公交站点，缩短高峰时段发车间隔。"}
    result, mixed = find_duplicates(archive_searcher, [{"name": "245", **draft}, {"name": "two", **two_topics}], k=10)
    top = result["matches"][0]
    assert top["tier"] == DUP and top["letter_id"] in ("p-031", "p-032")
    history = result["history"]
    assert [h["letter_id"] for h in history] == ["p-031", "p-032"]
    assert [h["year"] for h in history] == [2020, 2022] and "赣榆" in history[1]["agency"]
    assert set(history[0]) >= {"letter_id", "year", "agency", "category", "category_label", "title"}
    assert not [m for m in mixed["matches"] if m["tier"] == DUP], mixed["matches"]
    assert mixed["history"] == []


def test_counties_named_in_titles_conflict_even_when_the_regions_agree():
    """Two counties of 临沧 (region metadata: the city) each asking that one railway pass through it are
    two asks; the same county, or a title naming none, is no conflict."""
    zhenkang = ask_profile("关于帮助争取将镇康县(南伞口岸)纳入芒市至临沧沿边铁路节点的建议", region="临沧市")
    yongde = ask_profile("关于帮助争取腾冲至芒市至临沧至普洱沿边铁路途径永德县的建议", region="临沧市")
    assert ask_agreement(zhenkang, yongde)[1]
    assert not ask_agreement(yongde, ask_profile("关于沿边铁路途经永德县并设站的建议", region="临沧市"))[1]
    assert not ask_agreement(yongde, ask_profile("关于加快沿边铁路建设的建议", region="临沧市"))[1]
