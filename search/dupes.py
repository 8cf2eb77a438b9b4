"""Duplicate-proposal finder: a draft (or every indexed letter) against the indexed letters.

Semantic score of a pair = mean of (cosine of the two letter vectors, passage coverage: how well each
passage of the draft — or, for two letters, of each side — is matched by its best passage on the other
side). Tiers come from thresholds calibrated by ``benchmarks/calibrate_dupes.py`` on the seed and dev
letters and on paraphrased drafts. Near-verbatim copies are found separately from character shingles of
the normalised text (MinHash/LSH to find candidates, exact shingle containment to confirm) and flagged
``near_copy`` ("文本近似复制") whatever the semantic score.
"""
from __future__ import annotations

import re
import weakref

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ..corpus.models import Letter
from .similarity import LetterSpace, align_passages, coverage, letter_card, letter_space

# Calibrated on seeds + dev_letters + paraphrased drafts (benchmarks/calibrate_dupes.py).
TIERS = (("疑似重复", 0.61), ("高度相似", 0.49), ("相关", 0.36))
DEFAULT_PAIR_THRESHOLD = 0.49   # ``dupes --all``: pairs (and cluster edges) at or above 高度相似
NEAR_COPY_LABEL = "文本近似复制"
SHINGLE = 5                     # characters per shingle of normalised text
NEAR_COPY_CONTAINMENT = 0.7     # share of the shorter text's shingles found in the other
MIN_SHINGLES = 40               # texts shorter than this are never called copies
NUM_PERM = 128
LSH_JACCARD = 0.5
PASSAGES = 3                    # aligned passage pairs per match
CANDIDATES = 20                 # letters re-scored per draft


def tier_of(score: float) -> str | None:
    """The tier a semantic score falls in, or None below 相关."""
    for name, floor in TIERS:
        if score >= floor:
            return name
    return None


def pair_score(letter_cosine: float, cover_a: float, cover_b: float | None = None) -> float:
    """The semantic score of a pair: letter-vector cosine and passage coverage, equally weighted.
    For a draft only the draft's coverage counts (a reply is much longer than the proposal it answers)."""
    cover = cover_a if cover_b is None else (cover_a + cover_b) / 2
    return 0.5 * letter_cosine + 0.5 * cover


# ---------------------------------------------------------------- near-verbatim copies

_NOT_WORD = re.compile(r"[\W_]+")
_PRIME = np.uint64(0x100000001B3)


def shingle_hashes(text: str) -> np.ndarray:
    """Sorted unique 32-bit hashes of the ``SHINGLE``-character shingles of the normalised text (width,
    script and pinyin annotations folded like the index; whitespace and punctuation dropped); vectorised
    polynomial hashing over the code points."""
    from ..corpus.normalize import normalize_for_index

    flat = _NOT_WORD.sub("", normalize_for_index(text)).lower()
    if len(flat) < SHINGLE:
        return np.zeros(0, np.uint32)
    points = np.frombuffer(flat.encode("utf-32-le"), np.uint32).astype(np.uint64)
    count = len(points) - SHINGLE + 1
    h = np.zeros(count, np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(SHINGLE):
            h = h * _PRIME + points[offset:offset + count] + np.uint64(1)
        h ^= h >> np.uint64(29)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(32)
    return np.unique((h & np.uint64(0xFFFFFFFF)).astype(np.uint32))


def containment(a: np.ndarray, b: np.ndarray) -> float:
    """Share of the smaller shingle set found in the other (0 when either is too short to judge)."""
    if min(len(a), len(b)) < MIN_SHINGLES:
        return 0.0
    return len(np.intersect1d(a, b, assume_unique=True)) / min(len(a), len(b))


class CopyIndex:
    """Shingle hashes and MinHash signatures of every letter of a space, with an LSH index over them."""

    def __init__(self, space: LetterSpace):
        from datasketch import MinHash, MinHashLSH

        self._perms = MinHash(num_perm=NUM_PERM, seed=1, scheme="affine32").permutations   # shared by every signature
        self.hashes = [shingle_hashes(space.text(i)) for i in range(len(space.ids))]
        self.signatures = {i: self.minhash(h) for i, h in enumerate(self.hashes) if len(h) >= MIN_SHINGLES}
        self.lsh = MinHashLSH(threshold=LSH_JACCARD, num_perm=NUM_PERM)
        with self.lsh.insertion_session() as session:
            for i, signature in self.signatures.items():
                session.insert(i, signature, check_duplication=False)

    def minhash(self, hashes: np.ndarray):
        """datasketch's MinHash (affine32 scheme) of a set of shingle hashes."""
        from datasketch import LeanMinHash, MinHash

        signature = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=int, permutations=self._perms, scheme="affine32")
        signature.update_batch(hashes)
        return LeanMinHash(signature)

    def candidates(self, hashes: np.ndarray, position: int | None = None) -> list[int]:
        """Positions of letters whose estimated shingle Jaccard with ``hashes`` (or with the letter at
        ``position``) passes the LSH threshold."""
        if position is not None:
            signature = self.signatures.get(position)
        else:
            signature = self.minhash(hashes) if len(hashes) >= MIN_SHINGLES else None
        return [] if signature is None else list(self.lsh.query(signature))

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
    from ..index.build import index_text

    pieces, texts = [], []
    for draft in drafts:
        letter = draft_letter(draft)
        chunks = [c for c in chunk_sections(letter) if c.text.strip()] if letter else []
        pieces.append(chunks)
        texts += [index_text({"title": letter.title}, c) for c in chunks]
    vectors = searcher.embed_passages(texts) if texts else np.zeros((0, searcher.data.vectors.shape[1]), np.float32)
    out, start = [], 0
    for chunks in pieces:
        out.append((vectors[start:start + len(chunks)], [c.text for c in chunks]))
        start += len(chunks)
    return out


