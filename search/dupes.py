"""Duplicate-proposal finder: a draft (or every indexed letter) against the indexed letters.

Semantic score of a pair = mean of (cosine of the two letter vectors, passage coverage: how well each
passage of the draft — or, for two letters, of each side — is matched by its best passage on the other
side). Tiers come from thresholds calibrated by ``benchmarks/calibrate_dupes.py`` on the seed and dev
letters and on paraphrased drafts. Near-verbatim copies are found separately from character shingles of
the normalised text (MinHash/LSH to find candidates, exact shingle containment to confirm) and flagged
``near_copy`` ("文本近似复制") whatever the semantic score.

The semantic score says two texts are on one subject; it cannot tell the same ask from the same policy
area (two counties asking for their own road, five bodies replying on elderly care). 疑似重复 therefore also
needs the asks to agree: the proposal titles share their content words (character bigrams of the titles
with the genre words removed, ``ask_score``) and no place or road named by one side conflicts with the other
(``place_conflict``: two different counties, towns, villages or road numbers). Constants are fitted on the
FIT areas of the labelled pairs and reported on the HELD areas (``benchmarks/calibrate_dupes.py``).
Clusters of ``dupes --all`` join letters on the same ask only (疑似重复 or near copies), by average linkage
inside each connected component, at most ``MAX_CLUSTER`` letters each.
"""
from __future__ import annotations

import re
import weakref

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import squareform

from ..corpus.copies import ShingleIndex, containment, shingle_hashes
from ..corpus.metadata import CATEGORY_LABELS
from ..corpus.models import Letter
from .similarity import LetterSpace, align_passages, coverage, letter_card, letter_space

# Calibrated on seeds + dev_letters + paraphrased drafts (benchmarks/calibrate_dupes.py).
TIERS = (("疑似重复", 0.61), ("高度相似", 0.49), ("相关", 0.36))
# 疑似重复 also needs the asks to agree (fitted on the FIT split of the labelled pairs, read from
# tests/data/pairs/pairs.jsonl: the median of the constants with no false 疑似重复 and most same-ask pairs found
# on FIT; benchmarks/calibrate_dupes.py --asks, benchmarks/dupes_labels.py reports every tier)
SAME_ASK_SCORE = 0.66           # semantic score floor of a same-ask pair
SAME_ASK_TITLE = 0.40           # title agreement (``ask_score``) floor
SAME_ASK_STRONG = 0.78          # from here a weaker title agreement is enough ...
SAME_ASK_TITLE_WEAK = 0.125     # ... this much
MAX_CLUSTER = 15
CLUSTER_LINK = 0.5              # average-linkage cut: mean same-ask strength between two groups
DEFAULT_PAIR_THRESHOLD = 0.49   # ``dupes --all``: pairs (and cluster edges) at or above 高度相似
NEAR_COPY_LABEL = "文本近似复制"
NEAR_COPY_CONTAINMENT = 0.7     # share of the shorter text's shingles found in the other (corpus/copies.py)
PASSAGES = 3                    # aligned passage pairs per match
CANDIDATES = 20                 # letters re-scored per draft


def tier_of(score: float) -> str | None:
    """The tier a semantic score falls in, or None below 相关."""
    for name, floor in TIERS:
        if score >= floor:
            return name
    return None


def same_ask(score: float, ask: float, conflict: bool, near: bool = False) -> bool:
    """Whether a pair answers the same ask: a near copy, or semantic score and title agreement both high
    and no place conflict."""
    if near:
        return True
    if conflict or score < SAME_ASK_SCORE:
        return False
    return ask >= (SAME_ASK_TITLE_WEAK if score >= SAME_ASK_STRONG else SAME_ASK_TITLE)


def tier_for(score: float, ask: float, conflict: bool, near: bool = False) -> str | None:
    """The tier of a pair: 疑似重复 only for the same ask; a pair above that floor on another ask is 高度相似."""
    if same_ask(score, ask, conflict, near):
        return TIERS[0][0]
    tier = tier_of(score)
    if tier == TIERS[0][0]:
        return TIERS[1][0]
    return tier or ("相关" if near else None)


