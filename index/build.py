"""Building the index: new and changed letters are parsed, chunked and embedded; the rest is reused."""
from __future__ import annotations

import hashlib
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .. import __version__
from ..corpus.chunk import chunk_sections
from ..corpus.collect import LetterError, Skipped, bundled_corpus_dir, find_letter_files, letter_id_for, read_letter
from ..corpus.models import Chunk, Letter
from ..corpus.normalize import normalize_for_index
from . import paths as index_paths
from .encoder import Encoder, load_encoder
from .keyword import KeywordIndex, tokenize
from .store import IndexData, IndexMissing, build_lock, dense_index, load_generation, write_generation


class ModelMismatch(ValueError):
    """The index was built with another embedding model."""


@dataclass
class BuildReport:
    """What one ``dafu index`` run did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    letters: int = 0
    chunks: int = 0
    embedded: int = 0
    seconds: float = 0.0
    generation: str | None = None

    @property
    def failed(self) -> bool:
        """Nothing could be indexed although files were given."""
        return self.letters == 0 and bool(self.skipped)

    def summary(self) -> str:
        lines = [f"新增 {len(self.added)} 封，更新 {len(self.updated)} 封，删除 {len(self.removed)} 封，"
                 f"未变 {self.unchanged} 封，跳过 {len(self.skipped)} 个文件；"
                 f"共 {self.letters} 封信、{self.chunks} 个段落（本次嵌入 {self.embedded} 段），用时 {self.seconds:.1f} 秒"]
        lines += [f"  跳过 {s.source}: {s.reason}" for s in self.skipped]
        lines.append(f"索引版本 {self.generation}" if self.generation else "索引未变化")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return asdict(self)


def index_text(letter: dict, chunk: Chunk) -> str:
    """What is embedded and keyword-indexed for a chunk: its letter's title, agency, place and section, then
    the passage, all normalised (so a question naming the bureau or district finds the answering paragraph)."""
    header = " ".join(v for v in (letter.get("title"), letter.get("agency"), letter.get("region"),
                                  letter.get("session"), chunk.section) if v)
    return normalize_for_index(f"{header}\n{chunk.text}")


def build_index(paths=(), index_dir=None, model: str | None = None, rebuild: bool = False,
                progress: bool = False, encoder: Encoder | None = None) -> BuildReport:
    """Add the letters under ``paths`` to the index (the bundled corpus when the index is empty and no
    paths are given), re-embedding only new or changed files, then switch to the new generation."""
    started = time.perf_counter()
    directory = index_paths.index_dir(index_dir)
    with build_lock(directory):
        previous = None if rebuild else _load_or_none(directory)
        encoder = encoder or load_encoder(model or _model_of(previous))
        _check_model(previous, encoder)
        if not paths and (previous is None or not previous.letters):
            paths = [bundled_corpus_dir()]
        report = BuildReport()
        kept, fresh = _reconcile(previous, paths, report)
        if previous is not None and not (fresh or report.removed):
            report.letters, report.chunks = len(previous.letters), len(previous.chunks)
            report.seconds = time.perf_counter() - started
            return report
        data = _assemble(previous, kept, fresh, encoder, progress, report)
        report.generation = write_generation(directory, data).name
    report.letters, report.chunks = len(data.letters), len(data.chunks)
    report.seconds = time.perf_counter() - started
    return report


def _load_or_none(directory: Path) -> IndexData | None:
    try:
        return load_generation(directory)
    except IndexMissing:
        return None


def _model_of(previous: IndexData | None) -> str | None:
    return previous.manifest["model"]["model"] if previous else None


def _check_model(previous: IndexData | None, encoder: Encoder) -> None:
    if previous is not None and previous.manifest["model"] != encoder.identity():
        raise ModelMismatch(
            f"索引由模型 {previous.manifest['model']['model']} 构建，不能加入 {encoder.name} 的向量；"
            f"请用 --rebuild 重建 / index was built with another model: use --rebuild")


def _reconcile(previous: IndexData | None, paths, report: BuildReport) -> tuple[dict[str, dict], list[Letter]]:
    """Split the previous letters into kept ones and read the new or changed files named by ``paths``."""
    kept = {row["id"]: row for row in (previous.letters if previous else [])}
    files, report.skipped = find_letter_files(paths)
    named = [Path(p).expanduser().resolve() for p in paths]
    found = {str(f) for f in files}
    for row in list(kept.values()):
        source = Path(row["source"])
        if str(source) not in found and any(source == p or source.is_relative_to(p) for p in named) \
                and not source.exists():
            report.removed.append(kept.pop(row["id"])["id"])
    by_source = {row["source"]: row for row in kept.values()}
    taken = set(kept)
    hashes = {row["content_hash"]: row["id"] for row in kept.values()}
    fresh: list[Letter] = []
    for path in files:
        old = by_source.get(str(path))
        try:
            letter = read_letter(path, old["id"] if old else letter_id_for(path, taken))
        except LetterError as err:
            report.skipped.append(Skipped(str(path), str(err)))
            continue
        if old and old["content_hash"] == letter.content_hash:
            report.unchanged += 1
            continue
        twin = hashes.get(letter.content_hash)
        if twin is not None and (old is None or twin != old["id"]):
            report.skipped.append(Skipped(str(path), f"内容与已索引的 {twin} 重复 / duplicate of {twin}"))
            continue
        if old:
            kept.pop(old["id"])
            report.updated.append(letter.id)
        else:
            report.added.append(letter.id)
        taken.add(letter.id)
        hashes[letter.content_hash] = letter.id
        fresh.append(letter)
    return kept, fresh


def _assemble(previous: IndexData | None, kept: dict[str, dict], fresh: list[Letter], encoder: Encoder,
              progress: bool, report: BuildReport) -> IndexData:
    """Kept letters with their stored chunks and vectors, plus the fresh letters chunked and embedded."""
    letters: list[dict] = []
    chunks: list[Chunk] = []
    vector_parts: list[np.ndarray] = []
    if previous is not None and kept:
        rows = previous.rows_of_letter()
        for row in previous.letters:
            if row["id"] in kept:
                letters.append(row)
                chunks.extend(previous.chunks[i] for i in rows.get(row["id"], []))
                vector_parts.append(previous.vectors[rows.get(row["id"], [])])
    new_chunks: list[Chunk] = []
    new_texts: list[str] = []
    for letter in fresh:
        pieces = chunk_sections(letter)
        row = {**letter.to_dict(), "chunks": len(pieces)}
        letters.append(row)
        new_chunks.extend(pieces)
        new_texts.extend(index_text(row, c) for c in pieces)
    if new_texts:
        vector_parts.append(encoder.encode_passages(new_texts, progress=progress))
    report.embedded = len(new_texts)
    chunks.extend(new_chunks)
    vectors = np.concatenate(vector_parts) if vector_parts else np.zeros((0, encoder.dim), np.float32)
    by_id = {row["id"]: row for row in letters}
    keyword = KeywordIndex.build([tokenize(index_text(by_id[c.letter_id], c)) for c in chunks])
    manifest = {
        "dafu_version": __version__,
        "model": encoder.identity(),
        "dim": int(vectors.shape[1]),
        "letter_count": len(letters),
        "chunk_count": len(chunks),
        "corpus_hash": hashlib.sha256("".join(sorted(r["content_hash"] for r in letters)).encode()).hexdigest(),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    return IndexData(manifest, letters, chunks, np.ascontiguousarray(vectors, np.float32), keyword,
                     dense_index(vectors))
