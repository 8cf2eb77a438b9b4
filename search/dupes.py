"""Duplicate-proposal finder: a draft against the indexed letters, scored and tiered as ``dupes --all`` pairs are.

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
``dupes --all`` (every pair of indexed letters, and their clusters) is ``search/dupes_all.py``.
"""
from __future__ import annotations

import re
import weakref

import numpy as np

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

GENRE_WORDS = re.compile(r"关于|对于|建议|提案|议案|答复|复函|回复|的函|意见|办理|情况|进一步|加快|加大|加强|推进|推动|尽快|"
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
    from ..corpus.places import LEVEL, place_names
    from ..corpus.normalize import normalize_for_index

    ask = normalize_for_index(ask_text(title, body))
    grams = set()
    for part in re.split(r"[\W_]+", GENRE_WORDS.sub(" ", ask)):
        grams |= {part[i:i + 2] for i in range(len(part) - 1)}
    roads = {a or b for a, b in _ROAD.findall(ask)} or \
        {a or b for a, b in _ROAD.findall(normalize_for_index(body[:300]))}
    places = {a + b for a, b in _PLACE.findall(ask)} - _NOT_PLACE
    named = [p for p in place_names(GENRE_WORDS.sub(" ", ask)) if _REGION.match(p)]
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


def ask_profiles(searcher, space: LetterSpace) -> list[dict]:
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
    profiles = ask_profiles(searcher, space)
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