# ---------------------------------------------------------------- what is asked, and where

_GENRE = re.compile(r"关于|对于|建议|提案|议案|答复|复函|回复|的函|意见|办理|情况|进一步|加快|加大|加强|推进|推动|尽快|"
                    r"积极|大力|切实|全面|深入|问题|解决|我省|我市|我县|我区|全省|全市|全县|全区|给予|支持|提高|提升|"
                    r"完善|实施|工作|建设|的|和|与|及|了|对|在|为|将|把|等")
_TITLE_GENERIC = re.compile(r"第\s*[\w\s-]*号")
_QUOTED = re.compile(r"[《“\"]([^》”\"\n]{4,80}?)[》”\"]")
_ROAD = re.compile(r"(\d{2,4})\s*(?:省道|国道|县道|乡道|号线|路)|(?:[GSXYgsxy])(\d{2,4})")
_PLACE = re.compile(r"([\u4e00-\u9fff])(镇|乡|村)(?!民|庄|级|组|落|容|务|干|集体|医|小|卫生)")
_NOT_PLACE = {"农村", "乡村", "城乡", "城镇", "乡镇", "集镇", "村镇", "各乡", "各镇", "各村", "全村", "本村", "全镇", "该村",
              "该镇", "山村", "下乡", "返乡", "家乡", "故乡", "老乡", "进村", "到村", "驻村", "每村", "两村", "多村"}
_REGION = re.compile(r"^[\u4e00-\u9fff]{1,6}(?:省|县|区|市|州|旗|盟)$")


def ask_text(title: str | None, body: str = "") -> str:
    """The proposal's own words: its title, or (when the title is only a session and number) the first
    quoted title in the letter's opening."""
    title = (title or "").strip()
    if not title or (_TITLE_GENERIC.search(title) and "关于" not in title):
        found = _QUOTED.search(body[:500])
        if found:
            return found.group(1)
    return title


def ask_profile(title: str | None, body: str = "", region: str | None = None) -> dict:
    """What a text asks, for comparing asks: content bigrams of its title, the towns, villages and road
    numbers its title names (road numbers from the opening when the title has none), the counties and
    districts its title names, and its region (county-, city- or province-level name; else the most specific
    place its title names)."""
    from ..corpus.metadata import LEVEL, place_names
    from ..corpus.normalize import normalize_for_index

    ask = normalize_for_index(ask_text(title, body))
    grams = set()
    for part in re.split(r"[\W_]+", _GENRE.sub(" ", ask)):
        grams |= {part[i:i + 2] for i in range(len(part) - 1)}
    roads = {a or b for a, b in _ROAD.findall(ask)} or \
        {a or b for a, b in _ROAD.findall(normalize_for_index(body[:300]))}
    places = {a + b for a, b in _PLACE.findall(ask)} - _NOT_PLACE
    named = [p for p in place_names(_GENRE.sub(" ", ask)) if _REGION.match(p)]
    region = normalize_for_index(region or "").strip()
    if not (_REGION.match(region) and not region.startswith(("关于", "政协"))):
        region = max(named, key=lambda p: LEVEL.index(p[-1]), default=None)
    return {"grams": grams, "places": places | {f"#{r}" for r in roads}, "region": region,
            "counties": {p for p in named if p[-1] in "县区旗"}}


def ask_agreement(a: dict, b: dict) -> tuple[float, bool]:
    """(title agreement: Dice of the content bigrams, place conflict: both name places/roads and share none,
    both titles name counties or districts and share none (two counties of one city), or both have a region
    and they differ)."""
    ga, gb = a["grams"], b["grams"]
    ask = 2 * len(ga & gb) / (len(ga) + len(gb)) if ga and gb else 0.0
    conflict = any(a[k] and b[k] and not a[k] & b[k] for k in ("places", "counties"))
    if a["region"] and b["region"] and a["region"] != b["region"]:
        conflict = True
    return round(ask, 4), conflict


