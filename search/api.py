"""The search API the CLI and the web app share: open the current index, search it, read its letters."""
from __future__ import annotations

import numpy as np

from ..corpus import settings
from ..index import paths as index_paths
from ..index.build import ModelMismatch, build_index
from ..index.encoder import load_encoder, same_model
from ..index.store import IndexData, IndexMissing, current_generation, load_generation
from .retrieve import MODES, Fusion, HybridRetriever

CITATION_FIELDS = ("title", "doc_number", "agency", "date")
FILTERS = ("agency", "year", "category", "region")

__all__ = ["Searcher", "IndexMissing", "ModelMismatch", "MODES", "FILTERS"]


class Searcher:
    """Ranked, cited passages from one index generation."""

    def __init__(self, data: IndexData, fusion: Fusion = Fusion()):
        self.data = data
        self.manifest = data.manifest
        self.by_id = {row["id"]: row for row in data.letters}
        self.rows_of_letter = data.rows_of_letter()
        self._encoder = _LazyEncoder(data.manifest["model"])
        self._retriever = HybridRetriever(data, self._encoder, fusion)

    @classmethod
    def open(cls, index_dir=None, build_if_missing: bool = False, progress: bool = False) -> "Searcher":
        """The current index in ``index_dir``; built from the bundled corpus first if asked and missing."""
        directory = index_paths.index_dir(index_dir)
        try:
            return cls(load_generation(directory))
        except IndexMissing:
            if not build_if_missing:
                raise
        build_index(index_dir=directory, progress=progress)
        return cls(load_generation(directory))

    def is_stale(self) -> bool:
        """A newer generation of this index has been switched to since it was opened."""
        if self.data.path is None:
            return False
        latest = current_generation(self.data.path.parent.parent)
        return latest is not None and latest.name != self.data.path.name

    def reopen(self) -> "Searcher":
        """A searcher over the newest generation of the same index directory."""
        return Searcher.open(self.data.path.parent.parent)

    def search(self, query: str, top_k: int = 10, mode: str = "hybrid", filters: dict | None = None) -> list[dict]:
        """Passages for ``query`` as result objects of the CLI JSON contract (plus offsets and chunk number)."""
        allowed = self.filter_mask(filters) if filters else None
        hits = self._retriever.retrieve(query, top_k=top_k, mode=mode, allowed=allowed)
        return [self.result(row, rank, score) for rank, (row, score) in enumerate(hits, 1)]

    def similar_letters(self, letter_id: str, k: int = 5) -> list[dict]:
        """The letters most similar to ``letter_id`` ("相似来信"): ``[{"letter_id", "score", "title", "agency",
        "date"}]``, best first; letter vectors are computed on the first call and cached (search/similarity.py)."""
        from .similarity import similar_letters

        return similar_letters(self, letter_id, k)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Query vectors of the index's own model (for answer sentences and comparisons)."""
        return self._encoder.encode_queries(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Passage vectors of the index's own model (for drafts compared with indexed letters)."""
        return self._encoder.encode_passages(texts)

    def result(self, row: int, rank: int, score: float) -> dict:
        chunk = self.data.chunks[row]
        letter = self.by_id[chunk.letter_id]
        return {"rank": rank, "score": round(float(score), 6), "letter_id": chunk.letter_id,
                "text": chunk.text, "section": chunk.section,
                "citation": {k: letter.get(k) for k in CITATION_FIELDS},
                "chunk": chunk.ordinal, "start": chunk.start, "end": chunk.end}

    def filter_mask(self, filters: dict) -> np.ndarray:
        """Passages whose letter matches every given filter (agency/region substring, year, category)."""
        wanted = {k: str(v).strip() for k, v in filters.items() if k in FILTERS and v not in (None, "")}
        ok_letters = {lid for lid, row in self.by_id.items() if _letter_matches(row, wanted)}
        return np.fromiter((c.letter_id in ok_letters for c in self.data.chunks), bool, len(self.data.chunks))

    def letter(self, letter_id: str) -> dict | None:
        """A letter's metadata and body, with its chunks (section, offsets)."""
        row = self.by_id.get(letter_id)
        if row is None:
            return None
        chunks = [self.data.chunks[i].to_dict() for i in self.rows_of_letter.get(letter_id, [])]
        return {**row, "chunks": chunks}

    def letters(self) -> list[dict]:
        """Metadata of every indexed letter, as ``dafu letters --json`` prints it."""
        fields = ("id", "title", "doc_number", "category", "session", "proposal_number", "addressee",
                  "agency", "date", "region", "source", "chunks")
        return [{k: row.get(k) for k in fields} for row in self.data.letters]

    def facets(self) -> dict[str, list[str]]:
        """Values the filters can take, from the letters' metadata."""
        values = {name: set() for name in FILTERS}
        for row in self.data.letters:
            for name in ("agency", "category", "region"):
                if row.get(name):
                    values[name].add(row[name])
            if row.get("date"):
                values["year"].add(row["date"][:4])
        return {name: sorted(v) for name, v in values.items()}


def _letter_matches(row: dict, wanted: dict[str, str]) -> bool:
    for name, value in wanted.items():
        have = row.get("date") if name == "year" else row.get(name)
        if not have:
            return False
        if name == "year" and not have.startswith(value):
            return False
        if name == "category" and have != value:
            return False
        if name in ("agency", "region") and value not in have:
            return False
    return True


class _LazyEncoder:
    """The index's own query encoder, loaded at the first dense query; refuses another model."""

    def __init__(self, identity: dict):
        self.identity_expected = identity
        requested = settings.model()
        if not same_model(requested, identity):
            raise ModelMismatch(f"索引由模型 {identity['model']} 构建，不能用 {requested} 查询 / "
                                f"index was built with {identity['model']}, not {requested}")
        self._encoder = None

    @property
    def encoder(self):
        if self._encoder is None:
            self._encoder = load_encoder(self.identity_expected["model"])
        return self._encoder

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.encoder.encode_queries(texts)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self.encoder.encode_passages(texts)
