"""Every pair of indexed letters for ``dafu dupes --all``, and the clusters of letters on one ask.

Candidate pairs come from FAISS k-NN on letter vectors plus MinHash LSH (no loop over all pairs) and are scored
exactly and tiered as drafts are (``search/dupes.py``). Clusters join letters on the same ask only (疑似重复 or
near copies), by average linkage inside each connected component, at most ``MAX_CLUSTER`` letters each.
"""
from __future__ import annotations

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import squareform

from .dupes import (GENRE_WORDS, SAME_ASK_SCORE, TIERS, ask_agreement, ask_profiles, copy_index, pair_score,
                    same_ask, tier_for)
from .similarity import LetterSpace, letter_space

MAX_CLUSTER = 15
CLUSTER_LINK = 0.5              # average-linkage cut: mean same-ask strength between two groups
DEFAULT_PAIR_THRESHOLD = 0.49   # ``dupes --all``: pairs (and cluster edges) at or above 高度相似


def all_pairs(searcher, threshold: float | None = None, k: int = 10) -> dict:
    """Every pair of indexed letters at or above ``threshold`` (default: the 高度相似 floor), or flagged as
    near copies: ``{"pairs": [{"a", "b", "score", "tier", "near_copy", "ask_score", "same_ask", ...}],
    "clusters": [[id, ...]], "cluster_details": [{"letters", "name", "years", "agencies", ...}]}``, pairs by
    score; clusters (letters on one ask) by size."""
    space = letter_space(searcher)
    report = pairs_in_space(space, threshold, k, profiles=ask_profiles(searcher, space))
    for pair in report["pairs"]:
        pair["a_title"] = searcher.by_id.get(pair["a"], {}).get("title")
        pair["b_title"] = searcher.by_id.get(pair["b"], {}).get("title")
    report["cluster_details"] = [cluster_detail(searcher, c) for c in report["clusters"]]
    return report


def pairs_in_space(space: LetterSpace, threshold: float | None = None, k: int = 10,
                   near_copies: bool = True, profiles: list[dict] | None = None) -> dict:
    """``all_pairs`` over a ``LetterSpace``: FAISS k-NN on letter vectors gives the candidate pairs (no
    loop over all pairs), MinHash LSH adds near-copy candidates; each candidate is then scored exactly.
    ``profiles`` (``ask_profile`` per letter) decide which pairs are the same ask; without them only near
    copies are."""
    threshold = DEFAULT_PAIR_THRESHOLD if threshold is None else float(threshold)
    n = len(space.ids)
    if n < 2:
        return {"pairs": [], "clusters": []}
    has_text = np.fromiter((len(r) > 0 for r in space.chunk_rows), bool, n)
    cosines, found = space.neighbours(k + 1)
    left = np.repeat(np.arange(n), found.shape[1])
    right, cos = found.ravel(), cosines.ravel()
    # the pair score averages the cosine with a coverage of at most 1: a cosine below 2t-1 cannot reach t
    keep = (right >= 0) & (right != left) & (cos >= 2 * min(threshold, SAME_ASK_SCORE) - 1)
    a, b = np.minimum(left, right)[keep], np.maximum(left, right)[keep]
    copies = copy_index(space) if near_copies else None
    lsh = set()
    if copies is not None:
        lsh = {(min(i, j), max(i, j)) for i in copies.signatures for j in copies.candidates(None, i) if j != i}
        if lsh:
            extra = np.array(sorted(lsh), np.int64)
            a, b = np.concatenate([a, extra[:, 0]]), np.concatenate([b, extra[:, 1]])
    keys = np.unique(a.astype(np.int64) * n + b)
    a, b = keys // n, keys % n
    ok = has_text[a] & has_text[b]
    a, b = a[ok], b[ok]
    scores = _pair_scores(space, a, b)
    pairs, edges = [], []
    for i, j, score in zip(a.tolist(), b.tolist(), scores.tolist()):
        near = bool(copies is not None and (score >= TIERS[-1][1] or (i, j) in lsh)
                    and copies.near_copy(i, copies.hashes[j]))
        ask, conflict = ask_agreement(profiles[i], profiles[j]) if profiles is not None else (0.0, False)
        same = same_ask(score, ask, conflict, near)
        if same:
            edges.append((i, j, 1.0 if near else score))
        if score >= threshold or near or same:
            pairs.append({"a": space.ids[i], "b": space.ids[j], "score": round(score, 4),
                          "tier": tier_for(score, ask, conflict, near) or "相关", "near_copy": near,
                          "ask_score": ask, "same_ask": same, "place_conflict": conflict})
    pairs.sort(key=lambda p: (-p["score"], p["a"], p["b"]))
    return {"pairs": pairs, "clusters": clusters_of(space, edges)}