def find_duplicates(searcher, drafts: list[dict], k: int = 5) -> list[dict]:
    """For each draft ``{"name", "title", "text"}``: ``{"draft", "title", "matches": [{"letter_id", "score",
    "tier", "near_copy", "passages": [{"draft_text", "letter_text", "score"}], "title", "agency", "date"}]}``,
    best match first; only matches of some tier (or near copies) are listed, at most ``k``."""
    space = letter_space(searcher)
    results = []
    for draft, scored in zip(drafts, score_drafts(searcher, drafts, max(CANDIDATES, k))):
        matches = []
        for position, score, near, vectors, texts in scored:
            tier = tier_of(score) or ("相关" if near else None)
            if tier is None:
                continue
            card = letter_card(searcher, space.ids[position], score)
            aligned = align_passages(vectors, texts, space.passage_vectors(position),
                                     space.passage_texts(position), top=PASSAGES)
            matches.append({"letter_id": card["letter_id"], "score": card["score"], "tier": tier, "near_copy": near,
                            "passages": [{"draft_text": p["a_text"], "letter_text": p["b_text"], "score": p["score"]}
                                         for p in aligned],
                            "title": card["title"], "agency": card["agency"], "date": card["date"]})
        matches.sort(key=lambda m: (-m["score"], m["letter_id"]))
        results.append({"draft": str(draft["name"]), "title": draft.get("title"), "matches": matches[:k]})
    return results


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
    near copies: ``{"pairs": [{"a", "b", "score", "tier", "near_copy", ...}], "clusters": [[id, ...]]}``,
    pairs by score, clusters (connected components of the pairs) by size."""
    report = pairs_in_space(letter_space(searcher), threshold, k)
    for pair in report["pairs"]:
        pair["a_title"] = searcher.by_id.get(pair["a"], {}).get("title")
        pair["b_title"] = searcher.by_id.get(pair["b"], {}).get("title")
    return report


def pairs_in_space(space: LetterSpace, threshold: float | None = None, k: int = 10,
                   near_copies: bool = True) -> dict:
    """``all_pairs`` over a ``LetterSpace``: FAISS k-NN on letter vectors gives the candidate pairs (no
    loop over all pairs), MinHash LSH adds near-copy candidates; each candidate is then scored exactly."""
    threshold = DEFAULT_PAIR_THRESHOLD if threshold is None else float(threshold)
    n = len(space.ids)
    if n < 2:
        return {"pairs": [], "clusters": []}
    has_text = np.fromiter((len(r) > 0 for r in space.chunk_rows), bool, n)
    cosines, found = space.neighbours(k + 1)
    left = np.repeat(np.arange(n), found.shape[1])
    right, cos = found.ravel(), cosines.ravel()
    # the pair score averages the cosine with a coverage of at most 1: a cosine below 2t-1 cannot reach t
    keep = (right >= 0) & (right != left) & (cos >= 2 * threshold - 1)
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
    pairs = []
    for i, j, score in zip(a.tolist(), b.tolist(), scores.tolist()):
        near = bool(copies is not None and (score >= TIERS[-1][1] or (i, j) in lsh)
                    and copies.near_copy(i, copies.hashes[j]))
        if score >= threshold or near:
            pairs.append({"a": space.ids[i], "b": space.ids[j], "score": round(score, 4),
                          "tier": tier_of(score) or "相关", "near_copy": near})
    pairs.sort(key=lambda p: (-p["score"], p["a"], p["b"]))
    return {"pairs": pairs, "clusters": clusters_of(space, pairs)}


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


def clusters_of(space: LetterSpace, pairs: list[dict]) -> list[list[str]]:
    """Connected components (two or more letters) of the pair graph, largest first."""
    if not pairs:
        return []
    rows = np.array([space.position[p["a"]] for p in pairs])
    cols = np.array([space.position[p["b"]] for p in pairs])
    n = len(space.ids)
    graph = coo_matrix((np.ones(len(pairs)), (rows, cols)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    members: dict[int, list[str]] = {}
    for position in sorted(set(rows) | set(cols)):
        members.setdefault(int(labels[position]), []).append(space.ids[position])
    return sorted((sorted(m) for m in members.values() if len(m) > 1), key=lambda m: (-len(m), m[0]))


def letter_pair_score(searcher, a: str, b: str) -> float:
    """The semantic score of two indexed letters (as ``dupes --all`` scores them)."""
    space = letter_space(searcher)
    i, j = sorted((space.position[a], space.position[b]))
    return float(_pair_scores(space, np.array([i]), np.array([j]))[0])
