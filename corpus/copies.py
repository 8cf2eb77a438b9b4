"""Near-verbatim copies of one text: character shingles of the normalised text, how much two shingle sets
share, and a MinHash LSH index that finds the candidates without comparing every pair.

The one shingling rule of the project: ``dafu dupes`` flags near copies with it (``near_copy``) and the index
build recognises the same letter from several files with it (``index/copies.py``). Width, script (traditional
-> simplified) and the pinyin annotations of mirror copies are folded like the index (``normalize_for_index``),
whitespace and punctuation are dropped, so line breaks, page breaks and re-encodings do not count.
"""
from __future__ import annotations

import re

import numpy as np

from .normalize import normalize_for_index

SHINGLE = 5                # characters per shingle of normalised text
MIN_SHINGLES = 40          # texts shorter than this are never called copies
NUM_PERM = 128             # MinHash permutations
LSH_JACCARD = 0.5          # estimated Jaccard from which LSH returns a candidate
# One letter from several files (benchmarks/measure_copies.py: 1,708 copies of the repository's 244 real letters in
# traditional script, GBK, UTF-16, PDF, DOCX and on web pages; the 29,638 pairs of distinct letters among them):
# copies share >= 0.962 of the shorter text's shingles with Jaccard >= 0.927; distinct letters at most 0.807 (a
# short letter inside a longer one) and Jaccard 0.597 (two bureaus' replies to one proposal).
SAME_LETTER_CONTAINMENT = 0.9
SAME_LETTER_JACCARD = 0.8
IDENTITY_FIELDS = ("doc_number", "proposal_number", "date")   # two letters that state different ones differ

_NOT_WORD = re.compile(r"[\W_]+")
_PRIME = np.uint64(0x100000001B3)
_DIGITS = re.compile(r"[0-9]+")


def shingle_hashes(text: str) -> np.ndarray:
    """Sorted unique 32-bit hashes of the ``SHINGLE``-character shingles of the normalised text; vectorised
    polynomial hashing over the code points."""
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


def overlap(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(containment: share of the smaller shingle set found in the other, Jaccard: shared over all); both 0
    when either text is too short to judge."""
    if min(len(a), len(b)) < MIN_SHINGLES:
        return 0.0, 0.0
    shared = len(np.intersect1d(a, b, assume_unique=True))
    return shared / min(len(a), len(b)), shared / (len(a) + len(b) - shared)


def same_letter(a: dict, b: dict, a_hashes: np.ndarray, b_hashes: np.ndarray) -> float | None:
    """The Jaccard of two letters (metadata dicts and shingle hashes of their bodies) when they are one letter
    from two files: nearly all of the shorter text in the longer (``SAME_LETTER_CONTAINMENT``), little text of
    its own on either side (``SAME_LETTER_JACCARD``: a truncated page or a letter quoting another is not the
    same letter), and no 文号, 提案号 or date with other digits (one reply sent to two members); else None."""
    contained, jaccard = overlap(a_hashes, b_hashes)
    if contained < SAME_LETTER_CONTAINMENT or jaccard < SAME_LETTER_JACCARD:
        return None
    for field in IDENTITY_FIELDS:  # compared by their digits: a script conversion may change a character (复/覆)
        x, y = ("".join(_DIGITS.findall(normalize_for_index(d.get(field) or ""))) for d in (a, b))
        if x and y and not (x.startswith(y) or y.startswith(x)):  # a partial date is a prefix of the full one
            return None
    return round(jaccard, 4)


def containment(a: np.ndarray, b: np.ndarray) -> float:
    """Share of the smaller shingle set found in the other (0 when either is too short to judge)."""
    return overlap(a, b)[0]


class ShingleIndex:
    """Shingle sets under keys, with MinHash signatures in an LSH index: ``candidates`` returns the keys whose
    estimated Jaccard with a set passes ``LSH_JACCARD`` (then compare exactly with ``overlap``)."""

    def __init__(self):
        from datasketch import MinHash, MinHashLSH

        self._perms = MinHash(num_perm=NUM_PERM, seed=1, scheme="affine32").permutations   # shared by every signature
        self.hashes: dict = {}
        self.signatures: dict = {}
        self._lsh = MinHashLSH(threshold=LSH_JACCARD, num_perm=NUM_PERM)

    def minhash(self, hashes: np.ndarray):
        """datasketch's MinHash (affine32 scheme) of a set of shingle hashes; None for a set too small to judge."""
        from datasketch import LeanMinHash, MinHash

        if len(hashes) < MIN_SHINGLES:
            return None
        signature = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=int, permutations=self._perms, scheme="affine32")
        signature.update_batch(hashes)
        return LeanMinHash(signature)

    def add_many(self, items) -> None:
        """Add ``(key, shingle hashes)`` pairs (keys not added before)."""
        items = list(items)
        with self._lsh.insertion_session() as session:
            for key, hashes in items:
                self.hashes[key] = hashes
                signature = self.minhash(hashes)
                if signature is not None:
                    self.signatures[key] = signature
                    session.insert(key, signature, check_duplication=False)

    def remove(self, key) -> None:
        self.hashes.pop(key, None)
        if self.signatures.pop(key, None) is not None:
            self._lsh.remove(key)

    def candidates(self, hashes: np.ndarray | None = None, key=None) -> list:
        """Keys whose estimated shingle Jaccard with ``hashes`` (or with the set under ``key``) passes the LSH
        threshold (``key`` itself included)."""
        signature = self.signatures.get(key) if key is not None else self.minhash(hashes)
        return [] if signature is None else list(self._lsh.query(signature))
