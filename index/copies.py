"""One letter, many files: while an index is built, a file that holds a letter already indexed (or read earlier in
the same build) — the same text re-encoded, in traditional script, as PDF and DOCX, on a web page — is not
indexed again but listed with that letter as one of its ``other_sources`` (``corpus/copies.same_letter``
decides). The lists are stored with the letters and carried from generation to generation."""
from __future__ import annotations

from ..corpus.copies import IDENTITY_FIELDS, ShingleIndex, same_letter, shingle_hashes
from ..corpus.models import Letter
from ..corpus.normalize import normalize_for_index
from .keyword import query_tokens

# The previous index's letters a file may copy are found by a keyword search with the file's opening (a copy
# shares nearly every word, so its letter's passages lead), not by reading every stored body: an update of a
# few files to a 20,000-letter index read and shingled all of them (35 s). A few dozen words: a long query is
# slow on Milvus, whose analyzer reads it whole.
PROBE_CHARS, PROBE_WORDS, PROBE_PASSAGES = 600, 32, 50


class CopyBook:
    """The other sources of the letters of the index being built: which file copies which letter."""

    def __init__(self, previous, kept: dict[str, dict]):
        """``kept``: the build's kept letters by id (read live: a letter the build drops is no longer copied)."""
        self._previous = previous
        self._kept = kept
        self.sources = {lid: list(row.get("other_sources") or []) for lid, row in kept.items()}
        self.listed = {c["source"]: lid for lid, copies in self.sources.items() for c in copies}
        self.changed: set[str] = set()     # letters whose list changed in this build
        self.renewed: set[str] = set()     # letters re-read in this build: their copies are judged again
        self._letters: dict[str, dict] = {}  # this build's letters and the previous ones probed so far
        self._shingles = ShingleIndex()       # their shingles

    # --- the lists ----------------------------------------------------------------------------------------
    def unchanged_copy(self, source: str, content_hash: str) -> tuple[str, float] | None:
        """(letter id, similarity) of the letter a file is listed with, when the file and its letter are as they
        were."""
        letter_id = self.listed.get(source)
        if letter_id is None or letter_id in self.renewed:
            return None
        entry = next(c for c in self.sources[letter_id] if c["source"] == source)
        return (letter_id, entry["similarity"]) if entry["content_hash"] == content_hash else None

    def attach(self, letter: Letter, letter_id: str, similarity: float) -> None:
        self.detach(letter.source)
        self.sources.setdefault(letter_id, []).append(
            {"source": letter.source, "content_hash": letter.content_hash, "similarity": similarity})
        self.listed[letter.source] = letter_id
        self.changed.add(letter_id)

    def detach(self, source: str) -> None:
        letter_id = self.listed.pop(source, None)
        if letter_id is not None:
            self.sources[letter_id] = [c for c in self.sources[letter_id] if c["source"] != source]
            self.changed.add(letter_id)

    def drop(self, letter_id: str) -> list[str]:
        """Forget a letter that leaves the index; the files listed as its copies (to be read again: one of them
        becomes the letter)."""
        orphans = [c["source"] for c in self.sources.pop(letter_id, [])]
        for source in orphans:
            self.listed.pop(source, None)
        self.forget(letter_id)
        return orphans

    def updates(self, kept_ids) -> dict[str, list[dict]]:
        """The new lists of the kept letters whose list changed."""
        return {lid: self.sources.get(lid, []) for lid in kept_ids if lid in self.changed}

    # --- finding the letter a file copies -------------------------------------------------------------------
    def match(self, letter: Letter) -> tuple[str, float] | None:
        """(letter id, Jaccard) of the letter ``letter`` is a copy of, if any."""
        shingles = self._shingles
        self._probe(letter)
        hashes = shingle_hashes(letter.body)
        mine = letter.to_dict()
        best = None
        for letter_id in shingles.candidates(hashes):
            similarity = same_letter(self._letters[letter_id], mine, shingles.hashes[letter_id], hashes)
            if similarity is not None and (best is None or similarity > best[1]):
                best = (letter_id, similarity)
        return best

    def add(self, letter: Letter) -> None:
        """A letter indexed in this build: later files may copy it."""
        self.renewed.add(letter.id)
        self._letters[letter.id] = {k: getattr(letter, k) for k in IDENTITY_FIELDS}
        self._shingles.remove(letter.id)
        self._shingles.add_many([(letter.id, shingle_hashes(letter.body))])

    def forget(self, letter_id: str) -> None:
        self._letters.pop(letter_id, None)
        self._shingles.remove(letter_id)

    def _probe(self, letter: Letter) -> None:
        """Add the shingles of the kept previous letters that a keyword search with ``letter``'s opening finds."""
        if self._previous is None:
            return
        words = dict.fromkeys(t for t in query_tokens(normalize_for_index(letter.body[:PROBE_CHARS])) if len(t) > 1)
        tokens = list(words)[:PROBE_WORDS]
        found = {self._previous.chunk(row).letter_id for row, _ in self._previous.keyword_search(
            tokens, PROBE_PASSAGES).top} if tokens else set()
        fresh = [lid for lid in found if lid in self._kept and lid not in self._letters]
        rows = [row for row in (self._previous.letter(lid) for lid in fresh) if row]
        self._letters.update({r["id"]: {k: r.get(k) for k in IDENTITY_FIELDS} for r in rows})
        self._shingles.add_many([(r["id"], shingle_hashes(r.get("body") or "")) for r in rows])