def _pair_scores(space: LetterSpace, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``pair_score`` of each candidate pair (a[i], b[i]), a sorted ascending: one matrix product per
    letter against all of its candidates' passages."""
    scores = np.zeros(len(a), np.float64)
    starts = np.flatnonzero(np.r_[True, a[1:] != a[:-1]]) if len(a) else np.zeros(0, np.int64)
    lengths_all = np.fromiter((len(r) for r in space.chunk_rows), np.int64, len(space.chunk_rows))
    for start, end in zip(starts.tolist(), np.r_[starts[1:], len(a)].tolist()):
        mine = space.passage_vectors(int(a[start]))
        others = b[start:end]
        lengths = lengths_all[others]
        offsets = np.r_[0, np.cumsum(lengths)[:-1]]
        sims = mine @ space.centred_rows(np.concatenate([space.chunk_rows[j] for j in others.tolist()])).T
        cover_a = np.maximum.reduceat(sims, offsets, axis=1).mean(axis=0)
        cover_b = np.add.reduceat(sims.max(axis=0), offsets) / lengths
        scores[start:end] = pair_score(space.vectors[others] @ space.vectors[int(a[start])], cover_a, cover_b)
    return scores


def clusters_of(space: LetterSpace, edges: list[tuple[int, int, float]]) -> list[list[str]]:
    """Groups of letters on one ask: the connected components of the same-ask edges ``(i, j, strength)``,
    each split by average linkage (two groups join only when the mean strength over all their cross pairs,
    0 for pairs that are not the same ask, reaches ``CLUSTER_LINK``) and cut to at most ``MAX_CLUSTER``
    letters; two or more letters each, largest first. A chain a-b-c with a and c on different asks is cut."""
    if not edges:
        return []
    n = len(space.ids)
    rows = np.array([e[0] for e in edges])
    cols = np.array([e[1] for e in edges])
    graph = coo_matrix((np.ones(len(edges)), (rows, cols)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    strength = {(min(i, j), max(i, j)): w for i, j, w in edges}
    members: dict[int, list[int]] = {}
    for position in sorted(set(rows.tolist()) | set(cols.tolist())):
        members.setdefault(int(labels[position]), []).append(position)
    out = []
    for group in members.values():
        out += _split_group(group, strength)
    return sorted((sorted(space.ids[p] for p in g) for g in out if len(g) > 1), key=lambda m: (-len(m), m[0]))


def _split_group(group: list[int], strength: dict) -> list[list[int]]:
    if len(group) <= 2:
        return [group]
    m = len(group)
    sim = np.zeros((m, m))
    for x in range(m):
        for y in range(x + 1, m):
            sim[x, y] = sim[y, x] = strength.get((min(group[x], group[y]), max(group[x], group[y])), 0.0)
    distance = np.clip(1.0 - sim, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    labels = fcluster(tree, t=1.0 - CLUSTER_LINK, criterion="distance")
    parts = [[group[x] for x in range(m) if labels[x] == c] for c in sorted(set(labels.tolist()))]
    out = []
    for part in parts:
        if len(part) > MAX_CLUSTER:
            sub = fcluster(linkage(squareform(distance[np.ix_([group.index(p) for p in part], [group.index(p) for p in part])],
                                              checks=False), method="average"),
                           t=int(np.ceil(len(part) / MAX_CLUSTER)) + 1, criterion="maxclust")
            pieces = [[part[x] for x in range(len(part)) if sub[x] == c] for c in sorted(set(sub.tolist()))]
            for piece in pieces:
                out += _split_group(piece, strength) if len(piece) > MAX_CLUSTER else [piece]
        else:
            out.append(part)
    return out


def cluster_detail(searcher, letters: list[str]) -> dict:
    """A cluster named by the words its letters' titles share, with the years, agencies and 答复类别 of its
    letters ("this ask came up in 2019, 2020 and 2021")."""
    rows = [searcher.by_id.get(lid, {}) for lid in letters]
    years = sorted({int(r["date"][:4]) for r in rows if (r.get("date") or "")[:4].isdigit()})
    agencies = sorted({r["agency"] for r in rows if r.get("agency")})
    return {"letters": list(letters), "name": _shared_name([r.get("title") or "" for r in rows]), "years": years,
            "agencies": agencies, "categories": sorted({r["category"][:1] for r in rows if r.get("category")}),
            "titles": [r.get("title") for r in rows]}


def _shared_name(titles: list[str]) -> str:
    """The content words (jieba) found in most of the titles, in the order of the first title that has them."""
    import jieba

    from ..corpus.normalize import normalize_for_index

    words = [[w for w in jieba.cut(GENRE_WORDS.sub(" ", normalize_for_index(t))) if len(w.strip()) >= 2]
             for t in titles]
    counts: dict[str, int] = {}
    for ws in words:
        for w in set(ws):
            counts[w] = counts.get(w, 0) + 1
    need = max(2, (len(titles) + 1) // 2)
    order = next((ws for ws in words if ws), [])
    shared = [w for w in dict.fromkeys(order) if counts.get(w, 0) >= need]
    if shared:
        return "、".join(shared[:5])
    return next((t for t in titles if t), "")


def letter_pair_score(searcher, a: str, b: str) -> float:
    """The semantic score of two indexed letters (as ``dupes --all`` scores them)."""
    space = letter_space(searcher)
    i, j = sorted((space.position[a], space.position[b]))
    return float(_pair_scores(space, np.array([i]), np.array([j]))[0])