def _profiles(searcher, space: LetterSpace) -> list[dict]:
    """The ask profile of every letter of the space (cached with the space)."""
    found = _PROFILES.get(space)
    if found is None:
        found = []
        for lid in space.ids:
            row = searcher.by_id.get(lid, {}) if searcher is not None else {}
            body = row.get("body") or (space.passage_texts(space.position[lid])[0] if len(space.chunk_rows[space.position[lid]]) else "")
            found.append(ask_profile(row.get("title"), body, row.get("region")))
        _PROFILES[space] = found
    return found


_PROFILES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def pair_score(letter_cosine: float, cover_a: float, cover_b: float | None = None) -> float:
    """The semantic score of a pair: letter-vector cosine and passage coverage, equally weighted.
    For a draft only the draft's coverage counts (a reply is much longer than the proposal it answers)."""
    cover = cover_a if cover_b is None else (cover_a + cover_b) / 2
    return 0.5 * letter_cosine + 0.5 * cover


# ---------------------------------------------------------------- near-verbatim copies (corpus/copies.py)

class CopyIndex:
    """Shingle hashes of every letter of a space, by position, with an LSH index over their MinHashes."""

    def __init__(self, space: LetterSpace):
        self.shingles = ShingleIndex()
        self.shingles.add_many((i, shingle_hashes(space.text(i))) for i in range(len(space.ids)))
        self.hashes = [self.shingles.hashes[i] for i in range(len(space.ids))]
        self.signatures = self.shingles.signatures

    def candidates(self, hashes: np.ndarray, position: int | None = None) -> list[int]:
        """Positions of letters whose estimated shingle Jaccard with ``hashes`` (or with the letter at
        ``position``) passes the LSH threshold."""
        return self.shingles.candidates(hashes, position)

    def near_copy(self, position: int, hashes: np.ndarray) -> bool:
        return containment(self.hashes[position], hashes) >= NEAR_COPY_CONTAINMENT


_COPY_INDEXES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def copy_index(space: LetterSpace) -> CopyIndex:
    """The space's ``CopyIndex``, built once."""
    found = _COPY_INDEXES.get(space)
    if found is None:
        found = _COPY_INDEXES[space] = CopyIndex(space)
    return found


# ---------------------------------------------------------------- drafts

def draft_letter(draft: dict) -> Letter | None:
    """The draft parsed like a letter (clean body; the draft's own title, else the one the text states),
    or None when it holds no text."""
    from ..corpus.parse import MalformedLetter, parse_letter

    try:
        letter = parse_letter(draft["text"], str(draft["name"]), str(draft["name"]))
    except MalformedLetter:
        return None
    letter.title = draft.get("title") or letter.title
    return letter


def embed_drafts(searcher, drafts: list[dict]) -> list[tuple[np.ndarray, list[str]]]:
    """Each draft's passages, cut by the project's chunker and embedded like indexed chunks (title header,
    normalised, the index's own model): (vectors, texts)."""
    from ..corpus.chunk import chunk_sections
    from ..index.backend import index_text

    pieces, texts = [], []
    for draft in drafts:
        letter = draft_letter(draft)
        chunks = [c for c in chunk_sections(letter) if c.text.strip()] if letter else []
        pieces.append(chunks)
        texts += [index_text({"title": letter.title}, c) for c in chunks]
    vectors = searcher.embed_passages(texts) if texts else np.zeros((0, searcher.index.dim), np.float32)
    out, start = [], 0
    for chunks in pieces:
        out.append((vectors[start:start + len(chunks)], [c.text for c in chunks]))
        start += len(chunks)
    return out


