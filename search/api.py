"""The search API the CLI and the web app share: open the current index, search it, read its letters."""
from __future__ import annotations

import numpy as np

from ..index.backend import (FILTERS, PROMISE_FIELDS, Filter, IndexBackend, IndexMissing, ModelMismatch,
                             OldIndexFormat, open_index)
from .retrieve import MODES, Fusion, HybridRetriever

CITATION_FIELDS = ("title", "doc_number", "agency", "date")
LETTER_LIST_FIELDS = ("id", "title", "doc_number", "category", "session", "proposal_number", "addressee",
                      "agency", "date", "region", "source", "chunks", "other_sources")

__all__ = ["Searcher", "IndexMissing", "ModelMismatch", "OldIndexFormat", "MODES", "FILTERS"]


def other_sources(letter: dict) -> list[str]:
    """The files that hold the same letter as its ``source`` (copies recognised at index time), as paths."""
    return [c["source"] for c in letter.get("other_sources") or []]


class Searcher:
    """Ranked, cited passages from one index generation (an ``IndexBackend``); safe to share between threads."""

    def __init__(self, index: IndexBackend, fusion: Fusion = Fusion()):
        self.index = index
        self.manifest = index.manifest
        self.by_id = index.by_id  # letters by id, read on demand
        self._encoder = index.encoder()
        self._retriever = HybridRetriever(index, self._encoder, fusion)

    @classmethod
    def open(cls, index_dir=None, build_if_missing: bool = False, progress: bool = False) -> "Searcher":
        """The current index in ``index_dir``; ``build_if_missing``: the index layer builds it from the
        bundled corpus first when there is none (``index.backend.open_index``)."""
        return cls(open_index(index_dir, build_if_missing=build_if_missing, progress=progress))

    @property
    def rows_of_letter(self) -> dict[str, list[int]]:
        return self.index.rows_by_letter()

    @property
    def known_places(self) -> frozenset[str]:
        """The names of the places the indexed letters come from (``search.names.archive_places``)."""
        return self._retriever.known_places

    @property
    def known_members(self) -> frozenset[str]:
        """The names of the members the indexed letters answer (``search.members.archive_members``)."""
        return self._retriever.known_members

    def is_stale(self) -> bool:
        """A newer generation of this index has been switched to since it was opened."""
        return self.index.is_stale()

    def reopen(self) -> "Searcher":
        """A searcher over the newest generation of the same index directory."""
        return Searcher(self.index.reopen(), self._retriever.fusion)

    def search(self, query: str, top_k: int = 10, mode: str = "hybrid", filters: dict | None = None) -> list[dict]:
        """Passages for ``query`` as result objects of the CLI JSON contract (plus offsets and chunk number).
        ``filters``: ``{"agency", "year", "category", "region", "letter_ids"}`` (see ``Filter``)."""
        hits = self._retriever.retrieve(query, top_k=top_k, mode=mode, where=Filter.from_dict(filters))
        return [self.result(row, rank, score) for rank, (row, score) in enumerate(hits, 1)]

    def similar_letters(self, letter_id: str, k: int = 5) -> list[dict]:
        """The letters most similar to ``letter_id`` ("相似来信"): ``[{"letter_id", "score", "title", "agency",
        "date"}]``, best first; letter vectors are computed on the first call and cached (search/similarity.py)."""
        from .similarity import similar_letters

        return similar_letters(self, letter_id, k)

    def reply_span(self, letter_id: str) -> tuple[int, int]:
        """Where the reply itself begins and ends in a letter's body: around it, the header, opening and closing
        identify the letter (title, addressee, the restated proposal, signature) and answer nothing."""
        return self._retriever.reply_span(letter_id)

    def letter_text(self, letter_id: str) -> str:
        """A letter's normalised text (title, agency, region, date, session and body), cached across questions."""
        return self._retriever.letter_text(letter_id)

    def load_query_model(self) -> None:
        """Load the question model of a long-running process now (``dafu serve`` does, before its first
        visitor): ONNX Runtime where the bundled e5's graph is exported, else what one-shot commands use."""
        self._encoder.load_for_serving()
        self.search("预热", top_k=1)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Query vectors of the index's own model (for answer sentences and comparisons)."""
        return self._encoder.encode_queries(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Passage vectors of the index's own model (for drafts compared with indexed letters)."""
        return self._encoder.encode_passages(texts)

    def result(self, row: int, rank: int, score: float) -> dict:
        chunk = self.index.chunk(row)
        letter = self.by_id[chunk.letter_id]
        return {"rank": rank, "score": round(float(score), 6), "letter_id": chunk.letter_id,
                "text": chunk.text, "section": chunk.section,
                "citation": {k: letter.get(k) for k in CITATION_FIELDS},
                "chunk": chunk.ordinal, "start": chunk.start, "end": chunk.end, "other_sources": other_sources(letter)}

    def letter(self, letter_id: str) -> dict | None:
        """A letter's metadata and body, with its chunks (section, offsets)."""
        row = self.index.letter(letter_id)
        if row is None:
            return None
        chunks = [c.to_dict() for c in self.index.chunks(self.index.rows_of_letter(letter_id))]
        return {**row, "chunks": chunks, "other_sources": other_sources(row)}

    def letters(self) -> list[dict]:
        """Metadata of every indexed letter, as ``dafu letters --json`` prints it."""
        return [{**row, "other_sources": other_sources(row)} for row in self.index.letters(LETTER_LIST_FIELDS)]

    @property
    def promises_stored(self) -> bool:
        """Whether the index reads its promises from its store (else it computes them per call)."""
        return self.index.promises_stored

    def promises(self, letter_id: str | None = None, fields=PROMISE_FIELDS) -> list[dict]:
        """The promises (承诺事项) the index holds for one letter, or for every letter in index order."""
        return self.index.promises(letter_id, fields)

    def facets(self) -> dict[str, list[str]]:
        """Values the filters can take, from the letters' metadata."""
        return self.index.facets()