def find_duplicates(searcher, drafts: list[dict], k: int = 5) -> list[dict]:
    """For each draft ``{"name", "title", "text"}``: ``{"draft", "title", "matches": [{"letter_id", "score",
    "tier", "near_copy", "passages": [{"draft_text", "letter_text", "score"}], "title", "agency", "date",
    "ask_score", "same_ask", "place_conflict"}], "history": [...]}``, best match first (疑似重复 before the
    other tiers, then by score); only matches of some tier (or near copies) are listed, at most ``k``.
    ``history``: the letters that answered the same ask before, oldest first, with year, agency and 答复类别."""
    space = letter_space(searcher)
    profiles = _profiles(searcher, space)
    results = []
    for draft, scored in zip(drafts, score_drafts(searcher, drafts, max(CANDIDATES, k))):
        mine = ask_profile(draft.get("title"), draft.get("text") or "")
        matches = []
        for position, score, near, vectors, texts in scored:
            ask, conflict = ask_agreement(mine, profiles[position])
            tier = tier_for(score, ask, conflict, near)
            if tier is None:
                continue
            card = letter_card(searcher, space.ids[position], score)
            aligned = align_passages(vectors, texts, space.passage_vectors(position),
                                     space.passage_texts(position), top=PASSAGES)
            matches.append({"letter_id": card["letter_id"], "score": card["score"], "tier": tier, "near_copy": near,
                            "passages": [{"draft_text": p["a_text"], "letter_text": p["b_text"], "score": p["score"]}
                                         for p in aligned],
                            "title": card["title"], "agency": card["agency"], "date": card["date"],
                            "ask_score": ask, "same_ask": tier == TIERS[0][0], "place_conflict": conflict})
        matches.sort(key=lambda m: (not m["same_ask"], -m["score"], m["letter_id"]))
        results.append({"draft": str(draft["name"]), "title": draft.get("title"), "matches": matches[:k],
                        "history": history_of(searcher, [m for m in matches if m["same_ask"]])})
    return results


def history_of(searcher, matches: list[dict]) -> list[dict]:
    """The letters on the same ask as a draft, oldest first: ``[{"letter_id", "title", "year", "date",
    "agency", "category", "category_label", "near_copy"}]``."""
    out = []
    for m in matches:
        row = searcher.by_id.get(m["letter_id"], {})
        date = row.get("date") or ""
        category = (row.get("category") or "").strip().upper()[:1] or None
        out.append({"letter_id": m["letter_id"], "title": row.get("title"), "year": int(date[:4]) if date[:4].isdigit() else None,
                    "date": row.get("date"), "agency": row.get("agency"), "category": category,
                    "category_label": CATEGORY_LABELS.get(category or ""), "near_copy": m["near_copy"]})
    return sorted(out, key=lambda h: (h["year"] is None, h["date"] or "", h["letter_id"]))


def score_drafts(searcher, drafts: list[dict], candidates: int = CANDIDATES):
    """Per draft, its ``candidates`` nearest letters (plus MinHash near-copy candidates) scored:
    ``[(letter position, score, near_copy, draft passage vectors (centred), draft passage texts)]``."""
    space = letter_space(searcher)
    copies = copy_index(space)
    out = []
    for draft, (vectors, texts) in zip(drafts, embed_drafts(searcher, drafts)):
        scored = []
        if len(vectors) and space.ids:
            vectors = space.centre(vectors)
            draft_vector = space.mean_vector(vectors)
            hashes = shingle_hashes(draft["text"])
            cosines, found = space.neighbours(candidates, draft_vector)
            pool = {int(p): float(c) for c, p in zip(cosines[0], found[0]) if p >= 0}
            for p in copies.candidates(hashes):
                pool.setdefault(p, float(space.vectors[p] @ draft_vector[0]))
            for position, cosine in pool.items():
                if len(space.chunk_rows[position]):
                    score = float(pair_score(cosine, coverage(vectors, space.passage_vectors(position))[0]))
                    scored.append((position, score, copies.near_copy(position, hashes), vectors, texts))
        out.append(scored)
    return out


# ---------------------------------------------------------------- all pairs

def all_pairs(searcher, threshold: float | None = None, k: int = 10) -> dict:
    """Every pair of indexed letters at or above ``threshold`` (default: the 高度相似 floor), or flagged as
    near copies: ``{"pairs": [{"a", "b", "score", "tier", "near_copy", "ask_score", "same_ask", ...}],
    "clusters": [[id, ...]], "cluster_details": [{"letters", "name", "years", "agencies", ...}]}``, pairs by
    score; clusters (letters on one ask) by size."""
    space = letter_space(searcher)
    report = pairs_in_space(space, threshold, k, profiles=_profiles(searcher, space))
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

    words = [[w for w in jieba.cut(_GENRE.sub(" ", normalize_for_index(t))) if len(w.strip()) >= 2] for t in titles]
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
